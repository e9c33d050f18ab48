"""The OpenAPI document: it matches the routes, real answers validate, and fuzzing finds no 500."""

from __future__ import annotations

import copy
import json

import jsonschema_rs
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.helpers import DOCUMENT, resolve, response_spec
from tests.constants import API_KEY, AUTH

# Requests whose answers must validate against the document: (path and query, status).
SAMPLES = [
    ("/api/summary", 200),
    ("/api/providers", 200),
    ("/api/stock-timeline?days=90", 200),
    ("/api/top-products", 200),
    ("/api/top-products?proveedor=nadie", 200),
    ("/api/top-products?limit=abc", 400),
    ("/api/top-products?start_date=2026-02-30", 400),
    ("/api/trends", 200),
    ("/api/trends?start_date=2026-01-01&end_date=2026-03-31&proveedor=sur", 200),
    ("/api/trends?months=x", 400),
    ("/api/stock-by-provider?limit=1", 200),
    ("/api/weekly-sales?weeks=52", 200),
    ("/api/weekly-sales?weeks=1.5", 400),
    ("/api/order-status", 200),
    ("/api/order-status?start_date=2026-03-01&end_date=2026-03-14&proveedor=lacteos", 200),
    ("/api/order-status?end_date=2026-13-01", 400),
    ("/api/export/order-status.csv?proveedor=sur", 200),
    ("/api/export/summary.csv", 200),
    ("/api/export/providers.csv", 200),
    ("/api/export/top-products.csv?proveedor=lacteos", 200),
    ("/api/export/top-products.csv?end_date=x", 400),
    ("/api/reorder", 200),
    ("/api/reorder?dias=3&proveedor=lacteos&solo_hoy=true", 200),
    ("/api/reorder?solo_hoy=quizas", 400),
    ("/api/export/reorder.csv?dias=90", 200),
    ("/api/export/reorder.csv?dias=x", 400),
    ("/api/invoices", 200),
    ("/api/invoices?start_date=2026-01-01&tolerancia=7.5&proveedor=sur", 200),
    ("/api/invoices?tolerancia=mucho", 400),
    ("/api/price-changes", 200),
    ("/api/price-changes?meses=12&proveedor=lacteos", 200),
    ("/api/price-changes?meses=x", 400),
    ("/api/export/invoices.csv", 200),
    ("/api/export/price-changes.csv?meses=1", 200),
]


def test_document_is_served_without_key(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert json.loads(response.get_data(as_text=True)) == DOCUMENT
    assert DOCUMENT["openapi"].startswith("3.")


def test_document_lists_exactly_the_api_routes(tiny_app):
    routes = {
        rule.rule
        for rule in tiny_app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint not in ("api.unknown",)
    }
    assert routes - {"/api/openapi.json"} == set(DOCUMENT["paths"])


def test_every_operation_documents_errors_and_security():
    schemes = DOCUMENT["components"]["securitySchemes"]
    assert schemes["ApiKeyHeader"] == {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    assert schemes["BearerAuth"] == {"type": "http", "scheme": "bearer"}
    for item in DOCUMENT["paths"].values():
        assert set(item) == {"get"}
        assert {"200", "400", "401", "404", "429", "500", "503"} <= set(item["get"]["responses"])


@pytest.mark.parametrize(("path", "status"), SAMPLES)
def test_real_responses_validate(client, path, status):
    response = client.get(path, headers=AUTH)
    assert response.status_code == status, response.get_data(as_text=True)
    content = response_spec(path, status)["content"]
    assert response.mimetype in content
    if response.mimetype == "application/json":
        schema = resolve(content["application/json"]["schema"])
        jsonschema_rs.Draft4Validator(schema).validate(response.get_json())


@pytest.mark.parametrize("path", ["/api/summary", "/api/export/providers.csv"])
def test_unauthorized_response_validates(client, path):
    response = client.get(path)
    assert response.status_code == 401
    schema = resolve(response_spec(path, 401)["content"]["application/json"]["schema"])
    jsonschema_rs.Draft4Validator(schema).validate(response.get_json())


def test_validator_really_rejects_wrong_shapes():
    schema = resolve(DOCUMENT["components"]["schemas"]["Summary"])
    validator = jsonschema_rs.Draft4Validator(schema)
    good = {
        "total_proveedores": 1,
        "total_pedidos": 1,
        "total_productos_pedidos": 1,
        "total_movimientos": 1,
        "facturas_procesadas": 1,
        "pedidos_mes": 1,
        "movimientos_semana": 1,
        "proveedor_top": {"nombre": "x", "pedidos": 1},
    }
    assert validator.is_valid(good)
    for broken in (
        {**good, "pedidos_mes": 1.5},
        {**good, "extra": 1},
        {k: v for k, v in good.items() if k != "total_pedidos"},
    ):
        assert not validator.is_valid(broken)


@pytest.fixture
def fuzz_schema(make_app, tiny_sqlite_url):
    """The served document, loaded by schemathesis against the tiny SQLite app (no rate limit)."""
    app = make_app(database_url=tiny_sqlite_url, api_keys=(API_KEY,), ratelimit_enabled=False)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    schema.config.generation.update(with_security_parameters=False)
    return schema


FUZZ_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
# schemathesis' WSGI transport accepts compressed bodies but hands them over undecoded;
# compression has its own tests (tests/unit/test_compression.py): the fuzzing asks for plain.
FUZZ_HEADERS = {**AUTH, "Accept-Encoding": "identity"}
POSITIVE, NEGATIVE = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE
FUZZ_TARGETS = [(path, POSITIVE) for path in DOCUMENT["paths"]] + [
    (path, NEGATIVE) for path, item in DOCUMENT["paths"].items() if item["get"]["parameters"]
]


@pytest.mark.parametrize(("path", "mode"), FUZZ_TARGETS)
def test_fuzzing_finds_no_server_error(fuzz_schema, path, mode):
    # Random (positive) and hostile (negative) inputs: any answer may come except a 5xx, and it
    # must match the document. The key is sent, so the generated inputs reach the views.
    operation = fuzz_schema[path]["GET"]
    statuses = []

    @FUZZ_SETTINGS
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        response = case.call(headers=FUZZ_HEADERS)
        case.validate_response(response, checks=FUZZ_CHECKS, headers=FUZZ_HEADERS)
        statuses.append(response.status_code)

    run()
    assert statuses and set(statuses) <= {200, 400}
    if mode is POSITIVE:
        assert 200 in statuses


def test_fuzzing_reaches_the_views_with_hostile_text(make_app, tiny_sqlite_url):
    # A copy of the document where proveedor must be long, odd text: every answer stays 200.
    document = copy.deepcopy(DOCUMENT)
    for item in document["paths"].values():
        for param in item["get"]["parameters"]:
            if param["name"] == "proveedor":
                param["schema"] = {"type": "string", "minLength": 1, "maxLength": 500}
    app = make_app(database_url=tiny_sqlite_url, api_keys=(API_KEY,), ratelimit_enabled=False)
    schema = schemathesis.openapi.from_dict(document)
    schema.app = app
    operation = schema["/api/top-products"]["GET"]
    strategy = operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE)
    seen = []

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        response = case.call(headers=FUZZ_HEADERS)
        assert response.status_code in (200, 400), response.text
        seen.append(response.status_code)

    run()
    assert seen.count(200) > 10
