"""Heavy work gets a lower rate limit and a cap on how much of it runs at once.

The invoice check, «Qué pedir» and the price changes (and their CSV/Excel exports) cost seconds
and tens of MB on a large database, where any other answer costs milliseconds. Without a cap,
24 of them at once from one API key held every thread of every worker and `/health` waited 10 s.
So, per worker:

- at most PER_KEY heavy requests of one API key run at once (PER_USER heavy computations of one
  person's pages), and at most DASHBOARD_THREADS − 1 heavy ones in all, so one thread is always
  free for `/health` and the light pages; anything over gets 429 with Retry-After at once,
  without waiting for a thread (a page shows its «datos no disponibles» notice instead);
- the heavy API paths also count against DASHBOARD_RATELIMIT_HEAVY_MAX requests per
  DASHBOARD_RATELIMIT_WINDOW per key (limits.py), shared by workers when the limits are in Redis.

An API request to a heavy path holds its slot for the whole request; a page's callback takes
one only while it computes a heavy metric that is not cached (data.fetch), so cached answers
never count.
"""

from __future__ import annotations

import hashlib
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import Flask, Response, current_app, g, request

from . import errors
from .auth import presented_key
from .config import Settings
from .data import DatabaseUnavailable
from .limits import client_address

HEAVY_ENDPOINTS = ("invoices", "reorder", "price-changes")
HEAVY_PATH_RE = re.compile(
    r"/api/(?:export/)?(?:" + "|".join(map(re.escape, HEAVY_ENDPOINTS)) + r")(?:\.(?:csv|xlsx))?"
)
PER_KEY = 2  # heavy API requests of one key at once, per worker
PER_USER = 3  # heavy computations of one person's pages at once (a page loads up to three)
RETRY_AFTER_SECONDS = 5
BUSY_MESSAGE = (
    "Hay demasiadas consultas pesadas en curso ({who}). Esperá {seconds} s y volvé a intentar."
)


class HeavyBusy(DatabaseUnavailable):
    """No slot for a heavy request or computation now: the API answers 429 with Retry-After;
    a page shows its «datos no disponibles» notice (it is a DatabaseUnavailable for them)."""

    def __init__(self, who: str) -> None:
        super().__init__(who)
        self.who = who


def is_heavy_path(path: str) -> bool:
    """Tell whether an API path is a heavy endpoint or one of its exports."""
    return HEAVY_PATH_RE.fullmatch(path) is not None


def identity() -> str:
    """Who is asking: the API key (a digest, never the key), else the signed-in user, else the
    client address."""
    if request.path.startswith("/api/"):
        key = presented_key()
        if key:
            return "clave:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    user = g.get("user") or g.get("signin_user")
    return f"usuario:{user}" if user else f"ip:{client_address()}"


@dataclass
class Slots:
    """Heavy work running in this worker: in all and per identity."""

    total: int
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _running: int = 0
    _by_identity: dict[str, int] = field(default_factory=dict)

    def take(self, who: str, per_identity: int) -> str | None:
        """Take a slot for `who`; return None, or why not ("clave", "usuario", "servidor")."""
        with self._lock:
            mine = self._by_identity.get(who, 0)
            if mine >= per_identity:
                return "con esta clave" if who.startswith("clave:") else "de tu usuario"
            if self._running >= self.total:
                return "en el servidor"
            self._running += 1
            self._by_identity[who] = mine + 1
            return None

    def give(self, who: str) -> None:
        """Give back a slot taken by `who`."""
        with self._lock:
            self._running -= 1
            left = self._by_identity.get(who, 1) - 1
            if left > 0:
                self._by_identity[who] = left
            else:
                self._by_identity.pop(who, None)


class HeavyGuard:
    """The slots of one server, taken per heavy API request and per page's heavy computation."""

    def __init__(self, settings: Settings) -> None:
        threads = settings.threads if settings.worker_class == "gthread" else 1
        self.slots = Slots(total=max(1, threads - 1))

    def before_request(self) -> Response | None:
        """Take the slot of a heavy API request (refused: 429 at once)."""
        if not is_heavy_path(request.path):
            return None
        who = identity()
        refused = self.slots.take(who, PER_KEY)
        if refused:
            return busy_response(refused)
        g.heavy_slot = who
        return None

    def teardown(self, _exc: BaseException | None) -> None:
        """Give back the request's slot, whatever happened."""
        who = g.pop("heavy_slot", None)
        if who is not None:
            self.slots.give(who)

    @contextmanager
    def computing(self):
        """Hold a slot while a page computes a heavy metric (a heavy API request already has
        one); raise HeavyBusy when there is none."""
        if g.get("heavy_slot") is not None:
            yield
            return
        who = identity()
        refused = self.slots.take(who, PER_USER)
        if refused:
            raise HeavyBusy(refused)
        g.heavy_slot = who
        try:
            yield
        finally:
            g.pop("heavy_slot", None)
            self.slots.give(who)


def busy_response(who: str) -> Response:
    """The 429 of heavy work without a free slot, in the contract's JSON shape."""
    message = BUSY_MESSAGE.format(who=who, seconds=RETRY_AFTER_SECONDS)
    if errors.wants_json(request.path):
        response = errors.json_error(429, "rate_limited", message)
    else:
        response = errors.error_page(429)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def computing_slot():
    """The context data.fetch holds while it computes a heavy metric (none outside a request or
    on a server without the guard)."""
    from contextlib import nullcontext

    from flask import has_request_context

    if not has_request_context():
        return nullcontext()
    guard = current_app.extensions.get("minimarket_heavy")
    return guard.computing() if guard is not None else nullcontext()


def init_app(server: Flask) -> None:
    """Install the slots of heavy API requests (after the API key check: a 401 first)."""
    guard = HeavyGuard(server.config["SETTINGS"])
    server.extensions["minimarket_heavy"] = guard
    server.before_request(guard.before_request)
    server.teardown_request(guard.teardown)
    server.register_error_handler(HeavyBusy, lambda exc: busy_response(exc.who))
