"""Invoice matches kept in the store (queries/invoice_matches.py), on SQLite and PostgreSQL.

The store's answer of /api/invoices is checked three ways: against the hand-computed fixture
(tests/invoices_fixture.py), byte for byte against the answer built from the checked invoices'
frame (invoice_check, api.invoice_answer without the store's ready parts), and, after the
minimarket's data changed, against a full rebuild: before the next build (the changes are
matched again per request), after an incremental build and after a full one.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select, update

from minimarket_dash import api, create_app, invoice_report, invoice_states, summaries
from minimarket_dash.config import load_settings
from minimarket_dash.db import facturas_ocr, make_engine, pedidos, proveedores
from minimarket_dash.entries import entries_of
from minimarket_dash.store import store_engine
from tests import invoices_fixture
from tests.constants import API_KEY
from tests.databases import postgres_database

HEADERS = {"X-API-Key": API_KEY}
QUERIES = (
    "",
    "tolerancia=0",
    "tolerancia=3.5",
    "tolerancia=50",
    "proveedor=bebidas",
    "start_date=2026-03-05&end_date=2026-03-10",
    "start_date=1900-01-01",
)
TODAS = "start_date=1900-01-01"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request, tmp_path) -> Iterator[str]:
    """A database of this test's own holding the invoices fixture (tests change it)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'stored.db'}"
        invoices_fixture.fill_database(url)
        yield url
    else:
        with postgres_database("mmdash_stored") as url:
            invoices_fixture.fill_database(url)
            yield url


def _app(url: str) -> Flask:
    return create_app(
        load_settings(
            {
                "database_url": url,
                "api_keys": (API_KEY,),
                "fixed_now": invoices_fixture.NOW,
                "ratelimit_enabled": False,
                "cache_ttl": 0,
                "state_dir": tempfile.mkdtemp(prefix="mmdash-stored-state-"),
                "log_dir": tempfile.mkdtemp(prefix="mmdash-stored-logs-"),
            },
            environ={},
        ),
        pages=False,
    )


def _build(app: Flask, *, full: bool) -> None:
    settings = app.config["SETTINGS"]
    engine = store_engine(settings)
    summaries.build(engine, settings.now(), full=full)
    engine.dispose()


def _stored_rows(app: Flask) -> list[tuple]:
    settings = app.config["SETTINGS"]
    engine = store_engine(settings)
    with engine.connect() as conn:
        rows = conn.execute(
            select(summaries.mm_factura_cruce).order_by(summaries.mm_factura_cruce.c.factura_id)
        ).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def _answer(app: Flask, query: str) -> str:
    response = app.test_client().get(f"/api/invoices?{query}", headers=HEADERS)
    assert response.status_code == 200, response.data[:300]
    return response.get_data(as_text=True)


def _frame_answer(app: Flask, query: str) -> str:
    """The same answer built from the checked invoices' frame, not the store's ready parts."""
    with app.test_request_context(f"/api/invoices?{query}"):
        filters = api.request_filters(api.INVOICE_PARAMS)
        return api.invoice_answer(
            "frame", filters, lambda frame: api.dumps(invoice_report.invoices_body(frame))
        )


def _execute(url: str, statement) -> None:
    engine = make_engine(load_settings({"database_url": url}, environ={}), writer=True)
    with engine.begin() as conn:
        conn.execute(statement)
    engine.dispose()


def test_the_store_answers_the_hand_computed_fixture(url):
    app = _app(url)
    _build(app, full=True)
    rows = _stored_rows(app)
    assert [row[0] for row in rows] == sorted(invoices_fixture.INVOICES)  # every invoice kept
    body = app.test_client().get("/api/invoices", headers=HEADERS).get_json()
    got = {
        row["factura_id"]: (row["proveedor"], row["pedido"], row["flags"], row["cobrado_de_mas"])
        for row in body["facturas"]
    }
    assert got == invoices_fixture.EXPECTED
    assert [
        (
            row["proveedor_id"],
            row["proveedor"],
            row["facturas"],
            row["con_problemas"],
            row["cobrado_de_mas"],
        )
        for row in body["proveedores"]
    ] == (invoices_fixture.EXPECTED_PROVIDERS)


def test_the_store_answer_is_the_frame_answer_byte_for_byte(url):
    app = _app(url)
    _build(app, full=True)
    with app.app_context():
        invoice_states.set_state(entries_of(), 1, "acreditada", "ana")
        invoice_states.set_state(entries_of(), 7, "reclamada", "beto")
    for query in QUERIES:
        stored = _answer(app, query)
        assert stored == _frame_answer(app, query), query
    # Without a store the same answer is computed live: the fixture has no order near the
    # window's first day, so matching only the window's invoices changes nothing.
    if url.startswith("sqlite"):
        bare = _app(url)
        with bare.app_context():
            invoice_states.set_state(entries_of(), 1, "acreditada", "ana")
            invoice_states.set_state(entries_of(), 7, "reclamada", "beto")
        for query in QUERIES:
            assert _answer(bare, query) == _answer(app, query), query


def _change_the_shop(url: str) -> None:
    """A new invoice dated before one that matched (it takes that order, and the later ones
    move down the line), an order delivered since, and a provider assigned since."""
    _execute(
        url,
        facturas_ocr.insert().values(
            id=20,
            numero_factura="A-0001-00000100",
            proveedor_original="Lacteos del Sur",
            proveedor_asignado_id=1,
            fecha_factura=date(2026, 3, 2),
            total=1750.0,
            contenido_ocr="",
            procesado=1,
            productos_json=invoices_fixture._items(
                {"descripcion": "Leche entera 1 L", "cantidad": 10, "precio_unitario": 100},
                {"descripcion": "Yogur frutilla", "cantidad": 5, "precio_unitario": 50},
                {"descripcion": "Queso rallado", "cantidad": 2, "precio_unitario": 300},
            ),
        ),
    )
    _execute(
        url,
        update(pedidos)
        .where(pedidos.c.id == 8)
        .values(estado="entregado", fecha_entrega_real=date(2026, 3, 1)),
    )
    _execute(
        url, update(facturas_ocr).where(facturas_ocr.c.id == 6).values(proveedor_asignado_id=5)
    )


def test_changes_show_at_once_and_every_build_keeps_them(url):
    app = _app(url)
    _build(app, full=True)
    _change_the_shop(url)
    before_build = {query: _answer(app, query) for query in QUERIES}
    _build(app, full=False)
    incremental_rows = _stored_rows(app)
    after_incremental = {query: _answer(app, query) for query in QUERIES}
    _build(app, full=True)
    assert _stored_rows(app) == incremental_rows
    after_full = {query: _answer(app, query) for query in QUERIES}
    assert before_build == after_incremental == after_full
    for query in QUERIES:
        assert after_full[query] == _frame_answer(app, query), query
    body = app.test_client().get(f"/api/invoices?{TODAS}", headers=HEADERS).get_json()
    got = {
        row["factura_id"]: (row["proveedor"], row["pedido"], row["flags"])
        for row in body["facturas"]
    }
    # 20 (2 March) shares three names with order 1 and comes first: it takes it. Invoice 1
    # then gets order 2 (leche only: billed 103,50 against 100, yogur not ordered) and
    # invoice 2 has none left within 3 days.
    assert got[20] == ("Lácteos del Sur S.A.", "PED-1", ["ok"])
    assert got[1] == ("Lácteos del Sur S.A.", "PED-2", ["precio_mayor", "no_pedido"])
    assert got[2] == ("Lácteos del Sur S.A.", None, ["sin_pedido"])
    assert got[5] == ("Almacén Central SRL", "PED-8", ["pendiente"])
    assert got[6] == ("Panificadora Oeste", None, ["sin_pedido"])


def test_a_renamed_provider_is_answered_by_its_new_name(url):
    app = _app(url)
    _build(app, full=True)
    _execute(
        url, proveedores.update().where(proveedores.c.id == 2).values(nombre="Bebidas del Norte")
    )
    body = app.test_client().get("/api/invoices", headers=HEADERS).get_json()
    names = {row["factura_id"]: row["proveedor"] for row in body["facturas"]}
    assert names[3] == names[4] == "Bebidas del Norte"
    assert _answer(app, "") == _frame_answer(app, "")
