"""Blueprint /api/*: the JSON endpoints and the CSV and Excel exports of docs/api.md over the
shared metrics."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from flask import Blueprint, Flask, Response, current_app, request

from . import clock, csvexport, data, invoice_report, openapi, queries, xlsxexport
from .errors import render
from .filters import Filters, parse_filters
from .metric import Metric
from .queries.prices import price_changes as compute_price_changes
from .queries.reorder import PRODUCT as REORDER_PRODUCT
from .queries.reorder import PRODUCT_FIELDS as REORDER_PRODUCT_FIELDS
from .queries.reorder import PROVIDER_FIELDS as REORDER_PROVIDER_FIELDS
from .queries.reorder import providers_of as reorder_providers

bp = Blueprint("api", __name__, url_prefix="/api")

DATED = ("start_date", "end_date", "proveedor")
SUMMARY_FIELDS = queries.SUMMARY.field_names
MONTHLY_ORDER_FIELDS = queries.MONTHLY_ORDERS.field_names
MONTHLY_MOVEMENT_FIELDS = queries.MONTHLY_MOVEMENTS.field_names
API_METHODS = ("GET", "HEAD")
OTHER_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Listing:
    """A list endpoint: its metric (whose fields are the items'), its query parameters."""

    metric: Metric
    params: tuple[str, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        """Return the fields of each item, in contract order."""
        return self.metric.field_names


LISTINGS: dict[str, Listing] = {
    "providers": Listing(queries.PROVIDERS),
    "stock-timeline": Listing(queries.STOCK_TIMELINE, ("days",)),
    "top-products": Listing(queries.TOP_PRODUCTS, ("limit", *DATED)),
    "stock-by-provider": Listing(queries.STOCK_BY_PROVIDER, ("limit",)),
    "weekly-sales": Listing(queries.WEEKLY_SALES, ("weeks",)),
    "order-status": Listing(queries.ORDER_STATUS, DATED),
}
CSV_LISTINGS = ("providers", "top-products", "order-status")
REORDER_PARAMS = ("dias", "proveedor", "solo_hoy")


def native(value: object) -> object:
    """Turn numpy/pandas scalars into plain Python values JSON and CSV understand."""
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
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
    """Serialise without sorting keys, so field order follows docs/api.md."""
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
    rows = records(data.fetch(queries.SUMMARY), SUMMARY_FIELDS)
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
        orders = data.fetch(queries.MONTHLY_ORDERS, filters)
        movements = data.fetch(queries.MONTHLY_MOVEMENTS, filters)
        return dumps(
            {
                "pedidos_mensuales": records(orders, MONTHLY_ORDER_FIELDS),
                "movimientos_mensuales": records(movements, MONTHLY_MOVEMENT_FIELDS),
            }
        )

    return json_response(data.remember(f"api:trends:{filters.cache_key()}", build))


def listing_body(listing: Listing, filters: Filters, encode: Callable[[list], str | bytes]
                 ) -> str | bytes:
    """Return the listing's rows for filters, encoded, from the cache when possible."""
    key = f"api:{encode.__name__}:{listing.metric.name}:{filters.cache_key()}"
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
        filename = csvexport.file_name(name, *parts, clock.today())
        return csvexport.csv_response(listing_body(listing, filters, to_csv), filename)

    return view


def xlsx_view(name: str, listing: Listing) -> Callable[[], Response]:
    """Build the Excel export view of a list endpoint (the CSV's rows, typed cells)."""

    def to_xlsx(rows: list) -> bytes:
        kinds = xlsxexport.field_kinds(listing.metric.fields)
        return xlsxexport.to_xlsx(listing.fields, rows, kinds)

    def view() -> Response:
        filters = request_filters(listing.params)
        parts = csvexport.filter_parts(filters) if listing.params else []
        filename = csvexport.file_name(name, *parts, clock.today(), extension="xlsx")
        return xlsxexport.xlsx_response(listing_body(listing, filters, to_xlsx), filename)

    return view


@bp.get("/export/summary.csv")
def summary_csv() -> Response:
    """GET /api/export/summary.csv: one row, flat proveedor_top_* columns."""
    text = data.remember(
        "csv:summary", lambda: csvexport.to_csv(SUMMARY_FIELDS, [summary_row()])
    )
    return csvexport.csv_response(text, csvexport.file_name("summary", clock.today()))


@bp.get("/export/summary.xlsx")
def summary_xlsx() -> Response:
    """GET /api/export/summary.xlsx: the CSV's row in an Excel sheet."""
    kinds = xlsxexport.field_kinds(queries.SUMMARY.fields)
    content = data.remember(
        "xlsx:summary", lambda: xlsxexport.to_xlsx(SUMMARY_FIELDS, [summary_row()], kinds)
    )
    filename = csvexport.file_name("summary", clock.today(), extension="xlsx")
    return xlsxexport.xlsx_response(content, filename)


@bp.get("/reorder")
def reorder() -> Response:
    """GET /api/reorder: «Qué pedir hoy», suggestions per product and per provider."""
    return nested_json("reorder", REORDER_PARAMS, lambda f: dumps(reorder_body(f)))


@bp.get("/export/reorder.csv")
def reorder_csv() -> Response:
    """GET /api/export/reorder.csv: the product rows of /api/reorder."""
    return nested_csv(
        "reorder", REORDER_PARAMS, REORDER_PRODUCT_FIELDS,
        lambda f: records(data.fetch(queries.REORDER, f), REORDER_PRODUCT_FIELDS),
        extra_parts=reorder_parts,
    )


@bp.get("/export/reorder.xlsx")
def reorder_xlsx() -> Response:
    """GET /api/export/reorder.xlsx: the CSV's rows in an Excel sheet."""
    return nested_xlsx(
        "reorder", REORDER_PARAMS, REORDER_PRODUCT_FIELDS,
        lambda f: records(data.fetch(queries.REORDER, f), REORDER_PRODUCT_FIELDS),
        extra_parts=reorder_parts, kinds=xlsxexport.field_kinds(REORDER_PRODUCT),
    )
# ---- «Facturas y precios»: nested bodies built by invoice_report from the shared metrics.

INVOICE_PARAMS = (*DATED, "tolerancia")
PRICE_PARAMS = ("meses", "proveedor")


def invoice_frame(filters: Filters) -> pd.DataFrame:
    """Return the checked invoices for filters (the metric the page uses too)."""
    return data.fetch(queries.INVOICE_CHECK, filters)


def price_report(filters: Filters):
    """Return the price changes for filters (monthly prices cached per provider text)."""
    monthly = data.fetch(queries.MONTHLY_PRICES, Filters(proveedor=filters.proveedor))
    return compute_price_changes(monthly, clock.now(), filters.meses)


def nested_json(name: str, params: tuple[str, ...], build: Callable[[Filters], str]) -> Response:
    """Answer an endpoint whose body is an envelope: parse `params`, cache `build`'s JSON."""
    filters = request_filters(params)
    key = f"api:{name}:{filters.cache_key()}"
    return json_response(data.remember(key, lambda: build(filters)))


def nested_csv(
    name: str, params: tuple[str, ...], fields, rows: Callable[[Filters], list],
    extra_parts: Callable[[Filters], list[str]] | None = None,
) -> Response:
    """Answer the CSV of an envelope endpoint: `rows` flattened under `fields`, cached."""
    filters = request_filters(params)
    text = data.remember(f"csv:{name}:{filters.cache_key()}",
                         lambda: csvexport.to_csv(fields, rows(filters)))
    parts = csvexport.filter_parts(filters) + (extra_parts(filters) if extra_parts else [])
    return csvexport.csv_response(text, csvexport.file_name(name, *parts, clock.today()))


def nested_xlsx(
    name: str, params: tuple[str, ...], fields, rows: Callable[[Filters], list],
    extra_parts: Callable[[Filters], list[str]] | None = None,
    kinds: dict[str, xlsxexport.Kind] | None = None,
) -> Response:
    """Answer the Excel twin of nested_csv: the same rows, typed cells (kinds guessed from the
    values and names where not given), cached."""
    filters = request_filters(params)
    content = data.remember(f"xlsx:{name}:{filters.cache_key()}",
                            lambda: xlsxexport.to_xlsx(fields, rows(filters), kinds))
    parts = csvexport.filter_parts(filters) + (extra_parts(filters) if extra_parts else [])
    filename = csvexport.file_name(name, *parts, clock.today(), extension="xlsx")
    return xlsxexport.xlsx_response(content, filename)


@bp.get("/invoices")
def invoices() -> Response:
    """GET /api/invoices: invoices checked against their orders, and totals per provider."""
    return nested_json("invoices", INVOICE_PARAMS,
                   lambda f: dumps(invoice_report.invoices_body(invoice_frame(f))))


@bp.get("/price-changes")
def price_changes() -> Response:
    """GET /api/price-changes: weighted price change per provider, market median, index."""
    return nested_json("price-changes", PRICE_PARAMS,
                   lambda f: dumps(invoice_report.price_body(price_report(f))))


@bp.get("/export/invoices.csv")
def invoices_csv() -> Response:
    """GET /api/export/invoices.csv: one row per invoice, flags joined by `|`."""
    return nested_csv("invoices", INVOICE_PARAMS, invoice_report.INVOICE_CSV_FIELDS,
                       lambda f: invoice_report.invoice_csv_rows(invoice_frame(f)))


@bp.get("/export/price-changes.csv")
def price_changes_csv() -> Response:
    """GET /api/export/price-changes.csv: one row per provider."""
    return nested_csv("price-changes", PRICE_PARAMS, invoice_report.PRICE_CSV_FIELDS,
                       lambda f: invoice_report.price_csv_rows(price_report(f)))


@bp.get("/export/invoices.xlsx")
def invoices_xlsx() -> Response:
    """GET /api/export/invoices.xlsx: the CSV's rows in an Excel sheet."""
    return nested_xlsx("invoices", INVOICE_PARAMS, invoice_report.INVOICE_CSV_FIELDS,
                       lambda f: invoice_report.invoice_csv_rows(invoice_frame(f)))


@bp.get("/export/price-changes.xlsx")
def price_changes_xlsx() -> Response:
    """GET /api/export/price-changes.xlsx: the CSV's rows in an Excel sheet."""
    return nested_xlsx("price-changes", PRICE_PARAMS, invoice_report.PRICE_CSV_FIELDS,
                       lambda f: invoice_report.price_csv_rows(price_report(f)))


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


def reorder_body(filters: Filters) -> dict[str, object]:
    """Return the /api/reorder envelope: hoy, productos and proveedores."""
    items = data.fetch(queries.REORDER, filters)
    return {
        "hoy": clock.today().isoformat(),
        "productos": records(items, REORDER_PRODUCT_FIELDS),
        "proveedores": records(reorder_providers(items), REORDER_PROVIDER_FIELDS),
    }


def reorder_parts(filters: Filters) -> list[str]:
    """Describe the reorder-only filters as file-name parts."""
    return [f"{filters.dias}-dias"] + (["solo-hoy"] if filters.solo_hoy else [])
def _register_listings() -> None:
    for name, listing in LISTINGS.items():
        bp.add_url_rule(f"/{name}", f"list_{name}", json_view(listing), methods=["GET"])
    for name in CSV_LISTINGS:
        view = csv_view(name, LISTINGS[name])
        bp.add_url_rule(f"/export/{name}.csv", f"csv_{name}", view, methods=["GET"])
        xlsx = xlsx_view(name, LISTINGS[name])
        bp.add_url_rule(f"/export/{name}.xlsx", f"xlsx_{name}", xlsx, methods=["GET"])


_register_listings()

# The manager's endpoints (low stock, spending, today, products) join the blueprint here.
from . import api_manager  # noqa: E402, F401


def init_app(server: Flask) -> None:
    """Register the API blueprint and keep JSON keys in the order the views build them."""
    server.json.sort_keys = False
    server.register_blueprint(bp)
