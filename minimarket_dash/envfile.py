"""Apply DASHBOARD_ENV_FILE to the process environment, so a gunicorn HUP or USR2 re-reads it.

gunicorn re-runs its configuration file on HUP (new workers, same socket) and on USR2 (a new
master with the new code, same socket), but it never re-reads the environment it was started
with. When DASHBOARD_ENV_FILE names a file of `DASHBOARD_*=value` lines (the same format as
systemd's EnvironmentFile and Compose's env_file), gunicorn_conf.py applies it each time, so a
setting changes without refusing a single connection (RUNBOOK, "Reinicio sin cortes").
"""

from __future__ import annotations

import json
import os
from collections.abc import MutableMapping
from pathlib import Path

ENV_FILE_VARIABLE = "DASHBOARD_ENV_FILE"
# Values the variables had before any env file touched them (to undo a line that was removed).
ORIGINALS_VARIABLE = "MINIMARKET_DASH_ENV_ORIGINALS"
PREFIX = "DASHBOARD_"


class EnvFileError(ValueError):
    """The env file cannot be read or has a line that is not NAME=value."""


def parse(text: str) -> dict[str, str]:
    """Return the DASHBOARD_* assignments of an env file (comments and blanks skipped)."""
    values = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.removeprefix("export ").partition("=")
        if not sep or not name.strip():
            raise EnvFileError(f"{ENV_FILE_VARIABLE}: la línea {number} no es NOMBRE=valor")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        if name.strip().startswith(PREFIX):
            values[name.strip()] = value
    return values


def apply(environ: MutableMapping[str, str] | None = None) -> list[str]:
    """Apply the file named by DASHBOARD_ENV_FILE to environ; return the names it set."""
    environ = os.environ if environ is None else environ
    path = environ.get(ENV_FILE_VARIABLE, "").strip()
    originals: dict[str, str | None] = json.loads(environ.get(ORIGINALS_VARIABLE, "{}"))
    for name, value in originals.items():  # start again from the environment before any file
        if value is None:
            environ.pop(name, None)
        else:
            environ[name] = value
    if not path:
        environ.pop(ORIGINALS_VARIABLE, None)
        return []
    try:
        values = parse(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        message = f"{ENV_FILE_VARIABLE}: no se puede leer {path}: {exc.strerror}"
        raise EnvFileError(message) from None
    values.pop(ENV_FILE_VARIABLE, None)
    for name in values:
        originals.setdefault(name, environ.get(name))
    environ.update(values)
    environ[ORIGINALS_VARIABLE] = json.dumps(originals)
    return sorted(values)
