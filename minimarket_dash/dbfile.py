"""Notice when the SQLite file is replaced (a restore, an ETL that renames a new file in place).

Pooled connections keep the old file open, so without this the dashboard serves the old data
(or keeps failing) until a restart. The file's identity is its device and inode: a rename over
it (RUNBOOK's restore, an ETL) changes them, and then the engine's pool is disposed and the next
query opens the new file. Writes are not replacements: in SQLite's default rollback-journal
mode every write changes the file's size and mtime, and a point of sale writing all day must
not reopen every connection and empty the result cache at each sale (SQLite itself shows the
written rows to the next query).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

log = logging.getLogger("minimarket_dash.dbfile")

CHECK_EVERY_SECONDS = 1.0

Identity = tuple[int, int] | None


def identity(path: Path) -> Identity:
    """Return (device, inode) of path, or None when it does not exist."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


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
