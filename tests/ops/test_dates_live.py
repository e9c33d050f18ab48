"""Dates beyond the supported range against a real gunicorn (2 workers) with its store of
summaries built: every dated endpoint answers 400 naming the parameter, and a page link with
them opens the page with a notice (never a 500)."""

from __future__ import annotations

import time

import pytest
import requests

from minimarket_dash import openapi
from tests.constants import API_KEY
from tests.csrf import COOKIE, HEADER
from tests.live import start_live_server

pytestmark = pytest.mark.live
KEY = {"X-API-Key": API_KEY}
OUT_OF_RANGE = ("9999-12-31", "0001-01-01", "2200-01-01", "1899-12-31")
ROUTER_OUTPUT = "_pages_content.children"
DATED_PAGES = ("/analytics", "/facturas")


@pytest.fixture(scope="module")
def server(tiny_sqlite_url):
    live = start_live_server(
        {
            "DASHBOARD_DATABASE_URL": tiny_sqlite_url,
            "DASHBOARD_API_KEY": API_KEY,
            "DASHBOARD_RATELIMIT_ENABLED": "false",
            "DASHBOARD_CACHE_TTL": "0",
        },
        workers=2,
    )
    deadline = time.monotonic() + 60  # the refresher builds the summaries at start
    while requests.get(f"{live.url}/health", timeout=10).json().get("summaries") != "ok":
        assert time.monotonic() < deadline, live.output()
        time.sleep(0.5)
    yield live
    live.stop()


def dated_paths() -> list[str]:
    return sorted(
        path
        for path, operations in openapi.document()["paths"].items()
        if any(p["name"] == "start_date" for p in operations.get("get", {}).get("parameters", []))
    )


def test_every_dated_endpoint_answers_400_naming_the_parameter(server):
    paths = dated_paths()
    assert len(paths) >= 10
    for path in paths:
        for param in ("start_date", "end_date"):
            for value in OUT_OF_RANGE:
                answer = requests.get(
                    f"{server.url}{path}?{param}={value}", headers=KEY, timeout=30
                )
                assert answer.status_code == 400, (path, param, value, answer.text[:200])
                body = answer.json()
                assert body["param"] == param and param in body["message"]
        edges = requests.get(
            f"{server.url}{path}?start_date=1900-01-01&end_date=2199-12-31", headers=KEY, timeout=30
        )
        assert edges.status_code == 200, (path, edges.text[:200])
    assert "Traceback" not in server.output()


def router_request(router: dict, path: str, search: str) -> dict:
    """The callback Dash's renderer sends when the browser opens `path` + `search`."""
    outputs = [
        dict(zip(("id", "property"), part.split("."), strict=True))
        for part in router["output"].strip(".").split("...")
    ]
    values = {"pathname": path, "search": search}
    return {
        "output": router["output"],
        "outputs": outputs,
        "inputs": [{**item, "value": values.get(item["property"])} for item in router["inputs"]],
        "state": [{**item, "value": None} for item in router["state"]],
        "changedPropIds": ["_pages_location.pathname", "_pages_location.search"],
    }


def test_page_links_with_them_open_the_page_with_a_notice(server):
    browser = requests.Session()
    dependencies = browser.get(f"{server.url}/_dash-dependencies", timeout=30).json()
    router = next(d for d in dependencies if ROUTER_OUTPUT in d["output"])
    for path in DATED_PAGES:
        for value in OUT_OF_RANGE:
            search = f"?start_date={value}&end_date={value}"
            page = browser.get(f"{server.url}{path}{search}", timeout=30)
            assert page.status_code == 200
            answer = browser.post(
                f"{server.url}/_dash-update-component",
                json=router_request(router, path, search),
                headers={HEADER: browser.cookies.get(COOKIE, "")},
                timeout=60,
            )
            assert answer.status_code == 200, (path, value, answer.text[:200])
            layout = str(answer.json()["response"]["_pages_content"]["children"])
            assert "fuera de lo admitido" in layout and value in layout, (path, value)
    assert "Traceback" not in server.output()
