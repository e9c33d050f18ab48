"""Heavy work against a real gunicorn (2 workers × 4 threads) on a demo database where each
heavy answer costs about a second: 24 heavy requests at once from one API key never take every
thread, so `/health` keeps answering within a second; the rest get 429 with Retry-After."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import requests

from tests.constants import API_KEY
from tests.live import start_live_server

pytestmark = pytest.mark.live
TODAY = "2026-03-15"
HEAVY_REQUESTS = 24
HEALTH_LIMIT_SECONDS = 1.0


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    """A 200.000-line demo database (the invoice check of a year takes ~1-3 s here)."""
    from minimarket_dash.cli import seed

    url = f"sqlite:///{tmp_path_factory.mktemp('heavy') / 'demo.db'}"
    assert seed(url, lines=200_000, seed_value=5, today=date.fromisoformat(TODAY)) == 0
    return url


def heavy_paths() -> list[str]:
    """24 different heavy requests (different filters: no cache can answer them)."""
    paths = []
    for number in range(HEAVY_REQUESTS // 3):
        tolerance = f"{number}.5"
        paths += [
            f"/api/invoices?start_date=2025-01-01&end_date={TODAY}&tolerancia={tolerance}",
            f"/api/reorder?dias={20 + number}",
            f"/api/export/invoices.xlsx?start_date=2025-03-01&tolerancia={tolerance}",
        ]
    return paths


def test_health_answers_while_one_key_fires_24_heavy_requests(demo_url):
    server = start_live_server(
        {
            "DASHBOARD_DATABASE_URL": demo_url,
            "DASHBOARD_API_KEY": API_KEY,
            "DASHBOARD_THREADS": "4",
            "DASHBOARD_CACHE_TTL": "0",
            "DASHBOARD_REFRESH_MINUTES": "0",
            "DASHBOARD_RATELIMIT_HEAVY_MAX": "100",  # the cap on running work, not the count
        },
        workers=2,
    )
    try:
        started = threading.Event()
        timings: list[float] = []

        def probe_health() -> None:
            started.wait()
            time.sleep(0.3)  # the heavy requests are in by now
            for _ in range(6):
                begin = time.perf_counter()
                assert requests.get(f"{server.url}/health", timeout=30).status_code == 200
                timings.append(time.perf_counter() - begin)
                time.sleep(0.25)

        def heavy(path: str) -> requests.Response:
            started.set()
            return requests.get(f"{server.url}{path}", headers={"X-API-Key": API_KEY}, timeout=120)

        prober = threading.Thread(target=probe_health)
        prober.start()
        with ThreadPoolExecutor(max_workers=HEAVY_REQUESTS) as pool:
            answers = list(pool.map(heavy, heavy_paths()))
        prober.join()
    finally:
        server.stop()
    statuses = Counter(answer.status_code for answer in answers)
    assert set(statuses) <= {200, 429}, statuses
    assert statuses[200] >= 2 and statuses[429] >= 1, statuses  # work went on, the rest waited
    refused = next(answer for answer in answers if answer.status_code == 429)
    assert refused.json()["error"] == "rate_limited" and int(refused.headers["Retry-After"]) > 0
    assert len(timings) == 6
    assert max(timings) <= HEALTH_LIMIT_SECONDS, timings
    assert "Traceback" not in server.output()
