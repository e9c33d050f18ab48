"""Keep the store of summaries fresh with no step to forget: one background refresher per host.

Every gunicorn worker starts a `Refresher` thread (gunicorn_conf.post_worker_init); only the one
that holds the host's lock file (`flock`, released by the kernel when its process dies) works,
the others try again every minute, so a dead refresher is replaced within a minute. Builds also
take a second lock, held only while building, that `minimarket-dash refresh` and `optimize`
take too; on PostgreSQL a transaction-level advisory lock serialises hosts
(summaries.lock_store).

The holder builds at start (a full build when the store is empty, was built from another
database file, or its last full build is a day old; otherwise an incremental one that adds the
periods closed since), then whenever the summaries are DASHBOARD_REFRESH_MINUTES old. A failed
build leaves the previous summaries in place; the error goes to the log (one WARNING per
attempt, no traceback) and to a small status file beside the lock that every worker's /health
reads.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from . import store, summaries
from .config import Settings
from .private import open_private

log = logging.getLogger("minimarket_dash.refresher")

FULL_REBUILD_EVERY = timedelta(hours=24)
# How often a worker looks: to take over the lock, or to see whether a build is due.
LOOK_EVERY_SECONDS = 60.0
STALE_AFTER_INTERVALS = 3


@dataclass
class Outcome:
    """What one refresh did."""

    full: bool
    seconds: float
    state: summaries.SummaryState | None


def status_file(settings: Settings) -> Path:
    """Return the file where the refresher leaves its last attempt, for /health."""
    return store.lock_file(settings).with_suffix(".json")


def read_status(settings: Settings) -> dict:
    """Return the refresher's last status (empty when it never wrote one)."""
    try:
        return json.loads(status_file(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_status(settings: Settings, **fields) -> None:
    """Replace the status file atomically (temp file + rename); a full disk only logs."""
    path = status_file(settings)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        handle = open_private(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(json.dumps(fields, default=str))
        os.replace(temporary, path)
    except OSError as exc:
        log.warning("no se pudo escribir %s: %s", path, exc.strerror or exc)


@contextmanager
def build_lock(settings: Settings):
    """Hold the host's build lock (blocking) while the body builds."""
    path = store.lock_file(settings).with_suffix(".build.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with os.fdopen(open_private(path, os.O_RDWR | os.O_CREAT), "r+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def refresh(settings: Settings, engine: Engine, *, full: bool | None = None) -> Outcome:
    """Build the store once under the build lock; `full` None decides by the stored state."""
    started = time.perf_counter()
    now = settings.now()
    with build_lock(settings):
        with engine.connect() as conn:
            state = summaries.read_state(conn)
        if full is None:
            full = needs_full_build(state, now)
        summaries.build(engine, now, full=full)
        with engine.connect() as conn:
            current = summaries.read_state(conn)
    return Outcome(full, time.perf_counter() - started, current)


def needs_full_build(state: summaries.SummaryState | None, now: datetime) -> bool:
    """A full rebuild picks up rows changed in closed periods: once a day, or with no state."""
    return state is None or state.completo is None or now - state.completo >= FULL_REBUILD_EVERY


def is_due(state: summaries.SummaryState | None, now: datetime, interval: timedelta) -> bool:
    """True when there is nothing usable stored or the summaries are `interval` old."""
    return state is None or now - state.actualizado >= interval


class Refresher:
    """The background refresher of one process; only the holder of the host's lock builds."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.interval = timedelta(minutes=settings.refresh_minutes)
        self._lock_handle = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._engine: Engine | None = None

    @property
    def holds_lock(self) -> bool:
        return self._lock_handle is not None

    def try_lock(self) -> bool:
        """Take the host's refresher lock if free; keep it for the life of the process."""
        if self._lock_handle is not None:
            return True
        path = store.lock_file(self.settings)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Held open on purpose: the lock lives as long as the handle.
            handle = os.fdopen(open_private(path, os.O_RDWR | os.O_CREAT), "r+b")
        except OSError as exc:
            log.warning("no se pudo abrir %s: %s", path, exc.strerror or exc)
            return False
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._lock_handle = handle
        log.info(
            "este proceso (pid %d) refresca los resúmenes cada %s min",
            os.getpid(),
            _minutes(self.settings.refresh_minutes),
        )
        return True

    def start(self) -> None:
        """Run the loop in a daemon thread (it dies with its worker)."""
        self._thread = threading.Thread(target=self.run, name="mm-refresher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        wait = min(LOOK_EVERY_SECONDS, self.interval.total_seconds())
        while not self._stop.is_set():
            if self.try_lock():
                self.step()
            self._stop.wait(wait)

    def step(self) -> Outcome | None:
        """Build when due; record the outcome. Never raises (the thread must live on)."""
        engine = self._engine or store.store_engine(self.settings)
        self._engine = engine
        try:
            with engine.connect() as conn:
                due = is_due(summaries.read_state(conn), self.settings.now(), self.interval)
            if not due:
                return None
            _write_status(
                self.settings,
                pid=os.getpid(),
                en_curso=True,
                desde=_stamp(),
                **_last(self.settings),
            )
            outcome = refresh(self.settings, engine)
        except Exception as exc:  # noqa: BLE001 - any failure keeps the old summaries
            self._failed(exc)
            return None
        finally:
            # The next look opens the database again: a restored file is read, never the old.
            engine.dispose()
        log.info(
            "resúmenes actualizados (%s) en %.1f s",
            "completo" if outcome.full else "incremental",
            outcome.seconds,
        )
        _write_status(
            self.settings,
            pid=os.getpid(),
            en_curso=False,
            ultimo_ok=_stamp(),
            segundos=round(outcome.seconds, 1),
            completo=outcome.full,
        )
        return outcome

    def _failed(self, exc: Exception) -> None:
        reason = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
        log.warning(
            "no se pudieron actualizar los resúmenes; se siguen usando los anteriores (%s)", reason
        )
        _write_status(
            self.settings,
            pid=os.getpid(),
            en_curso=False,
            ultimo_error=reason,
            error_a_las=_stamp(),
            **_last(self.settings),
        )


def _last(settings: Settings) -> dict:
    """The previous success, carried over into a new status."""
    previous = read_status(settings)
    return {key: previous[key] for key in ("ultimo_ok",) if key in previous}


def _stamp() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _minutes(value: float) -> str:
    return f"{value:g}"


def summaries_health(settings: Settings, age_seconds: float | None, uptime: float) -> dict:
    """Return /health's fields on the store: `summaries` (ok | building | degraded | off) and,
    when the last attempt failed, `summaries_error`.

    `degraded` (the service still answers, from the live tables) when the summaries are older
    than 3 refresh intervals, or missing after 3 intervals of uptime with no build running.
    """
    interval = settings.refresh_minutes * 60
    status = read_status(settings)
    fields = refresh_error(status)
    limit = STALE_AFTER_INTERVALS * interval
    if interval == 0:
        fields["summaries"] = "off"
    elif age_seconds is None:
        building = status.get("en_curso") or uptime < limit
        fields["summaries"] = "building" if building else "degraded"
    else:
        fields["summaries"] = "degraded" if age_seconds > limit else "ok"
    return fields


def refresh_error(status: dict) -> dict:
    """Return `summaries_error` when the last attempt failed: when, never why (the log says)."""
    failed_at = status.get("error_a_las")
    if not failed_at or status.get("en_curso") or status.get("ultimo_ok", "") > failed_at:
        return {}
    return {"summaries_error": f"falló la actualización de las {failed_at}; detalle en el log"}
