"""Schema of the minimarket database (SQLAlchemy Core) and the engine factory."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    inspect,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.types import TypeDecorator

from .config import Settings, sqlite_path
from .store import attach_store, attach_target

SQLITE_TIMESTAMP = "%Y-%m-%d %H:%M:%S"


class LocalTimestamp(TypeDecorator):
    """A zone-less local timestamp: `YYYY-MM-DD HH:MM:SS` text in SQLite, TIMESTAMP elsewhere.

    SQLAlchemy's own SQLite DateTime writes microseconds, which breaks text comparison with
    rows written by other tools, so SQLite gets exactly the stored format.
    """

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(19))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value, dialect):
        if value is None or dialect.name != "sqlite":
            return value
        # isoformat, not strftime: it zero-pads years before 1000, keeping text order right.
        if isinstance(value, datetime):
            return value.replace(microsecond=0).isoformat(sep=" ")
        if isinstance(value, date):
            return f"{value.isoformat()} 00:00:00"
        return value

    def process_result_value(self, value, dialect):
        if isinstance(value, str):
            return datetime.fromisoformat(value)
        return value


class LocalDate(TypeDecorator):
    """A calendar day: `YYYY-MM-DD` text in SQLite, DATE elsewhere."""

    impl = Date
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(10))
        return dialect.type_descriptor(Date())

    def process_bind_param(self, value, dialect):
        if value is None or dialect.name != "sqlite":
            return value
        return value.isoformat()[:10] if isinstance(value, date) else value

    def process_result_value(self, value, dialect):
        if isinstance(value, str):
            return date.fromisoformat(value[:10])
        return value


metadata = MetaData()

proveedores = Table(
    "proveedores",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("codigo", String(20), unique=True, nullable=False),
    Column("nombre", String(120), nullable=False),
    Column("contacto", String(120)),
    Column("telefono", String(40)),
    Column("email", String(120)),
    Column("direccion", String(200)),
    Column("activo", Integer, nullable=False, default=1),
    Column("fecha_registro", LocalTimestamp),
)

categorias = Table(
    "categorias",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("nombre", String(80), nullable=False),
    Column("descripcion", Text),
    Column("activo", Integer, nullable=False, default=1),
)

productos = Table(
    "productos",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("nombre", String(160), nullable=False),
    Column("descripcion", Text),
    Column("categoria_id", Integer, ForeignKey("categorias.id")),
    Column("proveedor_id", Integer, ForeignKey("proveedores.id")),
    Column("codigo_barras", String(20)),
    Column("precio_compra", Float),
    Column("precio_venta", Float),
    Column("stock_actual", Integer, nullable=False, default=0),
    Column("stock_minimo", Integer, nullable=False, default=0),
    Column("activo", Integer, nullable=False, default=1),
    Column("fecha_registro", LocalTimestamp),
)

pedidos = Table(
    "pedidos",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("proveedor_id", Integer, ForeignKey("proveedores.id")),
    Column("numero_pedido", String(30)),
    Column("fecha_pedido", LocalTimestamp, nullable=False),
    Column("estado", String(20)),
    Column("total", Float),
    Column("observaciones", Text),
    Column("fecha_entrega_esperada", LocalDate),
    Column("fecha_entrega_real", LocalDate),
)

detalle_pedidos = Table(
    "detalle_pedidos",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("pedido_id", Integer, ForeignKey("pedidos.id")),
    Column("producto_nombre", String(160), nullable=False),
    Column("cantidad", Integer, nullable=False),
    Column("precio_unitario", Float),
    Column("subtotal", Float),
    Column("observaciones", Text),
)

movimientos_stock = Table(
    "movimientos_stock",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("producto_id", Integer, ForeignKey("productos.id")),
    Column("producto_nombre", String(160)),
    Column("tipo_movimiento", String(20), nullable=False),
    Column("cantidad", Integer, nullable=False),
    Column("precio_unitario", Float),
    Column("proveedor_id", Integer, ForeignKey("proveedores.id")),
    Column("origen", String(80)),
    Column("destino", String(80)),
    Column("observaciones", Text),
    Column("fecha_movimiento", LocalTimestamp, nullable=False),
    Column("usuario", String(60)),
)

facturas_ocr = Table(
    "facturas_ocr",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("numero_factura", String(40)),
    Column("proveedor_original", String(160)),
    Column("proveedor_asignado_id", Integer, ForeignKey("proveedores.id")),
    Column("fecha_factura", LocalDate),
    Column("total", Float),
    Column("contenido_ocr", Text),
    Column("productos_json", Text),
    Column("procesado", Integer, nullable=False, default=0),
    Column("fecha_procesamiento", LocalTimestamp),
)

REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    table.name: tuple(column.name for column in table.columns) for table in metadata.sorted_tables
}


def make_engine(settings: Settings, *, writer: bool = False) -> Engine:
    """Create the engine for settings.database_url; only `writer` engines may change data."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(settings, writer=writer)
    timeout = settings.statement_timeout_ms
    # Planner settings for short aggregates on SSDs: JIT compiling cost seconds on 10M lines
    # and random_page_cost=4 turned index-only joins into full scans (bench/NOTES.md).
    options = (
        f"-c statement_timeout={timeout} -c lock_timeout={timeout}"
        f" -c timezone={settings.timezone} -c jit=off -c random_page_cost=1.1 -c work_mem=32MB"
    )
    # Serving sessions are read-only; writer sessions (seed, optimize, the store's refresher)
    # say off, so a role whose default is read-only may still write what its grants allow.
    options += f" -c default_transaction_read_only={'off' if writer else 'on'}"
    return create_engine(
        url,
        pool_size=5,
        max_overflow=5,
        pool_pre_ping=True,
        pool_recycle=1800,
        connect_args={
            "connect_timeout": 5,
            "options": options,
            "application_name": "minimarket-dash",
        },
    )


def _sqlite_engine(settings: Settings, *, writer: bool) -> Engine:
    path = sqlite_path(settings.database_url)
    url = settings.database_url
    if not writer and path is not None:
        # mode=rw never creates a missing file and falls back to read-only on a protected one.
        url = f"sqlite:///file:{path.resolve()}?mode=rw&uri=true"
    # One connection per serving thread and no overflow: each connection holds its own page
    # cache and memory map, so a worker's memory is bounded by threads × those settings.
    pool = {"pool_size": settings.threads, "max_overflow": 0} if path is not None else {}
    engine = create_engine(url, connect_args={"timeout": 5, "check_same_thread": False}, **pool)
    pragmas = sqlite_pragmas(settings, writer=writer)
    target = attach_target(settings)

    @event.listens_for(engine, "connect")
    def _tune(dbapi_connection, _record):
        # The store first: query_only would not stop ATTACH, but keeps it a read-only session.
        attach_store(dbapi_connection, target, 1024 * settings.sqlite_cache_mb, writer=writer)
        cursor = dbapi_connection.cursor()
        for name, value in pragmas:
            cursor.execute(f"PRAGMA {name} = {value}")
        cursor.close()

    return engine


def sqlite_pragmas(settings: Settings, *, writer: bool) -> tuple[tuple[str, str], ...]:
    """Return the (name, value) PRAGMAs every SQLite connection of these settings runs."""
    mode = (
        (("journal_mode", "WAL"), ("synchronous", "NORMAL")) if writer else (("query_only", "ON"),)
    )
    return (
        ("busy_timeout", "5000"),
        *mode,
        # Negative: KiB rather than pages.
        ("cache_size", str(-1024 * settings.sqlite_cache_mb)),
        # Sorts and automatic indexes of unoptimized databases spill to a temporary file:
        # held in memory they doubled a worker's peak (bench/NOTES.md, «Memoria»).
        ("temp_store", "FILE"),
        ("mmap_size", str(1024 * 1024 * settings.sqlite_mmap_mb)),
    )


def lift_statement_timeout(conn) -> None:
    """Let this transaction run past the serving statement and lock timeouts (PostgreSQL;
    writers only: a store build may wait for another host's build to finish)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
        conn.exec_driver_sql("SET LOCAL lock_timeout = 0")


def missing_schema(engine: Engine) -> list[str]:
    """Return the required tables (or table.column) the database lacks; empty when complete."""
    inspector = inspect(engine)
    existing = set(inspector.get_table_names())
    missing: list[str] = []
    for table, columns in REQUIRED_COLUMNS.items():
        if table not in existing:
            missing.append(table)
            continue
        present = {column["name"] for column in inspector.get_columns(table)}
        missing.extend(f"{table}.{name}" for name in columns if name not in present)
    return missing


def ping(engine: Engine) -> None:
    """Run the cheapest query that proves the database answers; raise on failure."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1")).scalar_one()


def create_schema(engine: Engine) -> None:
    """Create the tables that are missing (used by the demo seeder, never by serving)."""
    metadata.create_all(engine)
