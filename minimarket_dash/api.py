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

from . import clock, csvexport, data, invoice_report, invoice_states, openapi, queries, xlsxexport
from .entries import entries_of
from .errors import render
from .filters import Filters, parse_filters
from .metric import Metric
from .queries.invoices import invoices_answer
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


def column_values(column: pd.Series) -> list[object]:
    """Return a column's values as plain Python values (what native() makes of each)."""
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iub":
        return column.tolist()  # numpy ints and bools become Python ones in C
    if isinstance(column.dtype, np.dtype) and column.dtype.kind == "f":
        return [None if value != value else value for value in column.tolist()]  # NaN: None
    # Text needs nothing (most of an object column): native() only for the rest.
    return [value if type(value) is str else native(value) for value in column.tolist()]


def records(frame: pd.DataFrame, fields: tuple[str, ...]) -> list[dict[str, object]]:
    """Return the frame's rows as dicts holding exactly `fields`, in that order."""
    if frame.empty:
        return []
    # Column by column: one native() call per value was a third of a small answer's time.
    columns = [column_values(frame[field]) for field in fields]
    return [dict(zip(fields, row, strict=True)) for row in zip(*columns, strict=True)]


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


def listing_body(
    listing: Listing, filters: Filters, encode: Callable[[list], str | bytes], tag: str = "json"
) -> str | bytes:
    """Return the listing's rows for filters, encoded (`tag` names the encoding in the cache
    key), from the cache when possible."""
    key = f"api:{tag}:{listing.metric.name}:{filters.cache_key()}"
    return data.remember(
        key, lambda: encode(records(data.fetch(listing.metric, filters), listing.fields))
    )


def json_view(listing: Listing) -> Callable[[], Response]:
    """Build the JSON view of a list endpoint."""

    def view() -> Response:
        return json_response(listing_body(listing, request_filters(listing.params), dumps))

    return view


@dataclass(frozen=True)
class ExportFormat:
    """A download format of the exports: how rows become the file, and how it is answered."""

    extension: str
    write: Callable[..., str | bytes]  # (fields, rows, declared kinds or None) -> body
    respond: Callable[[str | bytes, str], Response]  # (body, file name) -> attachment


EXPORT_FORMATS = (
    ExportFormat(
        "csv", lambda fields, rows, _kinds: csvexport.to_csv(fields, rows), csvexport.csv_response
    ),
    # The Excel twin of every CSV: the same rows, typed cells (xlsxexport).
    ExportFormat("xlsx", xlsxexport.to_xlsx, xlsxexport.xlsx_response),
)


def export_view(name: str, listing: Listing, export: ExportFormat) -> Callable[[], Response]:
    """Build the CSV or Excel export view of a list endpoint."""
    kinds = xlsxexport.field_kinds(listing.metric.fields)

    def view() -> Response:
        filters = request_filters(listing.params)
        parts = csvexport.filter_parts(filters) if listing.params else []
        filename = csvexport.file_name(name, *parts, clock.today(), extension=export.extension)
        body = listing_body(
            listing,
            filters,
            lambda rows: export.write(listing.fields, rows, kinds),
            tag=export.extension,
        )
        return export.respond(body, filename)

    return view


def add_listing_exports(name: str, listing: Listing) -> None:
    """Register /export/<name>.csv and .xlsx of a list endpoint."""
    for export in EXPORT_FORMATS:
        bp.add_url_rule(
            f"/export/{name}.{export.extension}",
            f"{export.extension}_{name}",
            export_view(name, listing, export),
            methods=["GET"],
        )


@bp.get("/reorder")
def reorder() -> Response:
    """GET /api/reorder: «Qué pedir hoy», suggestions per product and per provider."""
    return nested_json("reorder", REORDER_PARAMS, lambda f: dumps(reorder_body(f)))


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


def nested_export(
    export: ExportFormat,
    name: str,
    params: tuple[str, ...],
    fields,
    rows: Callable[[Filters], list],
    extra_parts: Callable[[Filters], list[str]] | None = None,
    kinds: dict[str, xlsxexport.Kind] | None = None,
) -> Response:
    """Answer a download of an envelope endpoint: `rows` flattened under `fields`, cached;
    `kinds` types the Excel columns (guessed from values and names where not given)."""
    filters = request_filters(params)
    body = data.remember(
        f"{export.extension}:{name}:{filters.cache_key()}",
        lambda: export.write(fields, rows(filters), kinds),
    )
    parts = csvexport.filter_parts(filters) + (extra_parts(filters) if extra_parts else [])
    return export.respond(
        body, csvexport.file_name(name, *parts, clock.today(), extension=export.extension)
    )


def add_exports(
    name: str,
    params: tuple[str, ...],
    fields,
    rows: Callable[[Filters], list],
    extra_parts: Callable[[Filters], list[str]] | None = None,
    kinds: dict[str, xlsxexport.Kind] | None = None,
) -> None:
    """Register /export/<name>.csv and its Excel twin /export/<name>.xlsx (nested_export)."""
    for export in EXPORT_FORMATS:

        def view(export: ExportFormat = export) -> Response:
            return nested_export(export, name, params, fields, rows, extra_parts, kinds)

        bp.add_url_rule(
            f"/export/{name}.{export.extension}",
            f"{export.extension}_{name}",
            view,
            methods=["GET"],
        )


def invoice_answer(
    tag: str, filters: Filters, build: Callable[[pd.DataFrame], str | bytes], ready: bool = False
):
    """Return an invoices answer (`build` over the checked invoices with their states), cached
    under the filters AND the states: the states are read live from the marks' store on every
    request (one small read), so a state set on one worker or device shows at once everywhere,
    while an unchanged answer still comes from the cache. `ready`: /api/invoices' JSON, made
    from the store's ready parts when it can answer (queries/invoice_matches.py)."""
    marks = invoice_states.read_marks(entries_of())
    key = f"{tag}:invoices:{filters.cache_key()}:{invoice_states.marks_digest(marks)}"

    def answer():
        if ready:
            body = data.run_heavy(
                queries.INVOICE_CHECK,
                lambda conn, now: invoices_answer(
                    conn, filters, now, invoice_states.state_of(marks), invoice_states.counts
                ),
            )
            if body is not None:
                return (
                    f'{{"facturas":[{body.facturas}],"proveedores":'
                    f"{dumps(invoice_report.provider_rows(body.totals))}}}"
                )
        return build(invoice_states.with_states(invoice_frame(filters), marks))

    return data.remember(key, answer)


@bp.get("/invoices")
def invoices() -> Response:
    """GET /api/invoices: invoices checked against their orders, and totals per provider."""
    filters = request_filters(INVOICE_PARAMS)
    return json_response(
        invoice_answer(
            "api", filters, lambda frame: dumps(invoice_report.invoices_body(frame)), ready=True
        )
    )


@bp.get("/price-changes")
def price_changes() -> Response:
    """GET /api/price-changes: weighted price change per provider, market median, index."""
    return nested_json(
        "price-changes", PRICE_PARAMS, lambda f: dumps(invoice_report.price_body(price_report(f)))
    )


def add_invoice_exports() -> None:
    """Register /export/invoices.csv and .xlsx: rows of /api/invoices with their states."""
    fields = invoice_report.INVOICE_CSV_FIELDS
    for export in EXPORT_FORMATS:

        def view(export: ExportFormat = export) -> Response:
            filters = request_filters(INVOICE_PARAMS)
            body = invoice_answer(
                export.extension,
                filters,
                lambda frame: export.write(fields, invoice_report.invoice_csv_rows(frame), None),
            )
            return export.respond(
                body,
                csvexport.file_name(
                    "invoices",
                    *csvexport.filter_parts(filters),
                    clock.today(),
                    extension=export.extension,
                ),
            )

        bp.add_url_rule(
            f"/export/invoices.{export.extension}",
            f"{export.extension}_invoices",
            view,
            methods=["GET"],
        )


add_invoice_exports()
add_exports(
    "price-changes",
    PRICE_PARAMS,
    invoice_report.PRICE_CSV_FIELDS,
    lambda f: invoice_report.price_csv_rows(price_report(f)),
)


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


# The summary's one flat row (proveedor_top_* columns), and the product rows of /api/reorder.
add_exports(
    "summary",
    (),
    SUMMARY_FIELDS,
    lambda _filters: [summary_row()],
    kinds=xlsxexport.field_kinds(queries.SUMMARY.fields),
)
add_exports(
    "reorder",
    REORDER_PARAMS,
    REORDER_PRODUCT_FIELDS,
    lambda f: records(data.fetch(queries.REORDER, f), REORDER_PRODUCT_FIELDS),
    extra_parts=reorder_parts,
    kinds=xlsxexport.field_kinds(REORDER_PRODUCT),
)


def _register_listings() -> None:
    for name, listing in LISTINGS.items():
        bp.add_url_rule(f"/{name}", f"list_{name}", json_view(listing), methods=["GET"])
    for name in CSV_LISTINGS:
        add_listing_exports(name, LISTINGS[name])


_register_listings()

# The manager's endpoints (low stock, spending, today, products) join the blueprint here.
from . import api_manager  # noqa: E402, F401


def init_app(server: Flask) -> None:
    """Register the API blueprint and keep JSON keys in the order the views build them."""
    server.json.sort_keys = False
    server.register_blueprint(bp)
