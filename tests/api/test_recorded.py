"""The API answers byte for byte as recorded before the metric declarations were refactored.

Every endpoint (JSON and CSV, a few parameter sets each) is asked on a database seeded by the
demo generator with a fixed seed and a fixed "now"; each answer's status, content type, file name
and a SHA-256 of its body must equal tests/api/recorded_responses.json. The OpenAPI document is
compared with its `description` texts and its version removed, since field descriptions come
from the metric declarations now and the version from git. Re-record (only when a change of
the API is intended, and say so in the commit) with
`MMDASH_RECORD=1 .venv/bin/python -m pytest tests/api/test_recorded.py`.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime
from pathlib import Path

import pytest

from minimarket_dash.config import load_settings
from minimarket_dash.db import make_engine
from tests.constants import API_KEY

RECORDING = Path(__file__).with_name("recorded_responses.json")
NOW = datetime(2026, 3, 15, 12, 0, 0)
DATED = "start_date=2025-12-01&end_date=2026-02-28"
REQUESTS = (
    "/api/summary",
    "/api/providers",
    "/api/stock-timeline",
    "/api/stock-timeline?days=7",
    "/api/top-products",
    "/api/top-products?limit=5&proveedor=la",
    f"/api/top-products?{DATED}",
    "/api/trends",
    "/api/trends?months=3",
    f"/api/trends?{DATED}&proveedor=a",
    "/api/stock-by-provider",
    "/api/stock-by-provider?limit=3",
    "/api/weekly-sales",
    "/api/weekly-sales?weeks=4",
    "/api/reorder",
    "/api/reorder?dias=7&solo_hoy=true",
    "/api/invoices",
    f"/api/invoices?{DATED}&tolerancia=5",
    "/api/price-changes",
    "/api/price-changes?meses=3",
    "/api/low-stock",
    "/api/spending",
    f"/api/spending?{DATED}&proveedor=s",
    "/api/today",
    "/api/products?q=leche&limit=5",
    "/api/export/summary.csv",
    "/api/export/providers.csv",
    "/api/export/top-products.csv",
    f"/api/export/top-products.csv?{DATED}",
    "/api/export/reorder.csv",
    "/api/export/invoices.csv",
    "/api/export/price-changes.csv",
    "/api/export/low-stock.csv",
    "/api/export/spending.csv",
    "/api/order-status",
    f"/api/order-status?{DATED}&proveedor=s",
    f"/api/export/order-status.csv?{DATED}",
    "/api/top-products?limit=abc",
    "/api/trends?start_date=2026-13-01",
    "/api/nope",
)


def _without_descriptions(value):
    if isinstance(value, dict):
        return {k: _without_descriptions(v) for k, v in value.items() if k != "description"}
    if isinstance(value, list):
        return [_without_descriptions(item) for item in value]
    return value


def answer(client, path: str) -> dict[str, object]:
    response = client.get(path, headers={"X-API-Key": API_KEY})
    body = response.get_data()
    return {
        "status": response.status_code,
        "type": response.headers.get("Content-Type"),
        "file": response.headers.get("Content-Disposition"),
        "sha256": hashlib.sha256(body).hexdigest(),
    }


@pytest.fixture(scope="module", params=["as-found", "optimized"])
def seeded_client(request, tmp_path_factory):
    """The seeded database as found, and optimized (summary tables read for closed periods):
    both must give the recorded answers."""
    from minimarket_dash import create_app
    from minimarket_dash.demo import seed_database
    from minimarket_dash.optimize import optimize

    url = f"sqlite:///{tmp_path_factory.mktemp('recorded') / 'seeded.db'}"
    engine = make_engine(load_settings({"database_url": url}), writer=True)
    seed_database(engine, lines=20_000, seed=11, today=NOW.date(), progress=False)
    if request.param == "optimized":
        optimize(engine, NOW)
    engine.dispose()
    overrides = {
        "database_url": url,
        "api_keys": (API_KEY,),
        "fixed_now": NOW,
        "ratelimit_enabled": False,
        "auth": "none",
        "cache_ttl": 0,
        "log_dir": str(tmp_path_factory.mktemp("recorded-logs")),
    }
    return create_app(load_settings(overrides, environ={}), pages=False).test_client()


def test_answers_equal_the_recording(seeded_client, request):
    answers = {path: answer(seeded_client, path) for path in REQUESTS}
    document = seeded_client.get("/api/openapi.json").get_json()
    document["info"].pop("version")  # the installed package's version, from git at build time
    answers["openapi-without-descriptions"] = hashlib.sha256(
        json.dumps(_without_descriptions(document), sort_keys=True).encode()
    ).hexdigest()
    if os.environ.get("MMDASH_RECORD") == "1" and "as-found" in request.node.name:
        RECORDING.write_text(json.dumps(answers, indent=1, ensure_ascii=False) + "\n")
    recorded = json.loads(RECORDING.read_text())
    assert {path: answers[path] for path in recorded} == recorded
    assert set(answers) == set(recorded)
    assert answers["/api/top-products?limit=abc"]["status"] == 400
    assert all(answers[path]["status"] == 200 for path in REQUESTS[:-3])
