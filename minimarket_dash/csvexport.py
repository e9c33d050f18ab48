"""CSV exports of docs/api.md: RFC 4180 via the csv module, UTF-8, formula cells neutralised."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from flask import Response

from .filters import Filters, fold_text

# OWASP: a cell starting with one of these may be run as a formula by a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_NAME = re.compile(r"[^a-z0-9]+")
SLUG_MAX_LENGTH = 40


def neutralise(value: object) -> object:
    """Prefix a text cell that a spreadsheet would read as a formula with `'`; keep numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def to_csv(fields: Sequence[str], rows: Iterable[Mapping[str, object]]) -> str:
    """Write a header row and one row per mapping, quoted only where RFC 4180 needs it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(fields)
    for row in rows:
        writer.writerow([neutralise(row.get(field)) for field in fields])
    return buffer.getvalue()


def slug(text: str) -> str:
    """Reduce text to lower-case ASCII letters, digits and dashes (safe in a file name)."""
    return _UNSAFE_NAME.sub("-", fold_text(text)).strip("-")[:SLUG_MAX_LENGTH].strip("-")


def filter_parts(filters: Filters) -> list[str]:
    """Describe the date range and provider text of a filter as file-name parts."""
    parts: list[str] = []
    if filters.start_date and filters.end_date:
        parts += [filters.start_date.isoformat(), filters.end_date.isoformat()]
    elif filters.start_date:
        parts.append(f"desde-{filters.start_date.isoformat()}")
    elif filters.end_date:
        parts.append(f"hasta-{filters.end_date.isoformat()}")
    if filters.proveedor and slug(filters.proveedor):
        parts.append(slug(filters.proveedor))
    return parts


def file_name(name: str, today: date, parts: Sequence[str] = ()) -> str:
    """Build `name[_parts]_today.csv`, e.g. `top-products_2026-03-01_lacteos_2026-03-15.csv`."""
    return "_".join([name, *parts, today.isoformat()]) + ".csv"


def csv_response(text: str, filename: str) -> Response:
    """Return CSV text as a UTF-8 attachment download."""
    response = Response(text.encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
