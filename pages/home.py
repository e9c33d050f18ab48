"""Inicio: placeholder page until the pages land."""

import dash
from dash import html

dash.register_page(__name__, path="/", title="Inicio · Mini Market")


def layout(**_query):
    """Return the home layout."""
    return html.Div("Inicio")
