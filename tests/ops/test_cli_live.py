"""The server started by gunicorn and by `minimarket-dash serve`, on databases made by other
tools (moved from tests/unit/test_cli.py: these start real servers)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest

from tests.live import PROJECT_ROOT, start_live_server

FOREIGN_SCHEMA = """
CREATE TABLE proveedores (id INTEGER PRIMARY KEY, codigo TEXT UNIQUE, nombre TEXT, contacto TEXT,
  telefono TEXT, email TEXT, direccion TEXT, activo BOOLEAN, fecha_registro DATETIME,
  cuit TEXT);
CREATE TABLE categorias (id INTEGER PRIMARY KEY, nombre TEXT, descripcion TEXT, activo INT);
CREATE TABLE productos (id INTEGER PRIMARY KEY, nombre TEXT, descripcion TEXT,
  categoria_id INT, proveedor_id INT, codigo_barras TEXT, precio_compra REAL,
  precio_venta REAL, stock_actual INT, stock_minimo INT, activo INT, fecha_registro DATETIME);
CREATE TABLE pedidos (id INTEGER PRIMARY KEY, proveedor_id INT, numero_pedido TEXT,
  fecha_pedido TIMESTAMP, estado TEXT, total NUMERIC, observaciones TEXT,
  fecha_entrega_esperada DATE, fecha_entrega_real DATE);
CREATE TABLE detalle_pedidos (id INTEGER PRIMARY KEY, pedido_id INT, producto_nombre TEXT,
  cantidad INT, precio_unitario NUMERIC, subtotal NUMERIC, observaciones TEXT);
CREATE TABLE movimientos_stock (id INTEGER PRIMARY KEY, producto_id INT, producto_nombre TEXT,
  tipo_movimiento TEXT, cantidad INT, precio_unitario NUMERIC, proveedor_id INT, origen TEXT,
  destino TEXT, observaciones TEXT, fecha_movimiento TIMESTAMP, usuario TEXT);
CREATE TABLE facturas_ocr (id INTEGER PRIMARY KEY, numero_factura TEXT, proveedor_original TEXT,
  proveedor_asignado_id INT, fecha_factura DATE, total NUMERIC, contenido_ocr TEXT,
  productos_json TEXT, procesado INT, fecha_procesamiento DATETIME);
CREATE TABLE usuarios_pos (id INTEGER PRIMARY KEY, nombre TEXT);
INSERT INTO proveedores VALUES (1, 'A1', 'Almacén Uno', '', '', '', '', 1,
  '2025-01-01 10:00:00', '');
INSERT INTO pedidos VALUES (1, 1, 'N1', '2026-03-01 10:00:00', 'recibido', 10, '', NULL, NULL);
INSERT INTO detalle_pedidos VALUES (1, 1, 'Arroz 1 kg', 4, 2.5, 10, '');
"""


def _foreign_db(path, drop: str | None = None) -> str:
    conn = sqlite3.connect(path)
    conn.executescript(FOREIGN_SCHEMA)
    if drop:
        conn.execute(f"DROP TABLE {drop}")
    conn.commit()
    conn.close()
    return f"sqlite:///{path}"


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


@pytest.mark.live
def test_server_answers_health_on_a_database_it_did_not_create(tmp_path):
    server = start_live_server({"DASHBOARD_DATABASE_URL": _foreign_db(tmp_path / "pos.db")})
    try:
        status, body = _get(server.url + "/health")
    finally:
        server.stop()
    assert status == 200
    assert body["status"] == "ok" and body["database"] == "ok"


@pytest.mark.live
def test_missing_table_is_named_by_health_and_at_start(tmp_path):
    url = _foreign_db(tmp_path / "pos.db", drop="facturas_ocr")
    server = start_live_server({"DASHBOARD_DATABASE_URL": url}, workers=1)
    try:
        status, body = _get(server.url + "/health")
    finally:
        server.stop()
    assert status == 503
    assert body["database"] == "error"
    assert body["missing_tables"] == ["facturas_ocr"]
    assert "facturas_ocr" in server.output() + _log_text(server)


@pytest.mark.live
def test_unreachable_database_still_serves_and_reports_503():
    url = "postgresql://nadie@127.0.0.1:1/nada"
    server = start_live_server({"DASHBOARD_DATABASE_URL": url}, workers=1)
    try:
        status, body = _get(server.url + "/health")
        assert server.process.poll() is None
    finally:
        server.stop()
    assert status == 503
    assert body["status"] == "degraded"
    assert "Traceback" not in json.dumps(body)


def test_gunicorn_refuses_to_start_on_a_bad_setting(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "minimarket_dash/gunicorn_conf.py",
            "minimarket_dash.wsgi:server",
        ],
        env={"DASHBOARD_WORKERS": "cero", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=PROJECT_ROOT,
    )
    assert result.returncode != 0
    assert "DASHBOARD_WORKERS" in result.stderr
    assert "Traceback" not in result.stderr


def _log_text(server) -> str:
    return "".join(p.read_text(errors="replace") for p in server.log_dir.glob("*.log*"))


@pytest.mark.live
def test_serve_demo_seeds_optimizes_creates_a_user_and_serves(tmp_path):
    """Two workers, output to a pipe (as under systemd or Compose): the demo password is in a
    0600 file whose path is printed, never in the output; every file of the dashboard's own is
    0600 and the demo database 0640."""
    import requests

    from minimarket_dash.config import load_settings
    from minimarket_dash.db import make_engine
    from minimarket_dash.optimize import advice
    from tests.live import free_port
    from tests.signin.helpers import sign_in_live

    port = free_port()
    env = {"PATH": "/usr/bin:/bin", "DASHBOARD_LOG_DIR": str(tmp_path / "logs")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "minimarket_dash.cli",
            "serve",
            "--demo",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    lines: list[str] = []
    threading.Thread(
        target=lambda: lines.extend(map(bytes.decode, process.stdout)), daemon=True
    ).start()
    base = f"http://127.0.0.1:{port}"
    try:
        status, body = _wait_for_health(f"{base}/health", process)
        password = _password_from_its_file(lines, tmp_path / "data")
        browser = requests.Session()
        assert browser.get(f"{base}/", allow_redirects=False).status_code == 303
        assert sign_in_live(browser, base, "demo", password).status_code == 303
        assert browser.get(f"{base}/analytics").status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=40)
    assert status == 200 and body["database"] == "ok"
    assert any("Listo: 200.000 líneas" in line for line in lines)
    assert password not in "".join(lines)
    modes = {path.name: path.stat().st_mode & 0o777 for path in (tmp_path / "data").iterdir()}
    database = tmp_path / "data" / "minimarket.db"
    assert modes.pop("minimarket.db") == 0o640
    assert {modes.pop(name, 0o640) for name in ("minimarket.db-wal", "minimarket.db-shm")} == {
        0o640
    }
    assert {"users.json", "secret_key", "demo-clave.txt"} <= set(modes)
    assert any(name.startswith("resumenes-") for name in modes)  # the store of summaries
    assert any(name.startswith("marcas-") for name in modes)  # marks and sessions
    assert any(name.startswith("refresco-") for name in modes)  # the refresher's files
    assert {name: mode for name, mode in modes.items() if mode != 0o600} == {}
    engine = make_engine(load_settings({"database_url": f"sqlite:///{database}"}))
    assert advice(engine) == []  # indexes and summaries are in place
    engine.dispose()


def _password_from_its_file(lines: list[str], folder) -> str:
    """Read the demo password from the file whose path `serve --demo` printed."""
    printed = "".join(lines)
    path = folder.resolve() / "demo-clave.txt"
    assert f"Su clave está en {path}" in printed
    assert "clave:" not in printed
    assert path.stat().st_mode & 0o777 == 0o600
    text = path.read_text()
    assert text.startswith("usuario: demo\n")
    return text.split("clave:", 1)[1].split()[0]


def _wait_for_health(url: str, process, seconds: float = 90) -> tuple[int, dict]:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "serve --demo exited early"
        try:
            return _get(url)
        except OSError:
            time.sleep(0.5)
    raise AssertionError("serve --demo did not answer /health in time")
