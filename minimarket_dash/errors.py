"""Errors as JSON for /api/*, /metrics and /health, and as a Spanish page elsewhere."""

from __future__ import annotations

from flask import Flask, Response, jsonify


def json_error(status: int, code: str, message: str) -> Response:
    """Return the contract's error body `{"error": code, "message": message}` with `status`."""
    response = jsonify({"error": code, "message": message})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(server: Flask) -> None:
    """Register the global error handlers (being completed in this session)."""
