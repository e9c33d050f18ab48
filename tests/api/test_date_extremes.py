"""Dates at the extremes (year 1, 9999-12-31, the edges of the supported range, pandas' limits)
on every endpoint that takes dates, with the store of summaries built: a 400 naming the
parameter or a 200, never a 500; page links ignore them with a notice."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minimarket_dash import create_app, openapi
from minimarket_dash.config import load_settings
from minimarket_dash.filters import DATE_MAX, DATE_MIN, read_filters
from minimarket_dash.refresher import refresh
from minimarket_dash.store import store_engine
from tests.constants import AUTH, TINY_NOW

EXTREMES = (
    date(1, 1, 1),
    date(9999, 12, 31),
    date(1677, 9, 21),
    date(2262, 4, 12),
    DATE_MIN,
    DATE_MAX,
    DATE_MIN - timedelta(days=1),
    DATE_MAX + timedelta(days=1),
    TINY_NOW.date(),
)
DATED_PATHS = sorted(
    path
    for path, operations in openapi.document()["paths"].items()
    if any(p["name"] == "start_date" for p in operations.get("get", {}).get("parameters", []))
)
a_date = st.one_of(st.sampled_from(EXTREMES), st.dates(min_value=date(1, 1, 1)), st.none())


@pytest.fixture(scope="module")
def summarised(tmp_path_factory, tiny_sqlite_url):
    """An API app over the tiny fixture whose store of summaries is built (queries take the
    stored-and-live path, where a day after 9999-12-31 used to overflow)."""
    overrides = {
        "database_url": tiny_sqlite_url,
        "api_keys": (AUTH["X-API-Key"],),
        "fixed_now": TINY_NOW,
        "auth": "none",
        "cache_ttl": 0,
        "ratelimit_enabled": False,
        "refresh_minutes": 0,
        "state_dir": str(tmp_path_factory.mktemp("extremes-state")),
        "log_dir": str(tmp_path_factory.mktemp("extremes-logs")),
    }
    settings = load_settings(overrides, environ={})
    assert refresh(settings, store_engine(settings), full=True).state is not None
    return create_app(settings, pages=False).test_client()


def test_every_dated_endpoint_is_fuzzed():
    assert len(DATED_PATHS) >= 10
    assert {
        "/api/top-products",
        "/api/trends",
        "/api/invoices",
        "/api/export/invoices.csv",
        "/api/spending",
        "/api/export/top-products.xlsx",
    } <= set(DATED_PATHS)


def expected(start: date | None, end: date | None) -> tuple[int, str | None]:
    """The contract: the first bad parameter (start_date first) is named; else a start after
    the end is a 400 on start_date; else 200."""
    for name, value in (("start_date", start), ("end_date", end)):
        if value is not None and not DATE_MIN <= value <= DATE_MAX:
            return 400, name
    if start and end and start > end:
        return 400, "start_date"
    return 200, None


@settings(max_examples=250, deadline=None)
@given(path=st.sampled_from(DATED_PATHS), start=a_date, end=a_date)
def test_extreme_dates_get_a_400_naming_them_or_an_answer(summarised, path, start, end):
    query = "&".join(
        f"{name}={value.isoformat()}"
        for name, value in (("start_date", start), ("end_date", end))
        if value is not None
    )
    response = summarised.get(f"{path}?{query}", headers=AUTH)
    status, param = expected(start, end)
    assert response.status_code == status, (path, query, response.get_data()[:200])
    if status == 400:
        body = response.get_json()
        assert body["param"] == param and param in body["message"]
        if param and "fecha entre" in body["message"]:
            assert "1900-01-01" in body["message"] and "2199-12-31" in body["message"]


@given(start=a_date, end=a_date)
@settings(max_examples=200, deadline=None)
def test_page_links_ignore_out_of_range_dates_with_a_notice(start, end):
    args = {
        name: value.isoformat()
        for name, value in (("start_date", start), ("end_date", end))
        if value is not None
    }
    reading = read_filters(args)
    for name, value in (("start_date", start), ("end_date", end)):
        kept = getattr(reading.filters, name)
        if value is not None and not DATE_MIN <= value <= DATE_MAX:
            assert kept is None
            assert any(
                value.isoformat() in notice and "fuera de lo admitido" in notice
                for notice in reading.notices
            )
    for kept in (reading.filters.start_date, reading.filters.end_date):
        assert kept is None or DATE_MIN <= kept <= DATE_MAX
