"""Helpers shared by the ops tests: the RUNBOOK's commands and blocks, HTTP status, polling."""

from __future__ import annotations

import re
import shlex
import sqlite3
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.live import PROJECT_ROOT

RUNBOOK = PROJECT_ROOT / "RUNBOOK.md"
SCRIPTS = PROJECT_ROOT / "scripts"


def runbook_lines() -> tuple[list[str], list[str]]:
    """Split the RUNBOOK into the lines of its shell code blocks and its prose lines."""
    code, prose, fence = [], [], None
    for line in RUNBOOK.read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            fence = None if fence is not None else stripped[3:]
            continue
        if fence is None:
            prose.append(line)
        elif fence in ("", "bash", "sh"):
            code.append(line)
    return code, prose


def runbook_commands() -> list[list[str]]:
    """Every shell command of the RUNBOOK's code blocks and inline code spans, as tokens."""
    code, prose = runbook_lines()
    lines = "\n".join(code).replace("\\\n", " ").splitlines()
    for line in prose:
        lines += re.findall(r"`([^`]+)`", line)
    commands = []
    for line in lines:
        try:
            tokens = shlex.split(line.strip(), comments=True)
        except ValueError:
            continue
        if tokens:
            commands.append(tokens)
    return commands


def block_with(line_start: str, fence: str = "bash", exact: bool = False) -> str:
    """Return the RUNBOOK code block (```fence) holding a line that starts with line_start."""
    blocks = re.findall(rf"```{fence}\n(.*?)```", RUNBOOK.read_text(), re.DOTALL)

    def match(line: str) -> bool:
        return line.strip() == line_start if exact else line.strip().startswith(line_start)

    found = [b for b in blocks if any(match(ln) for ln in b.splitlines())]
    assert len(found) == 1, (line_start, len(found))
    return "\n".join(line.strip() for line in found[0].splitlines())


def get(url: str, key: str | None = None) -> int:
    """GET url, optionally with the key; return the status."""
    request = urllib.request.Request(url, headers={"X-API-Key": key} if key else {})
    try:
        with urllib.request.urlopen(request, timeout=15) as answer:
            answer.read()
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


def wait_for(predicate, seconds: float, every: float = 0.2):
    """Poll predicate until it returns a truthy value; return it (or the last falsy one)."""
    deadline = time.monotonic() + seconds
    value = predicate()
    while not value and time.monotonic() < deadline:
        time.sleep(every)
        value = predicate()
    return value


def active_providers(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT COUNT(*) FROM proveedores WHERE activo = 1").fetchone()[0]
    finally:
        conn.close()
