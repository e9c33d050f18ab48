"""A smaller plotly.js: the basic bundle (bar, pie, scatter), which covers every chart we draw.

dcc.Graph loads plotly.js from `/_dash-component-suites/plotly/package_data/plotly.min.js`:
the plotly package's full bundle, 4.8 MB with every trace type (1.27 MB with brotli, three
quarters of a first visit). `charts.py` draws only `bar` and `scatter` traces, so that URL
answers with `vendor/plotly-basic.min.js` instead: the same plotly.js version (npm
plotly.js-basic-dist-min, MIT, `vendor/plotly-basic.LICENSE`), 1.2 MB (0.36 MB with brotli),
without eval, so the CSP needs no 'unsafe-eval'. `tests/unit/test_plotly_bundle.py` fails when
the plotly package moves to another plotly.js version or a chart uses another trace type.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flask import Flask, Response, request

BASIC_BUNDLE = Path(__file__).resolve().parent / "vendor" / "plotly-basic.min.js"
TRACE_TYPES = frozenset({"bar", "pie", "scatter"})
PLOTLY_PACKAGE, PLOTLY_FILE = "plotly", "package_data/plotly.min.js"
SUITES_RULE = "_dash-component-suites/<string:package_name>/<path:fingerprinted_path>"


def bundle_version(text: str) -> str:
    """Return the plotly.js version in a bundle's header comment (`… v4.1.1`)."""
    return re.search(r"plotly\.js[^\n]*? v(\d+\.\d+\.\d+)", text[:300])[1]


def init_app(server: Flask) -> None:
    """Answer dcc.Graph's plotly.js URL with the basic bundle (after every before_request hook:
    the view is wrapped, not a hook added)."""
    endpoint = next(
        rule.endpoint for rule in server.url_map.iter_rules() if rule.rule.endswith(SUITES_RULE)
    )
    serve_package_file = server.view_functions[endpoint]
    body = BASIC_BUNDLE.read_bytes()
    etag = hashlib.sha256(body).hexdigest()[:32]

    def serve(package_name: str, fingerprinted_path: str) -> Response:
        if (package_name, fingerprinted_path) != (PLOTLY_PACKAGE, PLOTLY_FILE):
            return serve_package_file(package_name, fingerprinted_path)
        response = Response(body, mimetype="application/javascript")
        response.set_etag(etag)
        return response.make_conditional(request)

    server.view_functions[endpoint] = serve
