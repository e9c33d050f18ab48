"""The refresher of the dashboard's own store: lock, due builds, failures, restored files,
and /health's reading of it. Real SQLite files; the live gunicorn cases are in
tests/ops/test_refresher_live.py."""

from __future__ import annotations

import hashlib
import os
import shutil
from datetime import datetime, timedelta

import pytest
from pandas.testing import assert_frame_equal
from sqlalchemy import text

from minimarket_dash import queries, refresher, store
from minimarket_dash.config import SettingsError, load_settings
from minimarket_dash.db import make_engine
from minimarket_dash.filters import Filters
from minimarket_dash.refresher import Refresher, is_due, needs_full_build, summaries_health
from minimarket_dash.summaries import SummaryState, read_state
from tests.constants import TINY_NOW
from tests.databases import fill_database


@pytest.fixture
def tiny_file(tmp_path):
    path = tmp_path / "tienda.db"
    fill_database(f"sqlite:///{path}")
    return path


def _settings(path, tmp_path, **extra):
    return load_settings(
        {
            "database_url": f"sqlite:///{path}",
            "state_dir": str(tmp_path / "st"),
            "fixed_now": TINY_NOW,
            **extra,
        }
    )


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_one_lock_holder_per_host(tiny_file, tmp_path):
    settings = _settings(tiny_file, tmp_path)
    first, second = Refresher(settings), Refresher(settings)
    assert first.try_lock() and first.holds_lock
    assert not second.try_lock()
    first._lock_handle.close()  # the holder's process dies: the kernel drops the lock
    first._lock_handle = None
    assert second.try_lock()


def test_first_step_builds_the_store_without_writing_the_minimarket_file(tiny_file, tmp_path):
    settings = _settings(tiny_file, tmp_path)
    before = _digest(tiny_file)
    outcome = Refresher(settings).step()
    assert outcome is not None and outcome.full
    assert outcome.state.actualizado == TINY_NOW
    assert outcome.state.hasta_dia == datetime.combine(TINY_NOW.date(), datetime.min.time())
    assert _digest(tiny_file) == before
    assert store.store_file(settings).exists()
    # The refresher's own connection opens the minimarket's file read-only (mode=ro).
    with pytest.raises(Exception, match="readonly"), store.store_engine(settings).begin() as conn:
        conn.execute(text("DELETE FROM categorias"))
    assert _digest(tiny_file) == before
    status = refresher.read_status(settings)
    assert status["en_curso"] is False and status["completo"] is True and "ultimo_ok" in status
    with make_engine(settings).connect() as conn:
        assert read_state(conn) == outcome.state
        # Served through the store, the same numbers as read live.
        fast = queries.TOP_PRODUCTS.query(conn, Filters(limit=50), TINY_NOW)
        slow = queries.TOP_PRODUCTS.query(conn, Filters(limit=50), TINY_NOW, use_summaries=False)
    assert fast.to_dict("records") == slow.to_dict("records")


def test_not_due_until_an_interval_passed(tiny_file, tmp_path):
    settings = _settings(tiny_file, tmp_path)
    assert Refresher(settings).step() is not None
    assert Refresher(settings).step() is None  # same "now": nothing to do
    later = _settings(tiny_file, tmp_path, fixed_now=TINY_NOW + timedelta(minutes=15))
    outcome = Refresher(later).step()
    assert outcome is not None and not outcome.full  # incremental within the day


def test_full_rebuild_once_a_day_and_without_state():
    built = SummaryState(
        datetime(2026, 3, 1),
        datetime(2026, 3, 18),
        datetime(2026, 3, 18, 9),
        completo=datetime(2026, 3, 18, 9),
    )
    assert needs_full_build(None, datetime(2026, 3, 18, 10))
    assert not needs_full_build(built, datetime(2026, 3, 19, 8, 59))
    assert needs_full_build(built, datetime(2026, 3, 19, 9))
    assert is_due(built, datetime(2026, 3, 18, 9, 15), timedelta(minutes=15))
    assert not is_due(built, datetime(2026, 3, 18, 9, 14), timedelta(minutes=15))


def test_a_failed_build_keeps_the_previous_summaries(tiny_file, tmp_path):
    settings = _settings(tiny_file, tmp_path)
    first = Refresher(settings).step()
    moved = tiny_file.with_suffix(".lejos")
    tiny_file.rename(moved)  # the database is gone during the next refresh
    later = _settings(tiny_file, tmp_path, fixed_now=TINY_NOW + timedelta(hours=1))
    assert Refresher(later).step() is None
    status = refresher.read_status(settings)
    assert "OperationalError" in status["ultimo_error"] and status["ultimo_ok"]
    health = refresher.refresh_error(status)
    assert "detalle en el log" in health["summaries_error"]
    assert "OperationalError" not in health["summaries_error"]  # /health is public
    moved.rename(tiny_file)
    with make_engine(settings).connect() as conn:
        assert read_state(conn) == first.state
    assert Refresher(later).step() is not None
    assert refresher.refresh_error(refresher.read_status(settings)) == {}


def test_a_restored_file_is_never_read_through_the_old_summaries(tiny_file, tmp_path):
    settings = _settings(tiny_file, tmp_path)
    Refresher(settings).step()
    # A restore writes a new file (a new inode) where the old one was, with other rows.
    copy = tiny_file.with_suffix(".copia")
    shutil.copyfile(tiny_file, copy)
    engine = make_engine(load_settings({"database_url": f"sqlite:///{copy}"}), writer=True)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM detalle_pedidos"))
    engine.dispose()
    os.replace(copy, tiny_file)
    reader = make_engine(settings)
    with reader.connect() as conn:
        assert read_state(conn) is None  # built from another file: read live
        live = queries.TOP_PRODUCTS.query(conn, Filters(limit=50), TINY_NOW)
    assert live.empty
    outcome = Refresher(settings).step()
    assert outcome is not None and outcome.full
    with reader.connect() as conn:
        assert read_state(conn) is not None
        assert queries.TOP_PRODUCTS.query(conn, Filters(limit=50), TINY_NOW).empty


def test_health_fields_follow_the_age_and_the_interval(tiny_file, tmp_path):
    settings = _settings(tiny_file, tmp_path, refresh_minutes=15)
    assert summaries_health(settings, 60.0, 100.0) == {"summaries": "ok"}
    assert summaries_health(settings, 45 * 60 + 1.0, 10_000.0) == {"summaries": "degraded"}
    assert summaries_health(settings, None, 60.0) == {"summaries": "building"}
    assert summaries_health(settings, None, 45 * 60 + 1.0) == {"summaries": "degraded"}
    off = _settings(tiny_file, tmp_path, refresh_minutes=0)
    assert summaries_health(off, None, 10_000.0) == {"summaries": "off"}


@pytest.mark.parametrize("raw", ["-1", "1441", "cada hora", "nan"])
def test_a_wrong_refresh_interval_names_the_variable(raw):
    with pytest.raises(SettingsError, match="DASHBOARD_REFRESH_MINUTES"):
        load_settings(environ={"DASHBOARD_REFRESH_MINUTES": raw})


def test_fractions_of_a_minute_are_accepted():
    assert load_settings(environ={"DASHBOARD_REFRESH_MINUTES": "0,5"}).refresh_minutes == 0.5


def test_stores_of_two_databases_never_mix(tmp_path):
    one = load_settings({"database_url": f"sqlite:///{tmp_path}/a/m.db", "state_dir": "s"})
    two = load_settings({"database_url": f"sqlite:///{tmp_path}/b/m.db", "state_dir": "s"})
    assert store.store_file(one) != store.store_file(two)
    assert store.store_file(one).name.startswith("resumenes-m-")


def test_rows_added_after_the_refresh_show_at_once(tiny_file, tmp_path):
    """The live tail is reached through the store's id ranges (a database as found has no
    date index): rows written after the refresh must still count, today's and the month's."""
    from sqlalchemy import insert

    from minimarket_dash.db import detalle_pedidos, movimientos_stock, pedidos

    settings = _settings(tiny_file, tmp_path)
    Refresher(settings).step()
    writer = make_engine(settings, writer=True)
    with writer.begin() as conn:
        order = conn.execute(
            insert(pedidos).values(
                proveedor_id=1,
                numero_pedido="NUEVO-1",
                fecha_pedido=TINY_NOW - timedelta(hours=1),
                estado="pendiente",
                total=100.0,
            )
        ).inserted_primary_key[0]
        conn.execute(
            insert(detalle_pedidos),
            [
                {
                    "pedido_id": order,
                    "producto_nombre": "Producto recién pedido",
                    "cantidad": 500,
                    "precio_unitario": 2.0,
                }
            ],
        )
        conn.execute(
            insert(movimientos_stock).values(
                producto_id=1,
                tipo_movimiento="salida",
                cantidad=7,
                proveedor_id=1,
                fecha_movimiento=TINY_NOW - timedelta(minutes=5),
            )
        )
    writer.dispose()
    reader = make_engine(settings)
    metrics = (
        queries.SUMMARY,
        queries.PROVIDERS,
        queries.TOP_PRODUCTS,
        queries.WEEKLY_SALES,
        queries.MONTHLY_MOVEMENTS,
        queries.STOCK_BY_PROVIDER,
        queries.SPENDING,
        queries.REORDER,
        queries.MONTHLY_ORDERS,
        queries.STOCK_TIMELINE,
        queries.UNDELIVERED,
        queries.TODAY_COUNTS,
    )
    with reader.connect() as conn:
        assert read_state(conn) is not None
        top = queries.TOP_PRODUCTS.query(conn, Filters(limit=5), TINY_NOW)
        assert top.iloc[0]["producto"] == "Producto recién pedido"
        for metric in metrics:
            fast = metric.query(conn, metric.defaults, TINY_NOW)
            slow = metric.query(conn, metric.defaults, TINY_NOW, use_summaries=False)
            assert_frame_equal(fast, slow, obj=metric.name)  # NaN equals NaN here
        for metric in (queries.STOCK_TIMELINE, queries.ACTIVITY):
            narrowed = metric.query(conn, metric.defaults, TINY_NOW)
            # The same query on a connection without the store reads the dates alone.
            plain = make_engine(
                load_settings(
                    {"database_url": f"sqlite:///{tiny_file}", "state_dir": str(tmp_path / "vacío")}
                )
            )
            with plain.connect() as bare:
                assert read_state(bare) is None
                alone = metric.query(bare, metric.defaults, TINY_NOW)
            plain.dispose()
            assert narrowed.to_dict("records") == alone.to_dict("records"), metric.name


def test_remembered_id_ranges_follow_each_new_build(tiny_file, tmp_path):
    """The id ranges a request reads from the store are remembered per build (its
    `generacion`). A row written with a past date after a build is counted once the next full
    build has its id: the same window must then read the new ranges, not the remembered ones."""
    from sqlalchemy import insert

    from minimarket_dash.db import pedidos
    from minimarket_dash.refresher import refresh

    settings = _settings(tiny_file, tmp_path)
    yesterday = TINY_NOW.date() - timedelta(days=1)
    # Read live, narrowed by the ranges of days before the newest stored one (today).
    window = Filters(start_date=yesterday - timedelta(days=9), end_date=yesterday, limit=50)
    reader = make_engine(settings)
    Refresher(settings).step()
    with reader.connect() as conn:
        first = read_state(conn)
        before = queries.ORDERS_BY_PROVIDER.query(conn, window, TINY_NOW)  # ranges remembered
    writer = make_engine(settings, writer=True)
    with writer.begin() as conn:
        conn.execute(
            insert(pedidos).values(
                proveedor_id=1,
                numero_pedido="TARDE-1",
                estado="pendiente",
                total=10.0,
                fecha_pedido=datetime.combine(yesterday, datetime.min.time()) + timedelta(hours=9),
            )
        )
    writer.dispose()
    refresh(settings, store.store_engine(settings), full=True)
    with reader.connect() as conn:
        second = read_state(conn)
        after = queries.ORDERS_BY_PROVIDER.query(conn, window, TINY_NOW)
        direct = dict(
            conn.execute(
                text(
                    "SELECT pr.nombre, COUNT(*) FROM pedidos p JOIN proveedores pr"
                    " ON pr.id = p.proveedor_id WHERE pr.activo AND p.fecha_pedido >= :start"
                    " AND p.fecha_pedido < :end GROUP BY pr.nombre"
                ),
                {"start": str(yesterday - timedelta(days=9)), "end": str(TINY_NOW.date())},
            ).all()
        )
    reader.dispose()
    assert first.generacion and second.generacion and first.generacion != second.generacion
    counted = dict(zip(after["nombre"], after["pedidos"], strict=True))
    assert counted == direct
    assert sum(counted.values()) == before["pedidos"].sum() + 1


def test_today_follows_orders_closed_and_written_after_the_refresh(tiny_file, tmp_path):
    """Today's lists and counts read the orders the store found open (mm_pedidos_abiertos)
    and every newer one: one delivered and one cancelled after the refresh leave them at once,
    a new late one joins them at once; all as counted straight from pedidos."""
    from sqlalchemy import insert, update

    from minimarket_dash.db import pedidos

    settings = _settings(tiny_file, tmp_path)
    writer = make_engine(settings, writer=True)
    with writer.begin() as conn:  # two late orders, open when the store is built
        conn.execute(
            insert(pedidos),
            [
                {
                    "proveedor_id": 1,
                    "numero_pedido": number,
                    "estado": "enviado",
                    "total": 20.0,
                    "fecha_pedido": TINY_NOW - timedelta(days=8),
                    "fecha_entrega_esperada": TINY_NOW - timedelta(days=3),
                }
                for number in ("ATRASADO-1", "ATRASADO-2")
            ],
        )
    Refresher(settings).step()
    reader = make_engine(settings)

    def counted(conn):
        return conn.execute(
            text(
                "SELECT COUNT(*) FROM pedidos WHERE (estado IS NULL OR estado NOT IN"
                " ('entregado', 'cancelado'))"
            )
        ).scalar_one()

    def late_numbers(conn):
        return sorted(
            conn.execute(
                text(
                    "SELECT numero_pedido FROM pedidos WHERE fecha_entrega_real IS NULL"
                    " AND (estado IS NULL OR estado != 'cancelado')"
                    " AND substr(fecha_entrega_esperada, 1, 10) <= :today"
                ),
                {"today": TINY_NOW.date().isoformat()},
            ).scalars()
        )

    with reader.connect() as conn:
        before = queries.UNDELIVERED.query(conn, Filters(), TINY_NOW)
        assert sorted(before["numero_pedido"]) == late_numbers(conn)
        assert {"ATRASADO-1", "ATRASADO-2"} <= set(before["numero_pedido"])
        assert int(
            queries.TODAY_COUNTS.query(conn, Filters(), TINY_NOW)["pendientes"].iloc[0]
        ) == counted(conn)
    delivered, cancelled = "ATRASADO-1", "ATRASADO-2"
    with writer.begin() as conn:
        conn.execute(
            update(pedidos)
            .where(pedidos.c.numero_pedido == delivered)
            .values(estado="entregado", fecha_entrega_real=TINY_NOW - timedelta(hours=1))
        )
        conn.execute(
            update(pedidos).where(pedidos.c.numero_pedido == cancelled).values(estado="cancelado")
        )
        conn.execute(
            insert(pedidos).values(
                proveedor_id=1,
                numero_pedido="ATRASADO-NUEVO",
                estado="pendiente",
                total=50.0,
                fecha_pedido=TINY_NOW - timedelta(days=9),
                fecha_entrega_esperada=TINY_NOW - timedelta(days=2),
            )
        )
    writer.dispose()
    with reader.connect() as conn:
        after = queries.UNDELIVERED.query(conn, Filters(), TINY_NOW)
        counts = queries.TODAY_COUNTS.query(conn, Filters(), TINY_NOW)
        expected_late, expected_pending = late_numbers(conn), counted(conn)
    reader.dispose()
    numbers = sorted(after["numero_pedido"])
    assert numbers == expected_late
    assert delivered not in numbers and cancelled not in numbers and "ATRASADO-NUEVO" in numbers
    assert int(counts["pendientes"].iloc[0]) == expected_pending


def test_two_spellings_of_one_file_share_the_store_and_the_lock(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    relative = load_settings({"database_url": "sqlite:///m.db", "state_dir": "s"})
    absolute = load_settings({"database_url": f"sqlite:///{tmp_path}/m.db", "state_dir": "s"})
    assert store.store_file(relative) == store.store_file(absolute)
    assert store.lock_file(relative) == store.lock_file(absolute)


def test_an_order_cancelled_after_the_refresh_leaves_spending_at_once(tiny_file, tmp_path):
    """The closed days of /api/spending come from the store (whole months from the monthly
    table, the month in course from the daily one) minus the orders cancelled since, whose
    money is the store's per-order sum (mm_importe_pedido)."""
    from datetime import datetime

    from sqlalchemy import insert

    from minimarket_dash.db import detalle_pedidos, pedidos

    settings = _settings(tiny_file, tmp_path)
    writer = make_engine(settings, writer=True)
    with writer.begin() as conn:  # a second order of Bebidas Norte (2) in February
        conn.execute(
            insert(pedidos).values(
                id=50,
                proveedor_id=2,
                numero_pedido="FEB-2",
                fecha_pedido=datetime(2026, 2, 22, 9),
                estado="recibido",
                total=0.0,
            )
        )
        conn.execute(
            insert(detalle_pedidos),
            [
                {
                    "pedido_id": 50,
                    "producto_nombre": "Agua mineral 2 L",
                    "cantidad": 3,
                    "precio_unitario": 250.0,
                },
                {
                    "pedido_id": 50,
                    "producto_nombre": "Soda 1,5 L",
                    "cantidad": 2,
                    "precio_unitario": 80.5,
                },
            ],
        )
    Refresher(settings).step()
    reader = make_engine(settings)

    def march_of_provider_1() -> list:
        with reader.connect() as conn:
            cells = queries.SPENDING.query(conn, queries.SPENDING.defaults, TINY_NOW)
        return cells[(cells["mes"] == "2026-03") & (cells["proveedor_id"] == 1)][
            ["importe", "pedidos"]
        ].values.tolist()[0]

    march_before = march_of_provider_1()
    # Order 4: 6 × 100 in February (a whole stored month), the provider of order 50. Order 2:
    # 4 × 100 on 10 March, a stored day of the month in course (the daily table).
    with writer.begin() as conn:
        conn.execute(pedidos.update().where(pedidos.c.id.in_([4, 2])).values(estado="cancelado"))
    writer.dispose()
    with reader.connect() as conn:
        fast = queries.SPENDING.query(conn, queries.SPENDING.defaults, TINY_NOW)
        slow = queries.SPENDING.query(
            conn, queries.SPENDING.defaults, TINY_NOW, use_summaries=False
        )
    assert_frame_equal(fast, slow)
    february = fast[(fast["mes"] == "2026-02") & (fast["proveedor_id"] == 2)]
    # 3 × 250 + 2 × 80,50 = 911 of order 50; order 4 (600) no longer counts.
    assert february[["importe", "pedidos"]].values.tolist() == [[911.0, 1]]
    assert march_of_provider_1() == [march_before[0] - 400.0, march_before[1] - 1]


def test_a_table_changed_by_a_newer_version_is_rebuilt_whole(tiny_file, tmp_path):
    """A store table whose columns differ from this version's (here the per-order money as an
    earlier build of this project wrote it, by month) is dropped and the store rebuilt whole,
    not extended: an incremental build would fail on it at every refresh."""
    from minimarket_dash.summaries import build, mm_importe_pedido

    settings = _settings(tiny_file, tmp_path)
    Refresher(settings).step()
    writer = store.store_engine(settings)
    with writer.begin() as conn:
        conn.execute(text("DROP TABLE mm_dashboard.mm_importe_pedido"))
        conn.execute(
            text(
                "CREATE TABLE mm_dashboard.mm_importe_pedido "
                "(pedido_id INTEGER PRIMARY KEY, mes VARCHAR(7), importe FLOAT)"
            )
        )
    started_from = build(writer, TINY_NOW + timedelta(minutes=20))
    assert started_from.hasta_dia == datetime(1900, 1, 1)  # a full rebuild
    with writer.connect() as conn:
        columns = {
            row[1]
            for row in conn.execute(text("PRAGMA mm_dashboard.table_info(mm_importe_pedido)"))
        }
        fast = queries.SPENDING.query(conn, queries.SPENDING.defaults, TINY_NOW)
        slow = queries.SPENDING.query(
            conn, queries.SPENDING.defaults, TINY_NOW, use_summaries=False
        )
    writer.dispose()
    assert columns == set(mm_importe_pedido.c.keys())
    assert_frame_equal(fast, slow)
