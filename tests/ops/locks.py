"""Reading the locks of exact versions (requirements/*.lock), for the tests that check them."""

from __future__ import annotations

import re
from pathlib import Path

from packaging.utils import canonicalize_name

from tests.live import PROJECT_ROOT

APP_LOCK = PROJECT_ROOT / "requirements" / "app.lock"
TEST_LOCK = PROJECT_ROOT / "requirements" / "test.lock"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", re.MULTILINE)


def pins(lock: Path) -> dict[str, str]:
    """The `name==version` lines of a lock, by canonical name."""
    return {canonicalize_name(name): pinned for name, pinned in PIN.findall(lock.read_text())}
