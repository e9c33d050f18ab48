"""The metrics: each query module declares its `Metric`s next to their queries.

A metric's query has the one signature `(connection, Filters, now) -> DataFrame` and aggregates
in the database; pages and the API run the same declarations through `minimarket_dash.data`,
so their numbers never differ. Queries with `use_summaries` read closed periods from the
summary tables when they exist and the minimarket's tables for the rest
(`_common.stored_and_live`); the result is the same.
"""

from ._common import SUMMARY_FRESHNESS, month_window_start, provider_ids, week_window_start
from .catalog import LOW_STOCK_ALL, PROVIDER_CONTACTS, search_products
from .invoices import INVOICE_CHECK
from .orders import (
    ACTIVITY,
    MONTHLY_ORDERS,
    ORDERS_BY_PROVIDER,
    PROVIDERS,
    SUMMARY,
    TOP_PRODUCTS,
    WEEKLY_SALES,
)
from .prices import MONTHLY_PRICES
from .reorder import REORDER, REORDER_SCHEDULE
from .spending import SPENDING
from .status import ORDER_STATUS
from .stock import LOW_STOCK, MONTHLY_MOVEMENTS, PROVIDER_NAMES, STOCK_BY_PROVIDER, STOCK_TIMELINE
from .today import TODAY_COUNTS, UNDELIVERED

ALL = (
    SUMMARY,
    PROVIDERS,
    TOP_PRODUCTS,
    MONTHLY_ORDERS,
    WEEKLY_SALES,
    ORDERS_BY_PROVIDER,
    ACTIVITY,
    STOCK_TIMELINE,
    MONTHLY_MOVEMENTS,
    STOCK_BY_PROVIDER,
    LOW_STOCK,
    PROVIDER_NAMES,
    LOW_STOCK_ALL,
    SPENDING,
    UNDELIVERED,
    TODAY_COUNTS,
    REORDER,
    REORDER_SCHEDULE,
    INVOICE_CHECK,
    MONTHLY_PRICES,
    SUMMARY_FRESHNESS,
    ORDER_STATUS,
)
BY_NAME = {metric.name: metric for metric in ALL}

__all__ = [
    "ACTIVITY",
    "ALL",
    "BY_NAME",
    "INVOICE_CHECK",
    "LOW_STOCK",
    "LOW_STOCK_ALL",
    "MONTHLY_MOVEMENTS",
    "MONTHLY_ORDERS",
    "MONTHLY_PRICES",
    "ORDERS_BY_PROVIDER",
    "ORDER_STATUS",
    "PROVIDERS",
    "PROVIDER_CONTACTS",
    "PROVIDER_NAMES",
    "REORDER",
    "REORDER_SCHEDULE",
    "SPENDING",
    "STOCK_BY_PROVIDER",
    "STOCK_TIMELINE",
    "SUMMARY",
    "SUMMARY_FRESHNESS",
    "TODAY_COUNTS",
    "TOP_PRODUCTS",
    "UNDELIVERED",
    "WEEKLY_SALES",
    "month_window_start",
    "provider_ids",
    "search_products",
    "week_window_start",
]
