"""The operator scripts against a real gunicorn: pass when healthy, fail with their own codes."""

from __future__ import annotations

import os
import re
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.constants import DOWN_DATABASE
from tests.live import free_port, start_live_server
from tests.ops.helpers import SCRIPTS, get, runbook_commands

KEY = "ops-scripts-key-0123456789abcdef"
ALL = (
    "check_metrics_dashboard.sh",
    "check_security_headers.sh",
    "preflight_rc.sh",
    "rotate_dashboard_api_key.sh",
)
live = pytest.mark.live


def run(name: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run scripts/NAME with a clean environment (no DASHBOARD_* unless given)."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("DASHBOARD_")}
    full.update(env or {})
    return subprocess.run(
        [str(SCRIPTS / name), *args], capture_output=True, text=True, env=full, timeout=60
    )


@pytest.fixture(scope="module")
def healthy(tiny_sqlite_url):
    """A healthy server (no HSTS) that already served pages, API calls and a CSV export."""
    server = start_live_server(
        {"DASHBOARD_DATABASE_URL": tiny_sqlite_url, "DASHBOARD_API_KEY": KEY}
    )
    try:
        for path in ("/", "/providers", "/analytics", "/health"):
            get(server.url + path)
        for path in ("/api/summary", "/api/providers", "/api/export/providers.csv"):
            assert get(server.url + path, KEY) == 200
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def degraded():
    """A server whose database refuses connections (its /api/* answer 503), with HSTS on."""
    server = start_live_server(
        {
            "DASHBOARD_DATABASE_URL": DOWN_DATABASE,
            "DASHBOARD_API_KEY": KEY,
            "DASHBOARD_ENABLE_HSTS": "true",
        },
        workers=1,
    )
    try:
        for _ in range(6):
            assert get(server.url + "/api/summary", KEY) == 503
        yield server
    finally:
        server.stop()


def closed_url() -> str:
    return f"http://127.0.0.1:{free_port()}"


@pytest.mark.parametrize("name", ALL)
def test_help_documents_exit_codes(name):
    done = run(name, "-h")
    assert done.returncode == 0
    assert "Uso:" in done.stdout and "Códigos de salida" in done.stdout


@pytest.mark.parametrize("name", ALL)
def test_unknown_option_is_a_usage_error(name):
    assert run(name, "--no-such-option").returncode == 2


@pytest.mark.parametrize("name", ALL)
def test_scripts_are_strict_bash(name):
    text = (SCRIPTS / name).read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text


# --- check_metrics_dashboard.sh ---------------------------------------------------------------


@live
def test_metrics_healthy_server_passes(healthy):
    done = run("check_metrics_dashboard.sh", "-u", healthy.url, "-k", KEY)
    assert done.returncode == 0, done.stdout + done.stderr
    total = int(re.search(r"solicitudes totales\s*:\s*(\d+)", done.stdout).group(1))
    assert total >= 7
    assert re.search(r"errores 5xx\s*:\s*0\b", done.stdout)
    assert re.search(r"latencia p95 global : \d+\.\d ms", done.stdout)
    assert "/api/summary" in done.stdout  # among the slowest routes
    assert done.stdout.rstrip().endswith("OK")
    assert KEY not in done.stdout + done.stderr


@live
def test_metrics_key_from_the_environment_first_of_several(healthy):
    env = {"DASHBOARD_API_KEY": f"{KEY},another-key-0123456789abc"}
    done = run("check_metrics_dashboard.sh", "-u", healthy.url + "/", "-q", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OK (solicitudes ")


@live
@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("-k", "wrong-key-0123456789abcdef"), 4),
        ((), 4),  # no key at all
        (("-k", KEY, "-p", "0.001"), 1),  # p95 threshold exceeded
        (("-k", KEY, "-t", "abc"), 2),
    ],
)
def test_metrics_failures_on_a_healthy_server(healthy, args, code):
    done = run("check_metrics_dashboard.sh", "-u", healthy.url, *args)
    assert done.returncode == code, done.stdout + done.stderr
    assert KEY not in done.stdout + done.stderr


@live
def test_metrics_on_a_path_without_metrics_is_an_unexpected_answer(healthy):
    done = run("check_metrics_dashboard.sh", "-u", healthy.url + "/api", "-k", KEY)
    assert done.returncode == 5


def test_metrics_unreachable():
    done = run("check_metrics_dashboard.sh", "-u", closed_url(), "-k", KEY)
    assert done.returncode == 3
    assert "no se pudo leer" in done.stderr


def test_metrics_usage_without_url():
    assert run("check_metrics_dashboard.sh", "-k", KEY).returncode == 2


@live
def test_metrics_error_threshold_exceeded_by_real_5xx(degraded):
    done = run("check_metrics_dashboard.sh", "-u", degraded.url, "-k", KEY, "-t", "1")
    assert done.returncode == 1, done.stdout + done.stderr
    errors = int(re.search(r"errores 5xx\s*:\s*(\d+)", done.stdout).group(1))
    assert errors >= 6
    assert "FALLA: error" in done.stdout
    relaxed = run("check_metrics_dashboard.sh", "-u", degraded.url, "-k", KEY, "-t", "100")
    assert relaxed.returncode == 0, relaxed.stdout


# The p95 arithmetic, against a canned /metrics answer (no gunicorn needed).
CANNED = (
    """\
# TYPE dashboard_requests_total counter
dashboard_requests_total{method="GET",route="/api/summary",status="200"} 90.0
dashboard_requests_total{method="GET",route="/",status="200"} 110.0
dashboard_errors_total{method="GET",route="/api/summary",status="503"} 4.0
dashboard_rate_limited_total{route="/api/summary"} 3.0
dashboard_uptime_seconds 42.0
"""
    + "".join(
        f'dashboard_request_duration_seconds_bucket{{le="{le}",method="GET",route="{route}",'
        f'status="200"}} {count}\n'
        for route, counts in (("/api/summary", (10, 80, 90, 90)), ("/", (0, 20, 100, 110)))
        for le, count in zip(("0.1", "0.5", "1.0", "+Inf"), counts, strict=True)
    )
    + "".join(
        f'dashboard_request_duration_seconds_count{{method="GET",route="{r}",status="200"}} {n}\n'
        for r, n in (("/api/summary", 90), ("/", 110))
    )
)


class _Canned(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server API)
        ok = self.path == "/metrics" and self.headers.get("X-API-Key") == KEY
        body = CANNED.encode() if ok else b"no"
        self.send_response(200 if ok else 401)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def canned_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Canned)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_metrics_p95_interpolates_like_histogram_quantile(canned_url):
    done = run("check_metrics_dashboard.sh", "-u", canned_url, "-k", KEY, "-t", "5")
    assert done.returncode == 0, done.stdout + done.stderr
    # Overall buckets 10/100/190/200: rank 190 is the 1.0 bucket's top -> 1000 ms.
    assert "latencia p95 global : 1000.0 ms" in done.stdout
    # /: 0/20/100/110, rank 104.5 falls in +Inf -> last finite bound, 1000 ms.
    # /api/summary: 10/80/90/90, rank 85.5 -> 0.5 + 0.5 * (5.5 / 10) = 0.775 s.
    lines = [line.split() for line in done.stdout.splitlines() if line.startswith("    /")]
    assert [(words[0], words[1]) for words in lines] == [("/", "1000.0"), ("/api/summary", "775.0")]
    assert "errores 5xx         : 4" in done.stdout
    assert "porcentaje de error : 2.00 %" in done.stdout
    assert "limitadas (429)     : 3" in done.stdout
    over = run("check_metrics_dashboard.sh", "-u", canned_url, "-k", KEY, "-t", "1.5")
    assert over.returncode == 1
    slow = run("check_metrics_dashboard.sh", "-u", canned_url, "-k", KEY, "-p", "999")
    assert slow.returncode == 1 and "p95" in slow.stdout


# --- check_security_headers.sh ----------------------------------------------------------------


@live
def test_security_headers_healthy_server_passes(healthy):
    done = run("check_security_headers.sh", "-u", healthy.url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("[OK]") == 18  # six headers on the page, the API and an asset
    assert "Recurso estático /" in done.stdout


@live
def test_security_headers_hsts_expected_but_absent(healthy):
    done = run("check_security_headers.sh", "-u", healthy.url, "--expect-hsts")
    assert done.returncode == 1
    assert "Strict-Transport-Security: ausente" in done.stdout


@live
def test_security_headers_hsts_present(degraded):
    done = run("check_security_headers.sh", "-u", degraded.url, "--expect-hsts", "-q")
    assert done.returncode == 0, done.stdout
    assert done.stdout.startswith("OK:")


@live
def test_security_headers_wrong_csp_prefix(healthy):
    done = run("check_security_headers.sh", "-u", healthy.url, "--csp-prefix", "default-src 'none'")
    assert done.returncode == 1
    assert "no empieza con" in done.stdout


@live
def test_security_headers_missing_asset_is_an_unexpected_answer(healthy):
    done = run("check_security_headers.sh", "-u", healthy.url, "--asset", "/assets/absent.css")
    assert done.returncode == 5


def test_security_headers_unreachable_and_usage():
    assert run("check_security_headers.sh", "-u", closed_url()).returncode == 3
    assert run("check_security_headers.sh").returncode == 2


# --- preflight_rc.sh --------------------------------------------------------------------------


@live
def test_preflight_healthy_staging_passes(healthy):
    done = run("preflight_rc.sh", "-u", healthy.url, "-k", KEY, "-t", "5", "-p95", "3000")
    assert done.returncode == 0, done.stdout + done.stderr
    assert [line.split()[1] for line in done.stdout.splitlines() if line.startswith("[OK]")] == [
        "1.",
        "2.",
        "3.",
        "4.",
        "5.",
        "6.",
    ]
    assert "Preflight OK" in done.stdout
    assert KEY not in done.stdout + done.stderr


@live
def test_preflight_prod_requires_hsts(healthy):
    done = run("preflight_rc.sh", "-u", healthy.url, "-k", KEY, "--prod", "-p95", "3000")
    assert done.returncode == 1
    assert done.stdout.count("[OK]") == 5
    assert "[FALLA] 6. encabezados de seguridad" in done.stdout


@live
def test_preflight_wrong_key_stops_at_the_key_check(healthy):
    done = run("preflight_rc.sh", "-u", healthy.url, "-k", "wrong-key-0123456789abcdef")
    assert done.returncode == 4
    assert done.stdout.count("[OK]") == 2
    assert "[FALLA] 3." in done.stdout


@live
def test_preflight_degraded_server_fails_health_first(degraded):
    done = run("preflight_rc.sh", "-u", degraded.url, "-k", KEY, "--prod")
    assert done.returncode == 1
    assert "[FALLA] 1. GET /health respondió 503" in done.stdout


def test_preflight_unreachable_and_usage():
    assert run("preflight_rc.sh", "-u", closed_url(), "-k", KEY).returncode == 3
    assert run("preflight_rc.sh", "-u", "http://127.0.0.1:1").returncode == 2


# --- the RUNBOOK's own check commands, run as written against the live servers ----------------


def runbook_check_commands() -> list[list[str]]:
    """The RUNBOOK's invocations of the check and preflight scripts."""
    wanted = re.compile(r"scripts/(check_[a-z_]+|preflight_rc)\.sh$")
    return [
        tokens
        for tokens in runbook_commands()
        if any(wanted.search(t) for t in tokens) and "-u" in tokens
    ]


@live
def test_runbook_check_commands_work_as_written(healthy, degraded, tmp_path):
    commands = runbook_check_commands()
    assert len(commands) >= 5
    # Run from a folder holding the service's env file, as an operator does.
    (tmp_path / "scripts").symlink_to(SCRIPTS)
    (tmp_path / ".env.dashboard").write_text(f"DASHBOARD_API_KEY={KEY}\n")
    for tokens in commands:
        server = degraded if "--expect-hsts" in tokens else healthy
        line = re.sub(r"https?://[^\s\"']+", server.url, " ".join(tokens))
        line = line.replace("${DASHBOARD_API_KEY%%,*}", '"${DASHBOARD_API_KEY%%,*}"')
        line = line.replace("$NUEVA", KEY)
        env = {k: v for k, v in os.environ.items() if not k.startswith("DASHBOARD_")}
        env["DASHBOARD_API_KEY"] = f"{KEY},old-key-0123456789abcdef"
        done = subprocess.run(
            ["bash", "-c", line], cwd=tmp_path, env=env, text=True, capture_output=True, timeout=60
        )
        assert done.returncode == 0, (line, done.stdout, done.stderr)
