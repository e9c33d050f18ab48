"""Light pages: brotli/gzip on bundles and JSON, a year of caching for fingerprinted bundles.

flask-compress does the encoding. Only paths without the session's anti-forgery token are
compressed (bundles, assets, /api/*, Dash callbacks): a compressed body that mixes a secret
with text an attacker can reflect leaks the secret through its size (BREACH), so HTML pages,
/_dash-layout (the navbar's logout token) and /login stay plain. They are a few KB anyway.
"""

from __future__ import annotations

from dash.fingerprint import check_fingerprint
from flask import Flask, Request, Response, request
from flask_compress import Compress

BUNDLE_PREFIX = "/_dash-component-suites/"
COMPRESSED_PREFIXES = (
    BUNDLE_PREFIX,
    "/assets/",
    "/api/",
    "/_dash-update-component",
    "/_dash-dependencies",
)
IMMUTABLE = "public, max-age=31536000, immutable"
# Brotli 6 is ~10 % smaller than 4 for plotly.js at about the same CPU; gzip for old clients.
COMPRESS_CONFIG = {
    "COMPRESS_REGISTER": False,
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_ALGORITHM_STREAMING": ["br", "gzip"],
    "COMPRESS_BR_LEVEL": 6,
    "COMPRESS_LEVEL": 6,
    "COMPRESS_MIN_SIZE": 500,
}


class BundleCache:
    """Keep the compressed bytes of component bundles only: files of installed packages, which
    change only with a new install (and so a restart). plotly.js (4.8 MB) takes ~0.2 s to
    compress, so each worker does it once.

    flask-compress asks its cache about every response it compresses; data answers get an
    empty key (`bundle_key`) and are neither looked up nor kept.
    """

    def __init__(self) -> None:
        self.bodies: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self.bodies.get(key)

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(";"):
            self.bodies[key] = value


def is_fingerprinted_bundle(path: str) -> bool:
    """Tell whether path is a Dash component bundle whose file name carries its version."""
    if not path.startswith(BUNDLE_PREFIX):
        return False
    return check_fingerprint(path[len(BUNDLE_PREFIX) :])[1]


def bundle_key(req: Request) -> str:
    """Return the cache key of a component bundle, empty for anything else."""
    return req.path if req.path.startswith(BUNDLE_PREFIX) else ""


def init_app(server: Flask) -> None:
    """Compress the allowed paths and mark fingerprinted bundles immutable."""
    for name, value in COMPRESS_CONFIG.items():
        server.config.setdefault(name, value)
    server.config.setdefault("COMPRESS_CACHE_BACKEND", BundleCache)
    server.config.setdefault("COMPRESS_CACHE_KEY", bundle_key)
    compress = Compress(server)
    server.extensions["minimarket_compress"] = compress

    def compress_allowed(response: Response) -> Response:
        if request.path.startswith(COMPRESSED_PREFIXES):
            return compress.after_request(response)
        return response

    def cache_bundles(response: Response) -> Response:
        if response.status_code == 200 and is_fingerprinted_bundle(request.path):
            response.headers["Cache-Control"] = IMMUTABLE
        return response

    # Flask runs after_request hooks last-registered first: compress after the others.
    server.after_request(compress_allowed)
    server.after_request(cache_bundles)
