"""The demo data plants what the Facturas page must find, and prices that rise unevenly."""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from datetime import date, datetime

import numpy as np
import pytest

from minimarket_dash import create_app
from minimarket_dash.config import load_settings
from minimarket_dash.db import make_engine
from minimarket_dash.demo import seed_database
from minimarket_dash.demo.invoices import PACES, price_factor
from tests.api.helpers import get_json
from tests.constants import API_KEY

TODAY = date(2026, 3, 15)


@pytest.fixture(scope="module")
def demo_client(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('demo-inv') / 'demo.db'}"
    engine = make_engine(load_settings({"database_url": url}), writer=True)
    seed_database(engine, lines=60_000, seed=7, today=TODAY, progress=False)
    engine.dispose()
    app = create_app(load_settings({
        "database_url": url, "api_keys": (API_KEY,), "fixed_now": datetime(2026, 3, 15, 12),
        "ratelimit_enabled": False, "cache_ttl": 0,
        "log_dir": tempfile.mkdtemp(prefix="mmdash-demo-inv-")}, environ={}), pages=False)
    return app.test_client()


def test_every_flag_is_planted_and_most_invoices_match_an_order(demo_client):
    body = get_json(demo_client, "/api/invoices?start_date=2024-01-01")
    rows = body["facturas"]
    flags = Counter(flag for row in rows for flag in row["flags"])
    assert set(flags) == {"ok", "sin_pedido", "precio_mayor", "cantidad_distinta", "no_pedido",
                          "sin_proveedor", "ilegible", "pendiente", "duplicada"}
    assert sum(row["pedido"] is not None for row in rows) > 0.7 * len(rows)
    ratios = sorted(
        item["precio_unitario"] / item["precio_pedido"]
        for row in rows if "precio_mayor" in row["flags"]
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
            "SELECT productos_json, proveedor_original FROM facturas_ocr").fetchall()
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
    assert {"descripcion", "producto", "nombre", "precio_unitario", "precio", "importe",
            "codigo", "raw_line"} <= keys
    assert any(isinstance(p, str) and p.startswith("$ ") and "," in p for p in prices)
    assert any(isinstance(p, float) for p in prices)
    assert any(original.startswith("DISTRIB. ") and original.endswith(" S A")
               for _, original in stored)


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
    factors = {pace: price_factor(np.array([pace, pace]),
                                  np.array(ages)).tolist()
               for pace in range(len(PACES))}
    assert all(values[0] == 1.0 for values in factors.values())
    fast, slow = factors[0][1], factors[1][1]
    assert fast < slow < 1.0  # a year ago the fast riser was cheaper relative to today
    assert json.dumps(factors)  # plain floats
