"""The measured requests: each endpoint with parameters that vary from one request to the next."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from minimarket_dash.filters import parse_filters

PROVIDER_TEXTS = ("la", "sur", "bebidas", "dist", "norte", "s.a", "del", "al")
PRODUCT_TEXTS = ("leche", "yogur", "779", "cafe", "a", "pan", "gaseosa", "queso")


def _range(today: date, i: int, days: int) -> str:
    end = today - timedelta(days=i % 60)
    return f"start_date={end - timedelta(days=days - 1)}&end_date={end}"


def endpoints(today: date) -> dict[str, Callable[[int], str]]:
    """Return name -> (request number -> path with query)."""
    return {
        "summary": lambda i: "/api/summary",
        "providers": lambda i: "/api/providers",
        "stock-timeline": lambda i: f"/api/stock-timeline?days={1 + i % 90}",
        "top-products (todo)": lambda i: f"/api/top-products?limit={10 + i % 90}",
        "top-products 30 días+prov.": lambda i: (
            f"/api/top-products?{_range(today, i, 30)}&proveedor={_provider(i)}"
        ),
        "trends 12 meses": lambda i: (
            f"/api/trends?months=12&proveedor={_provider(i)}"
            if i % 2
            else f"/api/trends?{_range(today, i, 365)}"
        ),
        "stock-by-provider": lambda i: f"/api/stock-by-provider?limit={1 + i % 100}",
        "weekly-sales": lambda i: f"/api/weekly-sales?weeks={1 + i % 52}",
        "export top-products.csv": lambda i: f"/api/export/top-products.csv?limit={10 + i % 90}",
        "reorder (qué pedir)": lambda i: (
            f"/api/reorder?dias={7 + i % 84}" + (f"&proveedor={_provider(i)}" if i % 3 == 0 else "")
        ),
        "invoices 90 días": lambda i: (
            "/api/invoices"
            + (
                f"?tolerancia={i % 6}"
                if i % 3 == 1
                else f"?proveedor={_provider(i)}"
                if i % 3 == 2
                else f"?{_range(today, i, 90)}"
            )
        ),
        "price-changes": lambda i: (
            f"/api/price-changes?meses={1 + i % 12}"
            + (f"&proveedor={_provider(i)}" if i % 2 else "")
        ),
        "low-stock": lambda i: "/api/low-stock",
        "spending 12 meses": lambda i: (
            "/api/spending" if i % 2 else f"/api/spending?proveedor={_provider(i)}"
        ),
        "spending 30 días": lambda i: f"/api/spending?{_range(today, i, 30)}",
        "today": lambda i: "/api/today",
        "products": lambda i: f"/api/products?q={PRODUCT_TEXTS[i % len(PRODUCT_TEXTS)]}",
    }


ENDPOINTS = tuple(endpoints(date(2026, 1, 1)))

# Which metrics each endpoint runs, so the database floor runs exactly the same aggregates.
METRICS_OF = {
    "summary": ("summary",),
    "providers": ("providers",),
    "stock-timeline": ("stock_timeline",),
    "top-products (todo)": ("top_products",),
    "top-products 30 días+prov.": ("top_products",),
    "trends 12 meses": ("monthly_orders", "monthly_movements"),
    "stock-by-provider": ("stock_by_provider",),
    "weekly-sales": ("weekly_sales",),
    "export top-products.csv": ("top_products",),
    "reorder (qué pedir)": ("reorder",),
    "invoices 90 días": ("invoice_check",),
    "price-changes": ("monthly_prices",),
    "low-stock": ("low_stock_all",),
    "spending 12 meses": ("spending",),
    "spending 30 días": ("spending",),
    "today": ("undelivered", "today_counts"),
    "products": (),  # a free-text search, not a named metric: only its HTTP time is measured
}


def _provider(i: int) -> str:
    return PROVIDER_TEXTS[i % len(PROVIDER_TEXTS)]


def filters_of(path: str):
    """Return the Filters the API builds from a request path."""
    query = path.partition("?")[2]
    args = dict(part.split("=", 1) for part in query.split("&") if part)
    names = (
        "limit",
        "days",
        "months",
        "weeks",
        "start_date",
        "end_date",
        "proveedor",
        "dias",
        "solo_hoy",
        "tolerancia",
        "meses",
    )
    return parse_filters(args, names)
