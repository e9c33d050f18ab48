"""The demo data plants what the Facturas page must find, and prices that rise unevenly."""

from __future__ import annotations

import functools
import json
import tempfile
from collections import Counter
from datetime import date, datetime

import numpy as np
import pytest
from sqlalchemy import text

from minimarket_dash import create_app
from minimarket_dash.config import load_settings
from minimarket_dash.db import make_engine
from minimarket_dash.demo import seed_database
from minimarket_dash.demo.catalogue import NEAR_NAMES
from minimarket_dash.demo.generate import generate_demo_and_plants
from minimarket_dash.demo.invoices import PACES, price_factor
from tests.api.helpers import get_json
from tests.constants import API_KEY
from tests.databases import postgres_database

TODAY = date(2026, 3, 15)
DEMO = {"lines": 60_000, "seed": 7, "today": TODAY}
WIDE = "/api/invoices?start_date=2024-01-01"


def _seed(url: str) -> str:
    engine = make_engine(load_settings({"database_url": url}), writer=True)
    seed_database(engine, **DEMO, progress=False)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def demo_sqlite_url(tmp_path_factory) -> str:
    return _seed(f"sqlite:///{tmp_path_factory.mktemp('demo-inv') / 'demo.db'}")


@pytest.fixture(scope="module")
def demo_postgres_url():
    with postgres_database("mmdash_demo_inv") as url:
        yield _seed(url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def demo_url(request) -> str:
    """The same demo on each supported database."""
    return request.getfixturevalue(f"demo_{request.param}_url")


@functools.cache
def _client_app(url: str):
    return create_app(
        load_settings(
            {
                "database_url": url,
                "api_keys": (API_KEY,),
                "fixed_now": datetime(2026, 3, 15, 12),
                "ratelimit_enabled": False,
                "cache_ttl": 0,
                "log_dir": tempfile.mkdtemp(prefix="mmdash-demo-inv-"),
            },
            environ={},
        ),
        pages=False,
    )


@pytest.fixture(scope="module")
def demo_client(demo_sqlite_url):
    return _client_app(demo_sqlite_url).test_client()


@pytest.fixture(scope="module")
def planted():
    """What the generator planted in that demo (it is deterministic: the same data again)."""
    return generate_demo_and_plants(**DEMO)[1]


def _sql(url: str, statement: str, **params) -> list[tuple]:
    engine = make_engine(load_settings({"database_url": url}))
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(statement), params)]
    finally:
        engine.dispose()


def _order(url: str, order_id: int) -> dict:
    """An order as the database holds it: number, provider, delivery day, estado, lines."""
    ((numero, provider, delivered, estado),) = _sql(
        url,
        "SELECT numero_pedido, proveedor_id, fecha_entrega_real, estado FROM pedidos "
        "WHERE id = :id",
        id=order_id,
    )
    lines = _sql(
        url,
        "SELECT producto_nombre, cantidad, precio_unitario FROM detalle_pedidos "
        "WHERE pedido_id = :id",
        id=order_id,
    )
    return {
        "id": order_id,
        "numero": numero,
        "provider": provider,
        "day": date.fromisoformat(str(delivered)[:10]),
        "estado": estado,
        "lines": sorted((name, float(qty), float(price)) for name, qty, price in lines),
    }


def _as_read(row: dict) -> list[tuple]:
    return sorted(
        (i["descripcion"], float(i["cantidad"]), float(i["precio_unitario"])) for i in row["items"]
    )


def _assert_own_exact_order(url: str, row: dict, order: dict) -> None:
    """The invoice copies `order` line for line (SQL) and the page gave it that order, ok."""
    assert _as_read(row) == order["lines"], row["factura_id"]
    assert order["estado"] == "entregado"
    assert (row["pedido"], row["flags"], row["cobrado_de_mas"]) == (order["numero"], ["ok"], 0)


def test_planted_near_names_are_not_one_product(demo_url, planted):
    rows = {
        r["factura_id"]: r
        for r in get_json(_client_app(demo_url).test_client(), "/api/invoices")["facturas"]
    }
    invoice = planted.near_names
    order = _order(demo_url, planted.source[invoice])
    prices = {name: price for name, _, price in order["lines"]}
    for short, long in NEAR_NAMES:  # both in the one order, at different prices
        assert short in prices and long in prices and prices[short] != prices[long]
    _assert_own_exact_order(demo_url, rows[invoice], order)  # in the default 90 days


def test_planted_same_day_orders_each_get_their_invoice(demo_url, planted):
    rows = {
        r["factura_id"]: r
        for r in get_json(_client_app(demo_url).test_client(), "/api/invoices")["facturas"]
    }
    first, second = planted.same_day
    a, b = (_order(demo_url, planted.source[inv]) for inv in (first, second))
    assert a["id"] != b["id"] and (a["provider"], a["day"]) == (b["provider"], b["day"])
    assert {line[0] for line in a["lines"]} & {line[0] for line in b["lines"]}  # sharing items
    assert rows[first]["fecha_factura"] == rows[second]["fecha_factura"] == a["day"].isoformat()
    assert first < second  # the first is matched first
    _assert_own_exact_order(demo_url, rows[first], a)
    _assert_own_exact_order(demo_url, rows[second], b)


def test_planted_exact_order_beats_its_superset(demo_url, planted):
    rows = {
        r["factura_id"]: r
        for r in get_json(_client_app(demo_url).test_client(), "/api/invoices")["facturas"]
    }
    invoice, superset_id = planted.exact
    exact, superset = _order(demo_url, planted.source[invoice]), _order(demo_url, superset_id)
    names = {line[0] for line in exact["lines"]}
    assert names < {line[0] for line in superset["lines"]}  # all its products and more
    assert superset["estado"] == "entregado" and superset["provider"] == exact["provider"]
    assert abs((superset["day"] - date.fromisoformat(rows[invoice]["fecha_factura"])).days) <= 3
    _assert_own_exact_order(demo_url, rows[invoice], exact)


@pytest.mark.parametrize("path", ["/api/invoices", WIDE])
def test_overcharge_shown_is_the_overcharge_planted(demo_url, planted, path):
    """«Te cobraron de más» (the sum over the invoices, and over the providers) equals, to the
    cent, the money the generator billed above the orders on the invoices of the period; each
    invoice copying an order got that order unless unreadable or of no known provider."""
    body = get_json(_client_app(demo_url).test_client(), path)
    rows = body["facturas"]
    numbers = dict(_sql(demo_url, "SELECT id, numero_pedido FROM pedidos"))
    for row in rows:
        invoice = row["factura_id"]
        assert row["cobrado_de_mas"] == planted.overcharge.get(invoice, 0.0), invoice
        if invoice in planted.source and not {"ilegible", "sin_proveedor"} & set(row["flags"]):
            assert row["pedido"] == numbers[planted.source[invoice]], invoice
    shown = round(sum(row["cobrado_de_mas"] for row in rows), 2)
    wanted = round(sum(planted.overcharge.get(row["factura_id"], 0.0) for row in rows), 2)
    assert shown == wanted > 0
    assert round(sum(p["cobrado_de_mas"] for p in body["proveedores"]), 2) == shown
    if path == WIDE:  # every invoice of the demo
        assert len(rows) == len(_sql(demo_url, "SELECT id FROM facturas_ocr"))
        assert shown == planted.total_overcharge


def test_every_flag_is_planted_and_most_invoices_match_an_order(demo_client):
    body = get_json(demo_client, "/api/invoices?start_date=2024-01-01")
    rows = body["facturas"]
    flags = Counter(flag for row in rows for flag in row["flags"])
    assert set(flags) == {
        "ok",
        "sin_pedido",
        "precio_mayor",
        "cantidad_distinta",
        "no_pedido",
        "sin_proveedor",
        "ilegible",
        "pendiente",
        "duplicada",
    }
    assert sum(row["pedido"] is not None for row in rows) > 0.7 * len(rows)
    ratios = sorted(
        item["precio_unitario"] / item["precio_pedido"]
        for row in rows
        if "precio_mayor" in row["flags"]
        for item in row["items"]
        if item["precio_pedido"] and item["precio_unitario"] > 1.02 * item["precio_pedido"]
    )
    # Planted 3–10 % above; an invoice matched to another order of similar items may differ more.
    assert len(ratios) >= 5 and 1.03 <= ratios[len(ratios) // 2] <= 1.10
    assert sum(row["cobrado_de_mas"] for row in rows) > 0


def test_the_last_90_days_have_something_to_show(demo_client):
    rows = get_json(demo_client, "/api/invoices")["facturas"]
    assert len(rows) >= 20
    assert any(row["flags"] != ["ok"] for row in rows)
    assert any(row["flags"] == ["ok"] for row in rows)


def test_key_variants_and_noisy_names_in_the_data(demo_client):
    body = get_json(demo_client, "/api/invoices?start_date=2024-01-01")
    assert any("ilegible" in row["flags"] for row in body["facturas"])
    # Unassigned invoices whose noisy OCR name still resolves to a provider.
    assert any(row["proveedor"] and "pendiente" in row["flags"] for row in body["facturas"])
    url = demo_client.application.config["SETTINGS"].database_url
    engine = make_engine(load_settings({"database_url": url}))
    with engine.connect() as conn:
        stored = conn.exec_driver_sql(
            "SELECT productos_json, proveedor_original FROM facturas_ocr"
        ).fetchall()
    engine.dispose()
    keys, prices = set(), []
    for raw, _ in stored:
        try:
            items = json.loads(raw)
        except ValueError:
            continue
        for item in items if isinstance(items, list) else []:
            keys.update(item)
            prices.append(item.get("precio_unitario", item.get("precio")))
    assert {
        "descripcion",
        "producto",
        "nombre",
        "precio_unitario",
        "precio",
        "importe",
        "codigo",
        "raw_line",
    } <= keys
    assert any(isinstance(p, str) and p.startswith("$ ") and "," in p for p in prices)
    assert any(isinstance(p, float) for p in prices)
    assert any(
        original.startswith("DISTRIB. ") and original.endswith(" S A") for _, original in stored
    )


def test_prices_rise_unevenly(demo_client):
    body = get_json(demo_client, "/api/price-changes?meses=6")
    ranked = [p for p in body["proveedores"] if p["estado"] == "ranked"]
    assert len(ranked) >= 10
    changes = [p["cambio_pct"] for p in ranked]
    assert max(changes) - min(changes) > 8  # faster and slower than the baseline
    assert 5 < body["mercado"] < 25  # around 2,5 % a month over six months
    index = [p["indice"] for p in body["indice"] if p["proveedor_id"] == ranked[0]["proveedor_id"]]
    assert index[0] == 100.0 and index[-1] > 110


def test_price_factor_paces():
    ages = [0.0, 365.0]
    factors = {
        pace: price_factor(np.array([pace, pace]), np.array(ages)).tolist()
        for pace in range(len(PACES))
    }
    assert all(values[0] == 1.0 for values in factors.values())
    fast, slow = factors[0][1], factors[1][1]
    assert fast < slow < 1.0  # a year ago the fast riser was cheaper relative to today
    assert json.dumps(factors)  # plain floats
