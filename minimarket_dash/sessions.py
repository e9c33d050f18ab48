"""Server-side sign-in sessions: one row per open session in the dashboard's own store.

The signed cookie (signin.py) carries a random session id; the store (entries.py, table
`mm_sesiones`: a SQLite file under DASHBOARD_STATE_DIR or the PostgreSQL schema mm_entradas)
keeps only its SHA-256 digest, the user, when it started, when it was last seen, and the
client's address and browser. Every request looks its row up, so ending a session (logout,
password change, removal, `minimarket-dash users sessions NAME --cerrar`) takes effect at once
on every worker and every instance: a copy of the cookie opens nothing afterwards.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from .entries import EntriesStore, EntriesUnavailable, mm_sesiones

log = logging.getLogger("minimarket_dash.sessions")

ABSOLUTE_LIFETIME_SECONDS = 7 * 24 * 3600  # a session ends 7 days after sign-in, used or not
SEEN_REFRESH_SECONDS = 60  # last-seen time written at most once a minute per session
SHOWN_ID_LENGTH = 8  # the prefix of the digest `users sessions` shows and --cerrar takes
AGENT_MAX = 200
ADDRESS_MAX = 64


class Session(NamedTuple):
    """One open session as stored (`id` is the digest, never the cookie's value)."""

    id: str
    usuario: str
    creada: float
    vista: float
    ip: str
    agente: str

    @property
    def shown_id(self) -> str:
        """Return the short id operators see and type (`users sessions NAME --cerrar ID`)."""
        return self.id[:SHOWN_ID_LENGTH]


def digest(token: str) -> str:
    """Return the stored form of a session id (its SHA-256, hex)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# Built once: every page request runs it, and building a statement costs more than running it.
_LOOKUP = select(mm_sesiones.c.usuario, mm_sesiones.c.creada, mm_sesiones.c.vista).where(
    mm_sesiones.c.id == bindparam("key")
)


@dataclass
class SessionStore:
    """Start, check, list and end sign-in sessions in the store of what managers enter."""

    entries: EntriesStore
    idle_seconds: int

    def start(self, usuario: str, ip: str, agente: str) -> str:
        """Open a session and return its id for the cookie (only its digest is stored)."""
        token = secrets.token_urlsafe(32)
        now = time.time()
        self._run(
            insert(mm_sesiones).values(
                id=digest(token),
                usuario=usuario,
                creada=now,
                vista=now,
                ip=(ip or "")[:ADDRESS_MAX],
                agente=(agente or "")[:AGENT_MAX],
            ),
            "guardar",
        )
        return token

    def check(self, token: str, usuario: str) -> bool:
        """Tell whether `token` is an open session of `usuario` that has not expired (idle
        or absolute); note its use at most once a minute."""
        key = digest(token)
        row = self._first(_LOOKUP, {"key": key})
        if row is None or row.usuario != usuario:
            return False
        now = time.time()
        if now - row.creada > ABSOLUTE_LIFETIME_SECONDS or now - row.vista > self.idle_seconds:
            self._run(delete(mm_sesiones).where(mm_sesiones.c.id == key), "borrar")
            return False
        if now - row.vista > SEEN_REFRESH_SECONDS:
            self._run(
                update(mm_sesiones).where(mm_sesiones.c.id == key).values(vista=now), "guardar"
            )
        return True

    def end(self, token: str) -> None:
        """End one session by the id its cookie carries."""
        self._run(delete(mm_sesiones).where(mm_sesiones.c.id == digest(token)), "borrar")

    def end_user(self, usuario: str, shown_id: str | None = None) -> int:
        """End every session of `usuario` (only the one whose short id is `shown_id` when
        given); return how many ended."""
        condition = mm_sesiones.c.usuario == usuario
        if shown_id:
            condition &= func.substr(mm_sesiones.c.id, 1, len(shown_id)) == shown_id.lower()
        return self._run(delete(mm_sesiones).where(condition), "borrar")

    def of_user(self, usuario: str) -> list[Session]:
        """Return the open sessions of `usuario`, most recently used first."""
        self.purge_expired()
        statement = (
            select(mm_sesiones)
            .where(mm_sesiones.c.usuario == usuario)
            .order_by(mm_sesiones.c.vista.desc())
        )
        return [Session(*row) for row in self._all(statement)]

    def purge_expired(self) -> int:
        """Delete the rows of sessions that expired (idle or absolute); return how many."""
        now = time.time()
        expired = (mm_sesiones.c.vista < now - self.idle_seconds) | (
            mm_sesiones.c.creada < now - ABSOLUTE_LIFETIME_SECONDS
        )
        return self._run(delete(mm_sesiones).where(expired), "borrar")

    def _first(self, statement, parameters: dict):
        self.entries.ensure_tables()
        try:
            with self.entries.engine.connect() as conn:
                return conn.execute(statement, parameters).first()
        except SQLAlchemyError as exc:
            raise _unavailable("leer", exc) from exc

    def _all(self, statement) -> list:
        self.entries.ensure_tables()
        try:
            with self.entries.engine.connect() as conn:
                return conn.execute(statement).fetchall()
        except SQLAlchemyError as exc:
            raise _unavailable("leer", exc) from exc

    def _run(self, statement, action: str) -> int:
        self.entries.ensure_tables()
        try:
            with self.entries.engine.begin() as conn:
                return conn.execute(statement).rowcount
        except SQLAlchemyError as exc:
            raise _unavailable(action, exc) from exc


def _unavailable(action: str, exc: SQLAlchemyError) -> EntriesUnavailable:
    log.error(
        "no se pudo %s una sesión en el almacén (mm_sesiones): %s", action, type(exc).__name__
    )
    return EntriesUnavailable(action)
