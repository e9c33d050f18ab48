"""The app's door to the database: one engine per process, cached metrics, errors as values."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import pandas as pd
from flask import Flask, current_app
from flask_caching import Cache
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from .cachestore import ResilientCache
from .config import Settings, sqlite_path
from .db import make_engine, missing_schema, ping
from .dbfile import FileWatch
from .filters import Filters
from .metric import Metric

log = logging.getLogger("minimarket_dash.data")
T = TypeVar("T")

REDIS_CACHE_OPTIONS = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}


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
    cache = ResilientCache(flask_cache, timeout=settings.cache_ttl, shared=bool(settings.cache_url))
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
        from .masking import mask_url
        from .startup import database_reason

        log.error(
            "base de datos inaccesible (DASHBOARD_DATABASE_URL=%s): %s; /health responde "
            "503 hasta que vuelva",
            mask_url(state.settings.database_url),
            database_reason(exc)[0],
        )
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


def fetch(
    metric: Metric, filters: Filters | None = None, *, use_cache: bool = True
) -> pd.DataFrame:
    """Run `metric` for filters (its defaults when None) on the app's database, cached."""
    state = state_of()
    filters = filters or metric.defaults
    key = f"{metric.name}:{filters.cache_key()}"
    if use_cache:
        cached = state.cache.get(key)
        if cached is not None:
            return cached.copy()
    with _heavy_slot(metric), _turn(metric):
        # A heavy metric may have waited for its own answer, computed meanwhile by another
        # request (cached before that one let go of its turn): it is not computed twice.
        if use_cache and metric.heavy:
            cached = state.cache.get(key)
            if cached is not None:
                return cached.copy()
        frame = run_metric(state, metric, filters)
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


# Heavy metrics (Metric.heavy) run one at a time per process: on a large database each holds
# tens of MB while it runs (the invoice check of 90 days of the 10M-line demo, ~80 MB), and
# every serving thread running one at once multiplied a worker's memory by its threads.
_HEAVY_METRIC = threading.Lock()
_holding = threading.local()


def _heavy_slot(metric: Metric):
    """A slot of this worker's heavy work (heavy.py) while a heavy metric is computed: a page
    asking for more than its share gets HeavyBusy instead of a thread waiting its turn."""
    if not metric.heavy:
        return nullcontext()
    from .heavy import computing_slot

    return computing_slot()


@contextmanager
def _turn(metric: Metric) -> Iterator[None]:
    """Hold the process's one turn for a heavy metric (a heavy metric inside another already
    has it); any other metric goes at once."""
    if not metric.heavy or getattr(_holding, "heavy", False):
        yield
        return
    with _HEAVY_METRIC:
        _holding.heavy = True
        try:
            yield
        finally:
            _holding.heavy = False


def run_heavy(metric: Metric, run: Callable[[Connection, datetime], T]) -> T:
    """Run run(conn, now) uncached, holding `metric`'s heavy slot and turn as fetch does
    (an answer made another way than the metric's frame: api.invoice_answer)."""
    state = state_of()
    with _heavy_slot(metric), _turn(metric):
        return run_query(metric.name, run, state)


def run_metric(state: DataState, metric: Metric, filters: Filters) -> pd.DataFrame:
    """Run one metric uncached; database errors become DatabaseUnavailable."""
    return run_query(metric.name, lambda conn, now: metric.query(conn, filters, now), state)


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
