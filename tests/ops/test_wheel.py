"""The built wheel installs anywhere: a clean venv outside the checkout serves every page.

pip builds the wheel from the repository, installs the locked dependencies
(requirements/app.lock) and then the wheel in a new venv in a temporary folder, and
`minimarket-dash serve --demo` runs there in an empty folder, as a user who never saw the
checkout would; every page the wheel registers is rendered by Dash's page router.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
import zipfile

import pytest
import requests
from packaging.utils import canonicalize_name

from tests.csrf import COOKIE, HEADER
from tests.live import PROJECT_ROOT, free_port
from tests.ops.locks import APP_LOCK, pins
from tests.signin.helpers import sign_in_live

pytestmark = pytest.mark.live
REGISTERED = re.compile(r'register_page\(\s*__name__,\s*path="([^"]+)",\s*title="([^"]+)"')
ROUTER_OUTPUT = "_pages_content.children"


def _run(*command, **kwargs):
    return subprocess.run(
        command, check=True, capture_output=True, text=True, timeout=900, **kwargs
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """Return the bin/ folder of a fresh venv with the wheel installed, and the wheel."""
    folder = tmp_path_factory.mktemp("wheel")
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "-q",
        "-w",
        str(folder / "dist"),
        str(PROJECT_ROOT),
    )
    [wheel] = (folder / "dist").glob("minimarket_dash-*.whl")
    _run(sys.executable, "-m", "venv", str(folder / "venv"))
    python = str(folder / "venv" / "bin" / "python")
    _run(python, "-m", "pip", "install", "-q", "--require-hashes", "-r", str(APP_LOCK))
    _run(python, "-m", "pip", "install", "-q", "--no-deps", str(wheel))
    return folder / "venv" / "bin", wheel


def wheel_pages(wheel) -> dict[str, tuple[str, str, bool]]:
    """{path: (module, title, has callbacks)} of every page module the wheel carries (but the
    404 page); a page drawn whole on the server (/productos) registers no callbacks."""
    found = {}
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            module = re.fullmatch(r"minimarket_dash/pages/(\w+)\.py", name)
            source = archive.read(name).decode() if module else ""
            registered = module and REGISTERED.search(source)
            if registered and module.group(1) != "not_found_404":
                found[registered.group(1)] = (
                    module.group(1),
                    registered.group(2),
                    "@callback" in source,
                )
    return found


def test_the_wheel_venv_has_the_locked_versions(installed):
    bin_folder, _wheel = installed
    listed = json.loads(
        _run(
            str(bin_folder / "python"),
            "-m",
            "pip",
            "list",
            "--format=json",
            "--exclude",
            "minimarket-dash",
        ).stdout
    )
    versions = {canonicalize_name(item["name"]): item["version"] for item in listed}
    locked = pins(APP_LOCK)
    assert {name: versions.get(name) for name in locked} == locked


def test_the_wheel_carries_pages_and_assets(installed):
    _bin, wheel = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert "minimarket_dash/pages/not_found_404.py" in names
    assert {"/", "/providers", "/analytics", "/compras", "/facturas", "/productos"} <= set(
        wheel_pages(wheel)
    )
    assert "minimarket_dash/assets/10-dashboard.css" in names
    assert not [name for name in names if name.startswith(("tests/", "bench/"))]


def test_serve_demo_from_the_wheel_in_an_empty_folder(installed, tmp_path):
    bin_folder, wheel = installed
    port = free_port()
    process = subprocess.Popen(
        [
            str(bin_folder / "minimarket-dash"),
            "serve",
            "--demo",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        cwd=tmp_path,
        env={"PATH": f"{bin_folder}:/usr/bin:/bin"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    lines: list[str] = []
    threading.Thread(
        target=lambda: lines.extend(map(bytes.decode, process.stdout)), daemon=True
    ).start()
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, process)
        # Output to a pipe: the password is in the file beside the users file, not printed.
        assert "clave:" not in "".join(lines)
        password = (tmp_path / "data" / "demo-clave.txt").read_text().split("clave:", 1)[1]
        password = password.split()[0]
        browser = requests.Session()
        assert sign_in_live(browser, base, "demo", password).status_code == 303
        _every_page_renders(browser, base, wheel_pages(wheel))
        assert browser.get(f"{base}/assets/10-dashboard.css").status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=40)
    assert not (tmp_path / "pages").exists()  # nothing came from a checkout


def _every_page_renders(browser: requests.Session, base: str, pages: dict) -> None:
    """Each page's URL serves Dash, its callbacks are registered, and Dash's page router
    returns its layout (built from the demo data) under its title, as a browser would ask."""
    layout = browser.get(f"{base}/_dash-layout").json()
    assert "Mini Market" in str(layout)
    dependencies = browser.get(f"{base}/_dash-dependencies").json()
    router = next(d for d in dependencies if ROUTER_OUTPUT in d["output"])
    for path, (module, title, has_callbacks) in pages.items():
        page = browser.get(f"{base}{path}")
        assert page.status_code == 200 and "_dash-renderer" in page.text, path
        if has_callbacks:
            assert f"'{module}-" in str(dependencies), module  # the page's own callbacks
        answer = browser.post(
            f"{base}/_dash-update-component",
            json=_router_request(router, path),
            headers={HEADER: browser.cookies.get(COOKIE, "")},
        )
        assert answer.status_code == 200, (path, answer.text[:300])
        rendered = answer.json()["response"]
        assert rendered["_pages_store"]["data"]["title"] == title, path
        assert f"'{module}-" in str(rendered["_pages_content"]["children"]), path


def _router_request(router: dict, path: str) -> dict:
    """The body of the request Dash's renderer sends when the location becomes `path`."""
    outputs = [
        dict(zip(("id", "property"), part.split("."), strict=True))
        for part in router["output"].strip(".").split("...")
    ]
    values = {"pathname": path, "search": ""}
    return {
        "output": router["output"],
        "outputs": outputs,
        "inputs": [{**item, "value": values.get(item["property"])} for item in router["inputs"]],
        "state": [{**item, "value": None} for item in router["state"]],
        "changedPropIds": ["_pages_location.pathname"],
    }


def _wait_healthy(base: str, process, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "serve --demo exited early"
        try:
            if requests.get(f"{base}/health", timeout=10).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or busy with its first request
            pass
        time.sleep(0.5)
    raise AssertionError("the wheel's server never became healthy")
