"""Requests anyone can send: oversized bodies (413), malformed callbacks (400), bundle paths (404).

None of them may reach a 500 with a logged traceback (that fills the disk and trips alerts).
"""

from __future__ import annotations

import logging

import pytest

from tests.csrf import csrf_headers
from tests.signin.helpers import MENU_CALLBACK

CALLBACK = "/_dash-update-component"


@pytest.fixture
def app(pages_app):
    """The in-process app with pages (its body limit is 64 KiB)."""
    assert pages_app.config["SETTINGS"].max_body_kb == 64
    return pages_app


@pytest.fixture
def client(app):
    return app.test_client()


def _a_real_callback(app) -> tuple[str, dict]:
    app.test_client().get("/")  # Dash takes the pages' callbacks in at its first request
    dash_app = app.extensions["dash_app"]
    output, spec = next(iter(dash_app.callback_map.items()))
    return output, spec


def test_a_body_over_the_limit_gets_413_json_on_dash_routes(client):
    response = client.post(
        CALLBACK, data=b"{" + b" " * 70_000 + b"}", content_type="application/json"
    )
    assert response.status_code == 413
    assert response.get_json()["error"] == "payload_too_large"


def test_a_body_over_the_limit_gets_413_html_on_pages(client):
    response = client.post("/analytics", data=b"x" * 70_000)
    assert response.status_code == 413
    assert "demasiado grande" in response.get_data(as_text=True).lower()


@pytest.mark.parametrize(
    "body",
    [
        b"no es json",
        b"[1, 2, 3]",
        b"{}",
        b'{"output": 5}',
        b'{"output": "no-existe.children", "inputs": []}',
        b'{"output": "OUT", "inputs": "x"}',
        b'{"output": "OUT", "inputs": [1, 2, 3, 4, 5, 6, 7, 8, 9]}',
        b'{"output": "OUT", "inputs": [], "state": 7}',
    ],
)
def test_malformed_callback_bodies_get_400_without_a_traceback(app, client, caplog, body):
    output, _spec = _a_real_callback(app)
    caplog.set_level(logging.INFO)
    response = client.post(
        CALLBACK,
        data=body.replace(b"OUT", output.encode()),
        content_type="application/json",
        headers=csrf_headers(client),
    )
    assert response.status_code == 400
    assert response.is_json
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def test_a_well_formed_callback_still_runs(app, client):
    response = client.post(CALLBACK, json=MENU_CALLBACK, headers=csrf_headers(client))
    assert response.status_code == 200
    assert response.get_json()["response"]["nav-collapse"]["is_open"] is True


@pytest.mark.parametrize(
    "path",
    [
        "/_dash-component-suites/dash/..%2fx",
        "/_dash-component-suites/dash/../../etc/passwd",
        "/_dash-component-suites/no_such_package/x.js",
        "/_dash-component-suites/dash/dcc/nada.js",
    ],
)
def test_unknown_bundle_paths_get_404_without_a_traceback(client, caplog, path):
    caplog.set_level(logging.INFO)
    response = client.get(path)
    assert response.status_code == 404
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
