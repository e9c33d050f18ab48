"""Summary tables of `optimize`: the same numbers as the raw tables, for every filter."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import partial

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal
from sqlalchemy import inspect

from minimarket_dash import queries
from minimarket_dash.config import load_settings
from minimarket_dash.db import make_engine
from minimarket_dash.demo import seed_database
from minimarket_dash.filters import Filters
from minimarket_dash.optimize import INDEXES, advice, missing_indexes, optimize
from minimarket_dash.store import STORE_SCHEMA
from minimarket_dash.summaries import read_state, split_days, split_months
from tests.databases import postgres_database

TODAY = date(2026, 3, 18)
NOW = datetime(2026, 3, 18, 12, 30)


def _seeded(url: str):
    settings = load_settings({"database_url": url})
    writer = make_engine(settings, writer=True)
    seed_database(writer, lines=20_000, seed=11, today=TODAY, progress=False)
    return writer, make_engine(settings)


@pytest.fixture(scope="module")
def optimized_sqlite(tmp_path_factory):
    writer, reader = _seeded(f"sqlite:///{tmp_path_factory.mktemp('opt') / 'seeded.db'}")
    optimize(writer, NOW)
    yield reader
    reader.dispose()
    writer.dispose()


@pytest.fixture(scope="module")
def optimized_postgres():
    with postgres_database() as url:
        writer, reader = _seeded(url)
        optimize(writer, NOW)
        yield reader
        reader.dispose()
        writer.dispose()


METRICS = {
    metric.name: partial(metric.query, now=NOW)
    for metric in (
        queries.TOP_PRODUCTS,
        queries.WEEKLY_SALES,
        queries.MONTHLY_MOVEMENTS,
        queries.STOCK_BY_PROVIDER,
        queries.PROVIDERS,
        queries.SUMMARY,
        queries.SPENDING,
        queries.MONTHLY_PRICES,
        queries.REORDER,
        queries.MONTHLY_ORDERS,
        queries.STOCK_TIMELINE,
    )
}

# Cells their users roll up and sort themselves (no ORDER BY in SQL).
UNORDERED = {queries.SPENDING.name, queries.MONTHLY_PRICES.name}


def _assert_same(engine, name: str, filters: Filters) -> None:
    with engine.connect() as conn:
        assert read_state(conn) is not None
        fast = METRICS[name](conn, filters, use_summaries=True)
        slow = METRICS[name](conn, filters, use_summaries=False)
    if name in UNORDERED:
        fast, slow = (frame.sort_values(list(frame.columns)) for frame in (fast, slow))
    assert_frame_equal(fast.reset_index(drop=True), slow.reset_index(drop=True))


FIXED_FILTERS = [
    Filters(limit=100),
    Filters(limit=100, weeks=52, months=24),
    Filters(start_date=date(2025, 1, 1), end_date=date(2026, 3, 31), limit=100),
    Filters(start_date=date(2025, 6, 15), end_date=date(2025, 9, 14), limit=50),
    Filters(start_date=date(2026, 3, 1), end_date=date(2026, 3, 18), limit=100),
    Filters(start_date=date(2025, 2, 1), limit=100),
    Filters(end_date=date(2025, 12, 31), limit=100, proveedor="s"),
    Filters(proveedor="la", limit=100, months=12),
]


@pytest.mark.parametrize("filters", FIXED_FILTERS)
@pytest.mark.parametrize("name", sorted(METRICS))
def test_summaries_match_raw_tables_sqlite(optimized_sqlite, name, filters):
    _assert_same(optimized_sqlite, name, filters)


@pytest.mark.postgres
@pytest.mark.parametrize("filters", FIXED_FILTERS)
@pytest.mark.parametrize("name", sorted(METRICS))
def test_summaries_match_raw_tables_postgres(optimized_postgres, name, filters):
    _assert_same(optimized_postgres, name, filters)


days = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 4, 30))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=days, second=days, text=st.sampled_from([None, "a", "sur", "bebidas"]))
def test_any_date_range_gives_the_same_top_products(optimized_sqlite, first, second, text):
    start, end = sorted((first, second))
    filters = Filters(start_date=start, end_date=end, proveedor=text, limit=100)
    for name in ("top_products", "monthly_movements", "weekly_sales"):
        _assert_same(optimized_sqlite, name, filters)


def test_optimize_adds_indexes_and_reports_what_was_missing(tmp_path):
    writer, reader = _seeded(f"sqlite:///{tmp_path / 'plain.db'}")
    assert missing_indexes(reader) == [name for name, _, _ in INDEXES]
    assert len(advice(reader)) == 1
    report = optimize(writer, NOW)
    assert report.indexes_created == [name for name, _, _ in INDEXES]
    assert report.current.hasta == datetime(2026, 3, 1)
    assert report.current.hasta_dia == datetime(2026, 3, 18)
    assert advice(reader) == []
    assert optimize(writer, NOW).indexes_created == []
    stored = set(inspect(reader).get_table_names(STORE_SCHEMA))
    assert {"mm_estado", "mm_pedidos_dia", "mm_producto_mes", "mm_movimientos_mes"} <= stored
    # The minimarket's own database gains indexes only: the summaries are in the store.
    assert not [name for name in inspect(reader).get_table_names() if name.startswith("mm_")]


def test_incremental_refresh_extends_the_watermark(tmp_path):
    writer, reader = _seeded(f"sqlite:///{tmp_path / 'inc.db'}")
    optimize(writer, datetime(2025, 10, 5))
    with reader.connect() as conn:
        assert read_state(conn).hasta == datetime(2025, 10, 1)
    report = optimize(writer, NOW)
    assert report.previous.hasta == datetime(2025, 10, 1)
    assert report.previous.hasta_dia == datetime(2025, 10, 5)
    with reader.connect() as conn:
        assert read_state(conn).hasta == datetime(2026, 3, 1)
        assert read_state(conn).hasta_dia == datetime(2026, 3, 18)
    for name in METRICS:
        _assert_same(reader, name, Filters(limit=100, weeks=52))


def test_split_months_keeps_whole_closed_months_only():
    hasta = datetime(2026, 3, 1)
    covered, raw = split_months(datetime(2025, 6, 15), datetime(2026, 3, 10), hasta)
    assert covered == (datetime(2025, 7, 1), datetime(2026, 3, 1))
    assert raw == [
        (datetime(2025, 6, 15), datetime(2025, 7, 1)),
        (datetime(2026, 3, 1), datetime(2026, 3, 10)),
    ]
    assert split_months(datetime(2025, 6, 2), datetime(2025, 6, 20), hasta) == (
        None,
        [(datetime(2025, 6, 2), datetime(2025, 6, 20))],
    )


def test_split_days_covers_whole_days_before_the_watermark():
    hasta = datetime(2026, 3, 1)
    start, end = datetime(2026, 2, 23), datetime(2026, 3, 18, 12, 0, 1)
    covered, raw = split_days(start, end, hasta)
    assert covered == (datetime(2026, 2, 23), hasta)
    assert raw == [(hasta, end)]
    assert split_days(hasta + timedelta(days=2), end, hasta)[0] is None


def test_freshness_is_reported_only_after_optimize(tmp_path):
    writer, reader = _seeded(f"sqlite:///{tmp_path / 'fresh.db'}")
    with reader.connect() as conn:
        assert queries.SUMMARY_FRESHNESS.query(conn, Filters(), NOW).empty
    optimize(writer, NOW)
    with reader.connect() as conn:
        row = queries.SUMMARY_FRESHNESS.query(conn, Filters(), NOW).iloc[0]
    assert row["actualizado"] == NOW.replace(microsecond=0)
    assert row["hasta_dia"] == datetime(2026, 3, 18)


@pytest.mark.postgres
def test_today_reads_the_stored_open_orders_on_postgres_as_found():
    """PostgreSQL without optimize's indexes: today's lists and counts go through the store's
    open orders (mm_pedidos_abiertos) and give what reading pedidos alone gives."""
    from minimarket_dash.queries.today import open_candidates
    from minimarket_dash.summaries import build

    with postgres_database() as url:
        writer, reader = _seeded(url)
        build(writer, NOW, full=True)
        with reader.connect() as conn:
            assert open_candidates(conn, read_state(conn))
            stored = conn.exec_driver_sql(
                "SELECT COUNT(*) FROM mm_dashboard.mm_pedidos_abiertos"
            ).scalar_one()
            direct = conn.exec_driver_sql(
                "SELECT COUNT(*) FROM pedidos WHERE (fecha_entrega_real IS NULL AND"
                " estado <> 'cancelado') OR estado IS NULL"
                " OR estado NOT IN ('entregado', 'cancelado')"
            ).scalar_one()
            assert stored == direct > 0
            for metric in (queries.UNDELIVERED, queries.TODAY_COUNTS):
                assert_frame_equal(
                    metric.query(conn, Filters(), NOW),
                    metric.query(conn, Filters(), NOW, use_summaries=False),
                )
        reader.dispose()
        writer.dispose()
