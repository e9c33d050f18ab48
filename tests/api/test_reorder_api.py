"""/api/reorder and /api/export/reorder.csv: envelope, fields, filters, errors, cache, key."""

from __future__ import annotations

import csv
import io
import json

import pytest

from minimarket_dash import openapi
from tests.api.helpers import assert_error, get_json, resolve
from tests.constants import API_KEY, AUTH
from tests.reorder_fixture import EXPECTED_PRODUCTS, EXPECTED_PROVIDERS, NOW

PRODUCT_FIELDS = [
    "producto_id",
    "producto",
    "proveedor_id",
    "proveedor",
    "stock_actual",
    "stock_minimo",
    "en_camino",
    "consumo_diario",
    "cobertura_dias",
    "pack",
    "sugerido",
    "urgencia",
    "precio_compra",
    "importe_estimado",
]
PROVIDER_FIELDS = [
    "proveedor_id",
    "proveedor",
    "plazo_dias",
    "ciclo_dias",
    "dia_habitual",
    "pide_hoy",
    "lineas",
    "importe_estimado",
    "whatsapp",
]
CHECKED = (
    "producto_id",
    "en_camino",
    "consumo_diario",
    "cobertura_dias",
    "pack",
    "sugerido",
    "urgencia",
    "importe_estimado",
)
PROVIDER_CHECKED = (
    "proveedor_id",
    "plazo_dias",
    "ciclo_dias",
    "dia_habitual",
    "pide_hoy",
    "lineas",
    "importe_estimado",
    "whatsapp",
)


@pytest.fixture
def client(reorder_app):
    return reorder_app().test_client()


def test_envelope_fields_and_hand_computed_values(client):
    body = get_json(client, "/api/reorder")
    assert list(body) == ["hoy", "productos", "proveedores"]
    assert body["hoy"] == NOW.date().isoformat()
    assert all(list(row) == PRODUCT_FIELDS for row in body["productos"])
    assert all(list(row) == PROVIDER_FIELDS for row in body["proveedores"])
    assert [tuple(row[f] for f in CHECKED) for row in body["productos"]] == EXPECTED_PRODUCTS
    found = [tuple(row[f] for f in PROVIDER_CHECKED) for row in body["proveedores"]]
    assert found == EXPECTED_PROVIDERS


def test_json_types_are_plain(client):
    text = client.get("/api/reorder", headers=AUTH).get_data(as_text=True)
    assert '"plazo_dias":2.5,"ciclo_dias":6,' in text
    assert '"pide_hoy":true' in text and '"cobertura_dias":null' in text


def test_answer_validates_against_the_openapi_schema(client):
    import jsonschema_rs

    schema = resolve(openapi.document()["components"]["schemas"]["Reorder"])
    jsonschema_rs.validate(schema, get_json(client, "/api/reorder"))


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("solo_hoy=true", [4, 5]),
        ("solo_hoy=1", [4, 5]),
        ("solo_hoy=SI", [4, 5]),
        ("solo_hoy=false", [1, 4, 7, 5, 2, 6, 3]),
        ("solo_hoy=0", [1, 4, 7, 5, 2, 6, 3]),
        ("proveedor=%20l%C3%A1cteos%20", [1, 2, 3]),
        ("proveedor=LS05", [7]),
        ("proveedor=nadie", []),
    ],
)
def test_filters(client, query, ids):
    body = get_json(client, f"/api/reorder?{query}")
    assert [row["producto_id"] for row in body["productos"]] == ids
    assert {row["proveedor_id"] for row in body["productos"]} == {
        row["proveedor_id"] for row in body["proveedores"]
    }


@pytest.mark.parametrize(("dias", "window"), [("3", 7), ("7", 7), ("500", 90), ("-2", 7)])
def test_dias_is_clamped_to_7_90(client, dias, window):
    clamped = get_json(client, f"/api/reorder?dias={dias}")
    assert clamped == get_json(client, f"/api/reorder?dias={window}")


def test_dias_7_uses_the_last_seven_full_days(client):
    body = get_json(client, "/api/reorder?dias=7")
    gaseosa = next(row for row in body["productos"] if row["producto_id"] == 5)
    assert (gaseosa["consumo_diario"], gaseosa["sugerido"], gaseosa["urgencia"]) == (
        2.0,
        17,
        "critico",
    )


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("solo_hoy=quizas", "solo_hoy"),
        ("solo_hoy=", "solo_hoy"),
        ("solo_hoy=2", "solo_hoy"),
        ("dias=abc", "dias"),
        ("dias=1.5", "dias"),
    ],
)
def test_bad_parameters_are_400_naming_them(client, query, param):
    for path in ("/api/reorder", "/api/export/reorder.csv"):
        assert_error(client.get(f"{path}?{query}", headers=AUTH), 400, "bad_request", param)


def test_key_is_required(client):
    for path in ("/api/reorder", "/api/export/reorder.csv"):
        assert client.get(path).status_code == 401


def test_default_lead_days_setting_changes_the_answer(reorder_app):
    body = get_json(reorder_app(default_lead_days=5).test_client(), "/api/reorder")
    arroz = next(row for row in body["productos"] if row["producto_id"] == 6)
    assert arroz["sugerido"] == 11
    federal = next(row for row in body["proveedores"] if row["proveedor_id"] == 3)
    assert federal["plazo_dias"] == 5


def test_csv_has_the_json_rows(client):
    response = client.get("/api/export/reorder.csv?solo_hoy=true", headers=AUTH)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="reorder_28-dias_solo-hoy_2026-03-18.csv"'
    )
    table = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    body = get_json(client, "/api/reorder?solo_hoy=true")
    assert list(table[0]) == PRODUCT_FIELDS
    assert [row["producto_id"] for row in table] == [
        str(row["producto_id"]) for row in body["productos"]
    ]
    assert [row["sugerido"] for row in table] == ["12", "13"]


def test_answer_is_cached_by_filter(reorder_app, monkeypatch):
    from minimarket_dash import data

    app = reorder_app(cache_ttl=60)
    client = app.test_client()
    calls = []
    original = data.run_metric
    monkeypatch.setattr(data, "run_metric", lambda *a: calls.append(a[1].name) or original(*a))
    first = client.get("/api/reorder?dias=28", headers=AUTH).get_data()
    assert client.get("/api/reorder", headers=AUTH).get_data() == first
    assert calls == ["reorder"]
    client.get("/api/reorder?solo_hoy=true", headers=AUTH)
    assert calls == ["reorder", "reorder"]


def test_database_down_is_503(make_app, tmp_path):
    app = make_app(database_url=f"sqlite:///{tmp_path}/missing/x.db", api_keys=(API_KEY,))
    response = app.test_client().get("/api/reorder", headers=AUTH)
    body = assert_error(response, 503, "database_unavailable")
    assert "Traceback" not in json.dumps(body)
