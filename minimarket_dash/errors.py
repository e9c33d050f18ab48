"""Errors as JSON for /api/*, /metrics and /health, and as a Spanish page elsewhere."""

from __future__ import annotations

import logging
from html import escape

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from .data import DatabaseUnavailable
from .entries import EntriesUnavailable
from .filters import ParamError

log = logging.getLogger("minimarket_dash.errors")

# status -> (code, Spanish message); the text never comes from the exception.
STATUS_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "La solicitud no es válida."),
    401: ("unauthorized", "Se requiere una clave de API válida (X-API-Key o Bearer)."),
    403: ("forbidden", "No tiene permiso para acceder a este recurso."),
    404: ("not_found", "El recurso solicitado no existe."),
    405: ("method_not_allowed", "Método no permitido para este recurso."),
    413: (
        "payload_too_large",
        "El cuerpo de la solicitud es demasiado grande (límite: DASHBOARD_MAX_BODY_KB).",
    ),
    429: ("rate_limited", "Demasiadas solicitudes. Intente nuevamente en unos segundos."),
    500: ("internal_error", "Ocurrió un error interno. Intente nuevamente más tarde."),
    503: (
        "database_unavailable",
        "La base de datos no está disponible en este momento. Intente nuevamente más tarde.",
    ),
}
# Headers of an HTTP exception worth keeping on the JSON answer (Allow on 405, Retry-After...).
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")

PAGE_TITLES = {
    400: ("Solicitud no válida", "La dirección tiene datos que no pudimos entender."),
    404: ("Página no encontrada", "La página que buscás no existe o cambió de dirección."),
    405: ("Acción no permitida", "Esta dirección no admite ese tipo de solicitud."),
    413: ("Solicitud demasiado grande", "Los datos enviados superan el tamaño permitido."),
    429: (
        "Demasiadas solicitudes",
        "Hay muchas consultas en curso. Esperá unos segundos y volvé a intentar.",
    ),
    500: ("Algo salió mal", "Ocurrió un error inesperado. Probá de nuevo en unos minutos."),
    503: ("Servicio no disponible", "Los datos no están disponibles. Probá más tarde."),
}


def json_error(status: int, code: str, message: str, **extra: str) -> Response:
    """Return the contract's error body `{"error": code, "message": message}` with `status`."""
    response = jsonify({"error": code, "message": message, **extra})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def wants_json(path: str) -> bool:
    """Tell whether errors on this path are answered as JSON (API, operations, Dash's routes)."""
    return path.startswith(("/api/", "/_dash-")) or path in ("/api", "/metrics", "/health")


def status_error(status: int) -> tuple[str, str]:
    """Return the (code, message) for an HTTP status, falling back by class."""
    if status in STATUS_ERRORS:
        return STATUS_ERRORS[status]
    return STATUS_ERRORS[500] if status >= 500 else STATUS_ERRORS[400]


def error_page(status: int) -> Response:
    """Return a small self-contained Spanish HTML error page (no scripts)."""
    title, text = PAGE_TITLES.get(status, PAGE_TITLES[500 if status >= 500 else 400])
    body = (
        '<!DOCTYPE html>\n<html lang="es"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · Dashboard Mini Market</title></head>"
        f"<body><main><h1>{escape(title)}</h1><p>{escape(text)}</p>"
        f'<p><a href="/">Volver al inicio</a></p><p><small>Error {status}</small></p>'
        "</main></body></html>\n"
    )
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def render(status: int, **extra: str) -> Response:
    """Answer an error with `status` in the form the current path expects."""
    if not wants_json(request.path):
        return error_page(status)
    code, message = status_error(status)
    return json_error(status, code, extra.pop("message", message), **extra)


def handle_http(exc: HTTPException):
    """Render werkzeug/Flask HTTP errors (404, 405, 429...) keeping their useful headers."""
    if exc.code is None or exc.code < 400:
        return exc  # redirects raised by routing (e.g. strict slashes) pass through
    if _is_json(exc.response) and wants_json(request.path):
        return exc.response  # already in the contract's shape (flask-limiter's on_breach)
    if exc.code == 429 and exc.response is not None:
        return exc.response  # the sign-in's own lockout page (limits.on_breach)
    response = render(exc.code)
    source = exc.response if exc.response is not None else exc.get_response()
    for name in _KEPT_HEADERS:
        if name in source.headers:
            response.headers[name] = source.headers[name]
    return response


def _is_json(response: Response | None) -> bool:
    return response is not None and response.mimetype == "application/json"


def handle_param(exc: ParamError) -> Response:
    """Turn a malformed parameter into a 400 that names it."""
    if not wants_json(request.path):
        return error_page(400)
    return json_error(400, "bad_request", exc.message, param=exc.param)


def handle_database(exc: DatabaseUnavailable) -> Response:
    """Answer 503 when the database cannot be queried (the cause was logged by data.py)."""
    log.warning("base de datos no disponible en %s", request.path)
    return render(503)


def handle_entries(exc: EntriesUnavailable) -> Response:
    """Answer 503 when the store of what managers enter cannot be reached (cause logged)."""
    log.warning("almacén de marcas no disponible en %s", request.path)
    if not wants_json(request.path):
        return error_page(503)
    return json_error(
        503,
        "entries_unavailable",
        "No se pueden leer ni guardar las marcas ahora; probá de nuevo en un rato.",
    )


def handle_unexpected(exc: Exception) -> Response:
    """Log any other exception in full and answer a bare 500."""
    log.exception("error no controlado en %s %s", request.method, request.path)
    return render(500)


def init_app(server: Flask) -> None:
    """Register the global error handlers."""
    server.register_error_handler(HTTPException, handle_http)
    server.register_error_handler(ParamError, handle_param)
    server.register_error_handler(DatabaseUnavailable, handle_database)
    server.register_error_handler(EntriesUnavailable, handle_entries)
    server.register_error_handler(Exception, handle_unexpected)
