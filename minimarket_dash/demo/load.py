"""Load the demo tables: executemany in one transaction on SQLite, COPY on PostgreSQL."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import SQLAlchemyError
from tqdm import tqdm

from ..config import sqlite_path
from ..db import create_schema, missing_schema
from ..store import STORE_SCHEMA
from ..summaries import SUMMARY_TABLES, mm_estado, store_reachable
from .generate import Columns, generate_demo_data

TABLE_ORDER = (
    "proveedores",
    "categorias",
    "productos",
    "pedidos",
    "detalle_pedidos",
    "movimientos_stock",
    "facturas_ocr",
)
SQLITE_BATCH = 50_000
COPY_BATCH = 100_000


class SeedError(Exception):
    """The demo data could not be loaded; the message is one Spanish line for the operator."""


@dataclass
class SeedReport:
    """What seed_database() wrote and how long it took."""

    lines: int
    orders: int
    products: int
    providers: int
    movements: int
    invoices: int
    seconds: float


def seed_database(
    engine: Engine,
    *,
    lines: int = 1_000_000,
    seed: int = 42,
    today: date | None = None,
    force: bool = False,
    progress: bool | None = None,
    every_delivery: bool = False,
) -> SeedReport:
    """Fill the seven tables with deterministic demo data; raise SeedError on any problem.

    `every_delivery`: an invoice for every delivered order (default: every fifth)."""
    started = time.perf_counter()
    if lines < 1:
        raise SeedError("El número de líneas de pedido debe ser al menos 1.")
    if isinstance(today, datetime):
        today = today.date()
    today = today or date.today()
    show = sys.stderr.isatty() if progress is None else progress
    plan = _prepare(engine, force=force)
    progress = _Progress(show)
    try:
        tables = generate_demo_data(
            lines=lines, seed=seed, today=today, every_delivery=every_delivery
        )
        progress.start(sum(_row_count(columns) for columns in tables.values()))
        _load(engine, tables, plan, progress)
    finally:
        progress.close()
    return SeedReport(
        lines=_row_count(tables["detalle_pedidos"]),
        orders=_row_count(tables["pedidos"]),
        products=_row_count(tables["productos"]),
        providers=_row_count(tables["proveedores"]),
        movements=_row_count(tables["movimientos_stock"]),
        invoices=_row_count(tables["facturas_ocr"]),
        seconds=round(time.perf_counter() - started, 3),
    )


# --------------------------------------------------------------------------------------------
# Database side
# --------------------------------------------------------------------------------------------


def _row_count(columns: Columns) -> int:
    return len(next(iter(columns.values())))


class _Progress:
    """The tqdm bar (rows written) plus the table in progress, named in error messages."""

    def __init__(self, show: bool) -> None:
        self.bar = tqdm(total=None, unit=" filas", disable=not show, file=sys.stderr)
        self.table = ""
        self.stage("Generando datos")

    def stage(self, label: str, table: str = "") -> None:
        self.table = table
        self.bar.set_description(label)

    def start(self, total: int) -> None:
        self.bar.total = total
        self.bar.refresh()

    def advance(self, rows: int) -> None:
        self.bar.update(rows)

    def close(self) -> None:
        self.bar.close()


def _safe_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _reason(exc: BaseException, engine: Engine) -> str:
    """First line of the driver's message, with the password (if any) masked."""
    origin = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(origin).splitlines() if line.strip()]
    message = lines[0] if lines else type(origin).__name__
    password = engine.url.password
    if password:
        message = message.replace(str(password), "***")
    return message.rstrip(".")


def _db_errors(engine: Engine) -> tuple[type[BaseException], ...]:
    """SQLAlchemy errors plus the driver's own (raised by the raw DBAPI connection)."""
    dbapi = getattr(engine.dialect, "loaded_dbapi", None) or engine.dialect.dbapi
    errors: tuple[type[BaseException], ...] = (SQLAlchemyError,)
    if dbapi is not None and hasattr(dbapi, "Error"):
        errors += (dbapi.Error,)
    return errors


def _check_backend(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        return
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg":
        raise SeedError(
            "Solo se admiten SQLite y PostgreSQL con el driver psycopg (postgresql+psycopg://)."
        )


def _ensure_sqlite_dir(engine: Engine) -> None:
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if path is None or path.parent.exists():
        return
    try:
        Path(path.parent).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SeedError(f"No se pudo crear la carpeta {path.parent}: {exc.strerror}.") from exc


def _connect_check(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1")).scalar_one()
    except _db_errors(engine) as exc:
        raise SeedError(
            f"No se pudo conectar a la base de datos {_safe_url(engine)}: {_reason(exc, engine)}."
        ) from exc


@dataclass(frozen=True)
class _Plan:
    """What the load must clear first: filled tables and helper tables derived from them."""

    filled: list[str]
    helpers: list[str]


def _stored_summaries(engine: Engine) -> list[str]:
    """Return the store's tables this engine reaches (schema-qualified)."""
    with engine.connect() as conn:
        if not store_reachable(conn):
            return []
    stored = set(inspect(engine).get_table_names(STORE_SCHEMA))
    return [table.fullname for table in (mm_estado, *SUMMARY_TABLES) if table.name in stored]


def _inspect_tables(engine: Engine) -> tuple[list[str], _Plan]:
    """Create missing tables; return (missing columns, what the load must clear)."""
    existing = set(inspect(engine).get_table_names())
    if not set(TABLE_ORDER) <= existing:
        create_schema(engine)
    missing = missing_schema(engine)
    # The store's summaries describe the old rows: they are emptied with them.
    helpers = _stored_summaries(engine)
    if missing:
        return missing, _Plan([], helpers)
    with engine.connect() as conn:
        filled = [
            name
            for name in TABLE_ORDER
            if conn.execute(text(f"SELECT 1 FROM {name} LIMIT 1")).first() is not None
        ]
    return [], _Plan(filled, helpers)


def _prepare(engine: Engine, *, force: bool) -> _Plan:
    """Connect, create missing tables, refuse filled ones without force; return the plan."""
    _check_backend(engine)
    _ensure_sqlite_dir(engine)
    _connect_check(engine)
    try:
        missing, plan = _inspect_tables(engine)
    except _db_errors(engine) as exc:
        raise SeedError(f"No se pudo preparar el esquema: {_reason(exc, engine)}.") from exc
    if missing:
        raise SeedError(f"El esquema existente no es compatible; faltan: {', '.join(missing)}.")
    if plan.filled and not force:
        raise SeedError(
            f"La base ya tiene datos (tabla {plan.filled[0]}); use --force para reemplazarlos."
        )
    return plan


def _load(engine: Engine, tables: dict[str, Columns], plan: _Plan, progress: _Progress) -> None:
    """Write all tables in one transaction; any database error becomes a SeedError."""
    loader = _load_sqlite if engine.dialect.name == "sqlite" else _load_postgres
    raw = None
    try:
        raw = engine.raw_connection()
        loader(raw.driver_connection, tables, plan, progress)
    except _db_errors(engine) as exc:
        if raw is not None:
            _quiet_rollback(raw)
        where = f" (tabla {progress.table})" if progress.table else ""
        raise SeedError(f"No se pudieron cargar los datos{where}: {_reason(exc, engine)}.") from exc
    finally:
        if raw is not None:
            raw.close()


def _quiet_rollback(raw) -> None:
    try:
        raw.rollback()
    except Exception:  # noqa: BLE001 - the original error is the one worth reporting
        pass


def _row_batches(columns: Columns, size: int) -> Iterator[list[tuple]]:
    total = _row_count(columns)
    for start in range(0, total, size):
        parts = [values[start : start + size].tolist() for values in columns.values()]
        yield list(zip(*parts, strict=True))


def _each_table(
    tables: dict[str, Columns],
    progress: _Progress,
    write: Callable[[str, Columns], Iterator[int]],
) -> None:
    for name in TABLE_ORDER:
        progress.stage(f"Cargando {name}", name)
        for done in write(name, tables[name]):
            progress.advance(done)
    progress.stage("Finalizando")


def _load_sqlite(conn, tables: dict[str, Columns], plan: _Plan, progress: _Progress) -> None:
    """One transaction with synchronous=OFF: clear the tables if asked, then executemany."""
    cursor = conn.cursor()
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = OFF")
    cursor.execute("BEGIN")
    for name in [*plan.helpers, *reversed(TABLE_ORDER)]:
        if name in plan.filled or name in plan.helpers:
            cursor.execute(f"DELETE FROM {name}")

    def write(name: str, columns: Columns) -> Iterator[int]:
        marks = ", ".join("?" for _ in columns)
        statement = f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})"
        for rows in _row_batches(columns, SQLITE_BATCH):
            cursor.executemany(statement, rows)
            yield len(rows)

    _each_table(tables, progress, write)
    conn.commit()
    cursor.execute("PRAGMA synchronous = NORMAL")
    # Fold the WAL into the database file so the .db file alone holds the data.
    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    cursor.close()


def _csv_text(value: object) -> bytes:
    """One CSV field (RFC 4180 quoting when needed); an empty string is quoted, unlike NULL."""
    shown = str(value)
    if shown == "" or any(char in shown for char in ',"\n\r'):
        shown = '"' + shown.replace('"', '""') + '"'
    return shown.encode("utf-8")


def _digits(magnitude: np.ndarray, negative: np.ndarray) -> np.ndarray:
    """Non-negative ints as ASCII digit columns (n, width) after a sign column; 0 = padding."""
    width = len(str(int(magnitude.max()))) if len(magnitude) else 1
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    digits = (magnitude[:, None] // powers) % 10 + ord("0")
    keep = magnitude[:, None] >= powers
    keep[:, -1] = True
    out = np.zeros((len(magnitude), width + 1), dtype=np.uint8)
    out[:, 0] = np.where(negative, ord("-"), 0)
    out[:, 1:] = np.where(keep, digits, 0)
    return out


def _plain_ascii(values: np.ndarray) -> np.ndarray | None:
    """Fixed-width bytes of a str array when it is ASCII without CSV specials, else None."""
    try:
        encoded = values.astype(f"S{max(1, values.dtype.itemsize // 4)}")
    except UnicodeEncodeError:
        return None
    matrix = encoded.view(np.uint8).reshape(len(values), -1)
    if np.isin(matrix, np.frombuffer(b',"\n\r', dtype=np.uint8)).any():
        return None
    return matrix


def _field_bytes(values: np.ndarray) -> np.ndarray:
    """Encode one column as a (rows, width) uint8 matrix; NUL bytes are padding to drop."""
    if values.dtype.kind in "iub":
        ints = values.astype(np.int64)
        return _digits(np.abs(ints), ints < 0)
    if values.dtype.kind == "f":  # every float column holds amounts with 2 decimals
        cents = np.rint(values * 100).astype(np.int64)
        magnitude = np.abs(cents)
        fraction = _digits(magnitude % 100 + 100, np.zeros(len(cents), dtype=bool))[:, 2:]
        dot = np.full((len(cents), 1), ord("."), dtype=np.uint8)
        return np.hstack([_digits(magnitude // 100, cents < 0), dot, fraction])
    if values.dtype.kind == "U":  # timestamps and days
        matrix = _plain_ascii(values)
        if matrix is not None:
            return matrix
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    table = np.array([_csv_text(value) for value in uniques] + [b""], dtype=bytes)
    encoded = table[codes]  # code -1 (None) picks the empty last entry: NULL for COPY csv
    return encoded.view(np.uint8).reshape(len(values), -1)


def _csv_block(columns: Columns) -> bytes:
    """CSV text for COPY built with array operations: fields at fixed offsets, padding removed."""
    parts = [_field_bytes(values) for values in columns.values()]
    rows = len(parts[0])
    matrix = np.zeros((rows, sum(part.shape[1] + 1 for part in parts)), dtype=np.uint8)
    offset = 0
    for part in parts:
        matrix[:, offset : offset + part.shape[1]] = part
        offset += part.shape[1] + 1
        matrix[:, offset - 1] = ord(",")
    matrix[:, -1] = ord("\n")
    flat = matrix.ravel()
    return flat[flat != 0].tobytes()


def _csv_blocks(columns: Columns, size: int) -> Iterator[tuple[bytes, int]]:
    total = _row_count(columns)
    for start in range(0, total, size):
        block = {key: values[start : start + size] for key, values in columns.items()}
        yield _csv_block(block), _row_count(block)


FOREIGN_KEYS_SQL = """
SELECT n.nspname, c.relname, con.conname, pg_get_constraintdef(con.oid)
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype = 'f' AND c.relname = ANY(%s) AND pg_table_is_visible(c.oid)
ORDER BY c.relname, con.conname
"""


def _drop_foreign_keys(cursor) -> list[tuple[str, str, str, str]]:
    """Drop the foreign keys of the seven tables (checked again, in bulk, when re-added)."""
    from psycopg import sql

    cursor.execute(FOREIGN_KEYS_SQL, (list(TABLE_ORDER),))
    keys = cursor.fetchall()
    for schema, table, name, _ in keys:
        statement = sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}")
        cursor.execute(statement.format(sql.Identifier(schema, table), sql.Identifier(name)))
    return keys


def _restore_foreign_keys(cursor, keys: list[tuple[str, str, str, str]]) -> None:
    from psycopg import sql

    for schema, table, name, definition in keys:
        statement = sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
            sql.Identifier(schema, table), sql.Identifier(name), sql.SQL(definition)
        )
        cursor.execute(statement)


def _fix_sequences(cursor) -> None:
    """Serial ids continue after the explicit ids just loaded."""
    for name in TABLE_ORDER:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", (name,))
        sequence = cursor.fetchone()[0]
        if sequence:
            cursor.execute(f"SELECT setval(%s, (SELECT MAX(id) FROM {name}))", (sequence,))


def _load_postgres(conn, tables: dict[str, Columns], plan: _Plan, progress: _Progress) -> None:
    """One transaction: TRUNCATE if asked, COPY without FK triggers, re-add the FKs, ANALYZE."""
    from psycopg.copy import QueuedLibpqWriter

    with conn.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute("SET LOCAL lock_timeout = 0")
        if plan.filled:
            cursor.execute(f"TRUNCATE {', '.join(TABLE_ORDER)}")
        for name in plan.helpers:
            cursor.execute(f"DELETE FROM {name}")
        keys = _drop_foreign_keys(cursor)

        def write(name: str, columns: Columns) -> Iterator[int]:
            statement = f"COPY {name} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)"
            # The queued writer sends from a thread: the server parses while we format.
            with cursor.copy(statement, writer=QueuedLibpqWriter(cursor)) as copy:
                for block, count in _csv_blocks(columns, COPY_BATCH):
                    copy.write(block)
                    yield count

        _each_table(tables, progress, write)
        progress.stage("Verificando claves foráneas")
        _restore_foreign_keys(cursor, keys)
        _fix_sequences(cursor)
        conn.commit()
        progress.stage("ANALYZE")
        cursor.execute("SET LOCAL statement_timeout = 0")
        for name in TABLE_ORDER:
            cursor.execute(f"ANALYZE {name}")
        conn.commit()
