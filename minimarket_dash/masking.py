"""Hide every credential of a URL before it is printed (`minimarket-dash config`, logs).

SQLAlchemy's `hide_password` misses passwords in the query string (`?password=...`) and, for a
password with an unencoded `@`, prints the part after the first `@`. This works on the text.
"""

from __future__ import annotations

import re

MASK = "***"
# Query parameters that carry a credential (psycopg's password/sslpassword, tokens, keys).
SECRET_PARAMETER = re.compile(r"pass|pwd|secret|token|key|auth|credential", re.IGNORECASE)


def mask_url(value: str) -> str:
    """Return value with the userinfo password and secret query values replaced by ***."""
    scheme, sep, rest = value.partition("://")
    if not sep:
        return value
    query_start = min((i for i in (rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
    head, tail = rest[:query_start], rest[query_start:]
    at = head.rfind("@")  # the last @ ends the userinfo, even when the password holds one
    if at >= 0:
        userinfo = head[:at]
        user, colon, _password = userinfo.partition(":")
        head = (f"{user}:{MASK}" if colon else MASK) + head[at:]
    return f"{scheme}://{head}{mask_query(tail)}"


def mask_query(tail: str) -> str:
    """Mask the values of secret-looking parameters in `?a=b&c=d#frag`."""
    if not tail.startswith("?"):
        return tail
    query, hash_sign, fragment = tail[1:].partition("#")
    parts = []
    for item in query.split("&"):
        name, eq, _value = item.partition("=")
        parts.append(f"{name}={MASK}" if eq and SECRET_PARAMETER.search(name) else item)
    return "?" + "&".join(parts) + hash_sign + fragment
