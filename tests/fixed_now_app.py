"""The real WSGI app with "now" pinned by MMDASH_TEST_NOW (ISO), for gunicorn servers over a
hand-made fixture: `start_live_server(env, app="tests.fixed_now_app:server")`. Settings.fixed_now
has no environment variable on purpose (it is for tests only)."""

from __future__ import annotations

import os
from datetime import datetime

from minimarket_dash import create_app

server = create_app(fixed_now=datetime.fromisoformat(os.environ["MMDASH_TEST_NOW"]))
