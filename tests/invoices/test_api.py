"""/api/invoices and /api/price-changes on the hand-computed fixture, SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

import pytest

from tests import invoices_fixture as fx
from tests.api.helpers import assert_error, get_json
from tests.constants import AUTH


def by_id(body: dict) -> dict[int, dict]:
    return {row["factura_id"]: row for row in body["facturas"]}


def test_invoices_default_window_flags_orders_and_money(client):
    body = get_json(client, "/api/invoices")
    rows = by_id(body)
    assert set(rows) == set(fx.EXPECTED)  # 12 is before the 90-day window
    for factura_id, (proveedor, pedido, flags, extra) in fx.EXPECTED.items():
        row = rows[factura_id]
        assert (row["proveedor"], row["pedido"], row["flags"], row["cobrado_de_mas"]) == (
            proveedor,
            pedido,
            flags,
            extra,
        ), factura_id
    assert list(body["facturas"][0]) == [
        "factura_id",
        "numero_factura",
        "fecha_factura",
        "proveedor",
        "pedido",
        "total",
        "flags",
        "cobrado_de_mas",
        "estado",
        "estado_usuario",
        "estado_cuando",
        "items",
    ]
    assert {
        (row["estado"], row["estado_usuario"], row["estado_cuando"]) for row in body["facturas"]
    } == {("pendiente", None, None)}  # nobody marked any


def test_invoices_newest_first(client):
    body = get_json(client, "/api/invoices")
    keys = [(row["fecha_factura"], row["factura_id"]) for row in body["facturas"]]
    assert keys == sorted(keys, reverse=True)
    assert keys[0] == ("2026-03-12", 11)


def test_invoice_items_side_by_side_with_the_order(client):
    rows = by_id(get_json(client, "/api/invoices"))
    assert rows[1]["items"] == [
        {
            "descripcion": "LECHE ENTERA 1 L.",
            "cantidad": 10,
            "precio_unitario": 103.5,
            "cantidad_pedida": 10,
            "precio_pedido": 100,
        },
        {
            "descripcion": "Yogur Frutilla",
            "cantidad": 5,
            "precio_unitario": 50,
            "cantidad_pedida": 5,
            "precio_pedido": 50,
        },
    ]
    assert rows[2]["items"][1] == {
        "descripcion": "Manteca 200 g",
        "cantidad": 1,
        "precio_unitario": 300,
        "cantidad_pedida": None,
        "precio_pedido": None,
    }
    # descripcion beats producto; precio_unitario beats precio; es-AR "$ 1.234,56".
    assert [(i["descripcion"], i["precio_unitario"]) for i in rows[7]["items"]] == [
        ("Queso cremoso", 1234.56),
        ("Dulce de leche 400 g", 1000),
    ]
    # plain "1234.56", `producto` + `precio`, "1.234" read as es-AR thousands.
    assert [(i["descripcion"], i["cantidad"], i["precio_unitario"]) for i in rows[4]["items"]] == [
        ("Agua mineral 2 L", 12, 1234.56),
        ("Gaseosa cola", 6, 1234),
    ]
    assert rows[5]["items"][0]["descripcion"] == "Arroz largo fino 1 kg"  # the key `nombre`
    assert rows[5]["items"][0]["cantidad_pedida"] is None
    assert rows[8]["items"] == [] and rows[9]["items"] == [] and rows[10]["items"] == []


def test_invoice_providers(client):
    body = get_json(client, "/api/invoices")
    got = [tuple(row.values()) for row in body["proveedores"]]
    assert got == fx.EXPECTED_PROVIDERS
    assert list(body["proveedores"][0]) == [
        "proveedor_id",
        "proveedor",
        "facturas",
        "con_problemas",
        "cobrado_de_mas",
    ]


@pytest.mark.parametrize(
    ("tolerancia", "flagged", "total"),
    [
        ("5", set(), 0.0),  # 3,5 % and 2,88 % are within 5 %
        ("3", {1}, 35.0),  # only leche (3,5 %)
        ("2,5", {1, 7}, 104.12),  # decimal comma accepted
        ("0", {1, 3, 7}, 104.12 + 40.0),  # gaseosa at +2 %: (510 − 500) × 4
        ("-4", {1, 3, 7}, 144.12),  # clamped to 0
        ("80", set(), 0.0),  # clamped to 50
    ],
)
def test_tolerancia(client, tolerancia, flagged, total):
    rows = get_json(client, f"/api/invoices?tolerancia={tolerancia}")["facturas"]
    assert {r["factura_id"] for r in rows if "precio_mayor" in r["flags"]} == flagged
    assert round(sum(r["cobrado_de_mas"] for r in rows), 2) == round(total, 2)


def test_dates_and_provider_filter(client):
    rows = get_json(client, "/api/invoices?start_date=2025-10-01&end_date=2026-03-05")["facturas"]
    assert [r["factura_id"] for r in rows] == [2, 1, 8, 5, 13, 12]
    # 12 is now inside: it is the original, 13 (later) the duplicate.
    assert by_id({"facturas": rows})[12]["flags"] == ["sin_pedido"]
    # The provider rule applies to the resolved provider (7 was unassigned, read from OCR).
    rows = get_json(client, "/api/invoices?proveedor=lacteos")["facturas"]
    assert sorted(r["factura_id"] for r in rows) == [1, 2, 7]
    assert get_json(client, "/api/invoices?proveedor=nadie") == {"facturas": [], "proveedores": []}


def test_narrow_window(client):
    # Without invoice 1, order 1 is free: invoice 2 shares one name with orders 1 and 2;
    # order 2 (1 day away) beats order 1 (3 days away).
    rows = by_id(get_json(client, "/api/invoices?start_date=2026-03-04&end_date=2026-03-10"))
    assert rows[2]["pedido"] == "PED-2"
    assert rows[4]["pedido"] == "PED-5" and rows[3]["pedido"] == "PED-6"


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("tolerancia=x", "tolerancia"),
        ("tolerancia=1e3", "tolerancia"),
        ("start_date=2026-02-30", "start_date"),
        ("end_date=ayer", "end_date"),
    ],
)
def test_invoices_bad_parameters(sqlite_client, query, param):
    response = sqlite_client.get(f"/api/invoices?{query}", headers=AUTH)
    assert_error(response, 400, "bad_request", param)


def test_price_changes(client):
    body = get_json(client, "/api/price-changes")
    assert (body["mes_base"], body["mes_actual"], body["mercado"]) == (
        "2025-11",
        "2026-02",
        fx.EXPECTED_MERCADO,
    )
    got = [
        (
            p["proveedor_id"],
            p["cambio_pct"],
            p["diferencia_pp"],
            p["productos_comparados"],
            p["estado"],
        )
        for p in body["proveedores"]
    ]
    assert got == fx.EXPECTED_CHANGES
    lacteos = next(p for p in body["proveedores"] if p["proveedor_id"] == 1)
    assert lacteos["proveedor"] == "Lácteos del Sur S.A."
    assert lacteos["productos"] == fx.EXPECTED_LACTEOS_PRODUCTS
    assert list(lacteos) == [
        "proveedor_id",
        "proveedor",
        "cambio_pct",
        "diferencia_pp",
        "productos_comparados",
        "estado",
        "productos",
    ]


def test_price_index_chained(client):
    body = get_json(client, "/api/price-changes")
    points = [p for p in body["indice"] if p["proveedor_id"] == 2]
    assert [p["mes"] for p in points] == fx.INDEX_MONTHS
    assert [p["indice"] for p in points] == fx.EXPECTED_BEBIDAS_INDEX
    lacteos = [p["indice"] for p in body["indice"] if p["proveedor_id"] == 1]
    assert lacteos == [100.0] * 12  # never two consecutive months with products
    assert {p["proveedor_id"] for p in body["indice"]} == {1, 2, 3, 5}


@pytest.mark.parametrize(
    ("query", "base", "states"),
    [
        ("meses=1", "2026-01", {1: "insuficiente", 2: "insuficiente", 3: "insuficiente"}),
        ("meses=12", "2025-02", {2: "insuficiente"}),
        ("meses=99", "2025-02", {2: "insuficiente"}),
        ("meses=0", "2026-01", {2: "insuficiente"}),
    ],
)
def test_price_changes_meses(client, query, base, states):
    body = get_json(client, f"/api/price-changes?{query}")
    assert body["mes_base"] == base and body["mes_actual"] == "2026-02"
    listed = {p["proveedor_id"]: p["estado"] for p in body["proveedores"]}
    assert {k: listed[k] for k in states} == states


def test_price_changes_mes_1_bebidas(client):
    body = get_json(client, "/api/price-changes?meses=1")
    bebidas = next(p for p in body["proveedores"] if p["proveedor_id"] == 2)
    # January -> February: only D and E in both months.
    assert (bebidas["productos_comparados"], bebidas["cambio_pct"]) == (2, None)
    assert body["mercado"] is None


def test_price_changes_provider_filter(client):
    body = get_json(client, "/api/price-changes?proveedor=almacen")
    assert [
        (p["proveedor_id"], p["cambio_pct"], p["diferencia_pp"]) for p in body["proveedores"]
    ] == [(3, 13.3, 0.0)]
    assert body["mercado"] == 13.3
    assert_error(
        client.get("/api/price-changes?meses=tres", headers=AUTH), 400, "bad_request", "meses"
    )


def test_csv_exports_match_json(client):
    response = client.get("/api/export/invoices.csv?tolerancia=3", headers=AUTH)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('_2026-03-15.csv"')
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    body = get_json(client, "/api/invoices?tolerancia=3")
    assert [int(r["factura_id"]) for r in rows] == [r["factura_id"] for r in body["facturas"]]
    first = {r["factura_id"]: r for r in rows}["2"]
    assert first["flags"] == "cantidad_distinta|no_pedido" and first["items"] == "2"
    prices = client.get("/api/export/price-changes.csv", headers=AUTH).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(prices)))
    assert rows[0]["proveedor"] == "Almacén Central SRL" and rows[0]["cambio_pct"] == "13.3"
    assert rows[0]["mercado"] == "10.7" and rows[-1]["estado"] == "insuficiente"
    assert rows[0]["productos"] == "Aceite I|Polenta H|Harina G"


@pytest.mark.parametrize(
    "path",
    [
        "/api/invoices",
        "/api/price-changes",
        "/api/export/invoices.csv",
        "/api/export/price-changes.csv",
    ],
)
def test_key_required(sqlite_client, path):
    assert_error(sqlite_client.get(path), 401, "unauthorized")


@pytest.mark.parametrize(
    "database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_same_answers_after_optimize(tmp_path, database):
    """The price summaries of `optimize` (all 13 months are closed) change no number, and
    invoices read through optimize's index of lines by order (SQLite: one statement instead
    of two) are matched as before."""
    from minimarket_dash.config import load_settings
    from minimarket_dash.db import make_engine
    from minimarket_dash.optimize import optimize
    from minimarket_dash.queries.invoices import _lines_indexed
    from tests.databases import postgres_database
    from tests.invoices.conftest import invoices_app

    def run(url: str) -> None:
        fx.fill_database(url)
        client = invoices_app(url).test_client()
        before = [get_json(client, f"/api/price-changes?meses={m}") for m in (1, 3, 12)]
        invoices = get_json(client, "/api/invoices")
        engine = make_engine(load_settings({"database_url": url}), writer=True)
        with engine.connect() as conn:
            assert not _lines_indexed(conn)
        report = optimize(engine, fx.NOW)
        with engine.connect() as conn:
            stored = conn.exec_driver_sql(
                "SELECT COUNT(*) FROM mm_dashboard.mm_precio_mes"
            ).scalar()
            assert _lines_indexed(conn) == (database == "sqlite")
        engine.dispose()
        # (month, provider, product) before March: Lácteos 6, Bebidas 13, Almacén 6 + arroz
        # (order 9, February), Panificadora 5.
        assert report.current is not None and stored == 31
        after = [get_json(client, f"/api/price-changes?meses={m}") for m in (1, 3, 12)]
        assert after == before
        assert get_json(client, "/api/invoices") == invoices

    if database == "sqlite":
        run(f"sqlite:///{tmp_path / 'optimized.db'}")
    else:
        with postgres_database("mmdash_inv_opt") as url:
            run(url)
