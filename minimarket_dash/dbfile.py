"""Notice when the SQLite file is replaced (a restore, an ETL that renames a new file in place).

Pooled connections keep the old file open, so without this the dashboard serves the old data
(or keeps failing) until a restart. The file's identity is its inode plus size and mtime; when
it changes, the engine's pool is disposed and the next query opens the new file.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

log = logging.getLogger("minimarket_dash.dbfile")

CHECK_EVERY_SECONDS = 1.0

Identity = tuple[int, int, int, int] | None


def identity(path: Path) -> Identity:
    """Return (device, inode, size, mtime in ns) of path, or None when it does not exist."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


class FileWatch:
    """Tell, at most once a second, whether a file changed identity since the last look."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen = identity(path)
        self.next_check = time.monotonic() + CHECK_EVERY_SECONDS
        self.lock = threading.Lock()

    def replaced(self) -> bool:
        """Return True once after the file's identity changed."""
        now = time.monotonic()
        if now < self.next_check:
            return False
        with self.lock:
            if now < self.next_check:
                return False
            self.next_check = now + CHECK_EVERY_SECONDS
            current = identity(self.path)
            if current == self.seen:
                return False
            self.seen = current
        log.warning("el archivo de la base cambió (%s): se reabren las conexiones", self.path)
        return True
