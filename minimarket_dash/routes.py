"""The route label of a request, one name per route, shared by the access log (logs.py) and
the Prometheus metrics (ops.py) so both count the same things under the same names."""

from __future__ import annotations

from flask import Request

DASH_INDEX_RULES = frozenset({"/", "/<path:path>"})
UNKNOWN_PAGE = "dash_page_unknown"
UNMATCHED = "unmatched"


def route(req: Request) -> str:
    """Return the label of a request: its route template or its Dash page path."""
    rule = req.url_rule
    if rule is None:
        return UNMATCHED
    if rule.rule in DASH_INDEX_RULES:
        return dash_page(req.path)
    return rule.rule


def dash_page(path: str) -> str:
    """Return the registered Dash page path for `path`, or dash_page_unknown."""
    import dash

    wanted = path.rstrip("/") or "/"
    for page in dash.page_registry.values():
        if page.get("path") == wanted:
            return wanted
    return UNKNOWN_PAGE
