"""Values test modules share: the test API key, its headers, the fixture's "now", log fields."""

from __future__ import annotations

from tests import fixture_data

API_KEY = "test-key-0123456789abcdef"
AUTH = {"X-API-Key": API_KEY}  # copy before changing: dict(AUTH)
TINY_NOW = fixture_data.NOW  # the "now" of the hand-made fixture (tests/fixture_data.py)
# The fields of every JSON log line (minimarket_dash/logs.py), in-process and under gunicorn.
LOG_FIELDS = {
    "ts",
    "level",
    "logger",
    "msg",
    "request_id",
    "method",
    "route",
    "path",
    "status",
    "duration_ms",
    "client_ip",
    "user_agent",
    "key_id",
    "user",
}

# A PostgreSQL that refuses every connection at once (port 1): a live server starts on it and
# answers 503 (a missing SQLite file stops the start instead, minimarket_dash/startup.py).
DOWN_DATABASE = "postgresql://nadie@127.0.0.1:1/nada"
