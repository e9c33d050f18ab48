"""The manager's endpoints on /api: low stock, money ordered, today's operations, product search.

They hang on the same blueprint as the rest of the API (so the key, errors, rate limit, 405 and
OpenAPI rules apply unchanged); minimarket_dash.api imports this module once, at its end.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask import Response, request

from . import clock, data, queries
from .api import (
    DATED,
    Listing,
    add_exports,
    add_listing_exports,
    bp,
    dumps,
    json_response,
    json_view,
    nested_json,
    records,
)
from .filters import Filters, ParamError, clean_proveedor, fold_text, parse_int
from .queries.catalog import PRODUCT_FIELDS, search_products
from .queries.spending import MONTH_FIELDS, PROVIDER_FIELDS, by_month, by_provider
from .queries.today import DELIVERY_FIELDS, LATE_FIELDS

LOW_STOCK = Listing(queries.LOW_STOCK_ALL)
SPENDING_CSV_FIELDS = ("seccion", "mes", "proveedor_id", "proveedor", "importe", "pedidos")
PRODUCTS_LIMIT = (20, 1, 100)  # default, minimum, maximum of /api/products?limit
Q_MAX_LENGTH = 60


def spending_body(filters: Filters) -> dict[str, list]:
    """Return the /api/spending envelope: por_mes and por_proveedor."""
    cells = data.fetch(queries.SPENDING, filters)
    return {
        "por_mes": records(by_month(cells), MONTH_FIELDS),
        "por_proveedor": records(by_provider(cells), PROVIDER_FIELDS),
    }


def spending_rows(body: dict[str, list]) -> list[dict[str, object]]:
    """Flatten the envelope for CSV: month rows (seccion=mes), then provider rows."""
    months = [{"seccion": "mes", **row} for row in body["por_mes"]]
    providers = [{"seccion": "proveedor", **row} for row in body["por_proveedor"]]
    return months + providers


@bp.get("/spending")
def spending() -> Response:
    """GET /api/spending: money ordered per month and per provider, cancelled orders excluded."""
    return nested_json("spending", DATED, lambda f: dumps(spending_body(f)))


# The two listings of /api/spending in one flat table, as CSV and Excel.
add_exports("spending", DATED, SPENDING_CSV_FIELDS, lambda f: spending_rows(spending_body(f)))


def today_body(today: date) -> dict[str, object]:
    """Return the /api/today envelope (read uncached: the whole body is cached per day)."""
    counts = data.fetch(queries.TODAY_COUNTS, use_cache=False).iloc[0]
    orders = data.fetch(queries.UNDELIVERED, use_cache=False)
    late = orders["dias_atraso"] > 0
    return {
        "hoy": today.isoformat(),
        "entregas_hoy": records(orders[~late], DELIVERY_FIELDS),
        "atrasados": records(orders[late], LATE_FIELDS),
        "pendientes": int(counts["pendientes"]),
        "facturas_sin_procesar": int(counts["facturas_sin_procesar"]),
    }


@bp.get("/today")
def today() -> Response:
    """GET /api/today: deliveries due today, late orders, pending orders, invoices to process."""
    day = clock.today()
    return json_response(data.remember(f"api:today:{day}", lambda: dumps(today_body(day))))


def product_params(args: Mapping[str, str]) -> tuple[str | None, int]:
    """Parse q (the provider text rule; over 60 characters is a 400) and limit (20, 1–100)."""
    raw = args.get("q")
    if raw is not None and len(raw.strip()) > Q_MAX_LENGTH:
        raise ParamError("q", f"El parámetro 'q' admite hasta {Q_MAX_LENGTH} caracteres.")
    default, minimum, maximum = PRODUCTS_LIMIT
    raw_limit = args.get("limit")
    limit = default if raw_limit is None else parse_int("limit", raw_limit)
    return clean_proveedor(raw), max(minimum, min(maximum, limit))


@bp.get("/products")
def products() -> Response:
    """GET /api/products: products whose name or barcode contains q, best matches first."""
    text, limit = product_params(request.args)

    def build() -> str:
        found = data.run_query("products", lambda conn, now: search_products(conn, text, limit))
        return dumps(records(found, PRODUCT_FIELDS))

    key = f"api:products:{limit}:{fold_text(text or '')}"
    return json_response(data.remember(key, build))


bp.add_url_rule("/low-stock", "list_low-stock", json_view(LOW_STOCK), methods=["GET"])
add_listing_exports("low-stock", LOW_STOCK)
