"""gunicorn settings: `gunicorn -c minimarket_dash/gunicorn_conf.py minimarket_dash.wsgi:server`."""

from __future__ import annotations

import gc
import logging
import os
import shutil
import sys
import tempfile
import time

from minimarket_dash import envfile, logs, startup
from minimarket_dash.config import SettingsError, load_settings

# Must be set before prometheus_client is imported anywhere (workers inherit it).
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="mmdash-prom-")

# Every worker reports the uptime of the server, not its own (ops.uptime_seconds).
os.environ.setdefault("MINIMARKET_DASH_STARTED_AT", str(time.time()))

LOADED_FLAG = "MINIMARKET_DASH_CONF_LOADED"  # set once the master started with good settings


def _load():
    """Apply DASHBOARD_ENV_FILE and validate the settings, the log folder and the database; on a
    bad reload (HUP) keep the running settings and say so on stderr and in the JSON log."""
    candidate = dict(os.environ)
    try:
        envfile.apply(candidate)
        settings = load_settings(environ=candidate)
        warnings = startup.check(settings)
    except (SettingsError, envfile.EnvFileError) as exc:
        print(f"Error de configuración: {exc}", file=sys.stderr)
        if not os.environ.get(LOADED_FLAG):
            sys.exit(2)
        print("Se conserva la configuración anterior (recarga rechazada).", file=sys.stderr)
        running = load_settings()
        logs.log_once(
            running,
            logging.ERROR,
            "minimarket_dash.gunicorn",
            f"recarga rechazada, se conserva la configuración anterior: {exc}",
        )
        return running
    for warning in warnings:
        print(f"Aviso: {warning}", file=sys.stderr)
    os.environ.clear()
    os.environ.update(candidate)
    os.environ[LOADED_FLAG] = "1"
    return settings


# Runs on start, on HUP (new workers) and in the new master of USR2 (new code).
_settings = _load()

bind = _settings.bind
workers = _settings.workers
worker_class = _settings.worker_class
threads = _settings.threads
timeout = 60
graceful_timeout = 30
keepalive = 5
accesslog = None  # the app writes one JSON line per request itself
errorlog = "-"
loglevel = "warning"
proc_name = "minimarket-dash"
# gunicorn believes X-Forwarded-Proto only from these peers: DASHBOARD_TRUSTED_PROXY_IPS, the
# same list the app applies (security.TrustedProxies); DASHBOARD_TRUSTED_PROXIES=0 trusts no one
# (not even loopback), N >= 1 leaves the hop counting to ProxyFix.
forwarded_allow_ips = ",".join(_settings.trusted_proxy_ips) if _settings.trusted_proxies else ""


def on_starting(server):
    """Start with an empty metrics folder so counters of an earlier run do not leak in."""
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, exist_ok=True)
    _warn_memory_rate_limit(server)


def _warn_memory_rate_limit(server):
    """Say once, at start, that memory:// rate limits are counted by each worker alone."""
    uses_memory = _settings.ratelimit_storage_uri.startswith("memory://")
    if _settings.ratelimit_enabled and uses_memory and server.cfg.workers > 1:
        server.log.warning(
            "DASHBOARD_RATELIMIT_STORAGE_URI=memory:// con %d workers: cada worker cuenta por "
            "separado, así que un cliente puede hacer hasta %d veces DASHBOARD_RATELIMIT_MAX. "
            "Use redis://... para un límite compartido entre workers e instancias.",
            server.cfg.workers,
            server.cfg.workers,
        )


def post_worker_init(worker):
    """Run Dash's first-request setup once before serving: it is not thread-safe (gthread)."""
    app = worker.wsgi
    if not hasattr(app, "test_client"):
        return
    host = next((name for name in _settings.allowed_hosts if name != "*"), "localhost")
    # /_favicon.ico passes every before_request hook (Dash's setup included) and is not counted
    # in the metrics; https avoids the HTTPS redirect. The access log shows this request id.
    app.test_client().get(
        "/_favicon.ico", base_url=f"https://{host}", headers={"X-Request-ID": "gunicorn-warmup"}
    )
    _freeze_loaded_objects()
    _start_refresher()


def _freeze_loaded_objects():
    """Leave the objects of the loaded app (Dash, plotly, pandas: millions of them) out of the
    garbage collector's full passes: those passes walked them all and paused an answer that
    builds many objects, such as /api/invoices, by ~50 ms (bench/NOTES.md). They live as long
    as the worker anyway."""
    gc.collect()
    gc.freeze()


def _start_refresher():
    """Every worker runs a refresher thread; the one holding the host's lock builds the store
    (minimarket_dash/refresher.py). DASHBOARD_REFRESH_MINUTES=0 leaves it to `refresh`."""
    from minimarket_dash.refresher import Refresher

    if _settings.refresh_minutes > 0:
        Refresher(_settings).start()


def child_exit(server, worker):
    """Mark a dead worker's metrics so live gauges stop counting it."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
