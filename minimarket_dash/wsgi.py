"""WSGI entry point: `gunicorn minimarket_dash.wsgi:server`."""

from . import create_app

server = create_app()
