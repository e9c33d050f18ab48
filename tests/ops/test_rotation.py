"""Key rotation with overlap, proven on real servers restarted from the rotated env file."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.live import PROJECT_ROOT, start_live_server

SCRIPT = PROJECT_ROOT / "scripts" / "rotate_dashboard_api_key.sh"
OLD = "old-key-0123456789abcdefghij"
KEY_RE = re.compile(r"[A-Za-z0-9]{48}")
# What the script needs besides gh (a PATH built from these has no gh even where gh exists).
TOOLS = (
    "bash",
    "env",
    "head",
    "tr",
    "awk",
    "mktemp",
    "chmod",
    "mv",
    "rm",
    "dirname",
    "basename",
    "sha256sum",
    "cut",
    "cat",
    "readlink",
    "stat",
    "chown",
)


def rotate(*args: str, path: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASHBOARD_")}
    if path is not None:
        env["PATH"] = path
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=30)


def read_env(path: Path) -> dict[str, str]:
    """Parse KEY=value lines the way docker compose's env_file and systemd do (no quotes here)."""
    pairs = (
        line.split("=", 1)
        for line in path.read_text().splitlines()
        if line and not line.startswith("#")
    )
    return dict(pairs)


def keys_in(path: Path) -> list[str]:
    return read_env(path)["DASHBOARD_API_KEY"].split(",")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def status(url: str, key: str, bearer: bool = False) -> int:
    header = {"Authorization": f"Bearer {key}"} if bearer else {"X-API-Key": key}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=header), timeout=15) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.fixture
def env_file(tmp_path, tiny_sqlite_url) -> Path:
    path = tmp_path / ".env.dashboard"
    path.write_text(
        f"# service settings\nDASHBOARD_DATABASE_URL={tiny_sqlite_url}\n"
        f"DASHBOARD_API_KEY={OLD}\nDASHBOARD_LOG_LEVEL=INFO\n"
    )
    path.chmod(0o600)
    return path


@pytest.mark.live
def test_rotation_overlap_then_finish_and_restart(env_file):
    started = rotate("--env-file", str(env_file))
    assert started.returncode == 0, started.stderr
    new, old = keys_in(env_file)
    assert old == OLD and KEY_RE.fullmatch(new)
    assert mode(env_file) == 0o600
    assert read_env(env_file)["DASHBOARD_LOG_LEVEL"] == "INFO"  # other lines kept
    assert "# service settings" in env_file.read_text()
    assert sorted(p.name for p in env_file.parent.iterdir()) == [".env.dashboard"]  # no temp left
    printed = started.stdout + started.stderr
    assert new not in printed and OLD not in printed

    server = start_live_server(read_env(env_file), workers=1)
    try:
        for key in (new, OLD):
            assert status(server.url + "/api/summary", key) == 200
            assert status(server.url + "/metrics", key, bearer=True) == 200
        assert status(server.url + "/api/summary", "not-a-valid-key-0123456") == 401

        again = rotate("--env-file", str(env_file))  # unfinished rotation: refused, unchanged
        assert again.returncode == 1
        assert keys_in(env_file) == [new, OLD]

        finished = rotate("--env-file", str(env_file), "--finish")
        assert finished.returncode == 0, finished.stderr
        assert keys_in(env_file) == [new]
        assert mode(env_file) == 0o600
        assert new not in finished.stdout + finished.stderr
    finally:
        server.stop()
    logs = server.output() + "".join(
        p.read_text(errors="replace") for p in server.log_dir.glob("*.log*")
    )

    # The restart: a new server with the environment read from the file again.
    server = start_live_server(read_env(env_file), workers=1)
    try:
        assert status(server.url + "/api/summary", OLD) == 401
        assert status(server.url + "/metrics", OLD, bearer=True) == 401
        assert status(server.url + "/api/summary", new) == 200
        assert status(server.url + "/metrics", new, bearer=True) == 200
    finally:
        server.stop()
    logs += server.output()
    assert "/api/summary" in logs  # the access log was read
    assert new not in logs and OLD not in logs


def test_finish_with_one_key_changes_nothing(env_file):
    before = env_file.read_text()
    done = rotate("--env-file", str(env_file), "--finish")
    assert done.returncode == 0 and "Nada que terminar" in done.stdout
    assert env_file.read_text() == before


def test_new_env_file_is_created_private(tmp_path):
    path = tmp_path / "nuevo.env"
    done = rotate("--env-file", str(path))
    assert done.returncode == 0
    assert mode(path) == 0o600
    (key,) = keys_in(path)
    assert KEY_RE.fullmatch(key) and key not in done.stdout


def test_print_only_prints_a_fresh_strong_key():
    first, second = rotate("--print-only"), rotate("--print-only")
    assert first.returncode == second.returncode == 0
    assert KEY_RE.fullmatch(first.stdout.strip()) and first.stdout != second.stdout
    hexa = rotate("--print-only", "--hex", "--len", "64")
    assert re.fullmatch(r"[0-9a-f]{64}\n", hexa.stdout)


@pytest.mark.parametrize(
    "args",
    [
        ("--len", "31", "--print-only"),
        ("--len", "x", "--print-only"),
        ("--finish",),
        ("--prod", "--print-only"),
        ("-r", "not a repo", "--print-only"),
        (),
    ],
)
def test_usage_errors(args):
    assert rotate(*args).returncode == 2


def tools_path(tmp_path: Path, fake_gh: str | None = None) -> str:
    """A PATH holding only the script's tools, plus a fake gh when given its script."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    for tool in TOOLS:
        (folder / tool).symlink_to(shutil.which(tool))
    if fake_gh is not None:
        (folder / "gh").write_text(fake_gh)
        (folder / "gh").chmod(0o755)
    return str(folder)


def test_without_gh_nothing_changes(tmp_path, env_file):
    before = env_file.read_text()
    done = rotate(
        "-r", "miorg/minimarket-dash", "--env-file", str(env_file), path=tools_path(tmp_path)
    )
    assert done.returncode == 6
    assert "gh" in done.stderr and "no se cambió nada" in done.stderr
    assert env_file.read_text() == before
    assert done.stdout == ""


FAKE_GH = """#!/usr/bin/env bash
echo "$@" > "{log}/args"
cat > "{log}/value"
exit {code}
"""


@pytest.mark.parametrize(
    ("flags", "secret"),
    [((), "STAGING_DASHBOARD_API_KEY"), (("--prod",), "PROD_DASHBOARD_API_KEY")],
)
def test_gh_secret_gets_the_same_new_key_on_stdin(tmp_path, env_file, flags, secret):
    gh = FAKE_GH.format(log=tmp_path, code=0)
    done = rotate(
        "-r",
        "miorg/minimarket-dash",
        *flags,
        "--env-file",
        str(env_file),
        path=tools_path(tmp_path, gh),
    )
    assert done.returncode == 0, done.stderr
    new = keys_in(env_file)[0]
    assert (tmp_path / "args").read_text().split() == [
        "secret",
        "set",
        secret,
        "--repo",
        "miorg/minimarket-dash",
    ]
    assert (tmp_path / "value").read_text() == new  # on stdin, never on the command line
    assert new not in done.stdout + done.stderr


def test_gh_failure_leaves_the_env_file_alone(tmp_path, env_file):
    before = env_file.read_text()
    done = rotate(
        "-r",
        "miorg/minimarket-dash",
        "--env-file",
        str(env_file),
        path=tools_path(tmp_path, FAKE_GH.format(log=tmp_path, code=1)),
    )
    assert done.returncode == 6
    assert env_file.read_text() == before


def test_a_symlinked_env_file_keeps_its_link_owner_and_mode(tmp_path, env_file):
    real = tmp_path / "etc" / "dashboard.env"
    real.parent.mkdir()
    env_file.rename(real)
    os.chown(real, 65534, 65534)  # e.g. root-owned in production: someone else than the runner
    real.chmod(0o640)
    link = tmp_path / "dashboard.env"
    link.symlink_to(real)
    done = rotate("--env-file", str(link))
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and link.resolve() == real
    assert keys_in(real)[1] == OLD and len(keys_in(real)) == 2
    info = real.stat()
    assert (info.st_uid, info.st_gid, mode(real)) == (65534, 65534, 0o640)
    assert "permisos 640" in done.stdout
    assert sorted(p.name for p in real.parent.iterdir()) == ["dashboard.env"]


def test_others_lose_their_permission_on_a_world_readable_file(env_file):
    env_file.chmod(0o644)
    assert rotate("--env-file", str(env_file)).returncode == 0
    assert mode(env_file) == 0o640


def test_the_temp_file_is_removed_when_the_rewrite_fails(tmp_path, env_file):
    """A failing `mv` (full disk, read-only mount): the trap still removes the key copy."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        if tool != "mv" and shutil.which(tool):
            (bin_dir / tool).symlink_to(shutil.which(tool))
    (bin_dir / "mv").write_text("#!/bin/sh\necho 'mv: no space left on device' >&2\nexit 1\n")
    (bin_dir / "mv").chmod(0o755)
    before = env_file.read_text()
    done = rotate("--env-file", str(env_file), path=str(bin_dir))
    assert done.returncode != 0
    assert env_file.read_text() == before
    assert sorted(p.name for p in env_file.parent.iterdir()) == [".env.dashboard", "bin"]


def test_fingerprints_match_the_access_log_key_id(env_file):
    from minimarket_dash.logs import fingerprint

    done = rotate("--env-file", str(env_file))
    new, old = keys_in(env_file)
    assert f"huella {fingerprint(new)}" in done.stdout
    assert f"huella {fingerprint(old)}" in done.stdout
