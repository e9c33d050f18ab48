"""The store's refresher under real gunicorn servers: one refresher per host across two
instances, take-over when the holder stops, and a database that goes away during a refresh."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3

import requests

from tests.constants import API_KEY, AUTH
from tests.live import start_live_server
from tests.ops.helpers import wait_for

EVERY_3_SECONDS = "0.05"  # DASHBOARD_REFRESH_MINUTES


def _records(server, logger: str = "minimarket_dash.refresher") -> list[dict]:
    records = []
    for path in sorted(server.log_dir.glob("*.log*")):
        for line in path.read_text(errors="replace").splitlines():
            if f'"{logger}"' in line:
                records.append(json.loads(line))
    return records


def _holders(server) -> set[int]:
    found = (re.search(r"pid (\d+)", r["msg"]) for r in _records(server))
    return {int(match.group(1)) for match in found if match}


def _health(server) -> tuple[int, dict]:
    answer = requests.get(server.url + "/health", timeout=10)
    return answer.status_code, answer.json()


def _environment(database, state_dir) -> dict[str, str]:
    return {
        "DASHBOARD_DATABASE_URL": f"sqlite:///{database}",
        "DASHBOARD_STATE_DIR": str(state_dir),
        "DASHBOARD_REFRESH_MINUTES": EVERY_3_SECONDS,
    }


def test_two_instances_on_one_host_run_one_refresher(tmp_path, tiny_sqlite_url):
    database = tmp_path / "tienda.db"
    shutil.copy(tiny_sqlite_url.removeprefix("sqlite:///"), database)
    env = _environment(database, tmp_path / "estado")
    first = start_live_server(env)
    second = start_live_server(env)
    try:
        for server in (first, second):
            assert wait_for(lambda s=server: _health(s)[1].get("summaries") == "ok", 30)
        # Several refreshes later, still one process in both instances' logs.
        assert wait_for(
            lambda: (
                sum(
                    "(incremental)" in r["msg"] or "(completo)" in r["msg"]
                    for r in _records(first) + _records(second)
                )
                >= 2
            ),
            30,
        )
        holders = _holders(first) | _holders(second)
        assert len(holders) == 1, holders
        holder_is_first = bool(_holders(first))
        stopping, staying = (first, second) if holder_is_first else (second, first)
        stopping.stop()
        # The other instance's workers take the lock within an interval or two.
        assert wait_for(lambda: len(_holders(staying)) == 1, 30), staying.output()
        assert _holders(staying).isdisjoint(holders)
        before = len([r for r in _records(staying) if "actualizados" in r["msg"]])
        assert wait_for(
            lambda: len([r for r in _records(staying) if "actualizados" in r["msg"]]) > before, 30
        )
        assert _health(staying)[1]["summaries"] == "ok"
    finally:
        first.stop()
        second.stop()


def test_a_database_gone_during_a_refresh_keeps_the_store(tmp_path, tiny_sqlite_url):
    database = tmp_path / "tienda.db"
    shutil.copy(tiny_sqlite_url.removeprefix("sqlite:///"), database)
    state_dir = tmp_path / "estado"
    server = start_live_server(_environment(database, state_dir), workers=1)
    try:
        assert wait_for(lambda: _health(server)[1].get("summaries") == "ok", 30)
        (store,) = state_dir.glob("resumenes-tienda-*.sqlite")
        with sqlite3.connect(store) as conn:
            built = dict(conn.execute("SELECT clave, valor FROM mm_estado"))
        database.rename(tmp_path / "lejos.db")  # the database is down
        assert wait_for(lambda: "summaries_error" in _health(server)[1], 30), server.output()
        status, body = _health(server)
        assert status == 503 and body["database"] == "error"
        assert "detalle en el log" in body["summaries_error"]
        warnings = [r for r in _records(server) if r["level"] == "WARNING"]
        assert warnings and "se siguen usando los anteriores" in warnings[-1]["msg"]
        with sqlite3.connect(store) as conn:  # the last good summaries are still there
            assert dict(conn.execute("SELECT clave, valor FROM mm_estado")) == built
        (tmp_path / "lejos.db").rename(database)  # back up: the next refresh clears the error
        assert wait_for(
            lambda: _health(server)[0] == 200 and "summaries_error" not in _health(server)[1], 30
        ), server.output()
        assert _health(server)[1]["summaries"] == "ok"
    finally:
        server.stop()


def test_the_minimarket_file_is_left_as_it_was(tmp_path, tiny_sqlite_url):
    """Served by gunicorn with its refresher at work, every API endpoint and page asked: the
    minimarket's file keeps its bytes and its time, and nothing appears beside it (no journal:
    nothing was written; everything the dashboard writes is under DASHBOARD_STATE_DIR). The
    copy is in rollback-journal mode: in WAL mode any SQLite reader, the minimarket's own
    programs too, keeps -wal and -shm files beside the database."""
    folder = tmp_path / "minimercado"
    folder.mkdir()
    database = folder / "tienda.db"
    shutil.copy(tiny_sqlite_url.removeprefix("sqlite:///"), database)
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA journal_mode = DELETE").fetchone() == ("delete",)
    before = (hashlib.sha256(database.read_bytes()).hexdigest(), database.stat().st_mtime_ns)
    server = start_live_server(
        {**_environment(database, tmp_path / "estado"), "DASHBOARD_API_KEY": API_KEY}
    )
    try:
        assert wait_for(lambda: _health(server)[1].get("summaries") == "ok", 30)
        assert wait_for(
            lambda: sum("actualizados" in r["msg"] for r in _records(server)) >= 2, 30
        ), server.output()
        spec = requests.get(server.url + "/api/openapi.json", timeout=10).json()
        paths = [path for path in spec["paths"] if "{" not in path]
        assert len(paths) >= 15
        for path in paths + ["/", "/providers", "/analytics", "/compras", "/facturas"]:
            answer = requests.get(server.url + path, headers=AUTH, timeout=30)
            assert answer.status_code == 200, (path, answer.status_code)
    finally:
        server.stop()
    assert (
        hashlib.sha256(database.read_bytes()).hexdigest(),
        database.stat().st_mtime_ns,
    ) == before
    assert [p.name for p in folder.iterdir()] == ["tienda.db"]
