"""The one place where SQLite and PostgreSQL differ: date buckets, flags and text sorting."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import (
    Date,
    Integer,
    String,
    bindparam,
    cast,
    func,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import ColumnElement

_UNITS = {"day": (10, "YYYY-MM-DD"), "month": (7, "YYYY-MM")}


def grouped(column, unit: str, dialect: str) -> tuple[ColumnElement, ColumnElement]:
    """Return (GROUP BY key, its text label) for day or month buckets of a timestamp.

    PostgreSQL groups by date_trunc and formats only the grouped rows: to_char on every row
    cost more than the aggregate itself on 10M lines.
    """
    length, pattern = _UNITS[unit]
    if dialect == "sqlite":
        key = func.substr(column, 1, length)
        return key, key
    key = func.date_trunc(unit, column)
    return key, func.to_char(key, pattern)


def day_value(column, dialect: str) -> ColumnElement:
    """Return the calendar day of a timestamp column as the dialect stores dates."""
    if dialect == "sqlite":
        return func.substr(column, 1, 10)
    return cast(column, Date)


def stored_label(column, unit: str, dialect: str) -> ColumnElement:
    """Return the day or month of a stored calendar day (LocalDate) as `grouped` labels it:
    text, so a stored part and a live part of one answer have the same type."""
    length, pattern = _UNITS[unit]
    if dialect == "sqlite":  # `YYYY-MM-DD` text already; never read back as a date
        return type_coerce(func.substr(column, 1, length), String)
    return func.to_char(column, pattern)


def iso_week_bucket(column, dialect: str) -> ColumnElement:
    """Return the ISO week `YYYY-Www` of a timestamp column (weeks start on Monday)."""
    if dialect != "sqlite":
        return func.to_char(column, 'IYYY-"W"IW')
    # SQLite before 3.46 has no %G/%V: the ISO week is the one holding that week's Thursday.
    thursday = func.date(column, "-3 days", "weekday 4")
    week = (cast(func.strftime("%j", thursday), Integer) - 1) // 7 + 1
    return func.printf("%s-W%02d", func.substr(thursday, 1, 4), week)


def is_true(column) -> ColumnElement:
    """Match a 0/1 flag whether it is stored as an integer or a boolean."""
    return cast(column, Integer) == 1


def sort_text(column, dialect: str) -> ColumnElement:
    """Sort text by code point on both databases, so ties order the same everywhere."""
    if dialect == "sqlite":
        return column
    return cast(column, String).collate("C")


def one_of_ids(column, ids: Sequence[int], dialect: str) -> ColumnElement:
    """Return `column IN ids` with the ids as one parameter (a JSON array read by json_each in
    SQLite, an array in PostgreSQL): SQLAlchemy renders an IN list one bound parameter per
    value, ~25 ms for the ~9,000 candidate orders of /api/invoices.

    In PostgreSQL the array is unnested into a subquery, which the planner hashes: `= ANY
    (array)` compares each row with the array element by element (5,000 ids over the ~70,000
    lines of three weeks of the 10M-line demo: 773 ms; unnested, 35 ms).
    """
    if dialect == "sqlite":
        values = func.json_each(bindparam(None, json.dumps([int(i) for i in ids]), String))
        return column.in_(select(literal_column("value")).select_from(values))
    array = bindparam(None, [int(i) for i in ids], ARRAY(Integer))
    return column.in_(select(func.unnest(array)).scalar_subquery())
