"""Issue 16 against a real gunicorn: dead Redis, a replaced SQLite file, restarts, a full disk."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.live import start_live_server
from tests.ops.helpers import active_providers, wait_for
from tests.ops.load import Load

pytestmark = pytest.mark.live

API_KEY = "ops-key-0123456789abcdef"
NEW_KEY = "ops-new-key-0123456789abcdef"
HEADERS = {"X-API-Key": API_KEY}


@pytest.fixture
def sqlite_copy(tiny_sqlite_url, tmp_path) -> Path:
    """A private copy of the tiny fixture's SQLite file (tests replace or change it)."""
    source = Path(tiny_sqlite_url.removeprefix("sqlite:///"))
    target = tmp_path / "minimarket.db"
    shutil.copy(source, target)
    return target


def health(url: str) -> dict:
    response = requests.get(url + "/health", timeout=30)
    return {"_status": response.status_code, **response.json()}


def test_a_redis_stopped_mid_load_costs_no_5xx_and_recovers(sqlite_copy, private_redis):
    redis_server = private_redis
    server = start_live_server(
        {
            "DASHBOARD_DATABASE_URL": f"sqlite:///{sqlite_copy}",
            "DASHBOARD_API_KEY": API_KEY,
            "DASHBOARD_CACHE_URL": redis_server.url(5),
            "DASHBOARD_RATELIMIT_STORAGE_URI": redis_server.url(6),
            "DASHBOARD_RATELIMIT_MAX": "100000",
        }
    )
    try:
        with Load(server.url, ("/api/summary", "/api/providers", "/health"), HEADERS) as load:
            time.sleep(1.5)
            redis_server.stop()
            down_at = load.total
            seen = wait_for(
                lambda: any(health(server.url)["cache"] == "degraded" for _ in range(4)), 10
            )
            assert seen, "the cache never reported degraded"
            during = health(server.url)
            assert during["_status"] == 200 and during["database"] == "ok"
            time.sleep(2)
            served_while_down = load.total - down_at
            redis_server.start()
            recovered = wait_for(
                lambda: all(
                    health(server.url)[field] == "ok"
                    for field in ("cache", "ratelimit")
                    for _ in range(4)
                ),
                45,
                every=0.5,
            )
        print(f"\nredis: {load.total} answers {dict(load.statuses)}, {served_while_down} down")
        assert recovered, "cache or rate limit never came back to ok"
        assert load.server_errors() == {}, load.statuses
        assert load.refused == 0 and not load.other_errors
        assert served_while_down > 20
        assert set(load.statuses) == {200}
        warnings = server.output().count("caché Redis inaccesible")
        assert 1 <= warnings <= 2  # one per worker in the first minute, never one per request
        output = server.output()
        at = output.find("Traceback")
        assert at < 0, output[max(0, at - 1500) : at + 1500]
    finally:
        server.stop()


def test_a_replaced_sqlite_file_is_served_within_5_seconds(sqlite_copy, tmp_path):
    restored = tmp_path / "restored.db"
    shutil.copy(sqlite_copy, restored)
    conn = sqlite3.connect(restored)
    conn.execute("INSERT INTO proveedores (codigo, nombre, activo) VALUES ('R1', 'Rest SA', 1)")
    conn.commit()
    conn.execute("PRAGMA journal_mode = DELETE")  # self-contained, like `minimarket-dash backup`
    conn.close()
    expected_before, expected_after = active_providers(sqlite_copy), active_providers(restored)
    assert expected_after == expected_before + 1
    server = start_live_server(
        {
            "DASHBOARD_DATABASE_URL": f"sqlite:///{sqlite_copy}",
            "DASHBOARD_API_KEY": API_KEY,
            "DASHBOARD_RATELIMIT_MAX": "100000",
        }
    )

    def providers() -> int:
        response = requests.get(server.url + "/api/summary", headers=HEADERS, timeout=30)
        assert response.status_code == 200, (response.text, server.output()[-3000:])
        return response.json()["total_proveedores"]

    try:
        with Load(server.url, ("/api/summary", "/api/providers", "/health"), HEADERS) as load:
            assert providers() == expected_before
            time.sleep(1)
            os.replace(restored, sqlite_copy)  # what a restore or an ETL's rename does
            replaced_at = time.monotonic()
            seen = wait_for(
                lambda: all(providers() == expected_after for _ in range(4)), 5, every=0.1
            )
            elapsed = time.monotonic() - replaced_at
            time.sleep(1)
        print(f"\nreplaced file served after {elapsed:.2f} s; {dict(load.statuses)}")
        assert seen, f"still the old data {elapsed:.1f} s after the replacement"
        assert elapsed <= 5
        assert load.server_errors() == {}, load.statuses
        assert load.total > 20
        assert "el archivo de la base cambió" in server.output()
    finally:
        server.stop()


def key_status(url: str, key: str) -> int:
    return requests.get(url + "/api/summary", headers={"X-API-Key": key}, timeout=30).status_code


def test_hup_applies_a_new_env_file_with_zero_refused_connections(sqlite_copy, tmp_path):
    env_file = tmp_path / "dashboard.env"
    env_file.write_text(f"DASHBOARD_API_KEY={API_KEY}\n")
    os.chmod(env_file, 0o600)
    server = start_live_server(
        {"DASHBOARD_DATABASE_URL": f"sqlite:///{sqlite_copy}", "DASHBOARD_ENV_FILE": str(env_file)}
    )
    try:
        assert key_status(server.url, API_KEY) == 200
        assert key_status(server.url, NEW_KEY) == 401
        with Load(server.url, ("/health", "/"), threads=6) as load:
            time.sleep(1)
            env_file.write_text(f"DASHBOARD_API_KEY={NEW_KEY}\n")
            os.kill(server.process.pid, signal.SIGHUP)
            applied = wait_for(lambda: key_status(server.url, NEW_KEY) == 200, 30)
            time.sleep(2)  # old workers finish and exit while the load goes on
        print(f"\nHUP: {load.total} answers {dict(load.statuses)}, {load.refused} refused")
        assert applied
        assert key_status(server.url, API_KEY) == 401
        assert load.refused == 0 and not load.other_errors
        assert load.server_errors() == {}, load.statuses
        assert load.total > 50
    finally:
        server.stop()


def test_usr2_winch_quit_swaps_the_master_with_zero_refused_connections(sqlite_copy, tmp_path):
    env_file = tmp_path / "dashboard.env"
    env_file.write_text(f"DASHBOARD_API_KEY={API_KEY}\n")
    pidfile = tmp_path / "gunicorn.pid"
    server = start_live_server(
        {
            "DASHBOARD_DATABASE_URL": f"sqlite:///{sqlite_copy}",
            "DASHBOARD_ENV_FILE": str(env_file),
            "GUNICORN_CMD_ARGS": f"--pid {pidfile}",
        },
        script=True,
    )
    old_master = server.process.pid
    new_master = None
    try:
        with Load(server.url, ("/health", "/"), threads=6) as load:
            time.sleep(1)
            env_file.write_text(f"DASHBOARD_API_KEY={NEW_KEY}\n")
            os.kill(old_master, signal.SIGUSR2)  # a new master, new code, same socket
            # The new master writes PIDFILE.2 until the old one exits, then renames it.
            new_master = wait_for(lambda: _new_pid(Path(f"{pidfile}.2"), old_master), 60)
            assert new_master, server.output()
            assert wait_for(lambda: key_status(server.url, NEW_KEY) == 200, 30)
            os.kill(old_master, signal.SIGWINCH)  # old workers stop gracefully
            time.sleep(2)
            os.kill(old_master, signal.SIGQUIT)  # then the old master
            server.process.wait(timeout=40)
            assert wait_for(lambda: _new_pid(pidfile, old_master) == new_master, 10)
            time.sleep(1)
        print(f"\nUSR2: {load.total} answers {dict(load.statuses)}, {load.refused} refused")
        assert all(key_status(server.url, NEW_KEY) == 200 for _ in range(6))
        assert load.refused == 0 and not load.other_errors
        assert load.server_errors() == {}, load.statuses
    finally:
        server.stop()
        if new_master:
            os.kill(new_master, signal.SIGTERM)
            wait_for(lambda: not Path(f"/proc/{new_master}").exists(), 40)


def _new_pid(pidfile: Path, old: int) -> int | None:
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if pid != old else None


@pytest.mark.parametrize(
    ("proxies", "expected"),
    [
        ("0", 308),  # trust no one, not even 127.0.0.1: still plain HTTP, so redirected
        ("1", 401),  # one trusted proxy: seen as HTTPS, no redirect, the key rule answers
    ],
)
def test_forwarded_proto_follows_trusted_proxies(sqlite_copy, proxies, expected):
    server = start_live_server(
        {
            "DASHBOARD_DATABASE_URL": f"sqlite:///{sqlite_copy}",
            "DASHBOARD_FORCE_HTTPS": "true",
            "DASHBOARD_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DASHBOARD_TRUSTED_PROXIES": proxies,
        }
    )
    try:
        answer = requests.get(
            server.url + "/api/summary",
            headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"},
            allow_redirects=False,
            timeout=30,
        )
        assert answer.status_code == expected
    finally:
        server.stop()


@pytest.fixture
def full_log_dir(tmp_path):
    """A log folder on a 64 KiB tmpfs (filled by the test); /dev/full when mounting is denied.

    Yields (folder, how): `tmpfs` or `dev-full` says which real condition the test ran under.
    """
    folder = tmp_path / "tiny-fs"
    folder.mkdir()
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", str(folder)],
            capture_output=True,
        ).returncode
        == 0
    )
    if not mounted:
        (folder / "dashboard.log").symlink_to("/dev/full")
    try:
        yield folder, "tmpfs" if mounted else "dev-full"
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], check=False)


def test_a_full_disk_for_logs_keeps_serving_with_one_warning_a_minute(sqlite_copy, full_log_dir):
    folder, how = full_log_dir
    server = start_live_server(
        {
            "DASHBOARD_DATABASE_URL": f"sqlite:///{sqlite_copy}",
            "DASHBOARD_API_KEY": API_KEY,
            "DASHBOARD_RATELIMIT_MAX": "100000",
            "DASHBOARD_LOG_DIR": str(folder),
        }
    )
    try:
        with Load(server.url, ("/api/summary", "/health", "/"), HEADERS) as load:
            time.sleep(6)  # ~1,000 access lines of ~450 bytes: 64 KiB fill up early
        free = shutil.disk_usage(folder).free
        print(f"\nfull disk ({how}): {load.total} answers {dict(load.statuses)}, {free} B free")
        assert load.total > 200
        assert set(load.statuses) == {200}, load.statuses
        assert all(requests.get(server.url + "/health", timeout=30).ok for _ in range(5))
    finally:
        server.stop()
    stderr_side = "\n".join(
        line for line in server.output().splitlines() if not line.startswith("{")
    )
    warnings = stderr_side.count("no se pudo escribir el log")
    assert 1 <= warnings <= 2, stderr_side[-2000:]  # one per worker per minute
    assert "Traceback" not in stderr_side and "Logging error" not in stderr_side
    if how == "tmpfs":
        assert free < 4096  # the disk really was full
        log_file = folder / "dashboard.log"
        assert log_file.stat().st_mode & 0o777 == 0o640
