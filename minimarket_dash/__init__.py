"""Mini Market dashboard: a Dash app on a Flask server, built by create_app()."""

from __future__ import annotations

from typing import Any

from flask import Flask

from .config import Settings, load_settings


def _installed_version() -> str:
    """Return the version the package was built with (setuptools-scm, from the git tag)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("minimarket-dash")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+desconocida"


__version__ = _installed_version()


def create_app(settings: Settings | None = None, *, pages: bool = True, **overrides: Any) -> Flask:
    """Build the Flask server with every hook, the API and the Dash pages, in a fixed order.

    `pages=False` builds an API-only server: every hook, /health, /metrics, /api/* and the
    sign-in views, without Dash (page paths answer 404). Dash serves one app per process
    (see dashboard.ONE_APP_PER_PROCESS), so only servers with pages are limited to one.
    """
    settings = settings or load_settings(overrides)
    server = Flask(__name__)
    server.config["SETTINGS"] = settings
    for step in _steps(pages):
        step(server)
    return server


def _steps(pages: bool) -> tuple:
    """Return the init_app steps of create_app, in the order their hooks must run."""
    from . import (
        api,
        auth,
        compression,
        dashboard,
        data,
        entries,
        errors,
        heavy,
        limits,
        logs,
        ops,
        plotly_bundle,
        security,
        signin,
    )

    return (
        logs.init_app,
        # Right after the logs: its after_request hooks then run last but for the access log,
        # on the final body and headers.
        compression.init_app,
        data.init_app,
        entries.init_app,
        security.init_app,
        limits.init_app,
        auth.init_app,
        heavy.init_app,
        ops.init_app,
        signin.init_app,
        api.init_app,
        errors.init_app,
        *((dashboard.init_app, plotly_bundle.init_app) if pages else ()),
    )
