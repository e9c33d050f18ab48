"""The demo data generator: deterministic, realistic, consistent, and safe with existing data."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import date, timedelta

import numpy as np
import pytest
from sqlalchemy import insert, text

from minimarket_dash.config import load_settings
from minimarket_dash.db import make_engine
from minimarket_dash.demo import TABLE_ORDER, SeedError, seed_database
from minimarket_dash.demo.load import _csv_block
from minimarket_dash.invoices import read_items
from minimarket_dash.summaries import helper_metadata, mm_estado, read_state
from tests.databases import postgres_database

TODAY = date(2026, 3, 15)
LIMIT = f"{TODAY.isoformat()} 20:00:00"
LINES = 20_000


def _engine(url: str):
    return make_engine(load_settings({"database_url": url}), writer=True)


def _sqlite(path) -> str:
    return f"sqlite:///{path}"


def _scalar(engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def _rows(engine, sql: str, **params) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql), params)]


def _digest(engine, table: str) -> str:
    return hashlib.sha256(
        repr(_rows(engine, f"SELECT * FROM {table} ORDER BY id")).encode()
    ).hexdigest()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A SQLite database with 20,000 order lines up to TODAY, and its report."""
    engine = _engine(_sqlite(tmp_path_factory.mktemp("demo") / "demo.db"))
    report = seed_database(engine, lines=LINES, seed=42, today=TODAY, progress=False)
    yield engine, report
    engine.dispose()


# ------------------------------------------------------------------------------------------
# Determinism and sizes
# ------------------------------------------------------------------------------------------


def test_same_seed_gives_identical_tables_and_another_seed_does_not(tmp_path):
    first, second, other = (_engine(_sqlite(tmp_path / f"{name}.db")) for name in "abc")
    seed_database(first, lines=5_000, seed=7, today=TODAY, progress=False)
    seed_database(second, lines=5_000, seed=7, today=TODAY, progress=False)
    seed_database(other, lines=5_000, seed=8, today=TODAY, progress=False)
    for table in TABLE_ORDER:
        assert _digest(first, table) == _digest(second, table), table
    assert _digest(first, "detalle_pedidos") != _digest(other, "detalle_pedidos")
    assert _digest(first, "pedidos") != _digest(other, "pedidos")


def test_exact_line_count_and_report(seeded):
    engine, report = seeded
    counts = {table: _scalar(engine, f"SELECT COUNT(*) FROM {table}") for table in TABLE_ORDER}
    assert counts["detalle_pedidos"] == LINES == report.lines
    assert report.orders == counts["pedidos"]
    assert report.products == counts["productos"]
    assert report.providers == counts["proveedores"]
    assert report.movements == counts["movimientos_stock"]
    assert report.invoices == counts["facturas_ocr"]
    assert report.seconds > 0
    assert 6 <= LINES / report.orders <= 12


@pytest.mark.parametrize("lines", [1, 9, 137])
def test_tiny_line_counts_are_exact(tmp_path, lines):
    engine = _engine(_sqlite(tmp_path / "tiny.db"))
    report = seed_database(engine, lines=lines, seed=1, today=TODAY, progress=False)
    assert _scalar(engine, "SELECT COUNT(*) FROM detalle_pedidos") == lines == report.lines
    assert _scalar(engine, "SELECT COUNT(*) FROM pedidos WHERE total <= 0") == 0


def test_providers_and_categories(seeded):
    engine, _ = seeded
    providers = _rows(engine, "SELECT codigo, nombre, activo, telefono, email FROM proveedores")
    assert 35 <= len(providers) <= 45
    assert 2 <= sum(1 for row in providers if row[2] == 0) <= 6
    assert all(re.fullmatch(r"PRV\d{3}", row[0]) for row in providers)
    assert len({row[0] for row in providers}) == len(providers)
    names = [row[1] for row in providers]
    assert any("," in name for name in names) and any('"' in name for name in names)
    assert any(char in "".join(names) for char in "áéíóúñ")
    assert all("@" in row[4] for row in providers)
    # Phones are written the usual Argentine ways (issue 11); one in 13 lacks its area code.
    from minimarket_dash.phones import normalise_phone

    numbers = [normalise_phone(row[3])[0] for row in providers]
    assert 1 <= numbers.count(None) <= 4
    assert all(re.fullmatch(r"549\d{10}", n) for n in numbers if n)
    assert any(row[3].startswith("+54 9 ") for row in providers)
    assert any(row[3].startswith("(0") and " 15-" in row[3] for row in providers)
    assert 10 <= _scalar(engine, "SELECT COUNT(*) FROM categorias") <= 14


def test_products(seeded):
    engine, _ = seeded
    rows = _rows(
        engine,
        "SELECT nombre, codigo_barras, precio_compra, precio_venta, stock_actual, stock_minimo,"
        " activo, proveedor_id, categoria_id FROM productos",
    )
    assert 1800 <= len(rows) <= 2200
    assert len({row[0] for row in rows}) == len(rows)
    codes = [row[1] for row in rows]
    assert len(set(codes)) == len(codes)
    for code in codes:
        digits = [int(char) for char in code]
        assert len(digits) == 13
        assert (sum(digits[0:12:2]) + 3 * sum(digits[1:12:2]) + digits[12]) % 10 == 0
    assert all(row[3] > row[2] > 0 for row in rows)
    active = [row for row in rows if row[6] == 1]
    below = [row for row in active if row[4] < row[5]]
    assert 0.03 <= len(below) / len(active) <= 0.15
    assert any(row[4] == 0 for row in below)
    assert all(row[7] is not None and row[8] is not None for row in rows)


# ------------------------------------------------------------------------------------------
# Orders and lines
# ------------------------------------------------------------------------------------------


def test_order_totals_equal_the_sum_of_their_lines(seeded):
    engine, _ = seeded
    wrong = _scalar(
        engine,
        "SELECT COUNT(*) FROM (SELECT p.id FROM pedidos p JOIN detalle_pedidos d"
        " ON d.pedido_id = p.id GROUP BY p.id, p.total"
        " HAVING ABS(p.total - SUM(d.subtotal)) > 0.01) AS t",
    )
    assert wrong == 0
    assert (
        _scalar(
            engine,
            "SELECT COUNT(*) FROM pedidos WHERE id NOT IN (SELECT pedido_id FROM detalle_pedidos)",
        )
        == 0
    )


def test_lines_are_consistent(seeded):
    engine, _ = seeded
    assert _scalar(engine, "SELECT MIN(cantidad) FROM detalle_pedidos") >= 1
    assert (
        _scalar(
            engine,
            "SELECT COUNT(*) FROM detalle_pedidos"
            " WHERE ABS(subtotal - ROUND(cantidad * precio_unitario, 2)) > 0.006",
        )
        == 0
    )
    # Every line is a product of the order's provider, bought at most at today's purchase price
    # (prices rise with inflation, issue 12) and at least at a third of it (two years ago).
    mismatched = _scalar(
        engine,
        "SELECT COUNT(*) FROM detalle_pedidos d JOIN pedidos o ON o.id = d.pedido_id"
        " LEFT JOIN productos p ON p.nombre = d.producto_nombre"
        " WHERE p.id IS NULL OR p.proveedor_id <> o.proveedor_id"
        " OR d.precio_unitario > p.precio_compra + 0.006"
        " OR d.precio_unitario < p.precio_compra / 3",
    )
    assert mismatched == 0
    repeated = _scalar(
        engine,
        "SELECT COUNT(*) FROM (SELECT pedido_id, producto_nombre FROM detalle_pedidos"
        " GROUP BY pedido_id, producto_nombre HAVING COUNT(*) > 1) AS t",
    )
    assert repeated == 0


def test_product_popularity_is_skewed(seeded):
    engine, _ = seeded
    counts = [
        row[0]
        for row in _rows(
            engine,
            "SELECT COUNT(*) AS n FROM detalle_pedidos GROUP BY producto_nombre ORDER BY n DESC",
        )
    ]
    top_share = sum(counts[:10]) / LINES
    assert top_share > 6 * 10 / 2000  # at least six times a uniform share
    assert counts[0] > 10 * np.median(counts)


def test_order_numbers_and_states(seeded):
    engine, _ = seeded
    numbers = [row[0] for row in _rows(engine, "SELECT numero_pedido FROM pedidos")]
    assert len(set(numbers)) == len(numbers)
    assert all(re.fullmatch(r"PED-20\d\d-\d{6}", number) for number in numbers)
    states = dict(_rows(engine, "SELECT estado, COUNT(*) FROM pedidos GROUP BY estado"))
    # The minimarket's delivered state is «entregado» (issues 11 and 12; was «recibido»).
    assert set(states) == {"pendiente", "enviado", "entregado", "cancelado"}
    recent = dict(
        _rows(
            engine,
            "SELECT estado, COUNT(*) FROM pedidos WHERE fecha_pedido >= :since GROUP BY estado",
            since=(TODAY - timedelta(days=2)).isoformat(),
        )
    )
    assert "entregado" not in recent and recent.get("pendiente", 0) > 0
    old = dict(
        _rows(
            engine,
            "SELECT estado, COUNT(*) FROM pedidos WHERE fecha_pedido < :until GROUP BY estado",
            until=(TODAY - timedelta(days=30)).isoformat(),
        )
    )
    assert old["entregado"] / sum(old.values()) > 0.85
    assert (
        _scalar(
            engine,
            "SELECT COUNT(*) FROM pedidos"
            " WHERE (fecha_entrega_real IS NULL) <> (estado <> 'entregado')",
        )
        == 0
    )
    assert (
        _scalar(
            engine,
            "SELECT COUNT(*) FROM pedidos WHERE fecha_entrega_real < substr(fecha_pedido, 1, 10)",
        )
        == 0
    )


def test_inactive_providers_stop_receiving_orders(seeded):
    engine, _ = seeded
    last = _scalar(
        engine,
        "SELECT MAX(o.fecha_pedido) FROM pedidos o JOIN proveedores p ON p.id = o.proveedor_id"
        " WHERE p.activo = 0",
    )
    assert last is not None and last < (TODAY - timedelta(days=100)).isoformat()


# ------------------------------------------------------------------------------------------
# Time
# ------------------------------------------------------------------------------------------

TIMESTAMPS = (
    ("pedidos", "fecha_pedido"),
    ("movimientos_stock", "fecha_movimiento"),
    ("facturas_ocr", "fecha_procesamiento"),
    ("proveedores", "fecha_registro"),
    ("productos", "fecha_registro"),
)


@pytest.mark.parametrize(("table", "column"), TIMESTAMPS)
def test_timestamps_are_text_and_never_after_today_20h(seeded, table, column):
    engine, _ = seeded
    values = [row[0] for row in _rows(engine, f"SELECT {column} FROM {table}") if row[0]]
    assert values
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", value) for value in values)
    assert max(values) <= LIMIT


def test_history_spans_two_years(seeded):
    engine, _ = seeded
    for table, column in TIMESTAMPS[:2]:
        first = date.fromisoformat(_scalar(engine, f"SELECT MIN({column}) FROM {table}")[:10])
        last = date.fromisoformat(_scalar(engine, f"SELECT MAX({column}) FROM {table}")[:10])
        assert 700 <= (TODAY - first).days <= 731
        assert (TODAY - last).days <= 1
    days = [row[0] for row in _rows(engine, "SELECT fecha_factura FROM facturas_ocr")]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", day) and day <= TODAY.isoformat() for day in days)


def test_december_and_early_week_are_busier(seeded):
    engine, _ = seeded
    months = dict(
        _rows(
            engine,
            "SELECT substr(fecha_pedido, 6, 2), COUNT(*) FROM pedidos"
            " WHERE fecha_pedido >= :start AND fecha_pedido < :end GROUP BY 1",
            start="2024-04-01",
            end="2026-03-01",
        )
    )  # 23 whole months: every month twice except March
    december_per_day = months["12"] / 62
    average_per_day = sum(months.values()) / (date(2026, 3, 1) - date(2024, 4, 1)).days
    assert december_per_day > 1.2 * average_per_day
    weekdays = dict(
        _rows(engine, "SELECT strftime('%w', fecha_pedido), COUNT(*) FROM pedidos GROUP BY 1")
    )
    assert weekdays["0"] < 0.5 * weekdays["1"]  # Sunday vs Monday
    assert weekdays["1"] > weekdays["4"]  # Monday vs Thursday


# ------------------------------------------------------------------------------------------
# Movements and invoices
# ------------------------------------------------------------------------------------------


def test_movements(seeded):
    engine, _ = seeded
    kinds = {
        row[0]: row[1:]
        for row in _rows(
            engine,
            "SELECT tipo_movimiento, COUNT(*), MIN(cantidad), MAX(cantidad)"
            " FROM movimientos_stock GROUP BY tipo_movimiento",
        )
    }
    assert set(kinds) == {"entrada", "salida", "ajuste"}
    assert 0.2 <= sum(row[0] for row in kinds.values()) / LINES <= 0.3
    assert kinds["entrada"][1] > 0 and kinds["salida"][1] > 0
    assert kinds["ajuste"][1] < 0 < kinds["ajuste"][2]
    inconsistent = _scalar(
        engine,
        "SELECT COUNT(*) FROM movimientos_stock m LEFT JOIN productos p ON p.id = m.producto_id"
        " WHERE p.id IS NULL OR p.nombre <> m.producto_nombre OR p.proveedor_id <> m.proveedor_id"
        " OR m.usuario IS NULL OR m.origen IS NULL",
    )
    assert inconsistent == 0


def test_invoices(seeded):
    engine, _ = seeded
    rows = _rows(
        engine,
        "SELECT procesado, fecha_procesamiento, proveedor_asignado_id, productos_json,"
        " contenido_ocr, proveedor_original, total FROM facturas_ocr",
    )
    assert len(rows) >= 50
    processed = [row for row in rows if row[0] == 1]
    assert 0.75 <= len(processed) / len(rows) <= 0.95
    for row in rows:
        assert (row[1] is None) == (row[0] == 0) == (row[2] is None)
        # Most are readable lists in one of the OCR's key spellings (issue 12); a few are not.
        assert row[4].startswith("FACTURA") and row[5] and row[6] >= 0
    readable = [items for items in map(read_items, (row[3] for row in rows)) if items]
    assert len(readable) >= 0.95 * len(rows)


# ------------------------------------------------------------------------------------------
# Existing data, errors, progress
# ------------------------------------------------------------------------------------------


def test_refuses_filled_database_without_force_and_replaces_with_force(tmp_path):
    engine = _engine(_sqlite(tmp_path / "full.db"))
    seed_database(engine, lines=5_000, seed=3, today=TODAY, progress=False)
    before = _digest(engine, "detalle_pedidos")
    with pytest.raises(SeedError, match="--force") as caught:
        seed_database(engine, lines=3_000, seed=3, today=TODAY, progress=False)
    assert "tabla proveedores" in str(caught.value) and "\n" not in str(caught.value)
    assert _digest(engine, "detalle_pedidos") == before
    report = seed_database(engine, lines=3_000, seed=3, today=TODAY, force=True, progress=False)
    assert report.lines == 3_000
    assert _scalar(engine, "SELECT COUNT(*) FROM detalle_pedidos") == 3_000
    assert _scalar(engine, "SELECT MAX(id) FROM pedidos") == report.orders


def test_force_empties_the_stored_summaries(tmp_path):
    engine = _engine(_sqlite(tmp_path / "summaries.db"))
    seed_database(engine, lines=2_000, seed=3, today=TODAY, progress=False)
    helper_metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(mm_estado),
            [
                {"clave": "hasta", "valor": "2026-03-01 00:00:00"},
                {"clave": "actualizado", "valor": "2026-03-10 12:00:00"},
            ],
        )
    seed_database(engine, lines=2_000, seed=4, today=TODAY, force=True, progress=False)
    with engine.connect() as conn:
        assert read_state(conn) is None


def test_one_table_with_rows_is_enough_to_refuse(tmp_path):
    engine = _engine(_sqlite(tmp_path / "partial.db"))
    seed_database(engine, lines=100, seed=3, today=TODAY, progress=False)
    with engine.begin() as conn:
        for table in TABLE_ORDER[1:]:
            conn.execute(text(f"DELETE FROM {table}"))
        conn.execute(text("DELETE FROM proveedores WHERE id > 1"))
    with pytest.raises(SeedError, match=r"tabla proveedores\); use --force"):
        seed_database(engine, lines=100, seed=3, today=TODAY, progress=False)


def test_unreachable_postgres_is_a_seed_error_without_password():
    engine = _engine("postgresql://demo:secreto-123@127.0.0.1:1/nada")
    with pytest.raises(SeedError) as caught:
        seed_database(engine, lines=100, today=TODAY, progress=False)
    message = str(caught.value)
    assert message.startswith("No se pudo conectar a la base de datos")
    assert "secreto-123" not in message and "\n" not in message


def test_unopenable_sqlite_file_is_a_seed_error(tmp_path):
    folder = tmp_path / "a-folder.db"
    folder.mkdir()
    with pytest.raises(SeedError, match="No se pudo conectar"):
        seed_database(_engine(_sqlite(folder)), lines=100, today=TODAY, progress=False)


def test_missing_sqlite_folder_is_created(tmp_path):
    engine = _engine(_sqlite(tmp_path / "new" / "folder" / "demo.db"))
    report = seed_database(engine, lines=50, today=TODAY, progress=False)
    assert report.lines == 50


def test_lines_must_be_positive(tmp_path):
    with pytest.raises(SeedError, match="al menos 1"):
        seed_database(_engine(_sqlite(tmp_path / "x.db")), lines=0, progress=False)


def test_progress_bar_only_when_asked(tmp_path, capsys):
    seed_database(_engine(_sqlite(tmp_path / "quiet.db")), lines=500, today=TODAY, progress=False)
    assert capsys.readouterr().err == ""
    seed_database(_engine(_sqlite(tmp_path / "loud.db")), lines=500, today=TODAY, progress=True)
    assert "Cargando" in capsys.readouterr().err


def test_default_today_is_the_current_date(tmp_path):
    engine = _engine(_sqlite(tmp_path / "now.db"))
    seed_database(engine, lines=300, progress=False)
    last = _scalar(engine, "SELECT MAX(fecha_movimiento) FROM movimientos_stock")
    assert last <= f"{date.today().isoformat()} 20:00:00"
    assert date.fromisoformat(last[:10]) >= date.today() - timedelta(days=30)


# ------------------------------------------------------------------------------------------
# COPY encoding and PostgreSQL
# ------------------------------------------------------------------------------------------


def test_csv_block_matches_rfc4180():
    columns = {
        "i": np.array([0, -5, 1234567]),
        "f": np.array([0.0, -1.5, 1234.56]),
        "t": np.array(['a,b "c"', "línea\nnueva", ""], dtype=object),
        "n": np.array([None, 7, None], dtype=object),
        "d": np.array(["2026-03-15 20:00:00", "2026-01-01 00:00:00", "2025-12-31 23:59:59"]),
    }
    block = _csv_block(columns).decode("utf-8")
    rows = list(csv.reader(io.StringIO(block)))
    assert rows == [
        ["0", "0.00", 'a,b "c"', "", "2026-03-15 20:00:00"],
        ["-5", "-1.50", "línea\nnueva", "7", "2026-01-01 00:00:00"],
        ["1234567", "1234.56", "", "", "2025-12-31 23:59:59"],
    ]
    assert block.splitlines()[-1].startswith('1234567,1234.56,"",,')  # "" is text, nothing NULL


def _aggregates(engine) -> dict:
    return {
        "lines": _rows(engine, "SELECT COUNT(*), SUM(cantidad) FROM detalle_pedidos"),
        "states": _rows(engine, "SELECT estado, COUNT(*) FROM pedidos GROUP BY estado ORDER BY 1"),
        "kinds": _rows(
            engine,
            "SELECT tipo_movimiento, COUNT(*), SUM(cantidad) FROM movimientos_stock"
            " GROUP BY tipo_movimiento ORDER BY 1",
        ),
        "processed": _rows(
            engine, "SELECT procesado, COUNT(*) FROM facturas_ocr GROUP BY 1 ORDER BY 1"
        ),
        "providers": _rows(engine, "SELECT codigo, nombre, activo FROM proveedores ORDER BY id"),
        "first_last": [
            tuple(str(value) for value in row)
            for row in _rows(
                engine,
                "SELECT (SELECT MIN(fecha_pedido) FROM pedidos),"
                " (SELECT MAX(fecha_movimiento) FROM movimientos_stock)",
            )
        ],
    }


@pytest.mark.postgres
def test_postgres_gets_the_same_data_as_sqlite(tmp_path):
    sqlite_engine = _engine(_sqlite(tmp_path / "twin.db"))
    seed_database(sqlite_engine, lines=5_000, seed=5, today=TODAY, progress=False)
    expected = _aggregates(sqlite_engine)
    expected_total = _scalar(sqlite_engine, "SELECT SUM(total) FROM pedidos")
    with postgres_database("mmdemo_test") as url:
        engine = _engine(url)
        try:
            report = seed_database(engine, lines=5_000, seed=5, today=TODAY, progress=False)
            assert report.lines == 5_000
            assert _aggregates(engine) == expected
            total = _scalar(engine, "SELECT SUM(total) FROM pedidos")
            assert total == pytest.approx(expected_total, rel=1e-12)
            foreign_keys = _scalar(engine, "SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f'")
            assert foreign_keys == 7  # dropped for COPY, restored afterwards
            with engine.begin() as conn:  # sequences continue after the loaded ids
                new_id = conn.execute(
                    text("INSERT INTO categorias (nombre, activo) VALUES ('X', 1) RETURNING id")
                ).scalar()
                assert new_id == 13
                conn.execute(text("DELETE FROM categorias WHERE id = 13"))
            with pytest.raises(SeedError, match="--force"):
                seed_database(engine, lines=1_000, seed=5, today=TODAY, progress=False)
            again = seed_database(
                engine, lines=2_000, seed=5, today=TODAY, force=True, progress=False
            )
            assert _scalar(engine, "SELECT COUNT(*) FROM detalle_pedidos") == 2_000 == again.lines
        finally:
            engine.dispose()
    sqlite_engine.dispose()
