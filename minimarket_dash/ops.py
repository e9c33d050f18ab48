"""Operations endpoints: /health (no key) and /metrics (key)."""

from __future__ import annotations

import time

from flask import Blueprint, Flask, jsonify

from . import __version__, data

bp = Blueprint("ops", __name__)
_STARTED = time.monotonic()


@bp.get("/health")
def health():
    """Answer 200 when one trivial query succeeds and every table exists, else 503."""
    answers, missing = data.health()
    body = {
        "status": "ok" if answers and not missing else "degraded",
        "database": "ok" if answers and not missing else "error",
        "version": __version__,
        "uptime_seconds": round(time.monotonic() - _STARTED, 1),
    }
    if missing:
        body["missing_tables"] = missing
    response = jsonify(body)
    response.status_code = 200 if body["status"] == "ok" else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(server: Flask) -> None:
    """Register /health."""
    server.register_blueprint(bp)
