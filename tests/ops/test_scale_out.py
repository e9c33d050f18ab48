"""Two `serve` instances sharing PostgreSQL and Redis: one cache and one rate limit for both."""

from __future__ import annotations

import pytest
import redis
import requests
from sqlalchemy import create_engine, text

from tests.live import start_live_server

API_KEY = "scale-key-0123456789abcdef"
HEADERS = {"X-API-Key": API_KEY}
LIMIT = 10

pytestmark = [pytest.mark.live, pytest.mark.postgres]


@pytest.fixture
def shared_redis(private_redis):
    """An empty redis-server of this test's own, shared by the two instances."""
    return redis.Redis.from_url(private_redis.url())


@pytest.fixture
def postgres_copy(tiny_postgres_url):
    """The tiny PostgreSQL fixture, with the test's extra provider removed afterwards."""
    yield tiny_postgres_url
    engine = create_engine(tiny_postgres_url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM proveedores WHERE codigo = 'P99'"))
    engine.dispose()


def _pair(url: str, redis_conn: redis.Redis, **extra: str):
    shared = "redis://127.0.0.1:{port}/0".format(**redis_conn.connection_pool.connection_kwargs)
    env = {
        "DASHBOARD_DATABASE_URL": url,
        "DASHBOARD_API_KEY": API_KEY,
        "DASHBOARD_CACHE_URL": shared,
        "DASHBOARD_CACHE_TTL": "300",
        "DASHBOARD_RATELIMIT_STORAGE_URI": shared,
        **extra,
    }
    first = start_live_server(env, workers=2)
    try:
        second = start_live_server(env, workers=2)
    except Exception:
        first.stop()
        raise
    return first, second


def test_rate_limit_is_shared_by_two_instances(postgres_copy, shared_redis):
    first, second = _pair(postgres_copy, shared_redis, DASHBOARD_RATELIMIT_MAX=str(LIMIT))
    try:
        codes = []
        for i in range(LIMIT + 4):
            server = first if i % 2 else second
            response = requests.get(server.url + "/api/stock-timeline", headers=HEADERS, timeout=15)
            codes.append(response.status_code)
    finally:
        first.stop()
        second.stop()
    assert codes.count(200) == LIMIT
    assert codes[LIMIT:] == [429] * 4


def test_cache_is_shared_by_two_instances(postgres_copy, shared_redis):
    first, second = _pair(postgres_copy, shared_redis, DASHBOARD_RATELIMIT_ENABLED="false")
    try:
        before = requests.get(first.url + "/api/summary", headers=HEADERS, timeout=15).json()
        engine = create_engine(postgres_copy)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO proveedores (id, codigo, nombre, activo) "
                    "VALUES (99, 'P99', 'Nuevo Proveedor', 1)"
                )
            )
        engine.dispose()
        from_second = requests.get(second.url + "/api/summary", headers=HEADERS, timeout=15)
    finally:
        first.stop()
        second.stop()
    # The second instance never queried the database: it answered from the shared cache.
    assert from_second.json() == before
    assert before["total_proveedores"] == 3
    assert any(key.startswith(b"mmdash:") for key in shared_redis.keys("*"))
