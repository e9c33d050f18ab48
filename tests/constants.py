"""Values every test module shares: the test API key, its headers and the fixture's "now"."""

from __future__ import annotations

from tests import fixture_data

API_KEY = "test-key-0123456789abcdef"
AUTH = {"X-API-Key": API_KEY}  # copy before changing: dict(AUTH)
TINY_NOW = fixture_data.NOW  # the "now" of the hand-made fixture (tests/fixture_data.py)
