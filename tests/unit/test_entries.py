"""The store of what managers enter: apart from the minimarket and the summaries, shared, kept."""

from __future__ import annotations

import sqlite3
import stat
import threading
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect

from minimarket_dash import entries
from minimarket_dash.config import load_settings
from minimarket_dash.entries import EntriesStore, EntriesUnavailable, entries_engine

WHEN = datetime(2026, 3, 15, 9, 12, 30, 123456)


def _store(url: str, state_dir: str) -> EntriesStore:
    settings = load_settings({"database_url": url, "state_dir": state_dir}, environ={})
    return EntriesStore(entries_engine(settings), lambda: WHEN)


@pytest.fixture
def store(tiny_url, tmp_path) -> EntriesStore:
    built = _store(tiny_url, str(tmp_path))
    yield built
    if built.engine.dialect.name == "postgresql":
        with built.engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {entries.ENTRIES_SCHEMA} CASCADE")
    built.engine.dispose()


def test_a_mark_is_kept_with_who_and_when_and_read_back(store):
    store.set("factura", "17", {"estado": "reclamada"}, "ana")
    mark = store.mark("factura", "17")
    assert mark.valor == {"estado": "reclamada"}
    assert (mark.usuario, mark.cuando) == ("ana", WHEN.replace(microsecond=0))
    assert store.mark("factura", "18") is None
    assert store.marks("pedido") == {}


def test_setting_again_replaces_and_none_removes_with_every_change_in_the_history(store):
    store.set("factura", "17", {"estado": "reclamada"}, "ana")
    store.set("factura", "17", {"estado": "acreditada"}, "beto")
    assert store.mark("factura", "17").valor == {"estado": "acreditada"}
    store.set("factura", "17", None, "ana")
    assert store.mark("factura", "17") is None
    history = store.history("factura", "17")
    assert [(m.valor, m.usuario) for m in history] == [
        ({}, "ana"),
        ({"estado": "acreditada"}, "beto"),
        ({"estado": "reclamada"}, "ana"),
    ]


def test_marks_filter_by_key_and_kind(store):
    for key in ("1", "2", "3"):
        store.set("factura", key, {"n": int(key)}, "ana")
    store.set("pedido", "2", {"x": True}, "ana")
    assert sorted(store.marks("factura", ["1", "3", "9"])) == ["1", "3"]
    assert store.marks("factura", []) == {}
    assert list(store.marks("pedido")) == ["2"]


def test_marks_never_go_to_the_minimarket_tables(store, tiny_url):
    store.set("factura", "1", {"estado": "ignorada"}, "ana")
    with store.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            tables = set(inspect(conn).get_table_names(entries.ENTRIES_SCHEMA))
            public = set(inspect(conn).get_table_names())
            assert {"mm_marcas", "mm_historial"} <= tables
            assert not {"mm_marcas", "mm_historial"} & public
        else:
            path = conn.exec_driver_sql("PRAGMA database_list").fetchall()[0][2]
            assert Path(path).name.startswith("marcas-tiny-")
            assert path != tiny_url.removeprefix("sqlite:///")


def test_the_sqlite_file_is_private_and_shared_by_a_second_process_view(tmp_path, tiny_sqlite_url):
    first = _store(tiny_sqlite_url, str(tmp_path))
    second = _store(tiny_sqlite_url, str(tmp_path))  # as another worker would open it
    first.set("precio", "42", {"precio": 1250.0}, "ana")
    assert second.mark("precio", "42").valor == {"precio": 1250.0}
    (path,) = tmp_path.glob("marcas-*.sqlite")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_concurrent_writers_lose_no_change(tmp_path, tiny_sqlite_url):
    stores = [_store(tiny_sqlite_url, str(tmp_path)) for _ in range(4)]

    def write(index: int) -> None:
        for n in range(25):
            stores[index].set("pedido", f"{index}-{n}", {"n": n}, f"u{index}")

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(stores[0].marks("pedido")) == 100
    assert len(stores[0].history("pedido", limit=1000)) == 100


def test_an_unreachable_store_raises_its_own_error(tiny_sqlite_url, tmp_path):
    broken = EntriesStore(None, lambda: WHEN)
    with pytest.raises(EntriesUnavailable):
        broken.marks("factura")
    blocked = tmp_path / "archivo"
    blocked.write_text("no es una carpeta")
    settings = load_settings(
        {"database_url": tiny_sqlite_url, "state_dir": str(blocked / "sub")}, environ={}
    )
    with pytest.raises(OSError):
        entries_engine(settings)


def test_a_huge_value_is_refused(store):
    with pytest.raises(ValueError):
        store.set("factura", "1", {"nota": "x" * (entries.MAX_VALUE_CHARS + 1)}, "ana")


def test_many_writers_of_the_same_mark_end_with_one_value_and_every_change(
    tmp_path, tiny_sqlite_url
):
    stores = [_store(tiny_sqlite_url, str(tmp_path)) for _ in range(4)]

    def write(index: int) -> None:
        for n in range(10):
            stores[index].set("factura", "7", {"n": n, "de": index}, f"u{index}")

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    history = stores[0].history("factura", "7", limit=100)
    assert len(history) == 40
    assert stores[0].mark("factura", "7").valor == history[0].valor


class _BusyCursor:
    """A cursor whose first journal-mode changes meet another connection's lock."""

    def __init__(self, busy_times: int) -> None:
        self.busy_times, self.mode, self.calls = busy_times, "delete", 0

    def execute(self, statement: str):
        self.calls += 1
        if statement.endswith("= WAL"):
            if self.busy_times:
                self.busy_times -= 1
                raise sqlite3.OperationalError("database is locked")
            self.mode = "wal"
        self.row = (self.mode,)
        return self

    def fetchone(self):
        return self.row


def test_wal_is_set_after_other_connections_let_go_of_a_new_file():
    cursor = _BusyCursor(busy_times=3)
    entries._enable_wal(cursor, attempts=5, pause=0)
    assert cursor.mode == "wal"


def test_a_file_locked_for_good_still_reports_the_lock():
    cursor = _BusyCursor(busy_times=10)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        entries._enable_wal(cursor, attempts=4, pause=0)
    assert cursor.mode == "delete"
