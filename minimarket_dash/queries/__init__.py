"""One function per metric: (connection, Filters, now) -> DataFrame, aggregated in the database.

Pages and the API call these same functions (through minimarket_dash.data), so their numbers
never differ. Functions with `use_summaries` read the helper tables of `optimize` for closed
months when they exist and the minimarket's tables for the rest; the result is the same.
"""

from ._common import (
    month_window_start,
    provider_ids,
    summary_freshness,
    week_window_start,
)
from .catalog import low_stock_all, search_products
from .invoices import invoice_check
from .orders import (
    activity_counts,
    monthly_orders,
    orders_by_provider,
    providers,
    summary,
    top_products,
    weekly_sales,
)
from .prices import monthly_prices
from .reorder import reorder, reorder_schedule
from .spending import spending_cells
from .stock import (
    low_stock,
    monthly_movements,
    provider_names,
    stock_by_provider,
    stock_timeline,
)
from .today import today_counts, undelivered

__all__ = [
    "activity_counts",
    "invoice_check",
    "low_stock",
    "low_stock_all",
    "month_window_start",
    "monthly_movements",
    "monthly_orders",
    "monthly_prices",
    "orders_by_provider",
    "provider_ids",
    "provider_names",
    "providers",
    "reorder",
    "reorder_schedule",
    "search_products",
    "spending_cells",
    "stock_by_provider",
    "stock_timeline",
    "summary",
    "summary_freshness",
    "today_counts",
    "top_products",
    "undelivered",
    "week_window_start",
    "weekly_sales",
]
