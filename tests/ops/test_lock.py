"""The locks of exact versions (requirements/*.lock) agree with pyproject.toml and with what is
installed, and every third-party import of the code and the tests is a declared dependency."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.live import PROJECT_ROOT
from tests.ops.locks import APP_LOCK, PIN, TEST_LOCK, pins

LOCAL_MODULES = {"minimarket_dash", "tests", "pages", "bench"}


def requirements(*extras: str) -> list[Requirement]:
    """pyproject's dependencies, plus those of the given extras."""
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"])
    for extra in extras:
        lines += project["optional-dependencies"][extra]
    return [Requirement(line) for line in lines]


def declared(*extras: str) -> set[str]:
    """Canonical names of pyproject's dependencies, plus those of the given extras."""
    return {canonicalize_name(requirement.name) for requirement in requirements(*extras)}


def test_each_lock_pins_every_dependency_of_pyproject_in_its_range():
    assert declared() <= set(pins(APP_LOCK))
    assert declared("test") <= set(pins(TEST_LOCK))
    locked = pins(TEST_LOCK)
    outside = [
        str(requirement)
        for requirement in requirements("test")
        if locked[canonicalize_name(requirement.name)] not in requirement.specifier
    ]
    assert not outside, f"pyproject.toml changed: run bash scripts/lock.sh ({outside})"


def test_the_app_lock_has_the_test_locks_versions():
    app, test = pins(APP_LOCK), pins(TEST_LOCK)
    assert set(app) < set(test)
    assert {name: app[name] for name in app} == {name: test[name] for name in app}


@pytest.mark.parametrize("lock", [APP_LOCK, TEST_LOCK], ids=lambda path: path.name)
def test_every_pin_carries_hashes_and_no_machine_index(lock):
    text = lock.read_text()
    starts = [match.start() for match in PIN.finditer(text)] + [len(text)]
    for start, end in zip(starts, starts[1:], strict=False):
        assert "--hash=sha256:" in text[start:end], text[start:end].splitlines()[0]
    assert not re.search(r"^--(extra-)?index-url|^--find-links", text, re.MULTILINE)


def test_the_installed_versions_are_the_locked_ones():
    """setup.sh installs requirements/test.lock: this interpreter (.venv) has exactly those."""
    wrong = {
        name: (pinned, version(name))
        for name, pinned in pins(TEST_LOCK).items()
        if version(name) != pinned
    }
    assert not wrong, wrong


def third_party_imports(*folders: str) -> dict[str, Path]:
    """Top-level modules imported anywhere under the folders that are neither stdlib nor ours."""
    found: dict[str, Path] = {}
    for folder in folders:
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in LOCAL_MODULES:
                        found.setdefault(top, path.relative_to(PROJECT_ROOT))
    return found


def undeclared(modules: dict[str, Path], names: set[str]) -> dict[str, Path]:
    """The modules that no declared distribution provides."""
    providers = packages_distributions()
    return {
        module: path
        for module, path in modules.items()
        if not {canonicalize_name(d) for d in providers.get(module, [])} & names
    }


def test_the_package_imports_only_declared_dependencies():
    modules = third_party_imports("minimarket_dash", "pages")
    assert {"dash", "pandas", "numpy", "sqlalchemy"} <= set(modules)  # the scan sees imports
    assert not undeclared(modules, declared())


def test_the_tests_import_only_declared_dependencies():
    modules = third_party_imports("tests")
    assert {"pytest", "jsonschema_rs", "requests", "yaml"} <= set(modules)
    assert not undeclared(modules, declared("test"))


FAKE_PIP_COMPILE = """#!/bin/sh
# Stands in for pip-compile: writes its --output-file, and fails on call number $FAIL_ON.
calls=$(cat "$CALLS" 2>/dev/null || echo 0); calls=$((calls + 1)); echo $calls > "$CALLS"
[ "$calls" = "${FAIL_ON:-0}" ] && { echo "pip-compile: interrumpido" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case "$1" in
    --output-file) out=$2; shift ;;
    --constraint) constraint=$2; shift ;;
  esac
  shift
done
printf 'nuevo %s\n    #   -c %s\n' "$calls" "${constraint:-}" > "$out"
"""


def _lock_copy(tmp_path: Path) -> Path:
    """A checkout with scripts/lock.sh, the committed locks and a stand-in pip-compile."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(PROJECT_ROOT / "scripts" / "lock.sh", tmp_path / "scripts" / "lock.sh")
    (tmp_path / "requirements").mkdir()
    for name in ("app.lock", "test.lock"):
        (tmp_path / "requirements" / name).write_text(f"viejo {name}\n")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    fake = tmp_path / ".venv" / "bin" / "pip-compile"
    fake.parent.mkdir(parents=True)
    fake.write_text(FAKE_PIP_COMPILE)
    fake.chmod(0o755)
    return tmp_path


def _run_lock(folder: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(folder / "scripts" / "lock.sh")],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "CALLS": str(folder / "calls"), **env},
    )


def test_an_interrupted_lock_run_leaves_both_locks_as_they_were(tmp_path):
    folder = _lock_copy(tmp_path)
    done = _run_lock(folder, FAIL_ON="2")  # the test lock is written, the app lock fails
    assert done.returncode != 0
    locks = folder / "requirements"
    assert sorted(p.name for p in locks.iterdir()) == ["app.lock", "test.lock"]  # no leftovers
    assert (locks / "test.lock").read_text() == "viejo test.lock\n"
    assert (locks / "app.lock").read_text() == "viejo app.lock\n"


def test_a_finished_lock_run_replaces_both_locks(tmp_path):
    folder = _lock_copy(tmp_path)
    done = _run_lock(folder)
    assert done.returncode == 0, done.stderr
    locks = folder / "requirements"
    assert sorted(p.name for p in locks.iterdir()) == ["app.lock", "test.lock"]
    assert (locks / "test.lock").read_text().startswith("nuevo 1")
    # The app lock names the test lock by the path it has once moved in.
    assert (locks / "app.lock").read_text() == "nuevo 2\n    #   -c requirements/test.lock\n"
