"""The demo data makes «Qué pedir hoy» meaningful: usual days, lead times, packs, stock."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import text

from minimarket_dash.config import load_settings
from minimarket_dash.db import make_engine
from minimarket_dash.demo import seed_database
from minimarket_dash.filters import Filters
from minimarket_dash.queries.reorder import providers_of, reorder, reorder_schedule

TODAY = date(2026, 3, 18)
NOW = datetime(2026, 3, 18, 12, 0)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('demo-purchases') / 'demo.db'}"
    engine = make_engine(load_settings({"database_url": url}), writer=True)
    seed_database(engine, lines=60_000, seed=7, today=TODAY, progress=False)
    yield engine
    engine.dispose()


def test_providers_have_distinct_usual_days_and_lead_times(demo):
    with demo.connect() as conn:
        schedule = reorder_schedule(conn, Filters(), NOW, lead_days=2)
    assert len(set(schedule["dia_habitual"].dropna())) >= 5
    assert len(set(schedule["plazo_dias"])) >= 3


def test_order_lines_come_in_packs_and_some_are_on_their_way(demo):
    with demo.connect() as conn:
        items = reorder(conn, Filters(), NOW, lead_days=2)
        open_orders = conn.execute(
            text(
                "SELECT COUNT(*) FROM pedidos WHERE fecha_entrega_real IS NULL"
                " AND estado IN ('pendiente', 'enviado')"
            )
        ).scalar()
    assert {6, 12, 24} <= set(items["pack"])
    assert (items["en_camino"] > 0).any() and open_orders > 0
    assert {"agotado", "critico", "reponer"} <= set(items["urgencia"])


def test_most_products_have_stock_and_most_providers_a_whatsapp(demo):
    with demo.connect() as conn:
        stock = conn.execute(
            text(
                "SELECT AVG(stock_actual > 0), AVG(stock_actual < stock_minimo) FROM productos"
                " WHERE activo = 1"
            )
        ).one()
        items = reorder(conn, Filters(), NOW, lead_days=2)
    assert stock[0] > 0.9 and 0.03 <= stock[1] <= 0.15
    providers = providers_of(items)
    assert providers["whatsapp"].notna().mean() > 0.8
    assert providers["whatsapp"].isna().any()
