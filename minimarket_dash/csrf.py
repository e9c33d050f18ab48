"""Anti-forgery for the pages' Dash callbacks: every POST to /_dash-update-component carries
the header X-CSRFToken with the value of the cookie `_csrf_token`, or it is refused (403).

Dash's renderer already sends that header, read from that cookie, with every callback; this
module sets the cookie (readable by the page's script, so not HttpOnly; SameSite=Strict; Secure
over HTTPS) on the pages it serves and checks the header. The token is bound to who is asking:

- `users`: an HMAC of the server-side session id (sessions.py) with the session key, so it
  changes at every sign-in and a token of another session is worth nothing;
- `proxy`: an HMAC of the proxy's user with the same key (DASHBOARD_SECRET_KEY, or `secret_key`
  beside DASHBOARD_USERS_FILE, created once);
- `none`: nobody to bind it to; a random value that the header must repeat (double submit),
  which another site cannot read or set.

The sign-in and sign-out forms keep their own token in the session (signin.csrf_ok).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable

from flask import Flask, Response, g, request

from . import errors
from .limits import client_address

log = logging.getLogger("minimarket_dash.signin")

COOKIE_NAME = "_csrf_token"  # what dash_renderer reads (Dash's csrf_token_name)
HEADER_NAME = "X-CSRFToken"  # what dash_renderer sends (Dash's csrf_header_name)
CALLBACK_PATH = "/_dash-update-component"
REFUSED_MESSAGE = (
    "La página venció o la solicitud no salió del tablero. Recargá la página y probá de nuevo."
)


def bound_token(key: str, mode: str, identity: str) -> str:
    """Return the token of one identity (session id or proxy user): HMAC-SHA256, hex."""
    message = f"{mode}|{identity}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


class PageCsrf:
    """Set the cookie on the pages and check the header on callbacks, for one server."""

    def __init__(self, mode: str, key: str | None, identity: Callable[[], str | None]) -> None:
        self.mode = mode
        self.key = key
        self.identity = identity  # () -> session id / proxy user, None when nobody

    def expected(self) -> str | None:
        """Return the token this request must carry (None in `none` mode: the cookie's own)."""
        if self.mode == "none":
            return None
        who = self.identity()
        return bound_token(self.key or "", self.mode, who) if who else None

    def check(self) -> Response | None:
        """before_request: refuse a callback POST whose header does not carry the token."""
        if request.path != CALLBACK_PATH or request.method != "POST":
            return None
        given = request.headers.get(HEADER_NAME, "")
        wanted = request.cookies.get(COOKIE_NAME, "") if self.mode == "none" else self.expected()
        if wanted and given and hmac.compare_digest(given.encode(), wanted.encode()):
            return None
        log.warning(
            "callback rechazado sin token anti-falsificación válido: usuario=%s ip=%s",
            g.get("user") or "-",
            client_address(),
        )
        return errors.json_error(403, "csrf_failed", REFUSED_MESSAGE)

    def set_cookie(self, response: Response) -> Response:
        """after_request: give a page (or its layout) the cookie when it lacks the right one."""
        if request.method != "GET" or response.status_code != 200 or not _page_like(response):
            return response
        current = request.cookies.get(COOKIE_NAME, "")
        wanted = self.expected() if self.mode != "none" else (current or secrets.token_hex(32))
        if wanted and wanted != current:
            response.set_cookie(
                COOKIE_NAME,
                wanted,
                httponly=False,
                samesite="Strict",
                secure=request.is_secure,
                path="/",
            )
        return response


def _page_like(response: Response) -> bool:
    """A page (HTML, not the sign-in form) or the layout the renderer fetches right after it."""
    if request.path == "/_dash-layout":
        return True
    return response.mimetype == "text/html" and not request.path.startswith(
        ("/api", "/assets/", "/login")
    )


def init_app(server: Flask, mode: str, key: str | None, identity: Callable[[], str | None]) -> None:
    """Install the check (after the sign-in gate, whose hook is already registered) and the
    cookie."""
    guard = PageCsrf(mode, key, identity)
    server.extensions["minimarket_csrf"] = guard
    server.before_request(guard.check)
    server.after_request(guard.set_cookie)
