"""Query functions against tests/fixture_data.py, every expected number worked out by hand."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import literal, select

from minimarket_dash import queries
from minimarket_dash.db import LocalTimestamp
from minimarket_dash.filters import Filters
from minimarket_dash.sqlparts import grouped, iso_week_bucket
from tests.fixture_data import NOW


def records(frame):
    return frame.to_dict("records")


def test_summary(tiny_engine):
    with tiny_engine.connect() as conn:
        row = records(queries.SUMMARY.query(conn, Filters(), NOW))[0]
    assert row == {
        "total_proveedores": 3,  # P04 is inactive
        "total_pedidos": 7,  # order 7 has no lines
        "total_productos_pedidos": 50,
        "total_movimientos": 7,
        "facturas_procesadas": 2,
        "pedidos_mes": 6,  # orders 1,2,3,4,6,7: 5 is older, 8 is after now
        "movimientos_semana": 5,
        "proveedor_top_nombre": "Bebidas Norte",  # 3 orders in 30 days vs 2 for P01
        "proveedor_top_pedidos": 3,
    }


def test_summary_top_provider_when_no_recent_orders(tiny_engine):
    with tiny_engine.connect() as conn:
        row = records(queries.SUMMARY.query(conn, Filters(), datetime(2030, 1, 1)))[0]
    assert (row["proveedor_top_nombre"], row["proveedor_top_pedidos"]) == ("N/A", 0)
    assert row["pedidos_mes"] == 0


def test_providers(tiny_engine):
    with tiny_engine.connect() as conn:
        rows = records(queries.PROVIDERS.query(conn, Filters(), NOW))
    assert rows == [
        {
            "codigo": "P01",
            "nombre": "Lácteos del Sur",
            "total_pedidos": 4,
            "total_productos": 27,
            "pedidos_semana": 2,
            "pedidos_mes": 2,
        },
        {
            "codigo": "P02",
            "nombre": "Bebidas Norte",
            "total_pedidos": 3,
            "total_productos": 21,
            "pedidos_semana": 1,
            "pedidos_mes": 3,
        },
        {
            "codigo": "P03",
            "nombre": "Almacén Central",
            "total_pedidos": 0,
            "total_productos": 0,
            "pedidos_semana": 0,
            "pedidos_mes": 0,
        },
    ]


def test_stock_timeline_last_seven_days(tiny_engine):
    with tiny_engine.connect() as conn:
        rows = records(queries.STOCK_TIMELINE.query(conn, Filters(days=7), NOW))
    assert rows == [
        {"fecha": "2026-03-15", "tipo": "entrada", "movimientos": 1, "productos": 20},
        {"fecha": "2026-03-15", "tipo": "salida", "movimientos": 1, "productos": 5},
        {"fecha": "2026-03-14", "tipo": "ajuste", "movimientos": 1, "productos": -2},
        {"fecha": "2026-03-09", "tipo": "entrada", "movimientos": 1, "productos": 30},
        {"fecha": "2026-03-08", "tipo": "salida", "movimientos": 1, "productos": 10},
    ]


def test_top_products_all_time(tiny_engine):
    with tiny_engine.connect() as conn:
        rows = records(queries.TOP_PRODUCTS.query(conn, Filters(), NOW))
    assert rows == [
        {
            "producto": "Agua mineral 2 L",
            "cantidad_total": 20,
            "pedidos": 3,
            "proveedor": "Bebidas Norte",
        },
        {
            "producto": "Leche entera 1 L",
            "cantidad_total": 18,
            "pedidos": 4,
            "proveedor": "Lácteos del Sur",
        },
        {
            "producto": "Yogur frutilla",
            "cantidad_total": 12,
            "pedidos": 2,
            "proveedor": "Lácteos del Sur",
        },
    ]


def test_top_products_date_range_and_limit(tiny_engine):
    filters = Filters(start_date=date(2026, 3, 1), end_date=date(2026, 3, 14), limit=1)
    with tiny_engine.connect() as conn:
        rows = records(queries.TOP_PRODUCTS.query(conn, filters, NOW))
    assert rows == [
        {
            "producto": "Agua mineral 2 L",
            "cantidad_total": 14,
            "pedidos": 2,
            "proveedor": "Bebidas Norte",
        }
    ]


def test_top_products_end_date_is_inclusive(tiny_engine):
    filters = Filters(start_date=date(2026, 3, 15), end_date=date(2026, 3, 15))
    with tiny_engine.connect() as conn:
        rows = records(queries.TOP_PRODUCTS.query(conn, filters, NOW))
    # orders 1 (10:00) and 8 (13:00) of March 15 both count
    assert [(r["producto"], r["cantidad_total"], r["pedidos"]) for r in rows] == [
        ("Leche entera 1 L", 11, 2),
        ("Yogur frutilla", 5, 1),
    ]


@pytest.mark.parametrize("text", ["lacteos", "LÁCTEOS", "del sur", "p01"])
def test_top_products_provider_filter_ignores_case_and_accents(tiny_engine, text):
    with tiny_engine.connect() as conn:
        rows = records(queries.TOP_PRODUCTS.query(conn, Filters(proveedor=text), NOW))
    assert [(r["producto"], r["cantidad_total"], r["pedidos"]) for r in rows] == [
        ("Leche entera 1 L", 15, 3),
        ("Yogur frutilla", 12, 2),
    ]


def test_top_products_unknown_provider_is_empty(tiny_engine):
    with tiny_engine.connect() as conn:
        frame = queries.TOP_PRODUCTS.query(conn, Filters(proveedor="nadie"), NOW)
    assert frame.empty
    assert list(frame.columns) == ["producto", "cantidad_total", "pedidos", "proveedor"]


def test_monthly_orders(tiny_engine):
    with tiny_engine.connect() as conn:
        rows = records(queries.MONTHLY_ORDERS.query(conn, Filters(months=6), NOW))
    assert rows == [
        {"mes": "2026-01", "pedidos": 1, "proveedores_activos": 1},
        {"mes": "2026-02", "pedidos": 1, "proveedores_activos": 1},
        {"mes": "2026-03", "pedidos": 5, "proveedores_activos": 3},
    ]


def test_monthly_orders_months_window_starts_on_first_day(tiny_engine):
    with tiny_engine.connect() as conn:
        rows = records(queries.MONTHLY_ORDERS.query(conn, Filters(months=2), NOW))
    assert [r["mes"] for r in rows] == ["2026-02", "2026-03"]


def test_monthly_orders_with_provider_and_dates(tiny_engine):
    filters = Filters(start_date=date(2026, 1, 1), end_date=date(2026, 3, 31), proveedor="sur")
    with tiny_engine.connect() as conn:
        rows = records(queries.MONTHLY_ORDERS.query(conn, filters, NOW))
    # explicit dates include order 8 (after now) since the range ends on March 31
    assert rows == [
        {"mes": "2026-01", "pedidos": 1, "proveedores_activos": 1},
        {"mes": "2026-03", "pedidos": 3, "proveedores_activos": 1},
    ]


def test_monthly_movements(tiny_engine):
    with tiny_engine.connect() as conn:
        rows = records(queries.MONTHLY_MOVEMENTS.query(conn, Filters(months=6), NOW))
    assert rows == [
        {"mes": "2026-01", "tipo": "ajuste", "movimientos": 1, "productos": 3},
        {"mes": "2026-02", "tipo": "entrada", "movimientos": 1, "productos": 7},
        {"mes": "2026-03", "tipo": "ajuste", "movimientos": 1, "productos": -2},
        {"mes": "2026-03", "tipo": "entrada", "movimientos": 2, "productos": 50},
        {"mes": "2026-03", "tipo": "salida", "movimientos": 2, "productos": 15},
    ]


def test_stock_by_provider_signs_each_kind(tiny_engine):
    with tiny_engine.connect() as conn:
        rows = records(queries.STOCK_BY_PROVIDER.query(conn, Filters(limit=10), NOW))
    assert rows == [
        {"codigo": "P02", "nombre": "Bebidas Norte", "stock_total": 23},  # 30 - 10 + 3
        {"codigo": "P01", "nombre": "Lácteos del Sur", "stock_total": 13},  # 20 - 5 - 2
        {"codigo": "P03", "nombre": "Almacén Central", "stock_total": 0},
    ]


def test_weekly_sales_iso_weeks(tiny_engine):
    with tiny_engine.connect() as conn:
        rows = records(queries.WEEKLY_SALES.query(conn, Filters(weeks=2), NOW))
    assert rows == [
        {"semana": "2026-W10", "pedidos": 1, "productos": 15},
        {"semana": "2026-W11", "pedidos": 3, "productos": 19},
    ]


def test_low_stock_worst_first(tiny_engine):
    with tiny_engine.connect() as conn:
        rows = records(queries.LOW_STOCK.query(conn, queries.LOW_STOCK.defaults, NOW))
    assert [(r["producto"], r["proveedor"], r["faltante"]) for r in rows] == [
        ("Yogur frutilla", "Lácteos del Sur", 5),
        ("Leche entera 1 L", "Lácteos del Sur", 8),
        ("Gaseosa cola", "Bebidas Norte", 1),
    ]


def test_activity_counts_window(tiny_engine):
    with tiny_engine.connect() as conn:
        row = records(queries.ACTIVITY.query(conn, Filters(days=7), datetime(2026, 3, 15)))[0]
    assert row == {"pedidos": 3, "movimientos": 3}  # orders 2,3,7; movements m3,m4,m5


@pytest.mark.parametrize(
    ("stamp", "week", "month"),
    [
        ("2021-01-03 10:00:00", "2020-W53", "2021-01"),
        ("2024-12-30 00:00:00", "2025-W01", "2024-12"),
        ("2026-03-09 00:00:00", "2026-W11", "2026-03"),
        ("2026-03-08 23:59:59", "2026-W10", "2026-03"),
        ("2027-01-01 12:00:00", "2026-W53", "2027-01"),
    ],
)
def test_buckets_agree_with_python(tiny_engine, stamp, week, month):
    value = literal(datetime.fromisoformat(stamp), LocalTimestamp)
    dialect = tiny_engine.dialect.name
    with tiny_engine.connect() as conn:
        got = conn.execute(
            select(iso_week_bucket(value, dialect), grouped(value, "month", dialect)[1])
        ).one()
    iso = datetime.fromisoformat(stamp).isocalendar()
    assert f"{iso.year}-W{iso.week:02d}" == week
    assert tuple(got) == (week, month)


def test_extreme_date_range_is_all_time(tiny_engine):
    filters = Filters(start_date=date(1, 1, 1), end_date=date(9999, 12, 31))
    with tiny_engine.connect() as conn:
        every = records(queries.TOP_PRODUCTS.query(conn, filters, NOW))
        plain = records(queries.TOP_PRODUCTS.query(conn, Filters(), NOW))
    assert every == plain


def test_weekly_sales_by_provider(tiny_engine):
    with tiny_engine.connect() as conn:
        rows = records(queries.WEEKLY_SALES.query(conn, Filters(weeks=2, proveedor="sur"), NOW))
    assert rows == [{"semana": "2026-W11", "pedidos": 2, "productos": 19}]  # orders 1 and 2


def test_weekly_sales_follows_explicit_dates(tiny_engine):
    filters = Filters(start_date=date(2026, 3, 1), end_date=date(2026, 3, 15))
    with tiny_engine.connect() as conn:
        rows = records(queries.WEEKLY_SALES.query(conn, filters, NOW))
    assert rows == [
        {"semana": "2026-W09", "pedidos": 1, "productos": 2},  # order 6, Sunday March 1
        {"semana": "2026-W10", "pedidos": 1, "productos": 15},  # order 3
        {"semana": "2026-W11", "pedidos": 4, "productos": 20},  # orders 1, 2, 7 and 8
    ]


def test_stock_timeline_by_provider(tiny_engine):
    with tiny_engine.connect() as conn:
        rows = records(queries.STOCK_TIMELINE.query(conn, Filters(days=7, proveedor="norte"), NOW))
    assert [(r["fecha"], r["tipo"], r["movimientos"], r["productos"]) for r in rows] == [
        ("2026-03-09", "entrada", 1, 30),
        ("2026-03-08", "salida", 1, 10),
    ]


def test_stock_timeline_follows_explicit_dates(tiny_engine):
    filters = Filters(start_date=date(2026, 1, 1), end_date=date(2026, 2, 28))
    with tiny_engine.connect() as conn:
        rows = records(queries.STOCK_TIMELINE.query(conn, filters, NOW))
    assert [(r["fecha"], r["tipo"], r["productos"]) for r in rows] == [
        ("2026-02-01", "entrada", 7),
        ("2026-01-15", "ajuste", 3),
    ]


@pytest.mark.parametrize(
    ("filters", "count"),
    [
        (Filters(), 8),  # every order, 8 (after now) too
        (Filters(start_date=date(2026, 3, 1), end_date=date(2026, 3, 14)), 4),  # 2, 3, 6, 7
        (Filters(end_date=date(2026, 1, 31)), 1),  # order 5 at 23:59:59: end_date is inclusive
        (Filters(start_date=date(2026, 3, 15), proveedor="lacteos"), 2),  # orders 1 and 8
        (Filters(proveedor="viejo"), 1),  # order 6, inactive provider
        (Filters(proveedor="nadie"), 0),
    ],
)
def test_order_status_window_and_provider(tiny_engine, filters, count):
    # The fixture files every order as «recibido» (states: tests/api/test_order_status.py).
    with tiny_engine.connect() as conn:
        rows = records(queries.ORDER_STATUS.query(conn, filters, NOW))
    assert rows == ([{"estado": "recibido", "pedidos": count}] if count else [])
