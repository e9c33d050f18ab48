"""Hosts, proxies, HTTPS, HSTS, CORS and the security headers, with a CSP that Dash runs under."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable

from flask import Flask, Response, redirect, request
from werkzeug.middleware.proxy_fix import ProxyFix

from . import errors
from .config import Settings

HSTS_VALUE = "max-age=31536000; includeSubDomains"
STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# script-src gets 'self' plus the hashes of Dash's inline scripts; never 'unsafe-inline' or
# 'unsafe-eval'. Styles keep 'unsafe-inline': Dash and plotly inject style tags and attributes.
CSP_DIRECTIVES = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("style-src", "'self' 'unsafe-inline'"),
    ("img-src", "'self' data: blob:"),
    ("font-src", "'self' data:"),
    ("connect-src", "'self'"),
    ("worker-src", "'self' blob:"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
    ("frame-ancestors", "'none'"),
)
CORS_ALLOWED_HEADERS = "X-API-Key, Authorization, X-Request-ID"
CORS_EXPOSED_HEADERS = (
    "X-Request-ID, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, "
    "X-RateLimit-Reset, Content-Disposition"
)
CORS_METHODS = ("GET", "HEAD")
HOST_MESSAGE = "El host de la solicitud no está permitido (DASHBOARD_ALLOWED_HOSTS)."
CORS_MESSAGE = "Origen o método no permitido para /api/* (DASHBOARD_CORS_ORIGINS, sólo GET)."


# Set on every request's WSGI environ: whether the connecting peer is a trusted proxy.
TRUSTED_PEER_KEY = "minimarket.trusted_peer"
FORWARDED_PREFIXES = ("HTTP_X_FORWARDED_", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def networks_of(items: Iterable[str]) -> tuple:
    """Return the ipaddress networks of DASHBOARD_TRUSTED_PROXY_IPS."""
    return tuple(ipaddress.ip_network(item) for item in items)


def peer_is_trusted(address: str | None, networks: tuple) -> bool:
    """Tell whether the connecting peer's address is in one of `networks`."""
    try:
        peer = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return False
    if isinstance(peer, ipaddress.IPv6Address) and peer.ipv4_mapped is not None:
        peer = peer.ipv4_mapped  # ::ffff:127.0.0.1 on a dual-stack socket
    return any(peer in network for network in networks)


class TrustedProxies:
    """WSGI middleware: X-Forwarded-* count only when the connecting peer is a trusted proxy.

    From such a peer, ProxyFix takes the client address, scheme and host from the last `hops`
    proxies (DASHBOARD_TRUSTED_PROXIES); from any other peer every forwarded header is dropped
    before the app sees it, so a client cannot pick its own address (rate limits, lockout) or
    pretend to be the sign-in proxy. The verdict is left in the environ (TRUSTED_PEER_KEY)
    for the `proxy` sign-in mode (signin.py).
    """

    def __init__(self, app, networks: tuple, hops: int) -> None:
        self.app = app
        self.networks = networks
        self.fixed = (
            ProxyFix(app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops) if hops else app
        )

    def __call__(self, environ, start_response):
        """Serve one request with or without the forwarded headers."""
        trusted = peer_is_trusted(environ.get("REMOTE_ADDR"), self.networks)
        environ[TRUSTED_PEER_KEY] = trusted
        if trusted:
            return self.fixed(environ, start_response)
        for key in [key for key in environ if key.startswith(FORWARDED_PREFIXES)]:
            del environ[key]
        return self.app(environ, start_response)


def trusted_peer() -> bool:
    """Tell whether the current request came from a trusted proxy (TrustedProxies)."""
    return bool(request.environ.get(TRUSTED_PEER_KEY))


def build_csp(script_hashes: list[str] | tuple[str, ...] = ()) -> str:
    """Return the Content-Security-Policy with the given inline-script hashes."""
    parts = []
    for name, value in CSP_DIRECTIVES:
        if name == "script-src" and script_hashes:
            value = " ".join((value, *script_hashes))
        parts.append(f"{name} {value}")
    return "; ".join(parts)


class ContentSecurityPolicy:
    """The CSP header of one server, cached once Dash has set up its pages in this process."""

    def __init__(self, server: Flask) -> None:
        self.server = server
        self.cached: str | None = None

    def value(self) -> str:
        """Return the policy; recompute it until Dash's first-request setup has run."""
        if self.cached is not None:
            return self.cached
        dash_app = self.server.extensions.get("dash_app")
        if dash_app is None:
            return build_csp()
        policy = build_csp(dash_app.csp_hashes())
        # The pages router adds its inline script during Dash's first-request setup;
        # dashboard.init_app's last before_request hook notes when that setup has run.
        if self.server.extensions.get("dash_setup_done"):
            self.cached = policy
        return policy


def host_checker(allowed: tuple[str, ...]) -> Callable[[], Response | None]:
    """Return a hook that refuses a Host outside `allowed` with 400 (JSON on API paths)."""
    names = frozenset(host.lower() for host in allowed)

    def check_host() -> Response | None:
        host = request.host.lower()
        if host in names or host.rsplit(":", 1)[0] in names:
            return None
        if errors.wants_json(request.path):
            return errors.json_error(400, "invalid_host", HOST_MESSAGE)
        return errors.error_page(400)

    return check_host


def https_redirector(allowed_hosts: tuple[str, ...]) -> Callable[[], Response | None]:
    """Return the hook that sends plain HTTP to HTTPS (308), except /health.

    The target host is the first allowed host, never the request's Host header, so a forged
    Host cannot turn the redirect into a link to another site (config refuses `*` here).
    """
    host = allowed_hosts[0]

    def redirect_to_https() -> Response | None:
        if request.is_secure or request.path == "/health":
            return None
        return redirect(f"https://{host}{request.full_path.rstrip('?')}", code=308)

    return redirect_to_https


def body_limiter(max_bytes: int) -> Callable[[], Response | None]:
    """Return the hook that answers 413 to a declared body over the limit, before reading it.

    MAX_CONTENT_LENGTH also stops a chunked body without Content-Length when it is read.
    """

    def refuse_large_body() -> Response | None:
        length = request.content_length
        if length is not None and length > max_bytes:
            return errors.render(413)
        return None

    return refuse_large_body


def cors_policy(origins: tuple[str, ...]) -> tuple[Callable, Callable]:
    """Return (preflight hook, response hook) that open /api/* to `origins`, GET only."""
    any_origin = "*" in origins
    allowed = frozenset(origins)

    def origin_allowed(origin: str | None) -> bool:
        return bool(origin) and (any_origin or origin in allowed)

    def preflight() -> Response | None:
        if request.method != "OPTIONS" or not request.path.startswith("/api/"):
            return None
        wanted = request.headers.get("Access-Control-Request-Method")
        if wanted is None:
            return None
        origin = request.headers.get("Origin")
        if not origin_allowed(origin) or wanted.upper() not in CORS_METHODS:
            return errors.json_error(403, "cors_refused", CORS_MESSAGE)
        response = Response(status=204)
        response.headers["Access-Control-Allow-Methods"] = ", ".join(CORS_METHODS)
        response.headers["Access-Control-Allow-Headers"] = CORS_ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = "600"
        return response

    def add_headers(response: Response) -> Response:
        if not request.path.startswith("/api/"):
            return response
        response.vary.add("Origin")
        origin = request.headers.get("Origin")
        preflight_ok = request.method == "OPTIONS" and response.status_code == 204
        if origin_allowed(origin) and (request.method in CORS_METHODS or preflight_ok):
            response.headers["Access-Control-Allow-Origin"] = "*" if any_origin else origin
            response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSED_HEADERS
        return response

    return preflight, add_headers


def header_setter(server: Flask, settings: Settings) -> Callable[[Response], Response]:
    """Return the after_request hook that puts the security headers on every response."""
    fixed = dict(STATIC_HEADERS)
    if settings.enable_hsts:
        fixed["Strict-Transport-Security"] = HSTS_VALUE
    fixed_items = tuple(fixed.items())
    csp = ContentSecurityPolicy(server)
    server.extensions["minimarket_csp"] = csp

    def set_security_headers(response: Response) -> Response:
        headers = response.headers
        for name, value in fixed_items:
            headers[name] = value
        headers["Content-Security-Policy"] = csp.value()
        return response

    return set_security_headers


def init_app(server: Flask) -> None:
    """Install the trusted-proxy rule and the host, HTTPS, CORS and security-header hooks."""
    settings: Settings = server.config["SETTINGS"]
    server.wsgi_app = TrustedProxies(
        server.wsgi_app, networks_of(settings.trusted_proxy_ips), settings.trusted_proxies
    )
    if "*" not in settings.allowed_hosts:
        server.before_request(host_checker(settings.allowed_hosts))
    if settings.force_https:
        server.before_request(https_redirector(settings.allowed_hosts))
    server.config["MAX_CONTENT_LENGTH"] = settings.max_body_kb * 1024
    server.before_request(body_limiter(settings.max_body_kb * 1024))
    if settings.cors_origins:
        preflight, add_cors_headers = cors_policy(settings.cors_origins)
        server.before_request(preflight)
        server.after_request(add_cors_headers)
    server.after_request(header_setter(server, settings))
