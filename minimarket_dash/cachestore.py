"""A result cache that degrades instead of failing: Redis down means per-worker memory for a while.

With DASHBOARD_CACHE_URL pointing at a Redis that is down, flask-caching raises on every get and
set. This wrapper catches those errors, serves from a small in-process cache instead, logs one
WARNING a minute while Redis stays down and tries Redis again every RETRY_SECONDS, so the cache
comes back by itself.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from cachelib import SimpleCache

log = logging.getLogger("minimarket_dash.cache")

RETRY_SECONDS = 5.0
WARN_EVERY_SECONDS = 60.0
FALLBACK_THRESHOLD = 500
PROBE_KEY = "mmdash:sonda"  # never set: a GET of it only asks whether Redis answers


class ResilientCache:
    """get/set over a flask-caching Cache, falling back to memory while its backend fails."""

    def __init__(self, primary: Any, *, timeout: int, shared: bool) -> None:
        self.primary = primary
        self.shared = shared  # only a shared (Redis) backend can go down
        self.fallback = SimpleCache(threshold=FALLBACK_THRESHOLD, default_timeout=timeout)
        self.down_since: float | None = None
        self.last_try = 0.0
        self.last_warning = float("-inf")
        self.last_probe = float("-inf")
        self.lock = threading.Lock()
        # Told of every lookup (True: a hit); ops.py counts them for /metrics.
        self.on_lookup: Callable[[bool], None] | None = None

    @property
    def status(self) -> str:
        """Return `ok`, or `degraded` while the shared backend is failing."""
        return "degraded" if self.down_since is not None else "ok"

    def probe(self) -> str:
        """Ask the shared backend whether it answers, at most every RETRY_SECONDS, and return
        the status: /health and /metrics see Redis go and come back with no other traffic."""
        if not self.shared:
            return "ok"
        with self.lock:
            now = time.monotonic()
            due = now - self.last_probe >= RETRY_SECONDS
            if due:
                self.last_probe = now
        if due:
            try:
                self.primary.get(PROBE_KEY)
            except Exception as exc:  # noqa: BLE001 - any backend error means "down"
                self.failed(exc)
            else:
                self.recovered()
        return self.status

    def get(self, key: str) -> Any:
        """Return the cached value of key, or None."""
        value = self._lookup(key)
        if self.on_lookup is not None:
            self.on_lookup(value is not None)
        return value

    def _lookup(self, key: str) -> Any:
        if self.use_fallback():
            return self.fallback.get(key)
        try:
            value = self.primary.get(key)
        except Exception as exc:  # noqa: BLE001 - any backend error means "no cache"
            self.failed(exc)
            return self.fallback.get(key)
        self.recovered()
        return value

    def set(self, key: str, value: Any) -> None:
        """Store value under key (in memory while the backend is down)."""
        if self.use_fallback():
            self.fallback.set(key, value)
            return
        try:
            self.primary.set(key, value)
        except Exception as exc:  # noqa: BLE001
            self.failed(exc)
            self.fallback.set(key, value)
            return
        self.recovered()

    def clear(self) -> None:
        """Drop every cached result (the database file was replaced)."""
        self.fallback.clear()
        try:
            self.primary.clear()
        except Exception as exc:  # noqa: BLE001
            self.failed(exc)

    def use_fallback(self) -> bool:
        """Tell whether to skip the backend now (down and not yet time to try it again)."""
        if self.down_since is None:
            return False
        with self.lock:
            if time.monotonic() - self.last_try >= RETRY_SECONDS:
                self.last_try = time.monotonic()
                return False  # this caller probes the backend
        return True

    def failed(self, exc: Exception) -> None:
        """Mark the backend down and warn, at most once a minute."""
        now = time.monotonic()
        with self.lock:
            if self.down_since is None:
                self.down_since = now
            self.last_try = now
            if now - self.last_warning < WARN_EVERY_SECONDS:
                return
            self.last_warning = now
        log.warning(
            "caché Redis inaccesible (%s): se sirve sin caché compartida hasta que vuelva",
            type(exc).__name__,
        )

    def recovered(self) -> None:
        """Mark the backend up again, once, after a failure."""
        if self.down_since is None:
            return
        with self.lock:
            if self.down_since is None:
                return
            seconds = time.monotonic() - self.down_since
            self.down_since = None
            self.last_warning = float("-inf")
        self.fallback.clear()
        log.warning("caché Redis recuperada tras %.0f s", seconds)
