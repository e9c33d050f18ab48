"""The app's door to the database: one engine per process, named metrics, errors as values."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

import pandas as pd
from flask import Flask, current_app, has_app_context
from flask_caching import Cache
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from . import queries
from .cachestore import ResilientCache
from .config import Settings, sqlite_path
from .db import make_engine, missing_schema, ping
from .dbfile import FileWatch
from .filters import Filters

log = logging.getLogger("minimarket_dash.data")
T = TypeVar("T")

REDIS_CACHE_OPTIONS = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}

Metric = Callable[[Connection, Filters, datetime], pd.DataFrame]

# One entry per metric of the API contract and the pages; pages and API share these.
METRICS: dict[str, Metric] = {
    "summary": lambda conn, f, now: queries.summary(conn, now),
    "providers": lambda conn, f, now: queries.providers(conn, now),
    "stock_timeline": queries.stock_timeline,
    "top_products": lambda conn, f, now: queries.top_products(conn, f),
    "monthly_orders": queries.monthly_orders,
    "monthly_movements": queries.monthly_movements,
    "stock_by_provider": lambda conn, f, now: queries.stock_by_provider(conn, f),
    "weekly_sales": queries.weekly_sales,
    "low_stock": lambda conn, f, now: queries.low_stock(conn, f.limit),
    "provider_names": lambda conn, f, now: queries.provider_names(conn),
    "summary_state": lambda conn, f, now: queries.summary_freshness(conn),
    # «Qué pedir hoy» (queries/reorder.py): suggestions, and every provider's usual day.
    "reorder": lambda conn, f, now: queries.reorder(conn, f, now, _lead_days()),
    "reorder_schedule": lambda conn, f, now: queries.reorder_schedule(
        conn, f, now, _lead_days()
    ),
    # «Facturas y precios»: invoices checked against orders; monthly prices per provider.
    "invoice_check": queries.invoice_check,
    "monthly_prices": queries.monthly_prices,
    # Pages: top providers of the last 30 days and the previous windows of the KPI changes.
    "orders_by_provider_30d": lambda conn, f, now: queries.orders_by_provider(
        conn, now - timedelta(days=30), now + timedelta(seconds=1), f.limit
    ),
    "activity_prev_30d": lambda conn, f, now: queries.activity_counts(
        conn, now - timedelta(days=60), now - timedelta(days=30)
    ),
    "activity_prev_7d": lambda conn, f, now: queries.activity_counts(
        conn, now - timedelta(days=14), now - timedelta(days=7)
    ),
    # The manager's lists (API and pages): every product under its minimum, money per month
    # and provider, today's deliveries and late orders, and the open counts.
    "low_stock_all": lambda conn, f, now: queries.low_stock_all(conn),
    "spending": queries.spending_cells,
    "undelivered": lambda conn, f, now: queries.undelivered(conn, now.date()),
    "today_counts": lambda conn, f, now: queries.today_counts(conn),
    # Análisis: orders per state (cancelled shown apart) for the filter's dates and provider.
    "order_status": queries.order_status,
}


def _lead_days() -> int:
    """Return DASHBOARD_DEFAULT_LEAD_DAYS of the current app (the default outside one)."""
    settings = current_app.config["SETTINGS"] if has_app_context() else Settings()
    return settings.default_lead_days


class DatabaseUnavailable(RuntimeError):
    """The database could not answer; the cause is logged, never shown to clients."""


@dataclass
class DataState:
    """What one server knows about its database."""

    engine: Engine
    settings: Settings
    missing: list[str] | None  # None: could not be checked (database down at start)
    cache: ResilientCache
    watch: FileWatch | None = None  # the SQLite file, None for PostgreSQL


def init_app(server: Flask) -> None:
    """Create the engine and the result cache, and report missing tables at start."""
    settings: Settings = server.config["SETTINGS"]
    engine = make_engine(settings)
    flask_cache = Cache(config=_cache_config(settings))
    flask_cache.init_app(server)
    cache = ResilientCache(
        flask_cache, timeout=settings.cache_ttl, shared=bool(settings.cache_url)
    )
    path = sqlite_path(settings.database_url)
    watch = FileWatch(path.resolve()) if path is not None else None
    state = DataState(engine=engine, settings=settings, missing=None, cache=cache, watch=watch)
    state.missing = check_schema(state)
    if state.missing == []:
        _log_optimize_advice(engine)
    server.extensions["minimarket_data"] = state


def _log_optimize_advice(engine: Engine) -> None:
    from .optimize import advice

    try:
        missing = advice(engine)
    except SQLAlchemyError:
        return
    if missing:
        log.warning(
            "consultas sin optimizar: `minimarket-dash optimize` agregaría %s", "; ".join(missing)
        )


def _cache_config(settings: Settings) -> dict:
    if settings.cache_ttl == 0:
        return {"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True}
    config = {
        "CACHE_DEFAULT_TIMEOUT": settings.cache_ttl,
        "CACHE_KEY_PREFIX": "mmdash:",
        "CACHE_NO_NULL_WARNING": True,
    }
    if settings.cache_url:
        # Short socket timeouts: a dead or hung Redis must cost milliseconds, not a worker.
        return {
            **config,
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": settings.cache_url,
            "CACHE_OPTIONS": REDIS_CACHE_OPTIONS,
        }
    return {**config, "CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2000}


def check_schema(state: DataState) -> list[str] | None:
    """Return the missing tables/columns, logging them; None when the database is down."""
    try:
        missing = missing_schema(state.engine)
    except SQLAlchemyError as exc:
        log.error("base de datos inaccesible al iniciar: %s", type(exc).__name__)
        return None
    if missing:
        log.error("faltan tablas o columnas en la base: %s", ", ".join(missing))
    return missing


def state_of(server: Flask | None = None) -> DataState:
    """Return the data state of the given (or current) server, reopening a replaced file."""
    state = (server or current_app).extensions["minimarket_data"]
    if state.watch is not None and state.watch.replaced():
        reopen(state)
    return state


def reopen(state: DataState) -> None:
    """Forget the old file: close pooled connections, drop cached results, re-check the schema."""
    state.engine.dispose()
    state.cache.clear()
    state.missing = None


def fetch(name: str, filters: Filters | None = None, *, use_cache: bool = True) -> pd.DataFrame:
    """Run metric `name` for filters on the current app's database (cached by filter)."""
    state = state_of()
    filters = filters or Filters()
    key = f"{name}:{filters.cache_key()}"
    if use_cache:
        cached = state.cache.get(key)
        if cached is not None:
            return cached.copy()
    frame = run_metric(state, name, filters)
    if use_cache:
        state.cache.set(key, frame)
    return frame


def remember(key: str, build: Callable[[], T]) -> T:
    """Return the cached value of key, building and caching it on a miss.

    The API caches finished response bodies this way, so a cached request skips pandas too.
    """
    cache = state_of().cache
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value)
    return value


def run_metric(state: DataState, name: str, filters: Filters) -> pd.DataFrame:
    """Run one metric uncached; database errors become DatabaseUnavailable."""
    return run_query(name, lambda conn, now: METRICS[name](conn, filters, now), state)


def run_query(
    name: str, run: Callable[[Connection, datetime], T], state: DataState | None = None
) -> T:
    """Run run(conn, now) on the app's database uncached (queries with free text, e.g. search).

    Database errors become DatabaseUnavailable, logged under `name`.
    """
    state = state or state_of()
    try:
        with state.engine.connect() as conn:
            return run(conn, state.settings.now())
    except SQLAlchemyError as exc:
        log.error("consulta %s falló: %s", name, type(exc).__name__, exc_info=True)
        raise DatabaseUnavailable(name) from exc


def health(server: Flask | None = None) -> tuple[bool, list[str]]:
    """Return (database answers, missing tables) with one trivial query."""
    state = state_of(server)
    try:
        ping(state.engine)
    except SQLAlchemyError as exc:
        log.warning("health: la base no responde: %s", type(exc).__name__)
        return False, []
    if state.missing is None or state.missing:
        state.missing = check_schema(state)
    return True, list(state.missing or [])
