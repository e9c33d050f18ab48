"""An unprocessed invoice the OCR read no date of: counted on Inicio and listed by the Facturas
view Inicio links to (`fechas=todas`), on SQLite and PostgreSQL."""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from minimarket_dash import create_app
from minimarket_dash.config import load_settings
from minimarket_dash.db import facturas_ocr, make_engine
from minimarket_dash.invoice_page import UNPROCESSED_VIEW, query_filters, state_from_search
from minimarket_dash.queries.invoices import invoice_check
from tests import invoices_fixture
from tests.constants import API_KEY
from tests.databases import postgres_database

UNDATED_ID = 990


def _fill_with_undated(url: str) -> None:
    invoices_fixture.fill_database(url)
    engine = make_engine(load_settings({"database_url": url}, environ={}), writer=True)
    with engine.begin() as conn:
        conn.execute(
            facturas_ocr.insert(),
            [
                {
                    "id": UNDATED_ID,
                    "numero_factura": "A-0009-00000001",
                    "proveedor_original": "Lácteos",
                    "proveedor_asignado_id": None,
                    "fecha_factura": None,
                    "total": 80.0,
                    "contenido_ocr": "",
                    "productos_json": "[]",
                    "procesado": 0,
                }
            ],
        )
    engine.dispose()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def undated_url(request, tmp_path_factory) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('undated') / 'undated.db'}"
        _fill_with_undated(url)
        yield url
    else:
        with postgres_database("mmdash_undated") as url:
            _fill_with_undated(url)
            yield url


@functools.cache
def _app(url: str) -> Flask:
    return create_app(
        load_settings(
            {
                "database_url": url,
                "api_keys": (API_KEY,),
                "fixed_now": invoices_fixture.NOW,
                "ratelimit_enabled": False,
                "cache_ttl": 0,
                "state_dir": tempfile.mkdtemp(prefix="mmdash-undated-state-"),
                "log_dir": tempfile.mkdtemp(prefix="mmdash-undated-logs-"),
            },
            environ={},
        ),
        pages=False,
    )


def _unprocessed_in_sql(url: str) -> int:
    engine = make_engine(load_settings({"database_url": url}, environ={}))
    with engine.connect() as conn:
        count = conn.execute(
            select(func.count()).select_from(facturas_ocr).where(facturas_ocr.c.procesado == 0)
        ).scalar_one()
    engine.dispose()
    return count


def test_inicio_count_equals_the_rows_of_its_view(undated_url):
    client = _app(undated_url).test_client()
    headers = {"X-API-Key": API_KEY}
    counted = client.get("/api/today", headers=headers).get_json()["facturas_sin_procesar"]
    state = state_from_search(UNPROCESSED_VIEW.split("?", 1)[1])
    engine = make_engine(load_settings({"database_url": undated_url}, environ={}))
    with engine.connect() as conn:
        frame = invoice_check(conn, query_filters(state), invoices_fixture.NOW)
    engine.dispose()
    listed = frame[frame["flags"].map(lambda flags: "pendiente" in flags)]
    assert counted == _unprocessed_in_sql(undated_url) == len(listed)
    undated = frame[frame["factura_id"] == UNDATED_ID].iloc[0]
    assert undated["fecha_factura"] is None
    assert "sin_pedido" in undated["flags"] and "pendiente" in undated["flags"]
    assert frame["factura_id"].iloc[-1] == UNDATED_ID  # undated ones go last


def test_the_api_lists_it_from_1900_on_and_not_in_a_window(undated_url):
    client = _app(undated_url).test_client()
    headers = {"X-API-Key": API_KEY}
    everything = client.get("/api/invoices?start_date=1900-01-01", headers=headers)
    assert everything.status_code == 200
    rows = {row["factura_id"]: row for row in everything.get_json()["facturas"]}
    assert rows[UNDATED_ID]["fecha_factura"] is None
    windowed = client.get(
        "/api/invoices?start_date=1900-01-01&end_date=2026-03-15", headers=headers
    ).get_json()["facturas"]
    assert UNDATED_ID not in {row["factura_id"] for row in windowed}
    assert set(rows) - {row["factura_id"] for row in windowed} == {UNDATED_ID}
    csv = client.get("/api/export/invoices.csv?start_date=1900-01-01", headers=headers)
    assert csv.status_code == 200 and "A-0009-00000001" in csv.get_data(as_text=True)
    xlsx = client.get("/api/export/invoices.xlsx?start_date=1900-01-01", headers=headers)
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
