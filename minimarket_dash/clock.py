"""The one "now" of a request: the app's Settings.now() (fixed in tests by `fixed_now`),
naive local time like the minimarket's data, and its date."""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app


def now() -> datetime:
    """Return the current app's "now"."""
    return current_app.config["SETTINGS"].now()


def today() -> date:
    """Return the current app's date."""
    return now().date()
