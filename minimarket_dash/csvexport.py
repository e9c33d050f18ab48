"""The one CSV writer and file-namer of the API's and the pages' downloads (docs/api.md):
RFC 4180 via the csv module, UTF-8 (with a BOM for the pages' files, so Excel reads accents),
formula cells neutralised, file names built from safe parts."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import pandas as pd
from flask import Response

from .filters import Filters, fold_text

# OWASP: a cell starting with one of these may be run as a formula by a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_NAME = re.compile(r"[^a-z0-9]+")
SLUG_MAX_LENGTH = 40
BOM = "\ufeff"


def neutralise(value: object) -> object:
    """Prefix a text cell that a spreadsheet would read as a formula with `'`; keep numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = False) -> str:
    """Write a header and rows of cells, quoted only where RFC 4180 needs it; `bom` puts the
    UTF-8 byte order mark first."""
    buffer = io.StringIO()
    buffer.write(BOM if bom else "")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    for cells in rows:
        writer.writerow([neutralise(cell) for cell in cells])
    return buffer.getvalue()


def to_csv(
    fields: Sequence[str], rows: Iterable[Mapping[str, object]], *, bom: bool = False
) -> str:
    """Write one row per mapping, its values in the order of `fields` (the API's CSV)."""
    return write_csv(fields, ([row.get(field) for field in fields] for row in rows), bom=bom)


def frame_to_csv(frame: pd.DataFrame, *, bom: bool = True) -> str:
    """Write a DataFrame (a page's download): cells as pandas prints them (dates without a
    midnight time, missing values empty), with a BOM unless told otherwise."""
    cells = frame.copy()
    for column in cells.columns:
        if pd.api.types.is_datetime64_any_dtype(cells[column]):
            cells[column] = cells[column].astype(str).where(cells[column].notna())
    cells = cells.astype(object).where(cells.notna(), None)
    return write_csv(
        [str(name) for name in frame.columns], cells.itertuples(index=False, name=None), bom=bom
    )


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


def file_name(stem: str, *parts: object, extension: str = "csv") -> str:
    """Name a download after what it holds, `stem_part_part.csv`: dates in ISO form, other parts
    slugged, empty ones left out (`top-products_2026-03-01_lacteos_2026-03-15.csv`); the Excel
    twin passes extension="xlsx"."""
    named = [part.isoformat() if isinstance(part, date) else slug(str(part)) for part in parts]
    return "_".join([stem, *[part for part in named if part]]) + f".{extension}"


def csv_response(text: str, filename: str) -> Response:
    """Return CSV text as a UTF-8 attachment download."""
    response = Response(text.encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
