"""What gunicorn's master checks before it starts or reloads workers: the log folder and the
database. A setting that cannot work stops the start with one Spanish line naming its variable
(exit 2, no traceback); a database that only does not answer yet is a warning (the service
starts and /health answers 503 until it comes back).
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from .config import Settings, SettingsError, sqlite_path
from .logs import LOG_FILE
from .masking import mask_url

# Reasons of a failed file operation, in words an operator reads.
OS_REASONS = {
    errno.EACCES: "permiso denegado",
    errno.EPERM: "operación no permitida",
    errno.EROFS: "sistema de archivos de sólo lectura",
    errno.ENOTDIR: "una parte de la ruta no es una carpeta",
    errno.EEXIST: "existe y no es una carpeta",
    errno.ENOSPC: "disco lleno",
    errno.ENOENT: "no existe",
}
# (fragment of the driver's message, reason, whether only the settings can fix it)
DATABASE_REASONS = (
    ("password authentication failed", "usuario o clave rechazados", True),
    ("no password supplied", "falta la clave", True),
    ("authentication failed", "usuario o clave rechazados", True),
    ('database "', "la base no existe", True),  # database "x" does not exist
    ('role "', "el usuario no existe", True),  # role "x" does not exist
    ("file is not a database", "el archivo no es una base SQLite", True),
    ("unable to open database file", "no se puede abrir el archivo", True),
    ("connection refused", "conexión rechazada", False),
    ("timeout expired", "no respondió a tiempo", False),
    ("timed out", "no respondió a tiempo", False),
    ("resolve host", "no se encuentra el host", False),
    ("translate host name", "no se encuentra el host", False),
    ("the database system is starting up", "está arrancando", False),
)


def os_reason(exc: OSError) -> str:
    """Return why a file operation failed, in Spanish."""
    return OS_REASONS.get(exc.errno, exc.strerror or type(exc).__name__)


def database_reason(exc: BaseException) -> tuple[str, bool]:
    """Return (why the database did not open, in Spanish; whether only the settings fix it)."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    for fragment, reason, permanent in DATABASE_REASONS:
        if fragment in text:
            return reason, permanent
    return type(getattr(exc, "orig", None) or exc).__name__, False


def check_log_dir(settings: Settings) -> None:
    """Raise SettingsError unless the log folder exists (or can be made) and can be written."""
    folder = Path(settings.log_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SettingsError(
            f"DASHBOARD_LOG_DIR: no se puede crear la carpeta {folder} ({os_reason(exc)})"
        ) from None
    target = folder / LOG_FILE
    writable = os.access(folder, os.W_OK | os.X_OK) and (
        not target.exists() or os.access(target, os.W_OK)
    )
    if not writable:
        raise SettingsError(
            f"DASHBOARD_LOG_DIR: no se puede escribir en {folder} (permiso denegado)"
        )


def check_database(settings: Settings) -> str | None:
    """Open the database once. Raise SettingsError when only the settings can fix it (no such
    file, user or database, a rejected password); return a warning when it does not answer."""
    shown = f"DASHBOARD_DATABASE_URL={mask_url(settings.database_url)}"
    path = sqlite_path(settings.database_url)
    if path is not None and not path.exists():
        raise SettingsError(f"{shown}: no existe el archivo {path}")
    try:
        _open(settings, path)
    except Exception as exc:  # noqa: BLE001 - any failure is reported in one line
        reason, permanent = database_reason(exc)
        if permanent:
            raise SettingsError(f"{shown}: {reason}") from None
        return (
            f"{shown}: la base no responde ({reason}); el servicio arranca igual y /health "
            "responde 503 hasta que vuelva"
        )
    return None


def _open(settings: Settings, path: Path | None) -> None:
    if path is not None:
        conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True, timeout=5)
        try:
            conn.execute("PRAGMA schema_version").fetchone()  # reads the header
        finally:
            conn.close()
        return
    from .db import make_engine, ping

    engine = make_engine(settings)
    try:
        ping(engine)
    finally:
        engine.dispose()


def check(settings: Settings) -> list[str]:
    """Run every start-up check; raise SettingsError on the first failure, return warnings."""
    check_log_dir(settings)
    warning = check_database(settings)
    return [warning] if warning else []
