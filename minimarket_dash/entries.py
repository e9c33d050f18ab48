"""What managers enter: the one data the dashboard owns that cannot be rebuilt.

An invoice's state (reclamada, acreditada…), an order marked as sent, a price applied, a target
markup: each is a *mark* (kind, key → a small JSON value) with who set it and when, and every
change is kept in a history. The marks live apart from the summaries (which a rebuild may drop,
minimarket_dash/summaries.py) and never in the minimarket's database:

- SQLite: a file of its own under DASHBOARD_STATE_DIR (`marcas-<base>-<digest>.sqlite`, 0600,
  WAL, synchronous FULL), shared by every worker of the host.
- PostgreSQL: the schema `mm_entradas` in the same database, so every instance sees the same
  marks; a read-only role needs that schema of its own (RUNBOOK.md, §16).

`minimarket-dash backup` copies them (minimarket_dash/backup.py). A page reads them live (never
from the result cache), so a mark set on one device shows on every other at the next read.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from flask import Flask, current_app
from sqlalchemy import (
    Column,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    insert,
    inspect,
    select,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlalchemy.schema import CreateIndex, CreateTable

from .config import Settings, sqlite_path
from .db import LocalTimestamp
from .private import ensure_mode

log = logging.getLogger("minimarket_dash.entries")

ENTRIES_SCHEMA = "mm_entradas"
FILE_MODE = 0o600
MAX_VALUE_CHARS = 16_384  # a mark is a small record, never a document

entries_metadata = MetaData(schema=ENTRIES_SCHEMA)

# The current value of every mark: one row per (kind, key).
mm_marcas = Table(
    "mm_marcas",
    entries_metadata,
    Column("tipo", String(40), primary_key=True),
    Column("clave", String(120), primary_key=True),
    Column("valor", Text, nullable=False),
    Column("usuario", String(120), nullable=False),
    Column("cuando", LocalTimestamp, nullable=False),
)

# Every change, in order: what was set (NULL: removed), by whom and when. Never rewritten.
mm_historial = Table(
    "mm_historial",
    entries_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tipo", String(40), nullable=False),
    Column("clave", String(120), nullable=False),
    Column("valor", Text),
    Column("usuario", String(120), nullable=False),
    Column("cuando", LocalTimestamp, nullable=False),
    Index("ix_mm_historial_marca", "tipo", "clave", "id"),
)

# Sign-in sessions (minimarket_dash/sessions.py): one row per open session, keyed by a digest
# of the id its cookie carries (a copy of this table opens no session). Times are epoch seconds.
mm_sesiones = Table(
    "mm_sesiones",
    entries_metadata,
    Column("id", String(64), primary_key=True),
    Column("usuario", String(64), nullable=False),
    Column("creada", Float, nullable=False),
    Column("vista", Float, nullable=False),
    Column("ip", String(64), nullable=False),
    Column("agente", String(200), nullable=False),
    Index("ix_mm_sesiones_usuario", "usuario"),
)

# Failed sign-in attempts per client address and per username in a fixed window
# (minimarket_dash/lockout.py, when there is no Redis): counted before the password is checked.
mm_intentos = Table(
    "mm_intentos",
    entries_metadata,
    Column("clave", String(200), primary_key=True),
    Column("ventana", Integer, primary_key=True),
    Column("cuenta", Integer, nullable=False),
)

ENTRY_TABLES = (mm_marcas, mm_historial, mm_sesiones, mm_intentos)


class EntriesUnavailable(RuntimeError):
    """The store of what managers enter cannot be read or written; the cause is logged."""


class Mark(NamedTuple):
    """One mark as stored: its kind and key, its value, who set it and when."""

    tipo: str
    clave: str
    valor: dict[str, Any]
    usuario: str
    cuando: datetime


def entries_file(settings: Settings) -> Path | None:
    """Return the marks' file of a SQLite database (None for PostgreSQL or an in-memory one).

    Named like the store of summaries (minimarket_dash/store.py): the database file's stem and
    a digest of its absolute path, so two databases sharing a state folder never share marks.
    """
    path = sqlite_path(settings.database_url)
    if path is None:
        return None
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
    return Path(settings.state_dir) / f"marcas-{path.stem}-{digest}.sqlite"


def entries_engine(settings: Settings) -> Engine:
    """Return the engine that reads and writes the marks (never the minimarket's tables)."""
    from .db import make_engine

    if not settings.database_url.startswith("sqlite"):
        return make_engine(settings, writer=True)
    path = entries_file(settings)
    if path is None:  # an in-memory database: marks live as long as the process
        engine = create_engine(
            "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        _create_private(path)
        engine = create_engine(
            f"sqlite:///{path}", connect_args={"timeout": 10, "check_same_thread": False}
        )
    engine = engine.execution_options(schema_translate_map={ENTRIES_SCHEMA: None})

    @event.listens_for(engine, "connect")
    def _tune(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        # FULL: a mark acknowledged survives a power cut.
        for pragma in ("busy_timeout = 10000", "synchronous = FULL"):
            cursor.execute(f"PRAGMA {pragma}")
        _enable_wal(cursor)
        cursor.close()

    return engine


def _enable_wal(cursor, attempts: int = 100, pause: float = 0.1) -> None:
    """Put the file in WAL (readers never wait for a writer), waiting out other connections.

    WAL is a property of the file, so this only changes something on its first connection; but
    while the file is new, several workers or threads open it at once and SQLite answers
    "database is locked" to a journal-mode change at once, without its busy timeout.
    """
    for attempt in range(attempts):
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
                return
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(pause)


def _create_private(path: Path) -> None:
    """Create the marks' file readable by its owner only (what managers enter and the sessions
    are private), narrowing one an older version left wider."""
    ensure_mode(path, FILE_MODE)


@dataclass
class EntriesStore:
    """The marks of one database: read live, written with their history in one transaction."""

    engine: Engine | None  # None: the state folder could not be created (logged at start)
    now: Any  # () -> datetime: the app's clock (Settings.now)
    _ready: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def ensure_tables(self) -> None:
        """Create the schema (PostgreSQL) and the tables when missing; once per process."""
        if self._ready:
            return
        if self.engine is None:
            raise EntriesUnavailable(ENTRIES_SCHEMA)
        with self._lock:
            if self._ready:
                return
            try:
                _create_tables(self.engine)
            except SQLAlchemyError as exc:
                log.error(
                    "no se pudo preparar el almacén de marcas (%s): %s",
                    ENTRIES_SCHEMA,
                    type(exc).__name__,
                )
                raise EntriesUnavailable(ENTRIES_SCHEMA) from exc
            self._ready = True

    def marks(self, tipo: str, claves: Iterable[str] | None = None) -> dict[str, Mark]:
        """Return the marks of one kind (only those keys when given), by key."""
        self.ensure_tables()
        statement = select(mm_marcas).where(mm_marcas.c.tipo == tipo)
        if claves is not None:
            wanted = sorted({str(clave) for clave in claves})
            if not wanted:
                return {}
            statement = statement.where(mm_marcas.c.clave.in_(wanted))
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(statement).fetchall()
        except SQLAlchemyError as exc:
            raise self._unavailable("leer", exc) from exc
        return {row.clave: _mark(row) for row in rows}

    def mark(self, tipo: str, clave: str) -> Mark | None:
        """Return one mark, or None when it is not set."""
        return self.marks(tipo, [clave]).get(str(clave))

    def set(self, tipo: str, clave: str, valor: dict[str, Any] | None, usuario: str) -> Mark | None:
        """Set (or with None remove) one mark and record the change; return the new mark."""
        self.ensure_tables()
        clave = str(clave)
        text = None if valor is None else _dumps(valor)
        when = self.now().replace(microsecond=0)
        key = (mm_marcas.c.tipo == tipo) & (mm_marcas.c.clave == clave)
        try:
            with self.engine.begin() as conn:
                if text is None:
                    conn.execute(delete(mm_marcas).where(key))
                else:
                    conn.execute(
                        _upsert(
                            conn.dialect.name,
                            {
                                "tipo": tipo,
                                "clave": clave,
                                "valor": text,
                                "usuario": usuario,
                                "cuando": when,
                            },
                        )
                    )
                conn.execute(
                    insert(mm_historial).values(
                        tipo=tipo, clave=clave, valor=text, usuario=usuario, cuando=when
                    )
                )
        except SQLAlchemyError as exc:
            raise self._unavailable("guardar", exc) from exc
        return None if valor is None else Mark(tipo, clave, json.loads(text), usuario, when)

    def history(self, tipo: str, clave: str | None = None, limit: int = 100) -> list[Mark]:
        """Return the latest changes of one kind (of one key when given), newest first; a
        removal has an empty value."""
        self.ensure_tables()
        statement = select(mm_historial).where(mm_historial.c.tipo == tipo)
        if clave is not None:
            statement = statement.where(mm_historial.c.clave == str(clave))
        statement = statement.order_by(mm_historial.c.id.desc()).limit(limit)
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(statement).fetchall()
        except SQLAlchemyError as exc:
            raise self._unavailable("leer", exc) from exc
        return [_mark(row) for row in rows]

    @staticmethod
    def _unavailable(action: str, exc: SQLAlchemyError) -> EntriesUnavailable:
        log.error("no se pudo %s en el almacén de marcas: %s", action, type(exc).__name__)
        return EntriesUnavailable(action)


def _create_tables(engine: Engine) -> None:
    """CREATE … IF NOT EXISTS the schema and tables: every worker may do it at once."""
    for attempt in (1, 2):
        try:
            with engine.begin() as conn:
                if conn.dialect.name == "postgresql" and not inspect(conn).has_schema(
                    ENTRIES_SCHEMA
                ):
                    conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {ENTRIES_SCHEMA}")
                for table in ENTRY_TABLES:
                    conn.execute(CreateTable(table, if_not_exists=True))
                    for index in table.indexes:
                        conn.execute(CreateIndex(index, if_not_exists=True))
            return
        except IntegrityError:  # PostgreSQL: another process created the same at that moment
            if attempt == 2:
                raise


def _upsert(dialect: str, row: dict):
    """INSERT the mark or, when its (tipo, clave) exists, replace its value, user and time:
    one statement, so two workers setting the same mark at once never collide."""
    from sqlalchemy.dialects import postgresql, sqlite

    insert_of = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert_of(mm_marcas).values(**row)
    return statement.on_conflict_do_update(
        index_elements=["tipo", "clave"],
        set_={name: statement.excluded[name] for name in ("valor", "usuario", "cuando")},
    )


def _dumps(valor: dict[str, Any]) -> str:
    text = json.dumps(valor, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if len(text) > MAX_VALUE_CHARS:
        raise ValueError("la marca es demasiado grande")
    return text


def _mark(row) -> Mark:
    valor = json.loads(row.valor) if row.valor else {}
    return Mark(row.tipo, row.clave, valor, row.usuario, row.cuando)


def init_app(server: Flask) -> None:
    """Open the marks' store of this server's database (its tables are created at first use,
    so a database that is down at start does not stop the server)."""
    settings: Settings = server.config["SETTINGS"]
    try:
        engine = entries_engine(settings)
    except OSError as exc:
        log.error(
            "no se pudo crear el archivo de marcas en DASHBOARD_STATE_DIR=%s (%s): las "
            "marcas de los encargados no se pueden leer ni guardar",
            settings.state_dir,
            exc.strerror or type(exc).__name__,
        )
        engine = None
    server.extensions["minimarket_entries"] = EntriesStore(engine, settings.now)


def entries_of(server: Flask | None = None) -> EntriesStore:
    """Return the marks' store of the given (or current) server."""
    return (server or current_app).extensions["minimarket_entries"]
