"""The real WSGI server plus a test-only /__slow route, to stop gunicorn during requests."""

from __future__ import annotations

import time

from flask import request

from minimarket_dash.wsgi import server


def slow():
    """Sleep for ?s= seconds (at most 10), then answer."""
    time.sleep(min(float(request.args.get("s", "2")), 10.0))
    return "listo"


server.add_url_rule("/__slow", "slow", slow)
