"""The /login and /logout routes of the built-in sign-in, with the brute-force lockout
(lockout.py) and the server-side sessions (sessions.py)."""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, g, redirect, request, session

from . import errors, login_page, signin
from .entries import entries_of
from .limits import client_address
from .lockout import lockout_for
from .users import UsersError

log = logging.getLogger("minimarket_dash.signin")

USERNAME_FIELD_MAX = 64


def _html(body: str, status: int = 200) -> Response:
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def attempted_username() -> str:
    """Return the submitted username, normalised, as the per-user lockout key."""
    return request.form.get("username", "").strip().lower()[:USERNAME_FIELD_MAX]


def _count(result: str) -> None:
    current_app.extensions["minimarket_logins"].labels(result).inc()


def show_form(message: str | None = None, status: int = 200) -> Response:
    """Render the sign-in form with a fresh anti-forgery token."""
    nxt = signin.safe_next(request.values.get("next"))
    return _html(login_page.login_page(signin.csrf_token(), nxt, message), status)


def login() -> Response:
    """GET shows the form; POST checks the password and starts the session (303 to next)."""
    gate = signin.gate()
    try:
        accounts = gate.store.accounts()
    except UsersError as exc:
        log.error("%s", exc)
        return errors.render(503)
    if not accounts:
        return _html(login_page.first_user_page(), 503)
    if request.method == "GET":
        if gate.current_user():
            return redirect(signin.safe_next(request.args.get("next")), code=303)
        return show_form()
    if not signin.csrf_ok():
        return show_form(login_page.FORM_EXPIRED, 400)
    username = attempted_username()
    lockout = current_app.extensions["minimarket_lockout"]
    attempt = lockout.begin(client_address(), username)  # counted before the password
    if attempt.wait:
        return locked_response(attempt.wait)
    account = gate.store.verify(username, request.form.get("password", ""))
    if account is None:
        _count("failed")
        log.warning("inicio de sesión fallido: usuario=%s ip=%s", username, client_address())
        return show_form(login_page.WRONG_CREDENTIALS, 401)
    lockout.succeeded(attempt)
    return _start_session(account)


def _start_session(account) -> Response:
    gate = signin.gate()
    gate.sessions.purge_expired()
    token = gate.sessions.start(
        account.name, client_address(), request.headers.get("User-Agent", "")
    )
    session.clear()  # a new session id and token after sign-in (no fixation)
    session.permanent = True
    session["u"] = {"n": account.name, "v": account.session_version, "s": token}
    signin.csrf_token()
    gate.forget_user()
    g.user = account.name
    _count("ok")
    log.info("inicio de sesión: usuario=%s ip=%s", account.name, client_address())
    return redirect(signin.safe_next(request.form.get("next")), code=303)


def logout() -> Response:
    """End the session (POST with the form's token) and go back to the sign-in page."""
    gate = signin.gate()
    user = gate.current_user()
    if user is not None and not signin.csrf_ok():
        return _html(login_page.login_page(signin.csrf_token(), "/", login_page.FORM_EXPIRED), 400)
    token = gate.session_token()
    if user is not None and token:
        gate.sessions.end(token)  # every copy of the cookie is refused from now on
    session.clear()
    gate.forget_user()
    if user is not None:
        log.info("cierre de sesión: usuario=%s ip=%s", user, client_address())
    g.user = user
    return redirect(signin.LOGIN_PATH, code=303)


def locked_response(wait_seconds: int) -> Response:
    """Answer a locked-out sign-in attempt: a Spanish 429 page with Retry-After."""
    _count("locked")
    log.warning(
        "inicio de sesión bloqueado por intentos fallidos: usuario=%s ip=%s",
        attempted_username(),
        client_address(),
    )
    response = _html(login_page.locked_page(wait_seconds), 429)
    response.headers["Retry-After"] = str(wait_seconds)
    return response


def register(server: Flask) -> None:
    """Add /login (with the lockout of lockout.py: per client address and per username, shared
    by workers and instances) and /logout."""
    settings = server.config["SETTINGS"]
    server.extensions["minimarket_lockout"] = lockout_for(
        entries_of(server), settings.ratelimit_storage_uri
    )
    server.add_url_rule(signin.LOGIN_PATH, "login", login, methods=["GET", "POST"])
    server.add_url_rule(signin.LOGOUT_PATH, "logout", logout, methods=["POST"])
