"""A real gunicorn (2 workers) whose Redis is stopped and restarted with no traffic but probes:
/health, the backend gauges of /metrics and preflight_rc.sh see it go and come back."""

from __future__ import annotations

import os
import re
import subprocess
import time

import pytest
import requests

from minimarket_dash.limits import PROBE_EVERY_SECONDS
from tests.live import start_live_server
from tests.ops.helpers import SCRIPTS, wait_for

pytestmark = pytest.mark.live

KEY = "backends-key-0123456789abcdef"
RECOVERY_SECONDS = 10  # each worker asks Redis at most every 5 s


def health(url: str) -> dict:
    response = requests.get(url + "/health", timeout=10)
    assert response.status_code == 200  # the database answers: never a 503 for Redis
    return response.json()


def _wait_past(moment: float) -> None:
    """Sleep until time.monotonic() passes `moment`."""
    time.sleep(max(0.0, moment - time.monotonic()))


def steady(url: str, status: str, times: int = 4) -> bool:
    """True when `times` /health answers in a row (both workers, most likely) say `status`."""
    return all(health(url)["status"] == status for _ in range(times))


def backends(url: str) -> tuple[str, str, str]:
    body = health(url)
    return body["cache"], body["ratelimit"], body["database"]


def gauges(url: str) -> dict[str, float]:
    text = requests.get(url + "/metrics", headers={"X-API-Key": KEY}, timeout=10).text
    return {
        match.group(1): float(match.group(2))
        for match in re.finditer(
            r'^dashboard_backend_up\{backend="(\w+)"\} (\S+)$', text, re.MULTILINE
        )
    }


def preflight(url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASHBOARD_")}
    return subprocess.run(
        [str(SCRIPTS / "preflight_rc.sh"), "-u", url, "--key-stdin", "-p95", "5000"],
        input=KEY + "\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_redis_down_and_back_is_seen_without_other_traffic(tiny_sqlite_url, private_redis):
    server = start_live_server(
        {
            "DASHBOARD_DATABASE_URL": tiny_sqlite_url,
            "DASHBOARD_API_KEY": KEY,
            "DASHBOARD_CACHE_URL": private_redis.url(1),
            "DASHBOARD_RATELIMIT_STORAGE_URI": private_redis.url(2),
        },
        workers=2,
    )
    try:
        assert wait_for(lambda: steady(server.url, "ok"), 15, every=0.5), server.output()
        assert gauges(server.url) == {"cache": 1.0, "ratelimit": 1.0}

        private_redis.stop()
        stopped_at = time.monotonic()
        # Each worker re-asks Redis at most every 5 s, so for a few seconds one may still say
        # ok: wait until several answers in a row (both workers) say it, fields and gauges.
        assert wait_for(lambda: steady(server.url, "degraded"), 15, every=0.5)
        assert wait_for(
            lambda: all(backends(server.url) == ("degraded", "degraded", "ok") for _ in range(4)),
            15,
            every=0.5,
        ), health(server.url)
        assert wait_for(
            lambda: all(gauges(server.url) == {"cache": 0.0, "ratelimit": 0.0} for _ in range(4)),
            15,
            every=0.5,
        ), gauges(server.url)
        # A worker that answered none of the requests above may still hold an «ok» probed just
        # before the stop; every answer PROBE_EVERY_SECONDS after it comes from a new probe.
        _wait_past(stopped_at + PROBE_EVERY_SECONDS + 1)
        refused = preflight(server.url)
        assert refused.returncode == 1, refused.stdout + refused.stderr
        assert "[FALLA] 1. /health responde 200 pero status=degraded" in refused.stdout
        assert "cache:degraded" in refused.stdout and "listo para etiquetar" not in refused.stdout

        private_redis.start()
        back_at = time.monotonic()
        while not steady(server.url, "ok"):  # only /health: no API request touches Redis
            assert time.monotonic() - back_at < 30, health(server.url)
            time.sleep(1)
        recovered_in = time.monotonic() - back_at
        print(f"\n/health volvió a ok {recovered_in:.1f} s después de que volvió Redis")
        assert recovered_in <= RECOVERY_SECONDS
        assert wait_for(
            lambda: all(gauges(server.url) == {"cache": 1.0, "ratelimit": 1.0} for _ in range(4)),
            RECOVERY_SECONDS,
            every=0.5,
        )
        _wait_past(back_at + PROBE_EVERY_SECONDS + 1)  # the same, for a cached «degraded»
        passed = preflight(server.url)
        assert "[OK]    1. /health responde 200 (status ok)" in passed.stdout, passed.stdout
        assert "Traceback" not in server.output()
    finally:
        server.stop()
