"""Chart periods of the pages: windows of the money KPIs, partial periods, month or week buckets.

A month (or week) drawn in a chart is «parcial» when the chosen range covers only part of it or
when it is still running; charts draw it lighter and say so in its label and hover.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .filters import Filters
from .formatting import day_label, iso_week, month_label, week_monday

SHORT_RANGE_DAYS = 62  # ranges shorter than about two months are drawn per week, not per month
PARTIAL = "parcial"


def last_30_days(today: date) -> tuple[Filters, Filters]:
    """Return the 30 calendar days up to today inclusive, and the 30 days before them."""
    start = today - timedelta(days=29)
    previous = Filters(start_date=start - timedelta(days=30), end_date=start - timedelta(days=1))
    return Filters(start_date=start, end_date=today), previous


def month_key(day: date) -> str:
    """Return `YYYY-MM` of a day."""
    return f"{day.year:04d}-{day.month:02d}"


def month_bounds(key: str) -> tuple[date, date]:
    """Return the first and last day of month `YYYY-MM`."""
    year, month = (int(part) for part in key.split("-"))
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def week_bounds(key: str) -> tuple[date, date]:
    """Return the Monday and Sunday of ISO week `YYYY-Www`."""
    monday = week_monday(key)
    return monday, monday + timedelta(days=6)


@dataclass(frozen=True)
class Period:
    """One bar of a chart: its key (`YYYY-MM` or `YYYY-Www`), label and whether it is partial."""

    key: str
    label: str
    partial: bool


def is_partial(first: date, last: date, start: date | None, end: date | None, today: date) -> bool:
    """Whether [first, last] is cut by the range [start, end] or still running today."""
    cut_before = start is not None and start > first
    cut_after = end is not None and end < last
    return cut_before or cut_after or first <= today <= last


def periods(keys, start: date | None, end: date | None, today: date) -> list[Period]:
    """Return the Period of each month or ISO-week key, marking the partial ones."""
    found = []
    for key in keys:
        weekly = "-W" in key
        first, last = week_bounds(key) if weekly else month_bounds(key)
        label = day_label(first) if weekly else month_label(key, short=True)
        partial = is_partial(first, last, start, end, today)
        found.append(Period(key, f"{label} ({PARTIAL})" if partial else label, partial))
    return found


def is_short(filters: Filters) -> bool:
    """Whether the filter names a range shorter than ~2 months (drawn per week)."""
    if filters.start_date is None or filters.end_date is None:
        return False
    return (filters.end_date - filters.start_date).days + 1 < SHORT_RANGE_DAYS


def week_filters(filters: Filters) -> list[tuple[str, Filters]]:
    """Split a dated filter into its ISO weeks, each clipped to the range: (week, filters)."""
    weeks = []
    day = filters.start_date
    while day is not None and filters.end_date is not None and day <= filters.end_date:
        sunday = day + timedelta(days=6 - day.weekday())
        last = min(sunday, filters.end_date)
        weeks.append(
            (iso_week(day), Filters(start_date=day, end_date=last, proveedor=filters.proveedor))
        )
        day = last + timedelta(days=1)
    return weeks
