"""Blueprint /api/*: the JSON endpoints and CSV exports of API.md over the shared metrics."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from flask import Blueprint, Flask, Response, current_app, request

from . import csvexport, data, openapi
from .errors import render
from .filters import Filters, parse_filters

bp = Blueprint("api", __name__, url_prefix="/api")

DATED = ("start_date", "end_date", "proveedor")
SUMMARY_FIELDS = (
    "total_proveedores",
    "total_pedidos",
    "total_productos_pedidos",
    "total_movimientos",
    "facturas_procesadas",
    "pedidos_mes",
    "movimientos_semana",
    "proveedor_top_nombre",
    "proveedor_top_pedidos",
)
MONTHLY_ORDER_FIELDS = ("mes", "pedidos", "proveedores_activos")
MONTHLY_MOVEMENT_FIELDS = ("mes", "tipo", "movimientos", "productos")
API_METHODS = ("GET", "HEAD")
OTHER_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Listing:
    """A list endpoint: its metric, the fields of each item in contract order, its parameters."""

    metric: str
    fields: tuple[str, ...]
    params: tuple[str, ...] = ()


LISTINGS: dict[str, Listing] = {
    "providers": Listing(
        "providers",
        ("codigo", "nombre", "total_pedidos", "total_productos", "pedidos_semana", "pedidos_mes"),
    ),
    "stock-timeline": Listing(
        "stock_timeline", ("fecha", "tipo", "movimientos", "productos"), ("days",)
    ),
    "top-products": Listing(
        "top_products", ("producto", "cantidad_total", "pedidos", "proveedor"), ("limit", *DATED)
    ),
    "stock-by-provider": Listing(
        "stock_by_provider", ("codigo", "nombre", "stock_total"), ("limit",)
    ),
    "weekly-sales": Listing("weekly_sales", ("semana", "pedidos", "productos"), ("weeks",)),
}
CSV_LISTINGS = ("providers", "top-products")


def native(value: object) -> object:
    """Turn numpy/pandas scalars into plain Python values JSON and CSV understand."""
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if math.isnan(value) else float(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    return value


def records(frame: pd.DataFrame, fields: tuple[str, ...]) -> list[dict[str, object]]:
    """Return the frame's rows as dicts holding exactly `fields`, in that order."""
    return [
        {field: native(value) for field, value in zip(fields, row, strict=True)}
        for row in frame[list(fields)].itertuples(index=False, name=None)
    ]


def dumps(body: object) -> str:
    """Serialise without sorting keys, so field order follows API.md."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=native)


def json_response(body: object) -> Response:
    """Return body as a JSON response (a str is taken as already serialised)."""
    text = body if isinstance(body, str) else dumps(body)
    response = Response(text, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def request_filters(params: tuple[str, ...]) -> Filters:
    """Parse the request's query string (first value of each name wins; others ignored)."""
    return parse_filters(request.args, params)


def summary_row() -> dict[str, object]:
    """Return the flat summary row (the CSV shape)."""
    rows = records(data.fetch("summary", Filters()), SUMMARY_FIELDS)
    return rows[0]


def nest_summary(row: dict[str, object]) -> dict[str, object]:
    """Return the JSON shape of the summary, with proveedor_top nested."""
    body = {name: row[name] for name in SUMMARY_FIELDS[:-2]}
    body["proveedor_top"] = {
        "nombre": row["proveedor_top_nombre"],
        "pedidos": row["proveedor_top_pedidos"],
    }
    return body


@bp.get("/summary")
def summary() -> Response:
    """GET /api/summary."""
    return json_response(data.remember("api:summary", lambda: dumps(nest_summary(summary_row()))))


@bp.get("/trends")
def trends() -> Response:
    """GET /api/trends: monthly orders and monthly movements for one filter."""
    filters = request_filters(("months", *DATED))

    def build() -> str:
        orders = data.fetch("monthly_orders", filters)
        movements = data.fetch("monthly_movements", filters)
        return dumps(
            {
                "pedidos_mensuales": records(orders, MONTHLY_ORDER_FIELDS),
                "movimientos_mensuales": records(movements, MONTHLY_MOVEMENT_FIELDS),
            }
        )

    return json_response(data.remember(f"api:trends:{filters.cache_key()}", build))


def listing_body(listing: Listing, filters: Filters, encode: Callable[[list], str]) -> str:
    """Return the listing's rows for filters, encoded, from the cache when possible."""
    key = f"api:{encode.__name__}:{listing.metric}:{filters.cache_key()}"
    return data.remember(
        key, lambda: encode(records(data.fetch(listing.metric, filters), listing.fields))
    )


def json_view(listing: Listing) -> Callable[[], Response]:
    """Build the JSON view of a list endpoint."""

    def view() -> Response:
        return json_response(listing_body(listing, request_filters(listing.params), dumps))

    return view


def csv_view(name: str, listing: Listing) -> Callable[[], Response]:
    """Build the CSV export view of a list endpoint."""

    def to_csv(rows: list) -> str:
        return csvexport.to_csv(listing.fields, rows)

    def view() -> Response:
        filters = request_filters(listing.params)
        parts = csvexport.filter_parts(filters) if listing.params else []
        filename = csvexport.file_name(name, _today(), parts)
        return csvexport.csv_response(listing_body(listing, filters, to_csv), filename)

    return view


@bp.get("/export/summary.csv")
def summary_csv() -> Response:
    """GET /api/export/summary.csv: one row, flat proveedor_top_* columns."""
    text = data.remember(
        "csv:summary", lambda: csvexport.to_csv(SUMMARY_FIELDS, [summary_row()])
    )
    return csvexport.csv_response(text, csvexport.file_name("summary", _today()))


@bp.get("/openapi.json")
def openapi_document() -> Response:
    """GET /api/openapi.json (no key needed)."""
    response = json_response(openapi.document())
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("", methods=[*API_METHODS, *OTHER_METHODS])
@bp.route("/", methods=[*API_METHODS, *OTHER_METHODS])
@bp.route("/<path:rest>", methods=[*API_METHODS, *OTHER_METHODS])
def unknown(rest: str = "") -> Response:
    """Answer JSON 404 for unknown /api paths (before Dash's catch-all), 405 for wrong methods."""
    if request.method not in API_METHODS and request.path in known_paths():
        response = render(405)
        response.headers["Allow"] = "GET, HEAD, OPTIONS"
        return response
    return render(404)


def known_paths() -> set[str]:
    """Return the paths of the API's real endpoints."""
    return {
        rule.rule
        for rule in current_app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.unknown"
    }


def _today():
    return current_app.config["SETTINGS"].now().date()


def _register_listings() -> None:
    for name, listing in LISTINGS.items():
        bp.add_url_rule(f"/{name}", f"list_{name}", json_view(listing), methods=["GET"])
    for name in CSV_LISTINGS:
        view = csv_view(name, LISTINGS[name])
        bp.add_url_rule(f"/export/{name}.csv", f"csv_{name}", view, methods=["GET"])


_register_listings()

# The manager's endpoints (low stock, spending, today, products) join the blueprint here.
from . import api_manager  # noqa: E402, F401


def init_app(server: Flask) -> None:
    """Register the API blueprint and keep JSON keys in the order the views build them."""
    server.json.sort_keys = False
    server.register_blueprint(bp)
