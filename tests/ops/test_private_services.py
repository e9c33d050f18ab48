"""The tests never touch the host's PostgreSQL or Redis, and the test scripts behave.

A machine that runs the shop may also run the tests: they start private servers of their own
(tests/services.py). The proof: tests that use PostgreSQL, Redis and live servers run inside
a network namespace of their own whose 127.0.0.1:5432 and 6379 are tripwires
(tests/ops/tripwire.py) that note every connection.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, text

from tests.live import PROJECT_ROOT
from tests.services import PostgresServer, RedisServer

# Tests that reach PostgreSQL (tiny_postgres_url, postgres_database, psql), Redis (the session's
# and private ones) and live gunicorn servers given those URLs.
SAMPLE = (
    "tests/ops/test_scale_out.py",
    "tests/unit/test_limits.py::test_redis_limit_holds_across_instances",
    "tests/unit/test_summaries.py",
    "tests/ops/test_backup_restore.py::test_postgres_role_backup_and_restore_as_written",
)


@pytest.mark.live
@pytest.mark.postgres
def test_tests_never_connect_to_the_hosts_postgres_or_redis(tmp_path):
    record = tmp_path / "connections.txt"
    record.touch()
    command = [
        "unshare",
        "--net",
        "--",
        sys.executable,
        "tests/ops/tripwire.py",
        str(record),
        "--",
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
        *SAMPLE,
    ]
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=900)
    tail = done.stdout[-3000:] + done.stderr[-2000:]
    assert done.returncode == 0, tail
    assert " passed" in done.stdout and " failed" not in done.stdout, tail
    assert record.read_text() == "", f"connections to the host's ports: {record.read_text()}"


def test_the_private_postgres_runs_unprivileged_and_is_removed():
    server = PostgresServer().start()
    root = server.root
    try:
        engine = create_engine(server.admin_url)
        with engine.connect() as conn:
            assert conn.execute(text("SHOW port")).scalar_one() == str(server.port)
            folder = conn.execute(text("SHOW data_directory")).scalar_one()
        engine.dispose()
        assert server.port not in (5432, 6379)
        assert Path(folder).is_relative_to(root)
        if os.geteuid() == 0:  # initdb refuses root: the cluster belongs to `postgres`
            assert root.owner() == "postgres"
    finally:
        server.stop()
    assert not root.exists()


def test_a_private_redis_stops_and_comes_back_on_its_port():
    server = RedisServer().start()
    try:
        conn = redis.Redis.from_url(server.url(3), socket_timeout=1)
        conn.set("k", "v")
        server.stop()
        with pytest.raises(redis.exceptions.ConnectionError):
            conn.get("k")
        server.start()
        assert conn.ping() and conn.get("k") is None  # diskless: it starts empty
    finally:
        server.stop(remove=True)
    assert not server.root.exists()


def test_test_sh_help_prints_its_help_and_does_nothing_else(tmp_path):
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    shutil.copy(PROJECT_ROOT / "scripts" / "test.sh", scripts / "test.sh")
    # A setup.sh that leaves a mark: -h must not get as far as installing anything.
    (scripts / "setup.sh").write_text(f"touch {tmp_path / 'instalado'}\n")
    done = subprocess.run(
        ["bash", str(scripts / "test.sh"), "-h"], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0
    assert done.stdout.startswith("Uso: test.sh")
    assert not (tmp_path / "instalado").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scripts"]


def _source_setup(script: str, *, path: str | None = None, **env: str):
    """Run bash with scripts/setup.sh sourced (its apt functions) and then `script`."""
    environment = {**os.environ, **env}
    if path:
        environment["PATH"] = path
    return subprocess.run(
        ["bash", "-c", f"source scripts/setup.sh && {script}"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )


@pytest.mark.skipif(os.geteuid() != 0, reason="apt-get install needs root (CI runs as root)")
def test_setup_waits_for_the_dpkg_lock_held_by_another_apt(tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            "fd = os.open('/var/lib/dpkg/lock-frontend', os.O_RDWR | os.O_CREAT, 0o640)\n"
            "fcntl.lockf(fd, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\n"
            "time.sleep(4)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        # Without waiting, apt-get gives up at once while the lock is held.
        refused = subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-upgrade", "jq"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert refused.returncode != 0 and "lock" in refused.stderr.lower()
        started = time.monotonic()
        waited = _source_setup("apt_install --no-upgrade jq")
        elapsed = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert waited.returncode == 0, waited.stderr
    assert elapsed >= 2  # it waited for the holder instead of failing


def test_setup_tries_apt_get_update_again_while_its_lists_are_locked(tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    calls = tmp_path / "calls"
    # An apt-get whose lists are locked twice, then free.
    (fake / "apt-get").write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> {calls}\n'
        f"[ $(wc -l < {calls}) -ge 3 ] && exit 0\n"
        "echo 'E: Could not get lock /var/lib/apt/lists/lock' >&2; exit 100\n"
    )
    (fake / "apt-get").chmod(0o755)
    (fake / "sleep").write_text("#!/bin/sh\nexit 0\n")  # no real waiting in the test
    (fake / "sleep").chmod(0o755)
    done = _source_setup("apt_update", path=f"{fake}:/usr/bin:/bin")
    assert done.returncode == 0, done.stderr
    lines = calls.read_text().splitlines()
    assert len(lines) == 3
    assert all("DPkg::Lock::Timeout=600" in line and line.endswith("update -qq") for line in lines)
    assert done.stderr.count("se reintenta en 5 s") == 2
