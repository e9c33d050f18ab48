"""Pieces every metric shares: result frames, time windows, the provider filter, summaries."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Connection, false, func, inspect, select, union_all

from ..db import proveedores
from ..filters import Filters, fold_text
from ..metric import DAY, TEXT, Field, Metric
from ..summaries import SummaryState, mm_ids_dia, read_state, split_days, split_months


def frame(conn: Connection, statement, columns: list[str]) -> pd.DataFrame:
    """Run statement and return its rows as a DataFrame with the given columns."""
    # Plain tuples: pandas probes each SQLAlchemy Row for namedtuple fields, and every probe
    # raises and catches an error inside SQLAlchemy (about 1 ms per 100 rows).
    return pd.DataFrame([tuple(row) for row in conn.execute(statement)], columns=columns)


def ints(data: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Make counting columns plain int64 (PostgreSQL sums arrive as Decimal)."""
    for column in columns:
        if data[column].dtype != "int64":  # already so (SQLite counts): nothing to redo
            data[column] = data[column].fillna(0).astype("int64")
    return data


def union_of(parts: list):
    """Return the parts (summary and live selects) as one subquery, UNION ALL when several."""
    return union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()


def stored_and_live(
    state: SummaryState | None,
    start: datetime | None,
    end: datetime | None,
    grain: str,
    live,
    stored,
):
    """Return [start, end) as one subquery: closed periods stored, the rest read live.

    `grain` is "day" (the daily summary, watermark `hasta_dia`) or "month" (the monthly ones,
    watermark `hasta`). `live(start, end)` selects a raw range from the minimarket's tables
    (one select or several, narrowed with `narrower`); `stored(first, last)` selects the whole
    summarised periods in [first, last) and may return several selects. Without summaries
    (`state` None) the whole window is read live.
    """
    if state is None:
        return union_of(_listed(live(start, end)))
    split, watermark = (
        (split_days, state.hasta_dia) if grain == "day" else (split_months, state.hasta)
    )
    covered, raw = split(start, end, watermark)
    parts = [part for date_range in raw for part in _listed(live(*date_range))]
    if covered:
        kept = stored(*covered)
        parts += kept if isinstance(kept, list) else [kept]
    return union_of(parts)


def id_narrowing(
    conn: Connection,
    state: SummaryState | None,
    table,
    start: datetime | None,
    end: datetime | None,
) -> list:
    """Return conditions on `table.id` that keep the rows of [start, end) (by the day of its
    date) using the store's first and last id per day (summaries.mm_ids_dia).

    A database as found has no index on the dates, so without these a live range scans the
    whole table; with them it is a primary-key range. Exact for the rows of the last refresh;
    rows added since (higher ids) are kept unless the range ends before the newest stored day
    (rows added later with an old date wait for the daily full rebuild, like any change to a
    summarised day). No store (state None): no condition.
    """
    if state is None:
        return []
    last_day = (end - timedelta(microseconds=1)).date() if end is not None else None
    lo, hi, newest_day, newest_id = _id_range(
        conn, state, table.name, start.date() if start is not None else None, last_day
    )
    if newest_id is None:
        return []
    key = table.c.id
    if lo is None:
        return [key > newest_id]
    conditions = [key >= lo]
    if last_day is not None and last_day.isoformat() < str(newest_day)[:10]:
        conditions.append(key <= hi)
    return conditions


# What is derived from the store's rows alone (id ranges, which tables it holds) changes only
# when a build writes a new generation (SummaryState.generacion): remembered under it.
_PER_BUILD: dict[tuple, object] = {}
_PER_BUILD_KEPT = 8192


def _per_build(state: SummaryState | None, key: tuple, compute):
    """Return compute(), remembered under (the store's generation, key) until the next build;
    without a generation (no store, or one built before generations) computed every time."""
    generation = state.generacion if state is not None else None
    if generation is None:
        return compute()
    full_key = (generation, *key)
    if full_key not in _PER_BUILD:
        if len(_PER_BUILD) >= _PER_BUILD_KEPT:
            _PER_BUILD.clear()  # a new generation makes the old keys useless anyway
        _PER_BUILD[full_key] = compute()
    return _PER_BUILD[full_key]


def _id_range(conn: Connection, state: SummaryState, table_name: str, first_day, last_day):
    """Return (lowest id, highest id, newest stored day, newest stored id) of the table's rows
    dated first_day..last_day (None: open), remembered per store generation."""
    ids = mm_ids_dia.c
    of_table = [ids.tabla == table_name]
    in_range = [
        *of_table,
        *([ids.dia >= first_day] if first_day is not None else []),
        *([ids.dia <= last_day] if last_day is not None else []),
    ]
    return _per_build(
        state,
        ("ids", table_name, first_day, last_day),
        lambda: tuple(
            conn.execute(
                select(
                    select(func.min(ids.primero)).where(*in_range).scalar_subquery(),
                    select(func.max(ids.ultimo)).where(*in_range).scalar_subquery(),
                    select(func.max(ids.dia)).where(*of_table).scalar_subquery(),
                    select(func.max(ids.ultimo)).where(*of_table).scalar_subquery(),
                )
            ).one()
        ),
    )


def _listed(selects) -> list:
    return selects if isinstance(selects, list) else [selects]


def narrower(conn: Connection, state: SummaryState | None):
    """Return narrow(table, start, end): id_narrowing bound to this connection and store."""
    return lambda table, start, end: id_narrowing(conn, state, table, start, end)


def regrouped(parts, keys: list[str], sums: list[str]):
    """Return SELECT keys, SUM(each of sums) FROM parts GROUP BY keys: the union of stored and
    live parts summed back into one row per key."""
    return select(
        *(parts.c[key] for key in keys),
        *(func.sum(parts.c[name]).label(name) for name in sums),
    ).group_by(*(parts.c[key] for key in keys))


def has_table(conn: Connection, table, state: SummaryState | None = None) -> bool:
    """True when the store holds `table`: a store built by an earlier version may lack a
    summary table until its next full build, and the queries read live meanwhile. With the
    store's `state`, the answer is remembered until the next build (tables appear or go only
    in a build)."""
    return _per_build(
        state, ("table", table.name), lambda: inspect(conn).has_table(table.name, table.schema)
    )


def has_index(conn: Connection, name: str) -> bool:
    """True when the minimarket's database has the index `name` (one `optimize` adds).

    A query whose best shape differs with and without it asks this; a catalogue lookup, so
    an `optimize` run while serving is seen at the next request.
    """
    if conn.dialect.name == "sqlite":
        found = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
        )
    else:
        found = conn.exec_driver_sql(
            "SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = %s",
            (name,),
        )
    return found.first() is not None


def summary_state(conn: Connection, use_summaries: bool) -> SummaryState | None:
    """Return the summaries' watermark when they exist and may be used."""
    return read_state(conn) if use_summaries else None


def summary_freshness(conn: Connection, filters: Filters, now: datetime) -> pd.DataFrame:
    """Return when the store's summaries were last refreshed (no rows when there are none)."""
    state = read_state(conn)
    rows = [{"actualizado": state.actualizado, "hasta_dia": state.hasta_dia}] if state else []
    return pd.DataFrame(rows, columns=["actualizado", "hasta_dia"])


SUMMARY_FRESHNESS = Metric(
    "summary_freshness",
    summary_freshness,
    (
        Field("actualizado", TEXT, "Cuándo se actualizaron los resúmenes por última vez."),
        Field("hasta_dia", DAY, "Primer día que todavía se lee en vivo."),
    ),
)


def provider_ids(conn: Connection, text: str | None) -> list[int] | None:
    """Return ids of providers whose name or code contains `text` (accent- and case-blind).

    None means "no provider filter". The provider table is small, so folding accents in Python
    works the same on SQLite and PostgreSQL without extensions.
    """
    if not text:
        return None
    needle = fold_text(text)
    rows = conn.execute(select(proveedores.c.id, proveedores.c.nombre, proveedores.c.codigo))
    return [
        row.id
        for row in rows
        if needle in fold_text(row.nombre or "") or needle in fold_text(row.codigo or "")
    ]


def provider_condition(column, ids: list[int] | None) -> list:
    """Return the WHERE conditions that keep only the given providers (none: no filter)."""
    if ids is None:
        return []
    return [column.in_(ids)] if ids else [false()]


def window(column, start: datetime | None, end: datetime | None) -> list:
    """Return the conditions of the half-open window [start, end); None bounds are open."""
    conditions = []
    if start is not None:
        conditions.append(column >= start)
    if end is not None:
        conditions.append(column < end)
    return conditions


def last_days(now: datetime, days: int) -> tuple[datetime, datetime]:
    """Return [now - days, now] as a half-open window ending one second after now."""
    return now - timedelta(days=days), now + timedelta(seconds=1)


def days_or_dates(filters: Filters, now: datetime) -> tuple[datetime | None, datetime | None]:
    """Return the filter's dates, or the rolling last `days` days (ending now) without them."""
    if filters.start_date or filters.end_date:
        return filters.date_bounds()
    return last_days(now, filters.days)


def month_window_start(now: datetime, months: int) -> datetime:
    """Return the first day of the month `months - 1` months before now's month."""
    index = now.year * 12 + (now.month - 1) - (months - 1)
    return datetime(index // 12, index % 12 + 1, 1)


def week_window_start(now: datetime, weeks: int) -> datetime:
    """Return the Monday 00:00 that starts the oldest of the last `weeks` ISO weeks."""
    monday = now.date() - timedelta(days=now.weekday())
    return datetime.combine(monday - timedelta(weeks=weeks - 1), datetime.min.time())


def filtered_window(
    filters: Filters, default_start: datetime, now: datetime
) -> tuple[datetime | None, datetime | None]:
    """Return the filter's day range, or [default_start, now] when it names no dates."""
    if filters.start_date is None and filters.end_date is None:
        return default_start, now + timedelta(seconds=1)
    return filters.date_bounds()
