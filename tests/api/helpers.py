"""Helpers shared by the API tests: authenticated GETs, the error shape, the OpenAPI document."""

from __future__ import annotations

import json
from datetime import datetime

from minimarket_dash import openapi
from tests.constants import AUTH

DOCUMENT = openapi.document()
SEEDED_NOW = datetime(2026, 3, 15, 12, 0, 0)  # "now" of the seeded demo database (conftest)
SEEDED_LINES = 20_000

DATA_ENDPOINTS = [
    "/api/summary",
    "/api/providers",
    "/api/stock-timeline",
    "/api/top-products",
    "/api/trends",
    "/api/stock-by-provider",
    "/api/weekly-sales",
    "/api/export/summary.csv",
    "/api/export/providers.csv",
    "/api/export/top-products.csv",
    "/api/invoices",
    "/api/price-changes",
    "/api/export/invoices.csv",
    "/api/export/price-changes.csv",
]


def get_json(client, path: str, status: int = 200):
    """GET `path` with the test key, assert status and JSON type, return the decoded body."""
    response = client.get(path, headers=AUTH)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


def assert_error(response, status: int, code: str, param: str | None = None) -> dict:
    """Assert the contract's JSON error shape and return the body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"] == code
    assert isinstance(body["message"], str) and body["message"]
    if param is not None:
        assert body["param"] == param
        assert param in body["message"]
    return body


def resolve(node, root=DOCUMENT):
    """Inline $refs and turn OpenAPI 3.0 `nullable` into JSON Schema, for a plain validator."""
    if isinstance(node, list):
        return [resolve(item, root) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return resolve(target, root)
    out = {key: resolve(value, root) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        out["type"] = [out["type"], "null"]
    return out


def response_spec(path: str, status: int) -> dict:
    operation = DOCUMENT["paths"][path.split("?")[0]]["get"]
    return operation["responses"][str(status)]
