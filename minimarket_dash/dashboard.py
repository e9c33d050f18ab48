"""The Dash app mounted on the Flask server, its page shell, and the URL state of the pages."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, dcc, html
from flask import Flask, current_app, g, has_request_context

from . import dash_guard, data, signin, webapp
from .components import navbar, search_suggestions
from .config import app_folder
from .filters import Filters, clean_proveedor
from .queries.catalog import search_products

INDEX_STRING = (
    """<!DOCTYPE html>
<html lang="es-AR">
    <head>
        {%metas%}
        """
    + webapp.HEAD_TAGS
    + """
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <div class="dash-scripts">
            {%config%}
            {%scripts%}
            {%renderer%}
        </div>
    </body>
</html>"""
)


# Dash keeps the pages and their `dash.callback`s in module globals and hands them to the app
# at its first request, so one process serves one Dash app (tests start others in subprocesses).
_BUILT_IN_THIS_PROCESS: list[dash.Dash] = []
ONE_APP_PER_PROCESS = (
    "Dash admite una sola aplicación con páginas por proceso: construí las demás con "
    "create_app(pages=False) o en otro proceso."
)


def init_app(server: Flask) -> dash.Dash:
    """Create the Dash app of `server` with the pages of the top-level pages/ folder.

    Raises RuntimeError when this process already built one (see ONE_APP_PER_PROCESS).
    """
    if _BUILT_IN_THIS_PROCESS:
        raise RuntimeError(ONE_APP_PER_PROCESS)
    app = dash.Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder=str(app_folder("pages")),
        assets_folder=str(app_folder("assets")),
        title="Mini Market",
        update_title=None,
        # Most charts are created by their callbacks (drawn once, with data), so their ids are
        # not in the initial layouts; the browser tests cover every callback instead.
        suppress_callback_exceptions=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
        # The theme script runs from <head> (webapp.HEAD_TAGS), before the first paint.
        assets_ignore=re.escape(webapp.THEME_SCRIPT),
    )
    app.index_string = INDEX_STRING
    app.layout = shell
    _shell_callbacks(app)
    dash_guard.init_app(server, app)
    webapp.init_app(server)
    server.before_request(_note_dash_setup_done)
    server.extensions["dash_app"] = app
    _BUILT_IN_THIS_PROCESS.append(app)
    return app


def _note_dash_setup_done() -> None:
    """Record that Dash's first-request setup ran (its hooks were registered before this one,
    and Flask stops at a hook that answers): from now on its inline scripts are all known."""
    current_app.extensions.setdefault("dash_setup_done", True)


def account() -> tuple[str | None, str | None]:
    """Return (signed-in user, logout token) of the request the layout is built for."""
    if not has_request_context() or not g.get("user"):
        return None, None
    settings = current_app.config["SETTINGS"]
    token = signin.csrf_token() if settings.auth == "users" else None
    return g.user, token


def shell() -> html.Div:
    """Return the frame every page sits in: navigation bar, page, footer."""
    return html.Div(
        [
            navbar(*account()),
            # Not drawn: makes the browser fetch plotly.js while the page's data is queried,
            # since the charts themselves only appear with their figures (in Inicio's layout
            # response, or from the callbacks of the other pages).
            dcc.Graph(
                id="plotly-preload", style={"display": "none"}, config={"displayModeBar": False}
            ),
            dbc.Container(
                dash.page_container, fluid="xl", className="page py-3", id="main", tag="main"
            ),
            html.Footer(
                "Mini Market · datos de pedidos, proveedores y stock",
                className="text-muted small text-center py-3",
            ),
        ]
    )


SUGGESTIONS = 8  # type-ahead links under the navbar's product box
SUGGEST_FROM = 2  # characters typed before the box suggests anything


def _shell_callbacks(app: dash.Dash) -> None:
    @app.callback(
        Output("nav-collapse", "is_open"),
        Output("nav-search", "value"),
        Input("nav-toggler", "n_clicks"),
        Input("_pages_location", "href"),
        Input({"type": "nav-link", "href": ALL}, "n_clicks"),
        State("nav-collapse", "is_open"),
        prevent_initial_call=True,
    )
    def toggle_menu(_clicks, _href, _links, is_open):
        """Open or close the phone menu; choosing a page closes it and clears the search."""
        if dash.ctx.triggered_id == "nav-toggler":
            return not is_open, dash.no_update
        return False, ""

    @app.callback(
        Output("nav-search-results", "children"),
        Input("nav-search", "value"),
        prevent_initial_call=True,
    )
    def suggest_products(text):
        """List the first products whose name or barcode contains the typed text."""
        text = clean_proveedor(text)
        if not text or len(text) < SUGGEST_FROM:
            return []
        try:
            found = data.run_query(
                "products", lambda conn, now: search_products(conn, text, SUGGESTIONS)
            )
        except data.DatabaseUnavailable:
            found = None
        return search_suggestions(found)


def query_from_search(search: str | None) -> dict[str, str]:
    """Parse `?a=1&b=2` into a dict of first values (read with filters.read_filters)."""
    parsed = parse_qs((search or "").lstrip("?"), keep_blank_values=True)
    return {key: values[0] for key, values in parsed.items()}


def search_from_filters(filters: Filters) -> str:
    """Write filters back as a query string (empty when there is nothing to say)."""
    values = {
        "start_date": filters.start_date.isoformat() if filters.start_date else None,
        "end_date": filters.end_date.isoformat() if filters.end_date else None,
        "proveedor": filters.proveedor,
    }
    kept = {key: value for key, value in values.items() if value}
    return "?" + urlencode(kept) if kept else ""
