"""A configured shared backend (Redis for the result cache or the rate limits) that is down:
/health says `degraded` with a 200, /metrics has a gauge per backend, and both see Redis come
back by themselves, with no other traffic."""

from __future__ import annotations

import re

import pytest

from minimarket_dash import cachestore, limits
from tests.constants import API_KEY, AUTH


def backend_gauges(client) -> dict[str, float]:
    text = client.get("/metrics", headers=AUTH).get_data(as_text=True)
    return {
        match.group(1): float(match.group(2))
        for match in re.finditer(
            r'^dashboard_backend_up\{backend="(\w+)"\} (\S+)$', text, re.MULTILINE
        )
    }


@pytest.fixture
def no_probe_wait(monkeypatch):
    """Let every /health and scrape ask the backends (the real interval is 5 s)."""
    monkeypatch.setattr(cachestore, "RETRY_SECONDS", 0.0)
    monkeypatch.setattr(limits, "PROBE_EVERY_SECONDS", 0.0)


def test_a_redis_down_from_the_start_degrades_health_before_any_request(
    make_app, tiny_sqlite_url, private_redis
):
    private_redis.stop()  # configured, never reachable: no API request ever touched it
    app = make_app(
        database_url=tiny_sqlite_url,
        api_keys=(API_KEY,),
        cache_url=private_redis.url(1),
        ratelimit_storage_uri=private_redis.url(2),
    )
    response = app.test_client().get("/health")
    assert response.status_code == 200  # the database alone decides 503
    body = response.get_json()
    assert (body["status"], body["database"]) == ("degraded", "ok")
    assert (body["cache"], body["ratelimit"]) == ("degraded", "degraded")


def test_health_and_gauges_follow_redis_down_and_back(
    make_app, tiny_sqlite_url, private_redis, no_probe_wait
):
    app = make_app(
        database_url=tiny_sqlite_url,
        api_keys=(API_KEY,),
        cache_url=private_redis.url(1),
        ratelimit_storage_uri=private_redis.url(2),
    )
    client = app.test_client()
    assert client.get("/health").get_json()["status"] == "ok"
    assert backend_gauges(client) == {"cache": 1.0, "ratelimit": 1.0}
    private_redis.stop()
    body = client.get("/health").get_json()
    assert (body["status"], body["cache"], body["ratelimit"]) == ("degraded",) * 3
    assert backend_gauges(client) == {"cache": 0.0, "ratelimit": 0.0}
    private_redis.start()  # back, and still no API request
    body = client.get("/health").get_json()
    assert (body["status"], body["cache"], body["ratelimit"]) == ("ok",) * 3
    assert backend_gauges(client) == {"cache": 1.0, "ratelimit": 1.0}


def test_only_the_cache_down_degrades_status_and_its_own_gauge(
    make_app, tiny_sqlite_url, private_redis, no_probe_wait
):
    app = make_app(
        database_url=tiny_sqlite_url,
        api_keys=(API_KEY,),
        cache_url="redis://127.0.0.1:1/0",
        ratelimit_storage_uri=private_redis.url(),
    )
    client = app.test_client()
    body = client.get("/health").get_json()
    assert (body["status"], body["cache"], body["ratelimit"]) == ("degraded", "degraded", "ok")
    assert backend_gauges(client) == {"cache": 0.0, "ratelimit": 1.0}
    assert client.get("/api/summary", headers=AUTH).status_code == 200  # still serving


def test_memory_backends_are_always_up(make_app, tiny_sqlite_url):
    client = make_app(database_url=tiny_sqlite_url, api_keys=(API_KEY,)).test_client()
    assert client.get("/health").get_json()["status"] == "ok"
    assert backend_gauges(client) == {"cache": 1.0, "ratelimit": 1.0}


class CountingBackend:
    """A cache backend that counts its calls and fails while `down`."""

    def __init__(self):
        self.down = False
        self.calls = 0

    def get(self, key):
        self.calls += 1
        if self.down:
            raise ConnectionError("down")


def test_the_cache_probe_asks_redis_at_most_every_5_seconds(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(cachestore.time, "monotonic", lambda: clock[0])
    backend = CountingBackend()
    cache = cachestore.ResilientCache(backend, timeout=60, shared=True)
    backend.down = True
    assert cache.probe() == "degraded" and backend.calls == 1
    for _ in range(8):  # 8 probes in 4 s: no new call
        clock[0] += 0.5
        assert cache.probe() == "degraded"
    assert backend.calls == 1
    backend.down = False
    clock[0] += 1.0  # 5 s after the first probe
    assert cache.probe() == "ok" and backend.calls == 2
    assert cachestore.ResilientCache(backend, timeout=60, shared=False).probe() == "ok"
    assert backend.calls == 2  # a memory cache is never asked
