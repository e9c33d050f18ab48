"""The anti-forgery header Dash's renderer sends with every callback, for tests that post
callbacks themselves (minimarket_dash/csrf.py)."""

from __future__ import annotations

from typing import Any

COOKIE = "_csrf_token"
HEADER = "X-CSRFToken"


def csrf_headers(client: Any, base_url: str = "", page: str = "/") -> dict[str, str]:
    """Open a page as a browser does (the server sets the cookie), then return the header
    the renderer would send: works with a Flask test client, a requests.Session (give its
    base_url) and tests.app_process.HttpClient."""
    if hasattr(client, "get_cookie"):  # Flask's test client
        client.get(page)
        cookie = client.get_cookie(COOKIE)
        return {HEADER: cookie.value} if cookie is not None else {}
    session = getattr(client, "session", client)
    if session is not client:  # HttpClient: its own base URL
        client.get(page)
    else:
        session.get(base_url + page, timeout=30, allow_redirects=False)
    value = session.cookies.get(COOKIE)
    return {HEADER: value} if value else {}
