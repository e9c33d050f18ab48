"""Helpers shared by the sign-in tests: an accounts file, the form's token, a signed-in client,
and stand-in pages for API-only servers."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask

from minimarket_dash.users import UserStore

PASSWORD = "clave-de-prueba-123"
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def users_file(folder: Path, *names: str) -> str:
    """Create an accounts file in `folder` with `names` (all with PASSWORD); return its path."""
    path = folder / "users.json"
    store = UserStore(path)
    for name in names:
        store.add(name, PASSWORD)
    return str(path)


def form_token(html: str) -> str:
    """Return the csrf_token of a sign-in form (or of the navbar's logout form)."""
    match = TOKEN_RE.search(html)
    assert match, "no csrf_token in the page"
    return match.group(1)


def sign_in(client, username: str, password: str = PASSWORD, next_path: str = "/", **kwargs):
    """Post the sign-in form the way a browser does (GET for the token, then POST)."""
    token = form_token(client.get("/login", **kwargs).get_data(as_text=True))
    data = {"username": username, "password": password, "csrf_token": token, "next": next_path}
    return client.post("/login", data=data, **kwargs)


def sign_in_live(
    browser, base_url: str, username: str, password: str = PASSWORD, next_path: str = "/"
):
    """Sign a requests.Session in against a live server; return the POST's response."""
    token = form_token(browser.get(f"{base_url}/login").text)
    data = {"username": username, "password": password, "csrf_token": token, "next": next_path}
    return browser.post(f"{base_url}/login", data=data, allow_redirects=False)


def logout_token(component) -> str | None:
    """Return the csrf_token value of the navbar's logout form in a Dash layout (JSON)."""
    if isinstance(component, list):
        return next(filter(None, map(logout_token, component)), None)
    if not isinstance(component, dict):
        return None
    props = component.get("props", {})
    if props.get("name") == "csrf_token":
        return props.get("value")
    return logout_token(props.get("children"))


def stand_in_pages(server: Flask) -> Flask:
    """Answer 200 on every other path of an API-only server (create_app(pages=False)) as the
    Dash pages would, so the sign-in gate in front of them is tested in-process. Tests of the
    real pages behind the gate use a server with pages (the app_server fixture)."""

    def page(path: str = "") -> str:
        return f"página /{path}"

    server.add_url_rule("/", "stand_in_page", page)
    server.add_url_rule("/<path:path>", "stand_in_page_path", page)
    return server


# A well-formed call of the navbar's menu callback (dashboard._shell_callbacks: toggler, page
# location and nav links in; menu state and product box out), as the browser posts it.
MENU_CALLBACK = {
    "output": "..nav-collapse.is_open...nav-search.value..",
    "outputs": [
        {"id": "nav-collapse", "property": "is_open"},
        {"id": "nav-search", "property": "value"},
    ],
    "inputs": [
        {"id": "nav-toggler", "property": "n_clicks", "value": 1},
        {"id": "_pages_location", "property": "href", "value": "http://x/"},
        [],
    ],
    "state": [{"id": "nav-collapse", "property": "is_open", "value": False}],
    "changedPropIds": ["nav-toggler.n_clicks"],
}
