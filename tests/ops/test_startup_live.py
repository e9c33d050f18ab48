"""Start-up failures of the log folder and the database: one Spanish line naming the variable
(password masked), exit 2, no traceback; a database that only does not answer yet still starts;
a rejected HUP reload is written to the JSON log too."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
import requests

from tests.databases import admin_url
from tests.live import GUNICORN_CONF, PROJECT_ROOT, free_port, start_live_server
from tests.ops.helpers import wait_for

pytestmark = pytest.mark.live


def start(env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    """Run gunicorn as an operator would and return once it exits (it should, at once)."""
    full = {
        "PATH": "/usr/bin:/bin",
        "DASHBOARD_BIND": f"127.0.0.1:{free_port()}",
        "DASHBOARD_LOG_DIR": str(tmp_path / "logs"),
        "DASHBOARD_STATE_DIR": str(tmp_path),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prom"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "minimarket_dash.wsgi:server"],
        env=full,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_one_line(done: subprocess.CompletedProcess, expected: str) -> None:
    assert done.returncode == 2, done.stderr[-3000:]
    assert done.stderr.splitlines() == [expected]
    assert done.stdout == ""


def test_a_log_folder_that_cannot_be_made_stops_with_one_line(tmp_path, tiny_sqlite_url):
    (tmp_path / "archivo").write_text("no es una carpeta")
    folder = tmp_path / "archivo" / "logs"
    done = start(
        {"DASHBOARD_LOG_DIR": str(folder), "DASHBOARD_DATABASE_URL": tiny_sqlite_url}, tmp_path
    )
    assert_one_line(
        done,
        "Error de configuración: DASHBOARD_LOG_DIR: no se puede crear la "
        f"carpeta {folder} (una parte de la ruta no es una carpeta)",
    )


def test_a_missing_sqlite_file_stops_with_one_line(tmp_path):
    missing = tmp_path / "datos" / "minimercado.db"
    done = start({"DASHBOARD_DATABASE_URL": f"sqlite:///{missing}"}, tmp_path)
    assert_one_line(
        done,
        f"Error de configuración: DASHBOARD_DATABASE_URL=sqlite:///{missing}: "
        f"no existe el archivo {missing}",
    )


def test_a_file_that_is_not_a_database_stops_with_one_line(tmp_path):
    bogus = tmp_path / "minimercado.db"
    bogus.write_bytes(b"esto no es SQLite " * 100)
    done = start({"DASHBOARD_DATABASE_URL": f"sqlite:///{bogus}"}, tmp_path)
    assert_one_line(
        done,
        f"Error de configuración: DASHBOARD_DATABASE_URL=sqlite:///{bogus}: "
        "el archivo no es una base SQLite",
    )


@pytest.mark.postgres
def test_a_postgres_database_that_does_not_exist_stops_with_the_password_masked(tmp_path):
    server = admin_url().rsplit("/", 1)[0].replace("postgres@", "postgres:s3cr3t-clave@")
    done = start(
        {"DASHBOARD_DATABASE_URL": server.replace("+psycopg", "") + "/no_existe"}, tmp_path
    )
    assert_one_line(
        done,
        "Error de configuración: DASHBOARD_DATABASE_URL="
        + server.replace("s3cr3t-clave", "***")
        + "/no_existe: la base no existe",
    )
    assert "s3cr3t" not in done.stderr


def test_a_postgres_that_does_not_answer_yet_starts_and_says_why(tmp_path):
    url = "postgresql://lector:s3cr3t-clave@127.0.0.1:1/minimercado"  # refused at once
    server = start_live_server({"DASHBOARD_DATABASE_URL": url}, workers=1)
    try:
        assert requests.get(server.url + "/health", timeout=10).status_code == 503
    finally:
        server.stop()
    shown = "DASHBOARD_DATABASE_URL=postgresql+psycopg://lector:***@127.0.0.1:1/minimercado"
    output = server.output()
    assert (
        f"Aviso: {shown}: la base no responde (conexión rechazada); el servicio arranca "
        "igual y /health responde 503 hasta que vuelva"
    ) in output.splitlines()
    lines = [
        json.loads(line) for line in (server.log_dir / "dashboard.log").read_text().splitlines()
    ]
    errors = [line["msg"] for line in lines if line["logger"] == "minimarket_dash.data"]
    assert errors and errors[0].startswith(
        f"base de datos inaccesible ({shown}): conexión rechazada"
    )
    assert "s3cr3t" not in output and "Traceback" not in output


@pytest.mark.parametrize(
    "bad_line, named",
    [
        ("DASHBOARD_RATELIMIT_MAX=muchas", "DASHBOARD_RATELIMIT_MAX"),
        ("DASHBOARD_LOG_DIR=/proc/no-se-puede", "DASHBOARD_LOG_DIR"),
    ],
)
def test_a_rejected_reload_is_written_to_the_json_log(tmp_path, tiny_sqlite_url, bad_line, named):
    env_file = tmp_path / "dashboard.env"
    env_file.write_text(f"DASHBOARD_DATABASE_URL={tiny_sqlite_url}\n")
    server = start_live_server({"DASHBOARD_ENV_FILE": str(env_file)}, workers=1)
    try:
        env_file.write_text(f"DASHBOARD_DATABASE_URL={tiny_sqlite_url}\n{bad_line}\n")
        os.kill(server.process.pid, signal.SIGHUP)
        log = server.log_dir / "dashboard.log"

        def rejected() -> list[dict]:
            lines = [json.loads(line) for line in log.read_text().splitlines()]
            return [line for line in lines if line["logger"] == "minimarket_dash.gunicorn"]

        assert wait_for(rejected, 20), server.output()
        time.sleep(1)
        assert requests.get(server.url + "/health", timeout=10).status_code == 200  # still up
        assert server.process.poll() is None
    finally:
        server.stop()
    [line] = rejected()
    assert line["level"] == "ERROR"
    assert line["msg"].startswith("recarga rechazada, se conserva la configuración anterior: ")
    assert named in line["msg"]
    assert "Se conserva la configuración anterior (recarga rechazada)." in server.output()
    shutil.rmtree(server.log_dir, ignore_errors=True)
