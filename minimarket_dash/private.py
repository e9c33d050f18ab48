"""Files of the dashboard that only their owner may read (0600) or also its group (0640).

The store of summaries, the marks and sessions, the refresher's lock and status files, the
users file, the session key and the demo's password are the service user's alone; the demo
database is 0640 (a backup or reporting group may read it). Created with that mode, and an
older file with a wider one is narrowed (an upgrade from a version that left them 0644).
SQLite gives a database's -wal and -shm files the database's own mode.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger("minimarket_dash.private")

OWNER_ONLY = 0o600
OWNER_AND_GROUP = 0o640


def ensure_mode(path: Path, mode: int = OWNER_ONLY) -> None:
    """Create `path` empty with `mode` if missing; narrow it to `mode` if it grants more."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, mode))
        current = path.stat().st_mode & 0o777
        if current & ~mode:
            os.chmod(path, current & mode)
    except OSError as exc:
        log.warning(
            "no se pudo dejar %s con permisos %o: %s",
            path,
            mode,
            exc.strerror or type(exc).__name__,
        )


def open_private(path: Path, flags: int, mode: int = OWNER_ONLY) -> int:
    """os.open with `mode` for a new file (the umask can only narrow it)."""
    return os.open(path, flags, mode)
