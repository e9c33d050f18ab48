"""An invoice's «Estado» (pendiente, reclamada, acreditada, ignorada), kept in the marks' store.

The state is a mark (minimarket_dash/entries.py) of kind `factura` keyed by the invoice's id,
with who set it and when; it is read live on every page render, API answer and export (never
from the result cache), so every worker, device and restart sees the same. «Te cobraron de más»
counts only the invoices that are neither `acreditada` nor `ignorada`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping

import pandas as pd

from .entries import EntriesStore, EntriesUnavailable, Mark

log = logging.getLogger("minimarket_dash.entries")

TIPO = "factura"
PENDIENTE = "pendiente"
ESTADOS = (PENDIENTE, "reclamada", "acreditada", "ignorada")
# Settled: the money was given back or the manager decided to let it go.
SETTLED = ("acreditada", "ignorada")
ESTADO_LABELS = {
    "pendiente": "Pendiente",
    "reclamada": "Reclamada",
    "acreditada": "Acreditada",
    "ignorada": "Ignorada",
}
ESTADO_COLUMNS = ("estado", "estado_usuario", "estado_cuando")


def read_marks(store: EntriesStore) -> dict[str, Mark]:
    """Return every invoice's mark, by invoice id as text (the marks are few: set by hand)."""
    return store.marks(TIPO)


def marks_digest(marks: Mapping[str, Mark]) -> str:
    """A short digest of every invoice's mark (value, who, when): part of the cache key of an
    answer that shows states, so any change of a state is a new key."""
    text = json.dumps(
        sorted(
            (key, mark.valor, mark.usuario, mark.cuando.isoformat()) for key, mark in marks.items()
        ),
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def with_states(frame: pd.DataFrame, marks: Mapping[str, Mark]) -> pd.DataFrame:
    """Return the checked invoices with estado, estado_usuario and estado_cuando (ISO text);
    an invoice never marked is `pendiente` with no user or time."""
    frame = frame.copy()
    found = [marks.get(str(int(value))) for value in frame["factura_id"]] if len(frame) else []
    values = {
        "estado": [_estado(mark) for mark in found],
        "estado_usuario": [mark.usuario if mark else None for mark in found],
        "estado_cuando": [mark.cuando.isoformat(sep=" ") if mark else None for mark in found],
    }
    for name, column in values.items():
        # object, not pandas' inferred string dtype: a missing value stays None (JSON null).
        frame[name] = pd.Series(column, index=frame.index, dtype=object)
    return frame


def state_of(marks: Mapping[str, Mark]):
    """Return state(factura_id) -> (estado, estado_usuario, estado_cuando), as with_states
    writes them."""

    def state(factura_id: int) -> tuple[str, str | None, str | None]:
        mark = marks.get(str(factura_id))
        if mark is None:
            return PENDIENTE, None, None
        return _estado(mark), mark.usuario, mark.cuando.isoformat(sep=" ")

    return state


def _estado(mark: Mark | None) -> str:
    value = (mark.valor or {}).get("estado") if mark else None
    return value if value in ESTADOS else PENDIENTE


def counts(estado: str | None) -> bool:
    """True when an invoice's money charged above its order still counts (not settled)."""
    return estado not in SETTLED


def open_overcharge(frame: pd.DataFrame) -> float:
    """«Te cobraron de más»: money charged above the orders in invoices not settled."""
    if frame is None or not len(frame):
        return 0.0
    estados = frame["estado"] if "estado" in frame else [PENDIENTE] * len(frame)
    return round(
        float(
            sum(
                float(extra or 0)
                for extra, estado in zip(frame["cobrado_de_mas"], estados, strict=True)
                if counts(estado)
            )
        ),
        2,
    )


def set_state(store: EntriesStore, factura_id: int, estado: str, usuario: str) -> Mark:
    """Record an invoice's state (who and when are stored with it and in the history)."""
    if estado not in ESTADOS:
        raise ValueError(estado)
    return store.set(TIPO, str(int(factura_id)), {"estado": estado}, usuario)


def states_or_none(store: EntriesStore) -> dict[str, Mark] | None:
    """Return the marks, or None (logged) when the store cannot be read: a page still shows
    its invoices, all as «pendiente», and says the states could not be read."""
    try:
        return read_marks(store)
    except EntriesUnavailable:
        log.warning("no se pudieron leer los estados de las facturas")
        return None


def invoice_marks(settings) -> dict[str, str]:
    """Every marked invoice's state by id, for a process without the web app (the morning
    report): the marks' store of `settings`' database, {} (logged) when it cannot be read."""
    from .entries import entries_engine

    try:
        engine = entries_engine(settings)
    except OSError:
        log.warning("no se pudieron leer los estados de las facturas para el informe")
        return {}
    try:
        marks = states_or_none(EntriesStore(engine, settings.now))
        return {key: _estado(mark) for key, mark in (marks or {}).items()}
    finally:
        engine.dispose()
