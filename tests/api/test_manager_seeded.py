"""The manager's endpoints on a seeded demo database, against plain SQL written independently.

The seeded database (demo generator, 20,000 lines, seed 11) and its client are the `seeded`
fixture of tests/api/conftest.py."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tests.api import manager_sql
from tests.api.helpers import SEEDED_NOW, get_json


def test_low_stock_is_every_product_under_its_minimum(seeded):
    client, engine = seeded
    body = get_json(client, "/api/low-stock")
    assert body == manager_sql.expected_low_stock(engine)
    ((count,),) = manager_sql.rows(
        engine, "SELECT COUNT(*) FROM productos WHERE activo = 1 AND stock_actual < stock_minimo"
    )
    assert len(body) == count > 100  # more than any page size: nothing is cut


def test_spending_default_window(seeded):
    client, engine = seeded
    body = get_json(client, "/api/spending")
    start, end = manager_sql.last_months_window(SEEDED_NOW)
    assert body == manager_sql.expected_spending(engine, start, end)
    assert [row["mes"] for row in body["por_mes"]][0] == "2025-04"
    assert len(body["por_mes"]) == 12
    ((cancelled,),) = manager_sql.rows(
        engine,
        "SELECT COUNT(*) FROM pedidos WHERE estado = 'cancelado'"
        " AND fecha_pedido >= :start AND fecha_pedido < :end",
        start=start,
        end=end,
    )
    assert cancelled > 0  # the exclusion is exercised


def test_spending_dates_and_provider(seeded):
    client, engine = seeded
    providers = manager_sql.rows(engine, "SELECT id, nombre FROM proveedores ORDER BY id")
    word = max(providers[1][1].split(), key=len)
    ids = manager_sql.matching_provider_ids(engine, word)
    query = f"?start_date=2025-10-01&end_date=2026-01-31&proveedor={word.lower()}"
    expected = manager_sql.expected_spending(
        engine, datetime(2025, 10, 1), datetime(2026, 2, 1), ids
    )
    assert expected["por_proveedor"], "the provider should have orders in the range"
    assert get_json(client, f"/api/spending{query}") == expected


def test_today(seeded):
    client, engine = seeded
    body = get_json(client, "/api/today")
    assert body == manager_sql.expected_today(engine, SEEDED_NOW.date())
    assert body["entregas_hoy"] and body["atrasados"] and body["pendientes"] > 0
    lateness = [row["dias_atraso"] for row in body["atrasados"]]
    assert lateness == sorted(lateness, reverse=True) and min(lateness) >= 1


@pytest.mark.parametrize("size", [None, 1, 7, 100])
def test_products_default_limit_and_clamp(seeded, size):
    client, engine = seeded
    query = "" if size is None else f"?limit={size}"
    body = get_json(client, f"/api/products{query}")
    names = sorted(name for (name,) in manager_sql.rows(engine, "SELECT nombre FROM productos"))
    assert [row["nombre"] for row in body] == names[: size or 20]


def test_products_search_finds_every_match(seeded):
    client, engine = seeded
    ((name, code),) = manager_sql.rows(
        engine, "SELECT nombre, codigo_barras FROM productos ORDER BY id LIMIT 1"
    )
    word = max(name.split(), key=len)
    body = get_json(client, f"/api/products?q={word.upper()}&limit=100")
    expected = manager_sql.products_containing(engine, word)
    assert 0 < len(expected) <= 100
    assert sorted(body, key=lambda r: r["producto_id"]) == sorted(
        expected, key=lambda r: r["producto_id"]
    )
    by_code = get_json(client, f"/api/products?q={code}")
    assert by_code[0]["codigo_barras"] == code and by_code[0]["nombre"] == name


def test_windows_are_consistent(seeded):
    """por_mes and por_proveedor add up to the same money and orders."""
    client, _ = seeded
    body = get_json(client, f"/api/spending?end_date={date(2026, 3, 15) - timedelta(days=1)}")
    months = body["por_mes"]
    providers = body["por_proveedor"]
    assert sum(r["pedidos"] for r in months) == sum(r["pedidos"] for r in providers)
    assert abs(sum(r["importe"] for r in months) - sum(r["importe"] for r in providers)) < 0.05
