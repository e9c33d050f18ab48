"""Answer malformed requests to Dash's own routes with 400/404 instead of a logged 500.

Dash trusts the callback body its renderer sends; anyone can POST another one. A body that is
not the renderer's shape, or names a callback this app does not have, is refused here, before
Dash's dispatcher raises KeyError or TypeError deep inside. A component-suite path that is not a
registered bundle (`/_dash-component-suites/dash/..%2fx`) is a 404, not an exception.
"""

from __future__ import annotations

from typing import Any

import dash
from dash.exceptions import DependencyException
from flask import Flask, Response, request

from . import errors

CALLBACK_PATH = "/_dash-update-component"
BAD_CALLBACK = "El cuerpo de la solicitud no es un callback válido de esta aplicación."


def _is_dependency(item: Any) -> bool:
    """A renderer input or state: {"id", "property", ...}, or a list of them (pattern match)."""
    if isinstance(item, list):
        return all(_is_dependency(entry) for entry in item)
    return isinstance(item, dict) and "id" in item and isinstance(item.get("property"), str)


def _matches(body: Any, callback_map: dict) -> bool:
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return False
    spec = callback_map.get(body["output"])
    inputs, state = body.get("inputs"), body.get("state", [])
    if spec is None or not isinstance(inputs, list) or not isinstance(state, list):
        return False
    if len(inputs) != len(spec["inputs"]) or len(state) != len(spec["state"]):
        return False
    changed = body.get("changedPropIds", [])
    outputs = body.get("outputs", [])
    return (
        all(_is_dependency(item) for item in inputs + state)
        and isinstance(changed, list)
        and all(isinstance(item, str) for item in changed)
        and isinstance(outputs, dict | list)
    )


def guard_callbacks(app: dash.Dash):
    """Return the before_request hook that refuses malformed callback bodies with 400."""

    def check_callback_body() -> Response | None:
        if request.path != CALLBACK_PATH or request.method != "POST":
            return None
        if _matches(request.get_json(silent=True), app.callback_map):
            return None
        return errors.json_error(400, "bad_request", BAD_CALLBACK)

    return check_callback_body


def unknown_bundle(_exc: DependencyException) -> Response:
    """Answer a request for a file that is not a registered Dash bundle with 404."""
    return errors.render(404)


def init_app(server: Flask, app: dash.Dash) -> None:
    """Install both guards on the server of `app`."""
    server.before_request(guard_callbacks(app))
    server.register_error_handler(DependencyException, unknown_bundle)
