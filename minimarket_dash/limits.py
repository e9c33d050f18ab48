"""Rate limits per client address: /api/* (DASHBOARD_RATELIMIT_*) and Dash callbacks (looser);
per API key, a lower one on the heavy endpoints (heavy.py, DASHBOARD_RATELIMIT_HEAVY_MAX)."""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask, Response, request
from flask_limiter import ApplicationLimit, Limiter, RequestLimit

from . import errors
from .config import Settings
from .logs import ThrottledWithoutTraceback

log = logging.getLogger("minimarket_dash.limits")

CALLBACK_PATH = "/_dash-update-component"
CALLBACK_FACTOR = 10  # a page fires several callbacks per view; one browser still cannot flood
KEY_PREFIX = "mmdash"
REDIS_OPTIONS = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
MESSAGE = "Demasiadas solicitudes desde esta dirección. Espere {seconds} s y vuelva a intentar."


def client_address() -> str:
    """Return the client address (the real one behind trusted proxies, thanks to ProxyFix)."""
    return request.remote_addr or "127.0.0.1"


def not_api() -> bool:
    """Tell whether the request is outside /api/* (exempt from the API limit)."""
    return not request.path.startswith("/api/")


def not_callback() -> bool:
    """Tell whether the request is not a Dash callback (exempt from the callback limit)."""
    return request.path != CALLBACK_PATH


def not_heavy() -> bool:
    """Tell whether the request is not a heavy endpoint (exempt from the heavy limit)."""
    from .heavy import is_heavy_path

    return not is_heavy_path(request.path)


def heavy_key() -> str:
    """The heavy limit's bucket: the API key (a digest), not the address."""
    from .heavy import identity

    return identity()


def limit_strings(settings: Settings) -> tuple[str, str]:
    """Return the API limit and the Dash callback limit as flask-limiter strings."""
    window = settings.ratelimit_window
    api = f"{settings.ratelimit_max} per {window} second"
    callbacks = f"{settings.ratelimit_max * CALLBACK_FACTOR} per {window} second"
    return api, callbacks


def unlimited_path() -> bool:
    """Tell whether no limit applies, so flask-limiter skips its (costly) resolution."""
    return not_api() and not_callback()


def on_breach(limit: RequestLimit) -> object:
    """Answer the contract's JSON 429 (flask-limiter then adds Retry-After and X-RateLimit-*)."""
    wait = max(int(limit.reset_at - time.time()), 1)
    # No log line here: the access line (status 429) is the one line of this request.
    return errors.json_error(429, "rate_limited", MESSAGE.format(seconds=wait))


def keep_retry_after_on_429(response: Response) -> Response:
    """Drop the Retry-After flask-limiter adds to every response; it only means something on 429."""
    if response.status_code != 429:
        response.headers.pop("Retry-After", None)
    return response


def build_limiter(settings: Settings) -> Limiter:
    """Return a Limiter with one shared bucket per client for /api/* and one for callbacks
    (none when DASHBOARD_RATELIMIT_ENABLED=false; the sign-in lockout applies regardless)."""
    api, callbacks = limit_strings(settings)
    uri = settings.ratelimit_storage_uri
    heavy = f"{settings.ratelimit_heavy_max} per {settings.ratelimit_window} second"
    application_limits = [
        ApplicationLimit(api, scope="api", exempt_when=not_api),
        ApplicationLimit(heavy, key_function=heavy_key, scope="api-heavy", exempt_when=not_heavy),
        ApplicationLimit(callbacks, scope="dash-callbacks", exempt_when=not_callback),
    ]
    return Limiter(
        client_address,
        application_limits=application_limits if settings.ratelimit_enabled else [],
        storage_uri=uri,
        storage_options=REDIS_OPTIONS if uri.startswith("redis") else {},
        strategy="fixed-window",
        headers_enabled=True,
        key_prefix=KEY_PREFIX,
        on_breach=on_breach,
        # Redis down: keep serving, counting per worker, and log it (limits come back with it).
        in_memory_fallback_enabled=True,
        swallow_errors=True,
    )


PROBE_EVERY_SECONDS = 5.0


class StorageProbe:
    """Whether the limiter's shared store answers, asked at most every PROBE_EVERY_SECONDS."""

    def __init__(self, limiter: Limiter, shared: bool) -> None:
        self.limiter = limiter
        self.shared = shared
        self.answers = True
        self.last = float("-inf")
        self.lock = threading.Lock()

    def status(self) -> str:
        """Return `degraded` while the store does not answer or the limiter counts in memory."""
        if not self.shared:
            return "ok"
        with self.lock:
            due = time.monotonic() - self.last >= PROBE_EVERY_SECONDS
            if due:
                self.last = time.monotonic()
        if due:
            try:
                self.answers = bool(self.limiter.storage.check())
            except Exception:  # noqa: BLE001 - any error of the store means "down"
                self.answers = False
            if self.answers and self.limiter._storage_dead:
                # flask-limiter looks at its store again only on a limited request (none may
                # come for a while: /health is exempt); _storage_dead is the flag it clears
                # itself when its own check succeeds.
                self.limiter._storage_dead = False
                log.warning("almacén de límites recuperado: se vuelve a contar en Redis")
        return "degraded" if self.limiter._storage_dead or not self.answers else "ok"


def status(server: Flask) -> str:
    """Return `degraded` while the limiter's shared store is down (it counts in memory)."""
    probe = server.extensions.get("minimarket_limiter_probe")
    return probe.status() if probe is not None else "ok"


def init_app(server: Flask) -> None:
    """Install flask-limiter on /api/* and on Dash's callback route (when enabled)."""
    settings: Settings = server.config["SETTINGS"]
    if not settings.ratelimit_enabled:
        log.warning(
            "límite de solicitudes desactivado (DASHBOARD_RATELIMIT_ENABLED=false); "
            "el bloqueo de /login por intentos fallidos sigue activo"
        )
    server.after_request(keep_retry_after_on_429)  # registered first, so it runs last
    limiter = build_limiter(settings)
    limiter.request_filter(unlimited_path)
    limiter.init_app(server)
    # Its INFO line per breach would triple the log of a 429 (the access line says it all),
    # and a dying Redis must not write a traceback per request.
    limiter_log = logging.getLogger("flask-limiter")
    limiter_log.setLevel(logging.WARNING)
    if not any(isinstance(f, ThrottledWithoutTraceback) for f in limiter_log.filters):
        limiter_log.addFilter(ThrottledWithoutTraceback())
    server.extensions["minimarket_limiter"] = limiter
    shared = settings.ratelimit_storage_uri.startswith(("redis://", "rediss://"))
    server.extensions["minimarket_limiter_probe"] = StorageProbe(limiter, shared)
