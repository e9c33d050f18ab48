"""Página no encontrada: the Spanish 404 page of every unknown path."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html

dash.register_page(__name__, path="/404", title="Página no encontrada · Mini Market")


def layout(**_query):
    """Return a friendly page that links back to the three pages."""
    return html.Div(
        [
            html.H1("Página no encontrada", className="h3"),
            html.P("La dirección que abriste no existe o cambió de lugar."),
            html.Div(
                [
                    dbc.Button("Ir al inicio", href="/", color="primary", className="me-2 mb-2"),
                    dbc.Button(
                        "Proveedores",
                        href="/providers",
                        outline=True,
                        color="primary",
                        className="me-2 mb-2",
                    ),
                    dbc.Button(
                        "Análisis",
                        href="/analytics",
                        outline=True,
                        color="primary",
                        className="mb-2",
                    ),
                ]
            ),
        ],
        className="not-found py-4",
        id="not-found",
    )
