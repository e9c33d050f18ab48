"""The built wheel installs anywhere: a clean venv outside the checkout serves every page.

pip builds the wheel from the repository, installs it (with its dependencies) in a new venv in
a temporary folder, and `minimarket-dash serve --demo` runs there in an empty folder, as a user
who never saw the checkout would.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import zipfile

import pytest
import requests

from tests.live import PROJECT_ROOT, free_port
from tests.signin.helpers import sign_in_live

pytestmark = pytest.mark.live
PAGES = ("/", "/providers", "/analytics")


def _run(*command, **kwargs):
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=900,
                          **kwargs)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """Return the bin/ folder of a fresh venv with the wheel installed, and the wheel."""
    folder = tmp_path_factory.mktemp("wheel")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(folder / "dist"),
         str(PROJECT_ROOT))
    [wheel] = (folder / "dist").glob("minimarket_dash-*.whl")
    _run(sys.executable, "-m", "venv", str(folder / "venv"))
    _run(str(folder / "venv" / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel))
    return folder / "venv" / "bin", wheel


def test_the_wheel_carries_pages_and_assets(installed):
    _bin, wheel = installed
    names = zipfile.ZipFile(wheel).namelist()
    for page in ("home", "providers", "analytics", "not_found_404"):
        assert f"minimarket_dash/pages/{page}.py" in names
    assert "minimarket_dash/assets/10-dashboard.css" in names
    assert not [name for name in names if name.startswith(("tests/", "bench/"))]


def test_serve_demo_from_the_wheel_in_an_empty_folder(installed, tmp_path):
    bin_folder, _wheel = installed
    port = free_port()
    process = subprocess.Popen(
        [str(bin_folder / "minimarket-dash"), "serve", "--demo", "--port", str(port),
         "--workers", "1"],
        cwd=tmp_path, env={"PATH": f"{bin_folder}:/usr/bin:/bin"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(map(bytes.decode, process.stdout)),
                     daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, process)
        password = "".join(lines).split("clave:", 1)[1].split()[0]
        browser = requests.Session()
        assert sign_in_live(browser, base, "demo", password).status_code == 303
        for path in PAGES:
            page = browser.get(f"{base}{path}")
            assert page.status_code == 200 and "_dash-renderer" in page.text, path
        layout = browser.get(f"{base}/_dash-layout").json()
        assert "Mini Market" in str(layout)
        callbacks = str(browser.get(f"{base}/_dash-dependencies").json())
        for prefix in ("home-", "providers-", "analytics-"):  # each page's callbacks loaded
            assert prefix in callbacks, prefix
        assert browser.get(f"{base}/assets/10-dashboard.css").status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=40)
    assert not (tmp_path / "pages").exists()  # nothing came from a checkout


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
