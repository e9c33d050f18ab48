"""Server-rendered pages of the sign-in (no Dash; only the theme script of webapp.HEAD_TAGS):
form, first user, locked, proxy."""

from __future__ import annotations

from html import escape

from .webapp import HEAD_TAGS

WRONG_CREDENTIALS = "Usuario o clave incorrectos"
FORM_EXPIRED = "El formulario venció. Volvé a escribir tu usuario y clave."

_HEAD = (
    '<!DOCTYPE html>\n<html lang="es-AR"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    '<meta name="robots" content="noindex">'
    + HEAD_TAGS  # the theme (device or stored choice) before the first paint, the manifest
    + "<title>{title} · Mini Market</title>"
    '<link rel="stylesheet" href="/assets/00-bootstrap.min.css">'
    '<link rel="stylesheet" href="/assets/10-dashboard.css">'
    '<link rel="stylesheet" href="/assets/50-theme.css"></head>'
    '<body class="signin-body"><main class="signin-card card"><div class="card-body">'
    '<p class="signin-brand">Mini Market</p><h1 class="h4">{title}</h1>'
)
_TAIL = "</div></main></body></html>\n"


def _page(title: str, inner: str) -> str:
    return _HEAD.format(title=escape(title)) + inner + _TAIL


def login_page(csrf_token: str, next_path: str, message: str | None = None) -> str:
    """Return the sign-in form (fields username, password, csrf_token, next)."""
    alert = (
        f'<div class="alert alert-danger py-2" role="alert">{escape(message)}</div>'
        if message
        else ""
    )
    form = (
        f'{alert}<form method="post" action="/login" class="signin-form">'
        f'<input type="hidden" name="csrf_token" value="{escape(csrf_token)}">'
        f'<input type="hidden" name="next" value="{escape(next_path)}">'
        '<label class="form-label" for="username">Usuario</label>'
        '<input class="form-control mb-3" id="username" name="username" type="text" '
        'autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus '
        'maxlength="64">'
        '<label class="form-label" for="password">Clave</label>'
        '<input class="form-control mb-3" id="password" name="password" type="password" '
        'autocomplete="current-password" required maxlength="1024">'
        '<button class="btn btn-primary w-100" type="submit">Ingresar</button></form>'
        '<p class="text-muted small mt-3 mb-0">¿Olvidaste la clave? Pedile a quien administra '
        "el tablero que la cambie con <code>minimarket-dash users passwd</code>.</p>"
    )
    return _page("Ingresar", form)


def first_user_page() -> str:
    """Return the page shown while the users file has no account yet."""
    inner = (
        "<p>Todavía no hay ningún usuario. Quien administra el servidor tiene que crear el "
        "primero, en la carpeta donde corre el tablero:</p>"
        '<pre class="signin-code">minimarket-dash users add NOMBRE</pre>'
        "<p>El comando pide la clave (al menos 10 caracteres, difícil de adivinar: mejor una "
        "frase de tres o cuatro palabras) sin mostrarla. Después, "
        "recargá esta página e ingresá. Más detalles en el README, sección «Usuarios».</p>"
    )
    return _page("Crear el primer usuario", inner)


def locked_page(wait_seconds: int) -> str:
    """Return the page of a sign-in locked after too many failed attempts."""
    minutes = max(1, round(wait_seconds / 60))
    inner = (
        '<div class="alert alert-warning" role="alert">Demasiados intentos fallidos. '
        f"Esperá {minutes} minuto(s) y volvé a intentar.</div>"
        '<p><a href="/login">Volver al ingreso</a></p>'
    )
    return _page("Ingreso bloqueado", inner)


def proxy_missing_page() -> str:
    """Return the page for a request that did not come through the sign-in proxy."""
    inner = (
        "<p>Este tablero se abre a través del inicio de sesión de la empresa. Entrá por la "
        "dirección habitual; si el problema sigue, avisá a sistemas.</p>"
    )
    return _page("Ingreso requerido", inner)


def forbidden_page() -> str:
    """Return the page for a proxy user who is not on the allow-list."""
    inner = (
        "<p>Tu usuario no tiene acceso a este tablero. Si lo necesitás, pedíselo a quien lo "
        "administra.</p>"
    )
    return _page("Sin acceso", inner)
