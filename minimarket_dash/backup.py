"""`minimarket-dash backup --to FILE` and `restore`: the minimarket's database and what the
managers entered (minimarket_dash/entries.py), never the summaries, which are rebuilt.

SQLite: a plain file copy of a database in WAL mode is not a backup (the last transactions may
live in the -wal file, and a copy taken mid-write can be torn). SQLite's online backup API copies
a consistent snapshot while other processes keep reading and writing; each copy is checked with
integrity_check and left as one self-contained file (journal_mode=DELETE), 0600. The marks go
beside it (`NAME.marcas.sqlite`). A restore copies a backup next to the live file, gives it the
live file's owner, group, mode and journal mode, and renames it over (the dashboard notices the
new inode); the marks' file is restored only while nothing has it open.

PostgreSQL: pg_dump (custom format) with the dashboard's own role, which the read-only role of
RUNBOOK §16 is enough for: the minimarket's tables to FILE, the schema mm_entradas (the marks)
to `NAME.marcas.dump`, never the schema mm_dashboard (the summaries). The password goes to
pg_dump in PGPASSWORD, never on its command line; a failed dump leaves no file.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from .config import Settings, sqlite_path
from .entries import ENTRIES_SCHEMA, entries_file
from .store import STORE_SCHEMA

MARKS_SUFFIX = ".marcas"
WAL_HEADER_BYTE = 2  # bytes 18-19 of a SQLite file: 1 rollback journal, 2 WAL
NEW_FILE_MODE = 0o640


class BackupError(RuntimeError):
    """The backup or restore could not be made; the message says why, in Spanish."""


@dataclass(frozen=True)
class BackupReport:
    """What one copy produced."""

    target: Path
    size_bytes: int
    seconds: float
    integrity: str = "ok"
    what: str = "base"

    def summary(self) -> str:
        """Return the one-line Spanish report the CLI prints."""
        size = f"{self.size_bytes:,}".replace(",", ".")
        check = f", integrity_check {self.integrity}" if self.integrity else ""
        return (
            f"Copia lista ({self.what}): {self.target} ({size} bytes{check}) "
            f"en {self.seconds:.1f} s"
        )


def marks_target(target: Path, extension: str) -> Path:
    """Return where the marks go beside a backup: `respaldo.db` -> `respaldo.marcas.sqlite`."""
    return target.with_name(f"{target.stem}{MARKS_SUFFIX}{extension}")


def backup(settings: Settings, target: Path) -> list[BackupReport]:
    """Back up the minimarket's database and the marks to target (and its marks sibling)."""
    if sqlite_path(settings.database_url) is None:
        return backup_postgres(settings, target)
    marks = entries_file(settings)
    copies = [(sqlite_path(settings.database_url), target, "base")]
    if marks is not None and marks.exists():
        copies.append((marks, marks_target(target, ".sqlite"), "marcas de los encargados"))
    for _source, copy, _what in copies:
        if copy.exists():
            raise BackupError(f"{copy} ya existe: elija otro nombre (nunca se sobrescribe)")
    reports = []
    try:
        for source, copy, what in copies:
            reports.append(backup_sqlite(f"sqlite:///{source}", copy, what=what))
    except BackupError:
        for report in reports:  # all or nothing
            report.target.unlink(missing_ok=True)
        raise
    return reports


def backup_sqlite(database_url: str, target: Path, *, what: str = "base") -> BackupReport:
    """Copy a SQLite database to target with the online backup API; verify the copy."""
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
        _copy(source, partial, journal="DELETE")
        os.chmod(partial, 0o600)
        integrity = _check(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(target, target.stat().st_size, time.monotonic() - started, integrity, what)


def _copy(source: Path, target: Path, *, journal: str) -> None:
    """Copy source to target (a new file) with SQLite's backup API, in the given journal mode."""
    src = sqlite3.connect(f"file:{source.resolve()}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.execute("PRAGMA busy_timeout = 5000")
        src.backup(dst, pages=1024)  # steps let writers in between
        dst.execute(f"PRAGMA journal_mode = {journal}")
        dst.commit()
    except sqlite3.Error as exc:
        raise BackupError(f"falló la copia: {exc}") from None
    finally:
        dst.close()
        src.close()


def _check(target: Path) -> str:
    try:
        with sqlite3.connect(f"file:{target.resolve()}?mode=ro", uri=True) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        conn.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{target} no es una base SQLite válida: {exc}") from None
    if result != "ok":
        raise BackupError(f"la copia no pasó integrity_check: {result}")
    return result


# --- restore (SQLite) -------------------------------------------------------------------------


def restore_sqlite(backup_file: Path, target: Path, *, in_use_check: bool = False) -> str:
    """Put backup_file in place of target keeping target's owner, group, mode and journal mode;
    return the Spanish line to print. in_use_check: refuse while a process has target open."""
    if not backup_file.is_file():
        raise BackupError(f"no existe el respaldo {backup_file}")
    _check(backup_file)
    if in_use_check:
        _refuse_if_open(target)
    keep = _file_traits(target)
    _settle(target, keep["journal"])
    staging = target.with_name(f".{target.name}.restaurando-{os.getpid()}")
    try:
        _copy(backup_file, staging, journal=keep["journal"])
        os.chown(staging, keep["uid"], keep["gid"])
        os.chmod(staging, keep["mode"])
        _fsync(staging)
        os.replace(staging, target)
        _fsync(target.parent)
    except OSError as exc:
        raise BackupError(f"no se pudo escribir en {target.parent}: {exc.strerror}") from None
    finally:
        staging.unlink(missing_ok=True)
    mode = f"{keep['mode']:o}"
    return (
        f"Restaurada {target} desde {backup_file} (dueño {keep['owner']}, permisos {mode}, "
        f"journal_mode {keep['journal'].lower()})"
    )


def _file_traits(target: Path) -> dict:
    """Owner, group, mode and journal mode of target; for a missing file, those of a new one
    in its folder (the folder's owner and group, 0640, rollback journal)."""
    if target.exists():
        info, journal = target.stat(), _journal_mode(target)
        mode = info.st_mode & 0o7777
    else:
        if not target.parent.is_dir():
            raise BackupError(f"no existe la carpeta {target.parent}")
        info, journal, mode = target.parent.stat(), "DELETE", NEW_FILE_MODE
    from grp import getgrgid
    from pwd import getpwuid

    try:
        owner = f"{getpwuid(info.st_uid).pw_name}:{getgrgid(info.st_gid).gr_name}"
    except KeyError:
        owner = f"{info.st_uid}:{info.st_gid}"
    return {
        "uid": info.st_uid,
        "gid": info.st_gid,
        "mode": mode,
        "journal": journal,
        "owner": owner,
    }


def _journal_mode(path: Path) -> str:
    """WAL or DELETE, read from the file header (opening it could change nothing then)."""
    with open(path, "rb") as file:
        header = file.read(20)
    if not header.startswith(b"SQLite format 3\x00"):
        raise BackupError(f"{path} no es una base SQLite")
    return "WAL" if header[18] == WAL_HEADER_BYTE else "DELETE"


def _settle(target: Path, journal: str) -> None:
    """Leave no -wal frames nor hot -journal beside target: after the rename they would be
    taken as the new file's and corrupt it. Needs the minimarket's application stopped."""
    if not target.exists():
        return
    try:
        conn = sqlite3.connect(target, timeout=5)
        try:
            if journal == "WAL":
                busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                if busy:
                    raise BackupError(
                        f"{target} está en uso: detenga la aplicación que escribe "
                        "en ella y vuelva a intentar"
                    )
            else:
                conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # rolls back
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BackupError(f"no se pudo preparar {target}: {exc}") from None


def _refuse_if_open(target: Path) -> None:
    """Raise when a process (a dashboard worker) has target open: it would go on writing the
    replaced file and what it writes would be lost."""
    names = {str(target.resolve()), f"{target.resolve()}-wal"}
    for fd_folder in Path("/proc").glob("[0-9]*/fd"):
        try:
            links = [os.readlink(fd) for fd in fd_folder.iterdir()]
        except OSError:
            continue
        if names & set(links):
            pid = fd_folder.parent.name
            raise BackupError(
                f"{target} está abierto por el proceso {pid}: detenga el "
                "dashboard (systemctl stop minimarket-dash) y vuelva a intentar"
            )


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- PostgreSQL -------------------------------------------------------------------------------


def pg_dump_commands(
    database_url: str,
    target: Path,
    *,
    files: tuple[Path, Path] | None = None,
    with_marks: bool = True,
) -> list[list[str]]:
    """Return the pg_dump commands: the minimarket's tables to target, the marks (schema
    mm_entradas) beside it; never the summaries. No password in them (PGPASSWORD, ~/.pgpass).
    `files`: where each one writes, when not target and its marks sibling."""
    url = make_url(database_url)
    tables, marks = files or (target, marks_target(target, ".dump"))
    connection = []
    if url.host:
        connection.append(f"--host={url.host}")
    if url.port:
        connection.append(f"--port={url.port}")
    if url.username:
        connection.append(f"--username={url.username}")
    connection.append(_database_argument(url))
    common = ["pg_dump", "--format=custom", "--no-owner"]
    commands = [
        [
            *common,
            f"--exclude-schema={STORE_SCHEMA}",
            f"--exclude-schema={ENTRIES_SCHEMA}",
            f"--file={tables}",
            *connection,
        ]
    ]
    if with_marks:
        commands.append([*common, f"--schema={ENTRIES_SCHEMA}", f"--file={marks}", *connection])
    return commands


def _database_argument(url) -> str:
    """The database name, or a libpq conninfo with the URL's options but the password."""
    options = {k: v for k, v in url.query.items() if k != "password"}
    if not options:
        return url.database or ""
    parts = [f"dbname={url.database}", *(f"{k}={v}" for k, v in sorted(options.items()))]
    return "--dbname=" + " ".join(parts)


def pg_dump_command(database_url: str, target: Path) -> str:
    """Return the pg_dump lines to run, one per line (what `backup --print` shows)."""
    return "\n".join(shlex.join(command) for command in pg_dump_commands(database_url, target))


def backup_postgres(settings: Settings, target: Path) -> list[BackupReport]:
    """Run the pg_dumps; on any failure remove what was written and raise BackupError."""
    outputs = (target, marks_target(target, ".dump"))
    for output in outputs:
        if output.exists():
            raise BackupError(f"{output} ya existe: elija otro nombre (nunca se sobrescribe)")
    if shutil.which("pg_dump") is None:
        raise BackupError(
            "no se encontró pg_dump: instale el cliente de PostgreSQL (paquete postgresql-client)"
        )
    partials = tuple(output.with_name(output.name + ".partial") for output in outputs)
    commands = pg_dump_commands(
        settings.database_url, target, files=partials, with_marks=_has_marks_schema(settings)
    )
    env = dict(os.environ)
    url = make_url(settings.database_url)
    password = url.password or url.query.get("password")
    if password:
        env["PGPASSWORD"] = str(password)
    reports: list[BackupReport] = []
    try:
        for command, partial, output, what in zip(
            commands, partials, outputs, ("base", "marcas de los encargados"), strict=False
        ):
            started = time.monotonic()
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                reason = " ".join(done.stderr.split())[:500] or f"código {done.returncode}"
                raise BackupError(f"pg_dump falló ({what}): {reason}")
            os.chmod(partial, 0o600)
            os.replace(partial, output)
            reports.append(
                BackupReport(output, output.stat().st_size, time.monotonic() - started, "", what)
            )
    except BackupError:
        for path in (*partials, *(report.target for report in reports)):
            path.unlink(missing_ok=True)
        raise
    return reports


def _has_marks_schema(settings: Settings) -> bool:
    """Whether the schema of the marks exists yet (none before the first mark is stored)."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import SQLAlchemyError

    from .db import make_engine

    engine = make_engine(settings)
    try:
        return inspect(engine).has_schema(ENTRIES_SCHEMA)
    except SQLAlchemyError as exc:
        from .startup import database_reason

        raise BackupError(f"la base no responde ({database_reason(exc)[0]})") from None
    finally:
        engine.dispose()


def pg_restore_commands(database_url: str, backup_file: Path) -> str:
    """Return the pg_restore lines of RUNBOOK §15: the tables with the database's owner (here
    `minimarket`), the marks with the dashboard's role (its default of read-only sessions
    lifted for the restore)."""
    url = make_url(database_url)
    database, role = url.database or "minimarket", url.username or "minimarket_lector"
    common = ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={database}"]
    common += [f"--host={url.host}"] if url.host else []
    common += [f"--port={url.port}"] if url.port else []
    tables = shlex.join([*common, "--username=minimarket", str(backup_file)])
    marks = shlex.join([*common, f"--username={role}", str(marks_target(backup_file, ".dump"))])
    return f"{tables}\nPGOPTIONS='-c default_transaction_read_only=off' {marks}"
