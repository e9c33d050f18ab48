"""Who may see the pages: built-in sign-in (`users`), an SSO proxy's header (`proxy`), or `none`.

One gate (a before_request hook) decides for every path that is not public and not a machine
path: `/api/*` and `/metrics` keep the API key (auth.py); a session never replaces it there.
A page without a signed-in user gets 303 to /login; a Dash JSON route gets a 401 JSON answer,
which assets/20-session.js turns into the «Tu sesión venció» notice on an open page.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

from flask import Flask, Response, current_app, g, redirect, request, session
from flask.sessions import SecureCookieSessionInterface

from . import auth, errors, login_page, security
from .config import Settings, SettingsError
from .entries import entries_of
from .sessions import SessionStore
from .users import UsersError, UserStore, load_or_create_secret_key

log = logging.getLogger("minimarket_dash.signin")

SESSION_COOKIE = "mm_session"
LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"
# The web app manifest too (webapp.py): browsers fetch it without the session cookie.
PUBLIC_PATHS = frozenset(
    {LOGIN_PATH, "/health", "/favicon.ico", "/_favicon.ico", "/manifest.webmanifest"}
)
# Static files: the same for everyone, no data in them.
PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
DASH_JSON_PREFIX = "/_dash-"
EXPIRED_MESSAGE = "Tu sesión venció o no iniciaste sesión. Ingresá de nuevo."
PROXY_MISSING_MESSAGE = "Falta el usuario del proxy de inicio de sesión."
DIRECT_MESSAGE = "Este tablero se abre a través del inicio de sesión de la empresa."
LOGIN_RESULTS = ("ok", "failed", "locked")


class SessionCookie(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure exactly when the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:  # noqa: ARG002 - Flask's signature
        return request.is_secure


def is_public(path: str) -> bool:
    """Tell whether a path is served to anyone (sign-in page, health, static files)."""
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def is_machine_path(path: str) -> bool:
    """Tell whether a path belongs to machines (API key), not to people (session)."""
    return auth.needs_key(path) or path == "/api" or path.startswith("/api/")


def safe_next(raw: str | None) -> str:
    """Return `raw` when it is a same-site relative path, else "/" (no open redirect)."""
    value = (raw or "").strip()
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path in (LOGIN_PATH, LOGOUT_PATH):
        return "/"
    return value


def login_url(target: str) -> str:
    """Return /login?next=<target> for a page the visitor wanted."""
    if safe_next(target) == "/":
        return LOGIN_PATH
    return f"{LOGIN_PATH}?next={quote(target, safe='/')}"


def csrf_token() -> str:
    """Return this session's anti-forgery token, creating it on first use."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_ok() -> bool:
    """Tell whether the submitted form carries this session's token."""
    expected = session.get("csrf") or ""
    given = request.form.get("csrf_token", "")
    return bool(expected) and hmac.compare_digest(expected.encode(), given.encode())


def session_cookie_fields() -> tuple[str, str, str] | None:
    """Return (user, session version, session id) from the signed cookie, or None when any is
    missing or not text: a cookie signed with our key but holding other shapes (an older
    version's, a hand-made one) signs nobody in, and never raises."""
    state = session.get("u")
    if not isinstance(state, dict):
        return None
    fields = tuple(state.get(key) for key in ("n", "v", "s"))
    if not all(isinstance(value, str) and 0 < len(value) <= 256 for value in fields):
        return None
    return fields  # type: ignore[return-value]


class Gate:
    """The sign-in rule of one server: who the current user is, and what to answer otherwise."""

    def __init__(
        self, settings: Settings, store: UserStore | None, sessions: SessionStore | None = None
    ) -> None:
        self.settings = settings
        self.store = store
        self.sessions = sessions

    def current_user(self) -> str | None:
        """Return the signed-in user of this request (None when nobody is); the session is
        looked up once per request."""
        if "signin_user" not in g:
            g.signin_user = (
                self._proxy_user() if self.settings.auth == "proxy" else self._session_user()
            )
        return g.signin_user

    def forget_user(self) -> None:
        """Drop this request's remembered user (after a sign-in or sign-out)."""
        g.pop("signin_user", None)

    def _proxy_user(self) -> str | None:
        value = request.headers.get(self.settings.auth_proxy_header or "", "").strip()
        return value.lower()[:254] or None

    def _session_user(self) -> str | None:
        cookie = session_cookie_fields()
        if cookie is None:
            return None
        name, version, token = cookie
        account = self.store.get(name) if self.store else None
        valid = (
            account is not None
            and hmac.compare_digest(account.session_version, version)
            and self.sessions.check(token, account.name)
        )
        if not valid:
            session.pop("u", None)
            return None
        return account.name

    def session_identity(self) -> str | None:
        """Return the session id of a signed-in request (what the pages' anti-forgery token
        is bound to), None when nobody is signed in."""
        return self.session_token() if self.current_user() else None

    def session_token(self) -> str | None:
        """Return the server-side session id the cookie carries (None when there is none)."""
        cookie = session_cookie_fields()
        return cookie[2] if cookie else None

    def check(self) -> Response | None:
        """before_request: let the request through (None) or answer for a missing sign-in."""
        path = request.path
        if is_public(path) or is_machine_path(path):
            return None
        try:
            return self._decide(path)
        except UsersError as exc:  # a damaged users file: nobody enters, nothing crashes
            log.error("%s", exc)
            return errors.render(503)

    def _decide(self, path: str) -> Response | None:
        if self.settings.auth == "proxy" and not security.trusted_peer():
            return self._direct_to_proxy_mode(path)
        g.user = self.current_user()
        if g.user is not None:
            return self._allowed_proxy_user() if self.settings.auth == "proxy" else None
        return self._refuse(path)

    def _direct_to_proxy_mode(self, path: str) -> Response:
        """Refuse a page asked for without the sign-in proxy: its user header (if any) could
        say anything, since only a peer in DASHBOARD_TRUSTED_PROXY_IPS is the proxy."""
        log.warning(
            "solicitud directa rechazada en modo proxy: ip=%s no está en "
            "DASHBOARD_TRUSTED_PROXY_IPS (%s)",
            request.remote_addr,
            path,
        )
        if path.startswith(DASH_JSON_PREFIX):
            return errors.json_error(403, "forbidden", DIRECT_MESSAGE)
        return self._deny(403, login_page.proxy_missing_page())

    def _allowed_proxy_user(self) -> Response | None:
        allowed = self.settings.auth_proxy_users
        if not allowed or g.user in allowed:
            return None
        log.warning("usuario del proxy fuera de DASHBOARD_AUTH_PROXY_USERS: %s", g.user)
        return self._deny(403, login_page.forbidden_page())

    def _refuse(self, path: str) -> Response:
        if path.startswith(DASH_JSON_PREFIX):
            return errors.json_error(401, "unauthorized", EXPIRED_MESSAGE)
        if self.settings.auth == "proxy":
            return self._deny(401, login_page.proxy_missing_page())
        if self.store is not None and not self.store.accounts():
            return self._deny(503, login_page.first_user_page())
        target = request.full_path if request.query_string else path
        return redirect(login_url(target), code=303)

    @staticmethod
    def _deny(status: int, body: str) -> Response:
        response = Response(body, status=status, mimetype="text/html")
        response.headers["Cache-Control"] = "no-store"
        return response


def gate() -> Gate:
    """Return the current server's gate."""
    return current_app.extensions["minimarket_signin"]


def secret_key_for(settings: Settings) -> str:
    """Return DASHBOARD_SECRET_KEY, or the key kept beside the users file (created once)."""
    if settings.secret_key:
        return settings.secret_key
    folder = Path(settings.users_file).parent
    try:
        return load_or_create_secret_key(folder)
    except OSError as exc:
        raise SettingsError(
            f"no se pudo crear la clave de sesión en {folder} ({exc.strerror}): "
            "defina DASHBOARD_SECRET_KEY o DASHBOARD_USERS_FILE en una carpeta con escritura"
        ) from None


def configure_session(server: Flask, settings: Settings) -> None:
    """Set the signed-cookie session: name, flags, key and idle expiry."""
    server.secret_key = secret_key_for(settings)
    server.session_interface = SessionCookie()
    server.config.update(
        SESSION_COOKIE_NAME=SESSION_COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        SESSION_REFRESH_EACH_REQUEST=True,
    )


def login_counter(server: Flask):
    """Return dashboard_logins_total{result}, every result present at 0 from the start."""
    from prometheus_client import Counter

    metrics = server.extensions.get("minimarket_metrics")
    registry = metrics.registry if metrics is not None else None
    counter = Counter(
        "dashboard_logins",
        "Intentos de inicio de sesión por resultado",
        ("result",),
        registry=registry,
    )
    for result in LOGIN_RESULTS:
        counter.labels(result).inc(0)
    return counter


def init_app(server: Flask) -> None:
    """Install the gate, the session, the /login and /logout routes for DASHBOARD_AUTH, and
    the anti-forgery check of the pages' callbacks (csrf.py)."""
    from . import csrf, login_views

    settings: Settings = server.config["SETTINGS"]
    store = UserStore(settings.users_file) if settings.auth == "users" else None
    sessions = (
        SessionStore(entries_of(server), settings.session_hours * 3600)
        if store is not None
        else None
    )
    gate = Gate(settings, store, sessions)
    server.extensions["minimarket_signin"] = gate
    server.extensions["minimarket_logins"] = login_counter(server)
    if settings.auth == "none":
        log.warning(
            "DASHBOARD_AUTH=none: las páginas quedan abiertas a cualquiera que llegue al "
            "servidor; usar sólo en una red local de confianza"
        )
        csrf.init_app(server, "none", None, lambda: None)
        return
    server.before_request(gate.check)
    if store is None:  # proxy: the proxy signs people in and out
        server.add_url_rule(LOGIN_PATH, "login", lambda: redirect("/", code=303))
        csrf.init_app(server, "proxy", secret_key_for(settings), gate.current_user)
        return
    configure_session(server, settings)
    csrf.init_app(server, "users", server.secret_key, gate.session_identity)
    if not store.accounts():
        log.warning(
            "no hay usuarios en %s: las páginas piden crear el primero con "
            "'minimarket-dash users add NOMBRE'",
            settings.users_file,
        )
    login_views.register(server)
