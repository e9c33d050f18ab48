"""Heavy work (heavy.py): which paths are heavy, the slots per identity and per worker, and the
429 a request without a slot gets at once."""

from __future__ import annotations

import pytest

from minimarket_dash import heavy
from minimarket_dash.heavy import Slots, is_heavy_path
from tests.constants import AUTH


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/invoices", True),
        ("/api/reorder", True),
        ("/api/price-changes", True),
        ("/api/export/invoices.csv", True),
        ("/api/export/invoices.xlsx", True),
        ("/api/export/reorder.xlsx", True),
        ("/api/export/price-changes.csv", True),
        ("/api/summary", False),
        ("/api/export/providers.csv", False),
        ("/api/invoices/x", False),
        ("/api/export/invoices.pdf", False),
        ("/facturas", False),
    ],
)
def test_heavy_paths(path, expected):
    assert is_heavy_path(path) is expected


def test_slots_per_identity_and_in_all():
    slots = Slots(total=3)
    assert slots.take("clave:a", 2) is None
    assert slots.take("clave:a", 2) is None
    assert slots.take("clave:a", 2) == "con esta clave"  # its two are taken
    assert slots.take("usuario:ana", 3) is None
    assert slots.take("usuario:beto", 3) == "en el servidor"  # three in all
    slots.give("clave:a")
    assert slots.take("usuario:beto", 3) is None
    for who in ("clave:a", "usuario:ana", "usuario:beto"):
        slots.give(who)
    assert slots.take("clave:a", 2) is None and slots.take("clave:a", 2) is None


def test_a_heavy_request_without_a_slot_gets_429_at_once(make_app, tiny_sqlite_url):
    app = make_app(
        database_url=tiny_sqlite_url,
        api_keys=(AUTH["X-API-Key"],),
        threads=4,
        ratelimit_enabled=False,
    )
    guard = app.extensions["minimarket_heavy"]
    assert guard.slots.total == 3
    client = app.test_client()
    with app.test_request_context("/api/invoices", headers=AUTH):
        mine = heavy.identity()
    assert mine.startswith("clave:") and AUTH["X-API-Key"] not in mine
    for _ in range(heavy.PER_KEY):  # two of this key already running
        assert guard.slots.take(mine, heavy.PER_KEY) is None
    refused = client.get("/api/export/invoices.xlsx", headers=AUTH)
    assert refused.status_code == 429
    assert refused.get_json()["error"] == "rate_limited"
    assert "con esta clave" in refused.get_json()["message"]
    assert refused.headers["Retry-After"] == str(heavy.RETRY_AFTER_SECONDS)
    assert client.get("/api/summary", headers=AUTH).status_code == 200  # light work goes on
    guard.slots.give(mine)
    assert client.get("/api/invoices", headers=AUTH).status_code == 200
    assert guard.slots.take(mine, heavy.PER_KEY) is None  # the request gave its slot back
    assert client.get("/api/invoices").status_code == 401  # no key: 401, never a slot


def test_the_heavy_limit_is_lower_and_per_key(make_app, tiny_sqlite_url):
    app = make_app(
        database_url=tiny_sqlite_url,
        api_keys=(AUTH["X-API-Key"],),
        ratelimit_heavy_max=3,
        ratelimit_max=100,
    )
    client = app.test_client()
    statuses = [client.get("/api/reorder", headers=AUTH).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert client.get("/api/summary", headers=AUTH).status_code == 200


def test_a_page_computation_over_its_share_is_a_database_notice(make_app, tiny_sqlite_url):
    from minimarket_dash import data, queries
    from minimarket_dash.data import DatabaseUnavailable

    app = make_app(database_url=tiny_sqlite_url, threads=2, cache_ttl=0)
    guard = app.extensions["minimarket_heavy"]
    assert guard.slots.take("usuario:otro", heavy.PER_USER) is None  # the one slot in all
    with app.test_request_context("/_dash-update-component", method="POST"):
        with pytest.raises(DatabaseUnavailable):
            data.fetch(queries.INVOICE_CHECK)
        data.fetch(queries.LOW_STOCK_ALL)  # a light metric needs no slot: no exception
    guard.slots.give("usuario:otro")
    with app.test_request_context("/_dash-update-component", method="POST"):
        data.fetch(queries.INVOICE_CHECK)
    assert guard.slots.take("ip:127.0.0.1", 1) is None  # given back after computing
