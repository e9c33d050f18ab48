"""«Qué pedir hoy»: the rule on the hand-computed fixture, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import numpy as np
import pytest

from minimarket_dash.config import load_settings
from minimarket_dash.db import make_engine
from minimarket_dash.filters import Filters
from minimarket_dash.queries.reorder import (
    providers_of,
    reorder,
    reorder_schedule,
    round_up_to_pack,
)
from tests.reorder_fixture import EXPECTED_PRODUCTS, EXPECTED_PROVIDERS, NOW, PRODUCTS

PRODUCT_COLUMNS = (
    "producto_id",
    "en_camino",
    "consumo_diario",
    "cobertura_dias",
    "pack",
    "sugerido",
    "urgencia",
    "importe_estimado",
)


@pytest.fixture
def conn(reorder_url):
    engine = make_engine(load_settings({"database_url": reorder_url}))
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def rows(frame, columns=PRODUCT_COLUMNS) -> list[tuple]:
    """Return the frame's rows as tuples of plain values (NaN -> None)."""
    out = []
    for values in frame[list(columns)].itertuples(index=False, name=None):
        out.append(tuple(None if isinstance(v, float) and np.isnan(v) else v for v in values))
    return out


def test_every_clause_of_the_rule_matches_the_hand_computation(conn):
    frame = reorder(conn, Filters(), NOW, lead_days=2)
    assert rows(frame) == EXPECTED_PRODUCTS


def test_rows_carry_names_stock_and_prices_of_the_products(conn):
    frame = reorder(conn, Filters(), NOW, lead_days=2)
    by_id = {p[0]: p for p in PRODUCTS}
    for row in frame.itertuples():
        _, nombre, proveedor_id, stock, minimo, precio, _ = by_id[row.producto_id]
        assert (
            row.producto,
            row.proveedor_id,
            row.stock_actual,
            row.stock_minimo,
            row.precio_compra,
        ) == (nombre, proveedor_id, stock, minimo, precio)


def test_providers_have_lead_time_cycle_usual_day_and_whatsapp(conn):
    columns = (
        "proveedor_id",
        "plazo_dias",
        "ciclo_dias",
        "dia_habitual",
        "pide_hoy",
        "lineas",
        "importe_estimado",
        "whatsapp",
    )
    found = rows(providers_of(reorder(conn, Filters(), NOW, lead_days=2)), columns)
    assert found == EXPECTED_PROVIDERS


def test_a_provider_without_a_phone_area_code_has_a_reason(conn):
    providers = providers_of(reorder(conn, Filters(), NOW, lead_days=2))
    federal = providers[providers["proveedor_id"] == 3].iloc[0]
    assert federal["whatsapp"] is None
    assert "característica" in federal["whatsapp_motivo"]


def test_default_lead_days_applies_only_without_deliveries(conn):
    frame = reorder(conn, Filters(), NOW, lead_days=5)
    arroz = frame[frame["producto_id"] == 6].iloc[0]
    assert arroz["plazo_dias"] == 5 and arroz["sugerido"] == 11  # 0.5 × (5 + 7) + 8 − 3 = 11
    leche = frame[frame["producto_id"] == 1].iloc[0]
    assert leche["plazo_dias"] == 2.5  # has deliveries: the default does not apply


def test_a_long_default_lead_makes_a_product_critical(conn):
    frame = reorder(conn, Filters(), NOW, lead_days=7)
    arroz = frame[frame["producto_id"] == 6].iloc[0]
    assert arroz["urgencia"] == "critico"  # 6.0 days of cover < 7 days of lead


def test_solo_hoy_keeps_providers_whose_usual_day_is_today(conn):
    frame = reorder(conn, Filters(solo_hoy=True), NOW, lead_days=2)
    assert list(frame["producto_id"]) == [4, 5]  # Bebidas Cuyo orders on Wednesdays


def test_proveedor_text_filters_like_the_other_endpoints(conn):
    frame = reorder(conn, Filters(proveedor="LACTEOS"), NOW, lead_days=2)
    assert list(frame["producto_id"]) == [1, 2, 3]
    assert reorder(conn, Filters(proveedor="inactivo"), NOW, lead_days=2).empty


def test_a_provider_without_any_order_alone(conn):
    frame = reorder(conn, Filters(proveedor="federal"), NOW, lead_days=3)
    assert list(frame["producto_id"]) == [6]
    first = frame.iloc[0]
    assert (first["plazo_dias"], first["ciclo_dias"], first["dia_habitual"]) == (3, 7, None)
    schedule = reorder_schedule(conn, Filters(proveedor="federal"), NOW, lead_days=3)
    assert list(schedule["plazo_dias"]) == [3]


def test_dias_changes_the_sales_window(conn):
    frame = reorder(conn, Filters(dias=7), NOW, lead_days=2)
    gaseosa = frame[frame["producto_id"] == 5].iloc[0]
    # 14 units on 03-12 in [03-11, 03-18): 2/día; 2 × 3 + 12 − 1 = 17; cover 0.5 < 1.
    assert (gaseosa["consumo_diario"], gaseosa["sugerido"], gaseosa["urgencia"]) == (
        2.0,
        17,
        "critico",
    )
    leche = frame[frame["producto_id"] == 1].iloc[0]
    assert leche["consumo_diario"] == round(26 / 7, 2)


def test_schedule_lists_every_active_provider_with_defaults(conn):
    schedule = reorder_schedule(conn, Filters(), NOW, lead_days=2)
    found = rows(schedule, ("proveedor_id", "plazo_dias", "ciclo_dias", "dia_habitual", "pide_hoy"))
    assert found == [
        (1, 2.5, 6, "martes", False),
        (2, 1, 2, "miércoles", True),
        (3, 2, 7, None, False),
        (5, 4, 7, "jueves", False),
    ]


@pytest.mark.parametrize(
    ("missing", "pack", "expected"),
    [
        (0.0, 12, 0),
        (3.0000000000000004, 1, 3),  # float noise vanishes at 6 decimals
        (12.0000001, 12, 12),  # 12.000000 after rounding: exactly one pack
        (12.000001, 12, 24),  # 12.000001 stays above one pack
        (4.25, 2, 6),
        (0.0000004, 6, 0),
        (0.000001, 6, 6),
        (25, 24, 48),
    ],
)
def test_round_to_six_decimals_then_up_to_the_pack(missing, pack, expected):
    assert round_up_to_pack(np.array([missing]), np.array([pack]))[0] == expected


@pytest.mark.parametrize("raw", ["abc", "-1", "61", "2.5", ""])
def test_default_lead_days_setting_is_validated(raw):
    from minimarket_dash.config import SettingsError

    with pytest.raises(SettingsError, match="DASHBOARD_DEFAULT_LEAD_DAYS"):
        load_settings(environ={"DASHBOARD_DEFAULT_LEAD_DAYS": raw})


def test_default_lead_days_setting_defaults_to_2_and_reads_the_environment():
    assert load_settings(environ={}).default_lead_days == 2
    assert load_settings(environ={"DASHBOARD_DEFAULT_LEAD_DAYS": " 5 "}).default_lead_days == 5
