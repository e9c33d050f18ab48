"""`minimarket-dash backup --to FILE`: a consistent copy of the SQLite database.

A plain file copy of a SQLite database in WAL mode is not a backup (the last transactions may
live in the -wal file, and a copy taken mid-write can be torn). SQLite's online backup API copies
a consistent snapshot while other processes keep reading and writing; the copy is then switched
to a single self-contained file (journal_mode=DELETE). PostgreSQL is backed up with pg_dump: for
it the command only prints the pg_dump line to run (no password in it).
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from .config import sqlite_path


class BackupError(RuntimeError):
    """The backup could not be made; the message says why, in Spanish."""


@dataclass(frozen=True)
class BackupReport:
    """What a SQLite backup produced."""

    target: Path
    size_bytes: int
    seconds: float
    integrity: str

    def summary(self) -> str:
        """Return the one-line Spanish report the CLI prints."""
        size = f"{self.size_bytes:,}".replace(",", ".")
        return (
            f"Copia lista: {self.target} ({size} bytes, integrity_check {self.integrity}) "
            f"en {self.seconds:.1f} s"
        )


def backup_sqlite(database_url: str, target: Path) -> BackupReport:
    """Copy the SQLite database to target with the online backup API; verify the copy."""
    source = sqlite_path(database_url)
    if source is None:
        raise BackupError("la base no es un archivo SQLite")
    if not source.exists():
        raise BackupError(f"no existe la base {source}")
    if target.exists():
        raise BackupError(f"{target} ya existe: elija otro nombre (nunca se sobrescribe)")
    started = time.monotonic()
    partial = target.with_name(target.name + ".partial")
    try:
        _copy(source, partial)
        integrity = _check(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(target, target.stat().st_size, time.monotonic() - started, integrity)


def _copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source.resolve()}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.execute("PRAGMA busy_timeout = 5000")
        src.backup(dst, pages=1024)  # steps let writers in between
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        dst.commit()
    except sqlite3.Error as exc:
        raise BackupError(f"falló la copia: {exc}") from None
    finally:
        dst.close()
        src.close()
    os.chmod(target, 0o600)


def _check(target: Path) -> str:
    with sqlite3.connect(target) as conn:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    if result != "ok":
        raise BackupError(f"la copia no pasó integrity_check: {result}")
    return result


def pg_dump_command(database_url: str, target: Path) -> str:
    """Return the pg_dump line for a PostgreSQL URL (the password goes in PGPASSWORD/.pgpass)."""
    url = make_url(database_url)
    parts = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}"]
    if url.host:
        parts.append(f"--host={url.host}")
    if url.port:
        parts.append(f"--port={url.port}")
    if url.username:
        parts.append(f"--username={url.username}")
    parts.append(url.database or "")
    return shlex.join(parts)
