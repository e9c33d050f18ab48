"""docs/api.md stays true: every route, parameter, field and error code the server has is in it."""

from __future__ import annotations

import re

import pytest

from tests.live import PROJECT_ROOT

DOC = (PROJECT_ROOT / "docs" / "api.md").read_text(encoding="utf-8")
HEADING = re.compile(r"^### `GET (?P<path>[^`]+)`$", re.M)
CATCH_ALL = {"/api/<path:rest>", "/api/", "/api"}


def sections() -> dict[str, str]:
    """Return path -> the text of its '### `GET path`' section."""
    found = list(HEADING.finditer(DOC))
    ends = [match.start() for match in found[1:]] + [len(DOC)]
    return {match["path"]: DOC[match.end() : end] for match, end in zip(found, ends, strict=True)}


def schema_fields(schema: dict, components: dict) -> set[str]:
    """Return every property name of a JSON schema, following $ref, arrays and nesting."""
    if "$ref" in schema:
        return schema_fields(components[schema["$ref"].rsplit("/", 1)[1]], components)
    names = set(schema.get("properties", {}))
    for child in schema.get("properties", {}).values():
        names |= schema_fields(child, components)
    if "items" in schema:
        names |= schema_fields(schema["items"], components)
    return names


@pytest.fixture(scope="module")
def openapi(tiny_sqlite_url, tmp_path_factory):
    from minimarket_dash import create_app

    logs = str(tmp_path_factory.mktemp("docs-logs"))
    app = create_app(pages=False, database_url=tiny_sqlite_url, auth="none", log_dir=logs)
    rules = {str(rule) for rule in app.url_map.iter_rules() if str(rule).startswith("/api")}
    return app.test_client().get("/api/openapi.json").get_json(), rules - CATCH_ALL


def test_every_api_route_is_documented(openapi):
    _document, rules = openapi
    missing = [rule for rule in sorted(rules) if f"GET {rule}`" not in DOC]
    assert missing == []


def test_every_json_endpoint_has_its_parameters_and_fields(openapi):
    document, _rules = openapi
    components = document["components"]["schemas"]
    by_path = sections()
    problems = []
    for path, item in document["paths"].items():
        if path.startswith("/api/export/"):
            continue  # the CSV shares its JSON endpoint's section
        text = by_path.get(path)
        if text is None:
            problems.append(f"{path}: no section")
            continue
        operation = item["get"]
        names = {param["name"] for param in operation.get("parameters", [])}
        json_body = operation["responses"]["200"]["content"].get("application/json")
        if json_body:
            names |= schema_fields(json_body["schema"], components)
        problems += [f"{path}: {name}" for name in sorted(names) if f"`{name}`" not in text]
    assert problems == []


def test_every_error_code_is_documented(openapi):
    document, _rules = openapi
    codes = document["components"]["schemas"]["Error"]["properties"]["error"]["enum"]
    assert [code for code in codes if f"`{code}`" not in DOC] == []
