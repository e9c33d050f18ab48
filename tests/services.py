"""Private PostgreSQL and Redis servers for the tests: free ports, temporary folders, never the
host's services on 127.0.0.1:5432 and 6379 (a machine that runs the shop may run the tests).

PostgreSQL: one cluster per test session, made with Debian's `initdb` in a temporary folder and
started on first use (`postgres_server()`); its data never touches a disk that matters (fsync
off). initdb and postgres refuse to run as root, so under root (CI) the cluster runs as the
`postgres` system user that Debian's packages create. Redis: `RedisServer` starts a diskless
redis-server; the session's one is `redis_server()`, and tests that stop Redis mid-test start
their own. Both stop when the test process exits.
"""

from __future__ import annotations

import atexit
import ctypes
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

START_SECONDS = 60
# Debian's server binaries are versioned folders; TEST_POSTGRES_BIN names another one.
POSTGRES_BIN_GLOB = "/usr/lib/postgresql/*/bin"
UNPRIVILEGED_USER = "postgres"
PR_SET_PDEATHSIG = 1


def free_port() -> int:
    """Return a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the test process dies, so no server outlives a killed
    run (set after the switch of user, which would clear it)."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _spawn_options() -> dict:
    """Options of Popen for a server: its own session, tied to this process when possible."""
    options: dict = {"start_new_session": True}
    # The parent-death signal follows the thread that started the child: only the main one
    # lives as long as the process.
    if threading.current_thread() is threading.main_thread():
        options["preexec_fn"] = _die_with_parent
    return options


def _wait(ready, process: subprocess.Popen, what: str, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} terminó al arrancar:\n{_tail(log)}")
        if ready():
            return
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{what} no arrancó en {START_SECONDS} s:\n{_tail(log)}")


def _tail(log: Path) -> str:
    try:
        return log.read_text(errors="replace")[-2000:]
    except OSError:
        return ""


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class PostgresServer:
    """A PostgreSQL cluster of its own: `initdb` in a temporary folder, trust authentication on
    127.0.0.1 and a free port, the superuser `postgres`."""

    def __init__(self) -> None:
        self.bin = _postgres_bin()
        self.user = UNPRIVILEGED_USER if os.geteuid() == 0 else None
        self.root = Path(tempfile.mkdtemp(prefix="mmdash-pg-"))
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def admin_url(self) -> str:
        """The superuser's URL (psycopg 3) to the `postgres` maintenance database."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> PostgresServer:
        """Create the cluster and start it; return self once it accepts connections."""
        data, log = self.root / "data", self.root / "postgres.log"
        self._as_owner(self.root)
        self._run(
            [
                str(self.bin / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        )
        self.port = free_port()
        command = [
            str(self.bin / "postgres"),
            "-D",
            str(data),
            "-p",
            str(self.port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"unix_socket_directories={self.root}",
            # Throwaway data: nothing is worth an fsync.
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
            "-c",
            "max_connections=300",
            "-c",
            "shared_buffers=64MB",
        ]
        with open(log, "ab") as output:
            self.process = subprocess.Popen(
                command,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                **self._user_options(),
                **_spawn_options(),
            )
        _wait(lambda: self._ready(), self.process, "PostgreSQL", log)
        return self

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete its folder."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)

    def _ready(self) -> bool:
        probe = subprocess.run(
            [str(self.bin / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)],
            check=False,
            capture_output=True,
        )
        return probe.returncode == 0

    def _as_owner(self, folder: Path) -> None:
        if self.user is not None:
            shutil.chown(folder, self.user, self.user)

    def _user_options(self) -> dict:
        if self.user is None:
            return {}
        entry = pwd.getpwnam(self.user)
        return {
            "user": entry.pw_uid,
            "group": entry.pw_gid,
            "extra_groups": [],
            "env": {"PATH": "/usr/bin:/bin", "HOME": str(self.root), "LC_ALL": "C.UTF-8"},
        }

    def _run(self, command: list[str]) -> None:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            check=False,
            cwd=self.root,
            **self._user_options(),
        )
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} falló:\n{done.stdout}{done.stderr}")


def _postgres_bin() -> Path:
    chosen = os.environ.get("TEST_POSTGRES_BIN")
    if chosen:
        return Path(chosen)
    folders = sorted(glob.glob(POSTGRES_BIN_GLOB), key=lambda p: int(Path(p).parent.name))
    if not folders:
        raise RuntimeError(
            "no hay binarios de PostgreSQL en /usr/lib/postgresql: "
            "bash scripts/setup.sh --test los instala"
        )
    return Path(folders[-1])


class RedisServer:
    """A diskless redis-server of its own on 127.0.0.1; stop() and start() keep its port, so a
    test can take Redis away from a running dashboard and give it back."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.root = Path(tempfile.mkdtemp(prefix="mmdash-redis-"))
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        """The redis:// URL of one of its numbered databases."""
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> RedisServer:
        """Start it (again) on its port; return self once it answers."""
        log = self.root / "redis.log"
        command = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.root),
            "--logfile",
            str(log),
        ]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            **_spawn_options(),
        )
        _wait(lambda: _answers(self.port), self.process, "redis-server", log)
        return self

    def stop(self, *, remove: bool = False) -> None:
        """Stop it (its port is closed at return); with remove, delete its folder too."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if remove:
            shutil.rmtree(self.root, ignore_errors=True)


_lock = threading.Lock()
_postgres: PostgresServer | None = None
_redis: RedisServer | None = None


def postgres_server() -> PostgresServer:
    """Return the session's PostgreSQL cluster, starting it on first use."""
    global _postgres
    with _lock:
        if _postgres is None:
            server = PostgresServer()
            try:
                server.start()
            except BaseException:
                server.stop()
                raise
            _postgres = server
        return _postgres


def redis_server() -> RedisServer:
    """Return the session's redis-server, starting it on first use."""
    global _redis
    with _lock:
        if _redis is None:
            _redis = RedisServer().start()
        return _redis


@atexit.register
def stop_all() -> None:
    """Stop the session's servers (also run at the end of the pytest session)."""
    global _postgres, _redis
    with _lock:
        if _postgres is not None:
            _postgres.stop()
            _postgres = None
        if _redis is not None:
            _redis.stop(remove=True)
            _redis = None
