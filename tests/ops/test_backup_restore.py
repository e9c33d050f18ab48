"""RUNBOOK §15 and §16 run as written: backups of the minimarket's database and of what the
managers entered (never the summaries), restores that keep the file's owner, mode and journal
mode, the read-only role made by the database's owner without a superuser, and pg_dump with it.

Each test takes its commands from RUNBOOK.md (paths, names and hosts substituted).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from minimarket_dash.config import load_settings
from minimarket_dash.entries import EntriesStore, entries_engine, entries_file
from tests.databases import admin_url, fill_database
from tests.live import PROJECT_ROOT, start_live_server
from tests.ops.helpers import active_providers, block_with, wait_for

pytestmark = pytest.mark.live

VENV_BIN = Path(sys.executable).parent
KEY = "backup-key-0123456789abcdef"
EXAMPLE = "respaldos/minimarket-20260301-0315"


def sh(script: str, cwd: Path, env: dict[str, str] | None = None):
    full = {k: v for k, v in os.environ.items() if not k.startswith(("DASHBOARD_", "PG"))}
    full.update(env or {})
    return subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=full, capture_output=True, text=True, timeout=300
    )


def lines_of(block: str, start: str) -> str:
    """The lines of a RUNBOOK block that start with `start`, joined."""
    found = [line for line in block.splitlines() if line.startswith(start)]
    assert found, (start, block)
    return "\n".join(found)


def set_mark(settings, value: dict) -> None:
    store = EntriesStore(entries_engine(settings), settings.now)
    store.set("factura", "F-1", value, "ana")
    store.engine.dispose()


def mark_of(settings) -> dict | None:
    store = EntriesStore(entries_engine(settings), settings.now)
    found = store.mark("factura", "F-1")
    store.engine.dispose()
    return found.valor if found else None


def header_journal(path: Path) -> str:
    return "wal" if path.read_bytes()[18] == 2 else "delete"


@pytest.fixture
def workdir(tmp_path, tiny_sqlite_url) -> Path:
    """An operator's folder: .venv, data/ with the shop's file (WAL, 640, owned by another
    user when the test runs as root) and the service's env file."""
    (tmp_path / ".venv").symlink_to(VENV_BIN.parent)
    data = tmp_path / "data"
    data.mkdir()
    with (
        sqlite3.connect(tiny_sqlite_url.removeprefix("sqlite:///")) as source,
        sqlite3.connect(data / "minimarket.db") as copy,
    ):
        source.backup(copy)
        copy.execute("PRAGMA journal_mode = WAL")
    os.chmod(data / "minimarket.db", 0o640)
    if os.geteuid() == 0:
        shutil.chown(data / "minimarket.db", "nobody", "nogroup")
    (tmp_path / "dashboard.env").write_text(
        f"DASHBOARD_DATABASE_URL=sqlite:///{data / 'minimarket.db'}\n"
        f"DASHBOARD_STATE_DIR={data}\nDASHBOARD_API_KEY={KEY}\n"
    )
    return tmp_path


def test_sqlite_backup_and_restores_as_written(workdir):
    database = workdir / "data" / "minimarket.db"
    env_file = workdir / "dashboard.env"
    settings = load_settings(
        {"database_url": f"sqlite:///{database}", "state_dir": str(workdir / "data")}, environ={}
    )
    set_mark(settings, {"estado": "reclamada"})
    block = block_with(
        "(umask 077 && mkdir -p respaldos) && .venv/bin/minimarket-dash backup "
        '--to "respaldos/minimarket-$(date +%Y%m%d-%H%M).db"'
    )
    done = sh(block.replace("/etc/minimarket-dash/dashboard.env", str(env_file)), workdir)
    assert done.returncode == 0, done.stderr
    (copy,) = (workdir / "respaldos").glob("minimarket-*[0-9].db")
    marks_copy = copy.with_name(copy.stem + ".marcas.sqlite")
    assert sorted(p.name for p in copy.parent.iterdir()) == sorted([copy.name, marks_copy.name])
    assert [line.split(":")[0] for line in done.stdout.splitlines()] == [
        "Copia lista (base)",
        "Copia lista (marcas de los encargados)",
    ]
    assert (
        copy.parent.stat().st_mode & 0o777,
        copy.stat().st_mode & 0o777,
        marks_copy.stat().st_mode & 0o777,
    ) == (0o700, 0o600, 0o600)
    assert not list(copy.parent.glob("resumenes*"))  # the summaries are rebuilt, not backed up
    backed_up = active_providers(copy)

    # After the backup: a new provider and another state for the invoice.
    with sqlite3.connect(database) as conn:
        conn.execute("INSERT INTO proveedores (codigo, nombre, activo) VALUES ('N1', 'Nuevo', 1)")
    set_mark(settings, {"estado": "acreditada"})
    before = database.stat()
    server = start_live_server({"DASHBOARD_ENV_FILE": str(env_file)})

    def providers() -> int:
        return requests.get(
            server.url + "/api/summary", headers={"X-API-Key": KEY}, timeout=10
        ).json()["total_proveedores"]

    try:
        assert providers() == backed_up + 1
        restore = line_of_block("restore --from", copy)
        done = sh(restore, workdir, {"DASHBOARD_ENV_FILE": str(env_file)})
        assert done.returncode == 0, done.stderr
        after = database.stat()
        owner = "nobody:nogroup" if os.geteuid() == 0 else None
        assert (after.st_uid, after.st_gid, after.st_mode & 0o777) == (
            before.st_uid,
            before.st_gid,
            0o640,
        )
        assert after.st_ino != before.st_ino and header_journal(database) == "wal"
        assert done.stdout.strip() == (
            f"Restaurada {database} desde {copy} (dueño "
            f"{owner or _owner(before)}, permisos 640, journal_mode wal)"
        )
        assert wait_for(lambda: providers() == backed_up, 5, every=0.2)
        assert "el archivo de la base cambió" in server.output() + _log(server)
        assert requests.get(server.url + "/health", timeout=10).status_code == 200

        # The marks: refused while the dashboard has the file open, restored once stopped.
        marks_block = block_with("systemctl stop minimarket-dash")
        marks_restore = line_of_block("restore --marcas", marks_copy, marks_block)
        assert mark_of(settings) == {"estado": "acreditada"}
        requests.get(server.url + "/api/summary", headers={"X-API-Key": KEY}, timeout=10)
        held = sqlite3.connect(entries_file(settings))  # a worker with the file open
        refused = sh(marks_restore, workdir, {"DASHBOARD_ENV_FILE": str(env_file)})
        held.close()
        assert refused.returncode == 1
        assert "está abierto por el proceso" in refused.stderr
    finally:
        server.stop()
    marks_before = entries_file(settings).stat()
    done = sh(marks_restore, workdir, {"DASHBOARD_ENV_FILE": str(env_file)})
    assert done.returncode == 0, done.stderr
    assert mark_of(settings) == {"estado": "reclamada"}
    marks_after = entries_file(settings).stat()
    assert (marks_after.st_mode & 0o777, marks_after.st_uid) == (0o600, marks_before.st_uid)
    assert header_journal(entries_file(settings)) == "wal"


def _owner(info) -> str:
    from grp import getgrgid
    from pwd import getpwuid

    return f"{getpwuid(info.st_uid).pw_name}:{getgrgid(info.st_gid).gr_name}"


def _log(server) -> str:
    return "".join(p.read_text(errors="replace") for p in server.log_dir.glob("*.log*"))


def line_of_block(start: str, backup_file: Path, block: str | None = None) -> str:
    """The RUNBOOK line holding `start`, its example backup replaced by backup_file."""
    block = block or block_with(f".venv/bin/minimarket-dash {start}")
    line = next(line for line in block.splitlines() if start in line)
    example = EXAMPLE + (".marcas.sqlite" if "--marcas" in line else ".db")
    assert example in line, line
    return line.replace(example, str(backup_file))


# --- PostgreSQL -------------------------------------------------------------------------------


def psql(sql: str, role: str, database: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-U", role, "-d", database],
        input=sql,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def shop_on_postgres():
    """A database owned by a role that is no superuser (CREATEROLE only), with the tiny
    fixture's tables made by it; roles and database dropped afterwards."""
    suffix = uuid.uuid4().hex[:8]
    names = {
        "owner": f"mm_dueno_{suffix}",
        "reader": f"mm_lector_{suffix}",
        "database": f"mm_tienda_{suffix}",
    }
    admin = create_engine(admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{names["owner"]}" LOGIN CREATEROLE'))
        conn.execute(text(f'CREATE DATABASE "{names["database"]}" OWNER "{names["owner"]}"'))
    server = admin_url().rsplit("@", 1)[1].rsplit("/", 1)[0]  # 127.0.0.1:PORT
    host, port = server.split(":")
    names.update(host=host, port=port, env={**os.environ, "PGHOST": host, "PGPORT": port})
    names["owner_url"] = f"postgresql+psycopg://{names['owner']}@{server}/{names['database']}"
    names["reader_url"] = f"postgresql+psycopg://{names['reader']}@{server}/{names['database']}"
    fill_database(names["owner_url"])
    yield names
    with admin.connect() as conn:
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": names["database"]},
        )
        conn.execute(text(f'DROP DATABASE IF EXISTS "{names["database"]}"'))
        for role in (names["reader"], names["owner"]):
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    admin.dispose()


def role_sql(names: dict) -> str:
    """RUNBOOK §16's SQL for these names (the \\password line is interactive)."""
    sql = block_with("CREATE ROLE minimarket_lector LOGIN;", fence="sql")
    sql = "\n".join(ln for ln in sql.splitlines() if not ln.startswith("\\password"))
    sql = sql.replace("minimarket_lector", names["reader"])
    sql = sql.replace("DATABASE minimarket ", f'DATABASE "{names["database"]}" ')
    return sql.replace("FOR ROLE minimarket ", f'FOR ROLE "{names["owner"]}" ')


@pytest.mark.postgres
def test_postgres_role_backup_and_restore_as_written(shop_on_postgres, tmp_path):
    names, env = shop_on_postgres, shop_on_postgres["env"]
    made = psql(role_sql(names), names["owner"], names["database"], env)
    assert made.returncode == 0, made.stderr  # the owner, no superuser

    reader = create_engine(names["reader_url"])
    with pytest.raises(Exception, match="read-only|permission denied"), reader.begin() as conn:
        conn.execute(text("INSERT INTO categorias (nombre, activo) VALUES ('X', 1)"))
    server = start_live_server(
        {"DASHBOARD_DATABASE_URL": names["reader_url"], "DASHBOARD_API_KEY": KEY}, workers=1
    )
    try:  # the dashboard makes its two schemas itself and fills them
        assert wait_for(
            lambda: (
                requests.get(server.url + "/health", timeout=10).json().get("summaries") == "ok"
            ),
            60,
            every=0.5,
        ), server.output()
    finally:
        server.stop()
    settings = load_settings({"database_url": names["reader_url"]}, environ={})
    set_mark(settings, {"estado": "reclamada"})
    with reader.connect() as conn:
        owners = dict(
            conn.execute(
                text(
                    "SELECT schema_name, schema_owner FROM information_schema.schemata "
                    "WHERE schema_name IN ('mm_dashboard', 'mm_entradas')"
                )
            ).all()
        )
        stored = conn.execute(text("SELECT COUNT(*) FROM mm_dashboard.mm_pedidos_dia"))
        assert stored.scalar_one() > 0
    assert owners == {"mm_dashboard": names["reader"], "mm_entradas": names["reader"]}

    # §15: the backup as written, with the dashboard's (read-only) role.
    env_file = tmp_path / "dashboard.env"
    env_file.write_text(f"DASHBOARD_DATABASE_URL={names['reader_url']}\n")
    (tmp_path / ".venv").symlink_to(VENV_BIN.parent)
    block = block_with(
        "(umask 077 && mkdir -p respaldos) && .venv/bin/minimarket-dash backup "
        '--to "respaldos/minimarket-$(date +%Y%m%d-%H%M).dump"'
    )
    done = sh(block.replace("/etc/minimarket-dash/dashboard.env", str(env_file)), tmp_path)
    assert done.returncode == 0, done.stderr
    (dump,) = (tmp_path / "respaldos").glob("minimarket-*[0-9].dump")
    marks_dump = dump.with_name(dump.stem + ".marcas.dump")
    assert marks_dump.exists() and dump.stat().st_mode & 0o777 == 0o600
    listed = subprocess.run(
        ["pg_restore", "-l", str(dump)], capture_output=True, text=True, check=True
    ).stdout
    assert "TABLE DATA public detalle_pedidos" in listed and "mm_dashboard" not in listed
    assert "mm_entradas" not in listed
    assert (
        "TABLE DATA mm_entradas mm_marcas"
        in subprocess.run(
            ["pg_restore", "-l", str(marks_dump)], capture_output=True, text=True
        ).stdout
    )

    # Data lost after the backup, then the restore as written.
    owner = create_engine(names["owner_url"])
    with owner.begin() as conn:
        lines = conn.execute(text("SELECT COUNT(*) FROM detalle_pedidos")).scalar_one()
        conn.execute(text("DELETE FROM detalle_pedidos"))
    set_mark(settings, {"estado": "acreditada"})
    restore = block_with(
        "pg_restore --clean --if-exists --no-owner --dbname=minimarket "
        "--username=minimarket respaldos/minimarket-20260301-0315.dump"
    )
    restore = (
        restore.replace("--username=minimarket_lector", f"--username={names['reader']}")
        .replace("--username=minimarket ", f"--username={names['owner']} ")
        .replace("--dbname=minimarket ", f"--dbname={names['database']} ")
        .replace(f"{EXAMPLE}.marcas.dump", str(marks_dump))
        .replace(f"{EXAMPLE}.dump", str(dump))
    )
    done = sh(restore, tmp_path, {"PGHOST": names["host"], "PGPORT": names["port"]})
    assert done.returncode == 0, done.stderr
    with reader.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM detalle_pedidos")).scalar_one() == lines
    assert mark_of(settings) == {"estado": "reclamada"}
    from minimarket_dash.summaries import read_state

    with reader.connect() as conn:  # new tables: the old summaries are not read
        assert read_state(conn) is None
    server = start_live_server(
        {"DASHBOARD_DATABASE_URL": names["reader_url"], "DASHBOARD_API_KEY": KEY}, workers=1
    )
    try:
        assert wait_for(
            lambda: (
                requests.get(server.url + "/health", timeout=10).json().get("summaries") == "ok"
            ),
            60,
            every=0.5,
        ), server.output()
        set_mark(settings, {"estado": "resuelta"})  # the dashboard's role still writes marks
    finally:
        server.stop()
        reader.dispose()
        owner.dispose()
    assert mark_of(settings) == {"estado": "resuelta"}


@pytest.mark.postgres
def test_a_failing_pg_dump_exits_1_and_leaves_no_file(shop_on_postgres, tmp_path):
    names, env = shop_on_postgres, shop_on_postgres["env"]
    # The grants of before (no SELECT on the sequences): pg_dump is refused.
    sql = "\n".join(line for line in role_sql(names).splitlines() if "SEQUENCES" not in line)
    assert psql(sql, names["owner"], names["database"], env).returncode == 0
    target = tmp_path / "minimarket.dump"
    done = subprocess.run(
        [sys.executable, "-m", "minimarket_dash.cli", "backup", "--to", str(target)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], "DASHBOARD_DATABASE_URL": names["reader_url"]},
        timeout=120,
    )
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith("Error: pg_dump falló (base): ") and "permission denied" in line
    assert list(tmp_path.iterdir()) == []
