"""API key rule (docs/api.md): /api/* and /metrics need a valid key in a header; none = closed."""

from __future__ import annotations

import functools
import hmac
import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request

from .errors import json_error

log = logging.getLogger("minimarket_dash.auth")

REALM = 'Bearer realm="minimarket-dash"'
PUBLIC_API_PATHS = frozenset({"/api/openapi.json"})
UNAUTHORIZED_MESSAGE = (
    "Se requiere una clave de API válida en el encabezado X-API-Key "
    "o en Authorization: Bearer <clave>."
)


def needs_key(path: str) -> bool:
    """Tell whether a request path is protected by the API key."""
    if path in PUBLIC_API_PATHS:
        return False
    return path.startswith(("/api/", "/metrics/")) or path == "/metrics"


def presented_key() -> str:
    """Return the key the client sent in X-API-Key or Authorization: Bearer ('' when none)."""
    key = request.headers.get("X-API-Key", "").strip()
    if key:
        return key
    scheme, _, credentials = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() == "bearer":
        return credentials.strip()
    return ""


def key_is_valid(presented: str, keys: tuple[str, ...]) -> bool:
    """Compare `presented` with every configured key in constant time, never short-circuiting."""
    if not presented:
        return False
    given = presented.encode("utf-8")
    matched = False
    for key in keys:
        matched |= hmac.compare_digest(given, key.encode("utf-8"))
    return matched


def unauthorized():
    """Return the contract's 401: JSON body and a WWW-Authenticate challenge."""
    response = json_error(401, "unauthorized", UNAUTHORIZED_MESSAGE)
    response.headers["WWW-Authenticate"] = REALM
    return response


def _configured_keys() -> tuple[str, ...]:
    return current_app.config["SETTINGS"].api_keys


def check_request():
    """Answer 401 for a protected path without a valid key; None lets the request through."""
    if not needs_key(request.path):
        return None
    if key_is_valid(presented_key(), _configured_keys()):
        return None
    return unauthorized()


def require_api_key(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a view so it answers 401 unless the request carries a valid key."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not key_is_valid(presented_key(), _configured_keys()):
            return unauthorized()
        return view(*args, **kwargs)

    return wrapped


def init_app(server: Flask) -> None:
    """Require a key on /api/* (except the OpenAPI document) and /metrics."""
    if not server.config["SETTINGS"].api_keys:
        log.warning(
            "DASHBOARD_API_KEY no está configurada: /api/* y /metrics responden 401 (API cerrada)"
        )
    server.before_request(check_request)
