"""The dashboard's own store of summaries: where it lives and how connections reach it.

The minimarket's database is only ever read. The summaries that make queries fast
(minimarket_dash/summaries.py) live in a store the dashboard owns, reached under the schema
name `mm_dashboard` so that one SQL statement can join stored closed periods with the live tail:

- SQLite: a file of its own under DASHBOARD_STATE_DIR (one per database file), ATTACHed to every
  connection. Serving connections read it; the refresher's connection writes it while it opens
  the minimarket's file read-only (`mode=ro`).
- PostgreSQL: the schema `mm_dashboard` in the same database. A read-only role needs only that
  schema of its own (RUNBOOK.md shows the grants); it is created here when the role may.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from sqlalchemy import Engine, create_engine, event

from .config import Settings, sqlite_path
from .private import ensure_mode

log = logging.getLogger("minimarket_dash.store")

STORE_SCHEMA = "mm_dashboard"
IN_MEMORY = ":memory:"
WAL_LIMIT_BYTES = 64 * 1024 * 1024


def store_file(settings: Settings) -> Path | None:
    """Return the store file of a SQLite database (None for PostgreSQL or an in-memory one).

    Named after the database file and a digest of its absolute path, so two databases never
    share a store and the name still tells an operator which database it belongs to.
    """
    path = sqlite_path(settings.database_url)
    if path is None:
        return None
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
    return Path(settings.state_dir) / f"resumenes-{path.stem}-{digest}.sqlite"


def lock_file(settings: Settings) -> Path:
    """Return the file whose lock makes one refresher per host for this database.

    Keyed like the store file (the database file's absolute path) on SQLite, so two spellings
    of one file's URL (relative, absolute) still share one refresher and one build lock.
    """
    path = sqlite_path(settings.database_url)
    key = str(path.resolve()) if path is not None else settings.database_url
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return Path(settings.state_dir) / f"refresco-{digest}.lock"


def attach_target(settings: Settings) -> str:
    """Return what SQLite connections ATTACH: the store file, or an in-memory one when there is
    no file database or the state folder cannot be created (queries then read live)."""
    path = store_file(settings)
    if path is None:
        return IN_MEMORY
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        log.warning(
            "no se pudo crear DASHBOARD_STATE_DIR=%s (%s): sin resúmenes, se lee todo en vivo",
            path.parent,
            exc.strerror or type(exc).__name__,
        )
        return IN_MEMORY
    ensure_mode(path)  # the summaries are the shop's figures: the service user's alone
    return str(path.resolve())


def attach_store(dbapi_connection, target: str, cache_kib: int, *, writer: bool) -> None:
    """ATTACH the store to a new SQLite connection under STORE_SCHEMA."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"ATTACH DATABASE ? AS {STORE_SCHEMA}", (target,))
        cursor.execute(f"PRAGMA {STORE_SCHEMA}.cache_size = {-cache_kib}")
        if writer and target != IN_MEMORY:
            # WAL: serving connections keep reading the previous summaries during a rebuild.
            cursor.execute(f"PRAGMA {STORE_SCHEMA}.journal_mode = WAL")
            cursor.execute(f"PRAGMA {STORE_SCHEMA}.synchronous = NORMAL")
            # A full build is one transaction: its -wal grew as big as the store itself
            # (~300 MB at 10M lines) and stayed so; it is cut back at the next checkpoint.
            cursor.execute(f"PRAGMA {STORE_SCHEMA}.journal_size_limit = {WAL_LIMIT_BYTES}")
    finally:
        cursor.close()


def store_engine(settings: Settings) -> Engine:
    """Return an engine that reads the minimarket's database and may write only the store.

    SQLite: the minimarket's file opened read-only (`mode=ro`), the store attached writable.
    PostgreSQL: sessions without `default_transaction_read_only`; the role's grants keep the
    minimarket's tables read-only (summaries.build creates the schema when missing and allowed).
    """
    from .db import make_engine, sqlite_pragmas

    path = sqlite_path(settings.database_url)
    if path is None:
        return make_engine(settings, writer=True)
    engine = create_engine(
        f"sqlite:///file:{path.resolve()}?mode=ro&uri=true",
        connect_args={"timeout": 5, "check_same_thread": False},
        pool_size=1,
        max_overflow=0,
    )
    pragmas = [item for item in sqlite_pragmas(settings, writer=False) if item[0] != "query_only"]
    target = attach_target(settings)

    @event.listens_for(engine, "connect")
    def _prepare(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        for name, value in pragmas:
            cursor.execute(f"PRAGMA {name} = {value}")
        cursor.close()
        attach_store(dbapi_connection, target, 1024 * settings.sqlite_cache_mb, writer=True)

    return engine


def ensure_schema(engine: Engine) -> None:
    """CREATE SCHEMA mm_dashboard on PostgreSQL when missing (a role without that right gets it
    from the DBA, RUNBOOK.md); SQLite attaches the store to every connection instead."""
    from sqlalchemy import inspect

    if engine.dialect.name != "postgresql" or inspect(engine).has_schema(STORE_SCHEMA):
        return
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {STORE_SCHEMA}")
