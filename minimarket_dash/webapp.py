"""The dashboard as an installable web app, and the tags every page's <head> carries for it.

`/manifest.webmanifest` lets Chromium offer «Instalar app» / «Agregar a pantalla de inicio»
(the icons are the project's own, drawn by scripts/make_icons.py into assets/); it and
the icons are public (signin.PUBLIC_PATHS, /assets/), since browsers fetch them without the
session cookie. HEAD_TAGS also loads assets/01-theme.js before the first paint, so a dark
page never flashes light (Dash would load it at the end of <body>; see dashboard.init_app).
"""

from __future__ import annotations

import json

from flask import Flask, Response

MANIFEST_PATH = "/manifest.webmanifest"
MANIFEST_TYPE = "application/manifest+json"
THEME_SCRIPT = "01-theme.js"  # in assets/; the same file on the sign-in pages
NAVBAR_COLOR = "#212529"  # Bootstrap's bg-dark: components.navbar in both themes
ICONS = "/assets"  # drawn by scripts/make_icons.py

MANIFEST = {
    "id": "/",
    "name": "Mini Market · Pedidos y stock",
    "short_name": "Mini Market",
    "description": "Pedidos, proveedores, stock y facturas de los minimercados.",
    "lang": "es-AR",
    "dir": "ltr",
    "start_url": "/",
    "scope": "/",
    "display": "standalone",
    "theme_color": NAVBAR_COLOR,
    "background_color": NAVBAR_COLOR,
    "icons": [
        {"src": f"{ICONS}/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
        {"src": f"{ICONS}/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
        {
            "src": f"{ICONS}/icon-maskable-512.png",
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ],
}

# One theme colour: the navbar keeps its colour in the light and the dark theme alike.
HEAD_TAGS = (
    f'<script src="/assets/{THEME_SCRIPT}"></script>'
    f'<meta name="theme-color" content="{NAVBAR_COLOR}">'
    f'<link rel="manifest" href="{MANIFEST_PATH}">'
    f'<link rel="apple-touch-icon" href="{ICONS}/apple-touch-icon.png">'
)


def manifest() -> Response:
    """Answer the web app manifest (the same for everyone, no data in it)."""
    response = Response(json.dumps(MANIFEST, ensure_ascii=False), mimetype=MANIFEST_TYPE)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def init_app(server: Flask) -> None:
    """Register /manifest.webmanifest."""
    server.add_url_rule(MANIFEST_PATH, "web_manifest", manifest)
