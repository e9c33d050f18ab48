"""Operations endpoints: /health (no key) and /metrics (key), and the request metrics."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Request, current_app, jsonify, request

from . import __version__, auth, data, limits, queries
from .refresher import read_status, refresh_error, summaries_health
from .routes import route

bp = Blueprint("ops", __name__)

# gunicorn_conf sets this in the master so every worker reports the same server uptime.
STARTED_AT_ENV = "MINIMARKET_DASH_STARTED_AT"
_STARTED = float(os.environ.get(STARTED_AT_ENV) or time.time())

# Static files of Dash: many distinct URLs, no information worth a time series.
UNTRACKED_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico")
# Any other method a client invents (`curl -X QWERTY`) is counted as OTHER: bounded series.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
# Series created at 0 before any request, so alerts can tell "no errors" from "no metric".
ZERO_ROUTE_PREFIXES = ("/api/", "/_dash-update-component", "/health")


def method_label(method: str) -> str:
    """Return the metric label of an HTTP method: itself when standard, else OTHER."""
    return method if method in METHODS else "OTHER"


def summaries_age_seconds() -> float | None:
    """Return the seconds since the store's summaries were last refreshed (None: never)."""
    try:
        # Not cached: one cheap read of the store's state, so a probe sees a finished build
        # at once (a cached "never built" would hide it for DASHBOARD_CACHE_TTL seconds).
        frame = data.fetch(queries.SUMMARY_FRESHNESS, use_cache=False)
    except data.DatabaseUnavailable:
        return None
    if frame.empty:
        return None
    settings = data.state_of().settings
    return round((settings.now() - frame.iloc[0]["actualizado"]).total_seconds(), 1)


def uptime_seconds() -> float:
    """Return the seconds since the server (the gunicorn master, or this process) started."""
    return round(time.time() - _STARTED, 1)


def backend_status() -> dict[str, str]:
    """Return `ok` or `degraded` for the result cache and the rate-limit store; a shared
    (Redis) one is asked whether it answers at most every 5 s (cachestore, limits)."""
    return {"cache": data.state_of().cache.probe(), "ratelimit": limits.status(current_app)}


@bp.get("/health")
def health():
    """Answer 200 when one trivial query succeeds and every table exists, else 503.

    Only the database decides the HTTP status: a configured Redis (cache or rate-limit store)
    that does not answer is `degraded` in its own field and in `status`, and so are stale
    summaries (older than 3 refresh intervals), with a 200, while the service keeps answering.
    """
    answers, missing = data.health()
    backends = backend_status()
    body = {
        "status": "ok" if answers and not missing else "degraded",
        "database": "ok" if answers and not missing else "error",
        "version": __version__,
        "uptime_seconds": uptime_seconds(),
        **backends,
    }
    if "degraded" in backends.values():
        body["status"] = "degraded"  # still 200: it serves, with per-worker cache and limits
    if answers and not missing:
        body["summaries_age_seconds"] = age = summaries_age_seconds()
        body.update(summaries_health(data.state_of().settings, age, uptime_seconds()))
        if body["summaries"] == "degraded":
            body["status"] = "degraded"  # still 200: the live tables answer, only slower
    else:
        body.update(refresh_error(read_status(data.state_of().settings)))
    if missing:
        body["missing_tables"] = missing
    response = jsonify(body)
    response.status_code = 200 if body["database"] == "ok" else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@dataclass
class RequestMetrics:
    """The contract's metric objects of one app."""

    requests: Any
    errors: Any
    duration: Any
    uptime: Any
    rate_limited: Any
    summaries_age: Any
    database_up: Any
    backend_up: Any
    cache_lookups: Any
    registry: Any = None  # None in multiprocess mode
    zeroed: bool = False  # the zero series exist in this process


def make_metrics(registry) -> RequestMetrics:
    """Create the contract's metrics in `registry` (None in multiprocess mode)."""
    from prometheus_client import Counter, Gauge, Histogram

    labels = ("method", "route", "status")
    return RequestMetrics(
        requests=Counter(
            "dashboard_requests", "Solicitudes HTTP atendidas", labels, registry=registry
        ),
        errors=Counter("dashboard_errors", "Respuestas 5xx", labels, registry=registry),
        duration=Histogram(
            "dashboard_request_duration_seconds",
            "Duración de las solicitudes HTTP en segundos",
            labels,
            registry=registry,
        ),
        uptime=Gauge(
            "dashboard_uptime_seconds",
            "Segundos desde el arranque del servidor",
            registry=registry,
            multiprocess_mode="max",
        ),
        rate_limited=Counter(
            "dashboard_rate_limited", "Respuestas 429", ("route",), registry=registry
        ),
        summaries_age=Gauge(
            "dashboard_summaries_age_seconds",
            "Segundos desde la última actualización de los resúmenes (almacén propio)",
            registry=registry,
            multiprocess_mode="livemostrecent",
        ),
        database_up=Gauge(
            "dashboard_database_up",
            "1 si la base responde y tiene todas las tablas, 0 si no (medido en cada scrape)",
            registry=registry,
            multiprocess_mode="livemostrecent",
        ),
        backend_up=Gauge(
            "dashboard_backend_up",
            "1 si el backend compartido (Redis) de la caché o de los límites responde, 0 si no "
            "(medido en cada scrape; 1 sin Redis configurado)",
            ("backend",),
            registry=registry,
            multiprocess_mode="livemostrecent",
        ),
        cache_lookups=Counter(
            "dashboard_cache_lookups",
            "Consultas a la caché de resultados: hit (respondida de la caché) o miss",
            ("result",),
            registry=registry,
        ),
        registry=registry,
    )


def multiprocess() -> bool:
    """Tell whether metrics are shared through PROMETHEUS_MULTIPROC_DIR (gunicorn workers)."""
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def tracked(req: Request) -> bool:
    """Tell whether a request counts in the metrics (not Dash static files, not /metrics)."""
    return not req.path.startswith(UNTRACKED_PREFIXES) and not hasattr(req, "prom_do_not_track")


def recorder(metrics: RequestMetrics) -> Callable:
    """Return the after_request hook that records one request in `metrics`."""
    from flask import g

    def record_request(response):
        if not tracked(request):
            return response
        status = response.status_code
        labels = (method_label(request.method), route(request), str(status))
        started = g.get("request_started")
        metrics.requests.labels(*labels).inc()
        if started is not None:
            metrics.duration.labels(*labels).observe(time.perf_counter() - started)
        if status >= 500:
            metrics.errors.labels(*labels).inc()
        elif status == 429:
            metrics.rate_limited.labels(labels[1]).inc()
        return response

    return record_request


def scrape_view(metrics: RequestMetrics) -> Callable:
    """Return the exporter's metrics_decorator: API key first, then refresh the uptime gauge."""

    def decorate(view: Callable) -> Callable:
        def refreshed(*args, **kwargs):
            metrics.uptime.set(uptime_seconds())
            refresh_database_gauges(metrics)
            for backend, state in backend_status().items():
                metrics.backend_up.labels(backend).set(1 if state == "ok" else 0)
            create_zero_series(metrics, current_app)
            return view(*args, **kwargs)

        return auth.require_api_key(refreshed)

    return decorate


def refresh_database_gauges(metrics: RequestMetrics) -> None:
    """Set the database and summaries gauges (age -1: never built, or the base is down)."""
    answers, missing = data.health()
    metrics.database_up.set(1 if answers and not missing else 0)
    age = summaries_age_seconds() if answers and not missing else None
    metrics.summaries_age.set(-1 if age is None else age)


def zero_routes(server: Flask) -> list[tuple[str, str]]:
    """Return (method, route) of every API, callback and health route of server."""
    pairs = []
    for rule in server.url_map.iter_rules():
        if rule.rule.startswith(ZERO_ROUTE_PREFIXES):
            method = "POST" if "POST" in (rule.methods or ()) else "GET"
            pairs.append((method, rule.rule))
    return sorted(set(pairs))


def create_zero_series(metrics: RequestMetrics, server: Flask) -> None:
    """Create the labelled counters at 0 once per process (first scrape included)."""
    if metrics.zeroed:
        return
    for method, rule in zero_routes(server):
        metrics.requests.labels(method, rule, "200")
        metrics.duration.labels(method, rule, "200")
        metrics.errors.labels(method, rule, "500")
        metrics.rate_limited.labels(rule)
    metrics.zeroed = True


def exporter(metrics: RequestMetrics):
    """Return the prometheus-flask-exporter object that serves /metrics for this app."""
    from prometheus_flask_exporter import PrometheusMetrics
    from prometheus_flask_exporter.multiprocess import GunicornInternalPrometheusMetrics

    # The exporter's default metrics cannot carry the contract's names (dashboard_requests_total
    # ...), so it only serves /metrics here; record_request records the contract's metrics.
    options = {"export_defaults": False, "metrics_decorator": scrape_view(metrics)}
    if multiprocess():
        return GunicornInternalPrometheusMetrics(app=None, path="/metrics", **options)
    return PrometheusMetrics(app=None, registry=metrics.registry, **options)


def init_app(server: Flask) -> None:
    """Register /health, /metrics (key) and the request metrics hook."""
    from prometheus_client import CollectorRegistry

    server.register_blueprint(bp)
    # One registry per app in a single process (tests build many apps); none with workers,
    # where the values live in PROMETHEUS_MULTIPROC_DIR and are summed at scrape time.
    registry = None if multiprocess() else CollectorRegistry(auto_describe=True)
    metrics = make_metrics(registry)
    exporter(metrics).init_app(server)
    server.after_request(recorder(metrics))
    hit, miss = metrics.cache_lookups.labels("hit"), metrics.cache_lookups.labels("miss")
    server.extensions["minimarket_data"].cache.on_lookup = lambda found: (
        hit if found else miss
    ).inc()
    server.extensions["minimarket_metrics"] = metrics
