"""The sign-in lockout: 10 failed attempts per 15 minutes per client address and per username.

Exact across workers and instances, and under concurrent attempts: each attempt takes a slot in
both counters *before* the password is checked (one atomic increment each), an attempt that
finds either counter over the limit gives its slots back and is refused (429), and a right
password gives its slots back too, so only failures stay counted. Thirty attempts at once
therefore check at most ten passwords.

The counters live where the rate limits live when that is Redis (DASHBOARD_RATELIMIT_STORAGE_URI
= redis://…: INCR with an expiry), else in the dashboard's own store (entries.py, table
`mm_intentos`: the SQLite file under DASHBOARD_STATE_DIR or the PostgreSQL schema mm_entradas),
which every worker and instance of one database shares. A Redis that stops answering falls back
to the store, with one warning a minute.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import delete
from sqlalchemy.exc import SQLAlchemyError

from .entries import EntriesStore, EntriesUnavailable, mm_intentos

log = logging.getLogger("minimarket_dash.signin")

MAX_FAILURES = 10
WINDOW_SECONDS = 15 * 60
REDIS_PREFIX = "mmdash:login"
# A sign-in may wait 2 s for a Redis that hangs: on a busy host a shorter read timeout sent
# attempts to the store's counters (which Redis's do not see) while Redis was merely slow.
REDIS_OPTIONS = {"socket_timeout": 2.0, "socket_connect_timeout": 0.5}
FALLBACK_WARNING_SECONDS = 60


class Counters(Protocol):
    """Where the attempts are counted: atomic add (returning the new values) and clearing."""

    def add(self, keys: tuple[str, ...], window: int, amount: int) -> list[int]:
        """Add `amount` to each key's count in `window`; return the new counts."""

    def clear(self, key: str, windows: tuple[int, ...]) -> None:
        """Forget a key's counts in those windows."""


@dataclass
class StoreCounters:
    """Counts in the table mm_intentos of the dashboard's store (one upsert per key)."""

    entries: EntriesStore

    def add(self, keys: tuple[str, ...], window: int, amount: int) -> list[int]:
        """Upsert every key's count in one transaction; drop windows that are over."""
        self.entries.ensure_tables()
        try:
            with self.entries.engine.begin() as conn:
                counts = [
                    conn.execute(_upsert(conn.dialect.name, key, window, amount)).scalar_one()
                    for key in keys
                ]
                if amount > 0:
                    conn.execute(delete(mm_intentos).where(mm_intentos.c.ventana < window - 1))
                return counts
        except SQLAlchemyError as exc:
            log.error(
                "no se pudieron contar los intentos de ingreso (mm_intentos): %s",
                type(exc).__name__,
            )
            raise EntriesUnavailable("intentos") from exc

    def clear(self, key: str, windows: tuple[int, ...]) -> None:
        """Delete a key's rows in those windows."""
        self.entries.ensure_tables()
        try:
            with self.entries.engine.begin() as conn:
                conn.execute(
                    delete(mm_intentos).where(
                        (mm_intentos.c.clave == key) & mm_intentos.c.ventana.in_(windows)
                    )
                )
        except SQLAlchemyError as exc:
            raise EntriesUnavailable("intentos") from exc


def _upsert(dialect: str, key: str, window: int, amount: int):
    """INSERT the count or add to it, returning the new value: one atomic statement."""
    from sqlalchemy.dialects import postgresql, sqlite

    insert_of = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert_of(mm_intentos).values(clave=key, ventana=window, cuenta=max(amount, 0))
    return statement.on_conflict_do_update(
        index_elements=["clave", "ventana"],
        set_={"cuenta": mm_intentos.c.cuenta + amount},
    ).returning(mm_intentos.c.cuenta)


@dataclass
class RedisCounters:
    """Counts in Redis: INCRBY and EXPIRE in one transaction per key."""

    url: str
    _client: object = None

    def client(self):
        """Return the Redis client (created at first use)."""
        if self._client is None:
            import redis

            self._client = redis.Redis.from_url(self.url, **REDIS_OPTIONS)
        return self._client

    def add(self, keys: tuple[str, ...], window: int, amount: int) -> list[int]:
        """INCRBY each key of `window` and keep it two windows at most."""
        pipe = self.client().pipeline(transaction=True)
        for key in keys:
            name = f"{REDIS_PREFIX}:{key}:{window}"
            pipe.incrby(name, amount)
            pipe.expire(name, 2 * WINDOW_SECONDS)
        results = pipe.execute()
        return [int(value) for value in results[::2]]

    def clear(self, key: str, windows: tuple[int, ...]) -> None:
        """Delete a key's counts in those windows."""
        self.client().delete(*(f"{REDIS_PREFIX}:{key}:{window}" for window in windows))


@dataclass
class Attempt:
    """One sign-in attempt's slots; `wait` > 0: refused, seconds to the window's end."""

    keys: tuple[str, ...]
    window: int
    wait: int = 0


@dataclass
class Lockout:
    """The lockout of one server: Redis counters when configured, else the store's."""

    store: StoreCounters
    redis: RedisCounters | None = None
    _last_warning: float = field(default=0.0)

    def begin(self, address: str, username: str) -> Attempt:
        """Take this attempt's slots; a refused attempt has already given them back."""
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        keys = attempt_keys(address, username)
        counts = self._add(keys, window, 1)
        attempt = Attempt(keys, window)
        if max(counts) > MAX_FAILURES:
            self._add(keys, window, -1)
            attempt.wait = max(1, int((window + 1) * WINDOW_SECONDS - now))
        return attempt

    def succeeded(self, attempt: Attempt) -> None:
        """Give back the slots of an attempt with the right password (only failures count)."""
        self._add(attempt.keys, attempt.window, -1)

    def clear(self, key: str) -> None:
        """Forget the failures of one key (`ip:…` or `usuario:…`) in the current window and the
        one before, in Redis and in the store."""
        window = int(time.time() // WINDOW_SECONDS)
        windows = (window - 1, window)
        if self.redis is not None:
            import redis

            try:
                self.redis.clear(key, windows)
            except redis.RedisError as exc:
                self._warn_fallback(exc)
        self.store.clear(key, windows)

    def _add(self, keys: tuple[str, ...], window: int, amount: int) -> list[int]:
        if self.redis is not None:
            import redis

            try:
                return self.redis.add(keys, window, amount)
            except redis.RedisError as exc:
                self._warn_fallback(exc)
        return self.store.add(keys, window, amount)

    def _warn_fallback(self, exc: Exception) -> None:
        now = time.monotonic()
        if now - self._last_warning >= FALLBACK_WARNING_SECONDS:
            self._last_warning = now
            log.warning(
                "Redis no responde (%s): los intentos de ingreso se cuentan en el "
                "almacén propio del tablero",
                type(exc).__name__,
            )


def attempt_keys(address: str, username: str) -> tuple[str, ...]:
    """Return the counters an attempt counts in: its client address and, if any, its username."""
    keys = [f"ip:{address}"]
    if username:
        keys.append(f"usuario:{username}")
    return tuple(keys)


def lockout_for(entries: EntriesStore, storage_uri: str) -> Lockout:
    """Return the lockout counting in Redis when the rate limits do, else in the store."""
    redis_counters = RedisCounters(storage_uri) if storage_uri.startswith("redis") else None
    return Lockout(StoreCounters(entries), redis_counters)
