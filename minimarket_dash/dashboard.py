"""The Dash app mounted on the Flask server, with the pages of the top-level pages/ folder."""

from __future__ import annotations

import dash
from dash import html
from flask import Flask

from .config import PROJECT_ROOT


def init_app(server: Flask) -> dash.Dash:
    """Create the one Dash app of this process on `server`."""
    app = dash.Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder=str(PROJECT_ROOT / "pages"),
        assets_folder=str(PROJECT_ROOT / "assets"),
        title="Mini Market",
        update_title=None,
    )
    app.layout = html.Div([html.H1("Mini Market"), dash.page_container])
    server.extensions["dash_app"] = app
    return app
