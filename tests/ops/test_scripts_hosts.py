"""Monitoring through the Host allow-list: every script takes --host and the key off argv."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.live import start_live_server
from tests.ops.helpers import SCRIPTS

pytestmark = pytest.mark.live

KEY = "hosts-scripts-key-0123456789abcdef"
PUBLIC = "tablero.example.com"


@pytest.fixture(scope="module")
def listed(tiny_sqlite_url):
    """A server that accepts only its public name and the internal one monitoring uses."""
    server = start_live_server(
        {
            "DASHBOARD_DATABASE_URL": tiny_sqlite_url,
            "DASHBOARD_API_KEY": KEY,
            "DASHBOARD_ALLOWED_HOSTS": f"{PUBLIC},dashboard",
        }
    )
    try:
        yield server
    finally:
        server.stop()


def run(name: str, *args: str, stdin: str | None = None, key_env: bool = True):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASHBOARD_")}
    if key_env:
        env["DASHBOARD_API_KEY"] = KEY
    return subprocess.run(
        [str(SCRIPTS / name), *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=90,
    )


def test_security_headers_fail_on_the_400_page_and_pass_with_host(listed):
    refused = run("check_security_headers.sh", "-u", listed.url)
    assert refused.returncode == 5
    assert "400" in refused.stderr and "--host" in refused.stderr
    done = run("check_security_headers.sh", "-u", listed.url, "--host", PUBLIC)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("host", [PUBLIC, "dashboard"])
def test_metrics_through_the_allow_list_with_the_key_from_the_environment(listed, host):
    done = run("check_metrics_dashboard.sh", "-u", listed.url, "--host", host, "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    assert run("check_metrics_dashboard.sh", "-u", listed.url, "-q").returncode == 5


def test_metrics_key_from_stdin(listed):
    done = run(
        "check_metrics_dashboard.sh",
        "-u",
        listed.url,
        "--host",
        PUBLIC,
        "--key-stdin",
        "-q",
        stdin=KEY + "\n",
        key_env=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    wrong = run(
        "check_metrics_dashboard.sh",
        "-u",
        listed.url,
        "--host",
        PUBLIC,
        "--key-stdin",
        "-q",
        stdin="not-the-key-0123456789\n",
        key_env=False,
    )
    assert wrong.returncode == 4


def test_preflight_with_host_and_key_on_stdin(listed):
    done = run(
        "preflight_rc.sh",
        "-u",
        listed.url,
        "--host",
        PUBLIC,
        "--key-stdin",
        stdin=KEY + "\n",
        key_env=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert KEY not in done.stdout + done.stderr


def test_preflight_without_host_names_the_cause(listed):
    done = run("preflight_rc.sh", "-u", listed.url)
    assert done.returncode == 1
    assert "respondió 400" in done.stdout and "--host" in done.stdout
