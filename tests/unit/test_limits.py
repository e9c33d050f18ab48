"""Rate limits through the Flask test client: /api/* bucket, callback bucket, headers, Redis."""

from __future__ import annotations

import uuid

import pytest

from tests.app_process import HttpClient
from tests.constants import API_KEY, AUTH


@pytest.fixture
def limited(make_app, tiny_sqlite_url):
    """Build apps allowing `ratelimit_max` API requests per minute per client."""

    def build(**overrides):
        overrides.setdefault("ratelimit_max", 3)
        return make_app(database_url=tiny_sqlite_url, api_keys=(API_KEY,), **overrides)

    return build


def hit(client, path: str = "/api/summary", times: int = 1, **headers):
    """Send `times` GETs and return the responses."""
    return [client.get(path, headers={**AUTH, **headers}) for _ in range(times)]


def test_api_limit_answers_json_429_with_retry_after_and_ratelimit_headers(limited):
    responses = hit(limited().test_client(), times=4)
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    last = responses[-1]
    assert last.mimetype == "application/json"
    assert last.get_json()["error"] == "rate_limited"
    assert 1 <= int(last.headers["Retry-After"]) <= 60
    assert last.headers["X-RateLimit-Limit"] == "3"
    assert last.headers["X-RateLimit-Remaining"] == "0"
    assert int(last.headers["X-RateLimit-Reset"]) > 0
    assert responses[0].headers["X-RateLimit-Remaining"] == "2"
    assert "Retry-After" not in responses[0].headers


def test_the_api_bucket_is_shared_by_every_api_endpoint(limited):
    client = limited().test_client()
    hit(client, "/api/summary", times=2)
    hit(client, "/api/providers", times=1)
    assert hit(client, "/api/weekly-sales")[0].status_code == 429


def paged(app_server, **overrides) -> HttpClient:
    """A client of a server with the pages (in its own process) and the limits of `limited`."""
    overrides.setdefault("ratelimit_max", 3)
    return HttpClient(app_server(api_keys=(API_KEY,), **overrides))


@pytest.mark.parametrize("path", ["/health", "/", "/_dash-layout"])
def test_pages_and_health_are_not_limited(app_server, path):
    client = paged(app_server)
    assert {r.status_code for r in hit(client, path, times=8)} == {200}


def test_dash_callbacks_have_their_own_looser_limit(app_server):
    client = paged(app_server, ratelimit_max=1)
    statuses = [client.post("/_dash-update-component", json={}).status_code for _ in range(11)]
    assert 429 not in statuses[:10]
    assert statuses[10] == 429
    assert hit(client)[0].status_code == 200  # the API bucket is untouched


def test_clients_are_told_apart_by_the_address_after_proxyfix(limited):
    client = limited(ratelimit_max=1, trusted_proxies=1).test_client()
    assert hit(client, **{"X-Forwarded-For": "203.0.113.1"})[0].status_code == 200
    assert hit(client, **{"X-Forwarded-For": "203.0.113.2"})[0].status_code == 200
    assert hit(client, **{"X-Forwarded-For": "203.0.113.1"})[0].status_code == 429


def test_forwarded_for_is_ignored_without_trusted_proxies(limited):
    client = limited(ratelimit_max=1).test_client()
    assert hit(client, **{"X-Forwarded-For": "203.0.113.1"})[0].status_code == 200
    assert hit(client, **{"X-Forwarded-For": "203.0.113.2"})[0].status_code == 429


def test_disabled_limits_never_answer_429(limited):
    client = limited(ratelimit_max=1, ratelimit_enabled=False).test_client()
    assert {r.status_code for r in hit(client, times=5)} == {200}


def test_redis_limit_holds_across_instances(limited, private_redis):
    redis_url = private_redis.url()
    # Two apps with their own Limiter objects, like two gunicorn workers or two hosts.
    forwarded = {"X-Forwarded-For": f"198.51.100.{uuid.uuid4().int % 250}"}
    first = limited(ratelimit_storage_uri=redis_url, trusted_proxies=1).test_client()
    second = limited(ratelimit_storage_uri=redis_url, trusted_proxies=1).test_client()
    assert [r.status_code for r in hit(first, times=2, **forwarded)] == [200, 200]
    assert hit(second, **forwarded)[0].status_code == 200
    assert hit(second, **forwarded)[0].status_code == 429
    assert hit(first, **forwarded)[0].status_code == 429


def test_unreachable_redis_keeps_the_api_up(limited):
    client = limited(ratelimit_storage_uri="redis://127.0.0.1:1/0").test_client()
    statuses = [r.status_code for r in hit(client, times=4)]
    assert statuses[:3] == [200, 200, 200]  # counted in memory meanwhile
    assert statuses[3] == 429
