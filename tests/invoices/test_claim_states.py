"""Invoice states (minimarket_dash/invoice_states.py) in /api/invoices, its CSV and Excel, and
the morning report, on the invoices fixture (tests/invoices_fixture.py) on SQLite and
PostgreSQL. Hand figures: Lácteos del Sur has invoices 1 ($ 35,00 charged above its order),
2 ($ 0) and 7 ($ 69,12) in the default window: $ 104,12."""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import datetime

import pandas as pd
import pytest

from minimarket_dash import create_app, invoice_states
from minimarket_dash.config import load_settings
from minimarket_dash.entries import entries_of
from minimarket_dash.report import InvoiceProblem, _invoice_problems
from tests import invoices_fixture
from tests.api.helpers import get_json
from tests.constants import API_KEY

AUTH = {"X-API-Key": API_KEY}
LACTEOS = 1


@pytest.fixture
def app(invoices_url, tmp_path):
    """An API app over the fixture WITH a result cache (states must still be read live)."""
    overrides = {
        "database_url": invoices_url,
        "api_keys": (API_KEY,),
        "fixed_now": invoices_fixture.NOW,
        "ratelimit_enabled": False,
        "cache_ttl": 300,
        "state_dir": str(tmp_path / "state"),
        "log_dir": tempfile.mkdtemp(prefix="mmdash-inv-logs-"),
    }
    server = create_app(load_settings(overrides, environ={}), pages=False)
    yield server
    store = entries_of(server)  # PostgreSQL keeps the marks in the database: leave none
    for key in invoice_states.read_marks(store):
        store.set(invoice_states.TIPO, key, None, "test")


def lacteos_total(body: dict) -> float:
    return next(p["cobrado_de_mas"] for p in body["proveedores"] if p["proveedor_id"] == LACTEOS)


def test_states_show_live_and_settled_ones_leave_the_overcharge(app):
    client = app.test_client()
    body = get_json(client, "/api/invoices")
    assert lacteos_total(body) == 104.12  # 35,00 + 69,12
    store = entries_of(app)
    invoice_states.set_state(store, 1, "acreditada", "ana")
    invoice_states.set_state(store, 7, "reclamada", "beto")
    body = get_json(client, "/api/invoices")  # the cached check, the states read now
    rows = {row["factura_id"]: row for row in body["facturas"]}
    assert (rows[1]["estado"], rows[1]["estado_usuario"], rows[1]["estado_cuando"]) == (
        "acreditada",
        "ana",
        "2026-03-15 12:00:00",
    )  # the fixed clock
    assert (rows[7]["estado"], rows[7]["estado_usuario"]) == ("reclamada", "beto")
    assert (rows[2]["estado"], rows[2]["estado_usuario"], rows[2]["estado_cuando"]) == (
        "pendiente",
        None,
        None,
    )
    assert rows[1]["cobrado_de_mas"] == 35.0  # the invoice's own figure is unchanged
    assert lacteos_total(body) == 69.12  # reclamada still counts; acreditada does not
    invoice_states.set_state(store, 7, "ignorada", "beto")
    assert lacteos_total(get_json(client, "/api/invoices")) == 0.0
    invoice_states.set_state(store, 1, "pendiente", "ana")
    assert lacteos_total(get_json(client, "/api/invoices")) == 35.0
    assert [m.valor["estado"] for m in store.history(invoice_states.TIPO, "1")] == [
        "pendiente",
        "acreditada",
    ]


def test_csv_and_excel_carry_the_state(app):
    client = app.test_client()
    client.get("/api/export/invoices.csv", headers=AUTH)  # cached before the state is set
    invoice_states.set_state(entries_of(app), 2, "reclamada", "ana")
    response = client.get("/api/export/invoices.csv", headers=AUTH)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    by_id = {row["factura_id"]: row for row in rows}
    assert list(rows[0])[8:11] == ["estado", "estado_usuario", "estado_cuando"]
    assert (by_id["2"]["estado"], by_id["2"]["estado_usuario"], by_id["2"]["estado_cuando"]) == (
        "reclamada",
        "ana",
        "2026-03-15 12:00:00",
    )
    assert by_id["1"]["estado"] == "pendiente" and by_id["1"]["estado_usuario"] == ""
    xlsx = client.get("/api/export/invoices.xlsx", headers=AUTH)
    sheet = pd.read_excel(io.BytesIO(xlsx.data))
    marked = sheet[sheet["factura_id"] == 2].iloc[0]
    assert (marked["estado"], marked["estado_usuario"]) == ("reclamada", "ana")


def test_an_unknown_state_is_refused():
    with pytest.raises(ValueError):
        invoice_states.set_state(None, 1, "pagada", "ana")


def test_open_overcharge_counts_only_unsettled():
    frame = pd.DataFrame(
        {
            "factura_id": [1, 2, 3, 4],
            "cobrado_de_mas": [10.0, 20.5, 30.0, 0.25],
            "estado": ["pendiente", "reclamada", "acreditada", "ignorada"],
        }
    )
    assert invoice_states.open_overcharge(frame) == 30.5  # 10 + 20,5


def test_morning_report_leaves_settled_invoices_out_of_its_figure(tmp_path):
    invoices = pd.DataFrame(
        [
            {
                "factura_id": 1,
                "numero_factura": "A-1",
                "fecha_factura": "2026-03-14",
                "proveedor": "X",
                "flags": ["precio_mayor"],
                "total": 100.0,
                "cobrado_de_mas": 12.5,
            },
            {
                "factura_id": 2,
                "numero_factura": "A-2",
                "fecha_factura": "2026-03-13",
                "proveedor": "X",
                "flags": ["precio_mayor"],
                "total": 100.0,
                "cobrado_de_mas": 7.25,
            },
        ]
    )
    problems = _invoice_problems(invoices, {"1": "acreditada"})
    assert [(p.numero_factura, p.estado) for p in problems] == [
        ("A-1", "acreditada"),
        ("A-2", "pendiente"),
    ]
    from minimarket_dash.report import MorningReport

    report = MorningReport(datetime(2026, 3, 15), None, None, [], [], 2, problems, None, "", "")
    assert report.overcharged == 7.25
    assert InvoiceProblem("A-3", "2026-03-15", None, ["ok"], None, 0.0).estado == "pendiente"


def test_report_reads_the_states_of_its_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'mm.db'}"
    settings = load_settings(
        {
            "database_url": url,
            "state_dir": str(tmp_path / "state"),
            "fixed_now": invoices_fixture.NOW,
        },
        environ={},
    )
    from minimarket_dash.entries import EntriesStore, entries_engine

    engine = entries_engine(settings)
    invoice_states.set_state(EntriesStore(engine, settings.now), 5, "ignorada", "ana")
    engine.dispose()
    assert invoice_states.invoice_marks(settings) == {"5": "ignorada"}
