"""The one Excel (.xlsx) writer of the API's and the pages' downloads, sibling of csvexport.

Cells keep their type: numbers are numbers, dates are dates, text is always a text cell (a name
such as `=1+2` stays that text and is never a formula), empty values and empty texts are
empty cells, booleans are Excel booleans (VERDADERO/FALSO in a Spanish Excel). XlsxWriter
writes the file in memory with every automatic conversion off (strings to formulas, numbers or
links).

Each column gets one display format, from its declared kind (the API's Field metadata) or
guessed from its values and its name:

- ids (`id`, `*_id`): `0`; other whole numbers: `#,##0`;
- money (`importe*`, `precio*`, `monto*`, `costo*`, `total`, `cobrado_de_mas`): `"$ "#,##0.00`;
- percentage points (`*_pct`, `*_pp`, `mercado`; 12.5 means 12,5 %): `#,##0.0`;
- other decimals: `#,##0.00`;
- dates: `dd/mm/yyyy`; date and time: `dd/mm/yyyy hh:mm` (ISO texts in a date column, and in
  a column whose name holds `fecha`, are read as dates).

The formats say where the separators go, not which characters: Excel draws them with the
reader's regional settings, so a manager in es-AR sees `$ 1.234,50` and `15/03/2026`.
The header is bold and frozen, an autofilter covers the table, and column widths follow the
header and the longest value (10 to 50 characters).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from flask import Response

from .metric import Field

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME = "Datos"
MIN_WIDTH, MAX_WIDTH = 10, 50
WORKBOOK_OPTIONS = {
    "in_memory": True,  # no temporary files: the rows are in memory already
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "remove_timezone": True,
}

ID_NAME = re.compile(r"(^|_)id$")
MONEY_NAME = re.compile(r"^(importe|precio|monto|costo)|^(total|cobrado_de_mas)$")
POINTS_NAME = re.compile(r"(_pct|_pp)$|^mercado$")
DATED_NAME = re.compile(r"fecha")


class Kind(Enum):
    """What a column holds, and so its display format."""

    TEXT = "text"
    BOOL = "bool"
    ID = "id"
    COUNT = "count"
    DECIMAL = "decimal"
    POINTS = "points"
    MONEY = "money"
    DATE = "date"
    DATETIME = "datetime"


# Excel's number formats (kinds not listed keep Excel's general format).
NUMBER_FORMATS = {
    Kind.ID: "0",
    Kind.COUNT: "#,##0",
    Kind.DECIMAL: "#,##0.00",
    Kind.POINTS: "#,##0.0",
    Kind.MONEY: '"$ "#,##0.00',
    Kind.DATE: "dd/mm/yyyy",
    Kind.DATETIME: "dd/mm/yyyy hh:mm",
}
NUMERIC_KINDS = (Kind.ID, Kind.COUNT, Kind.DECIMAL, Kind.POINTS, Kind.MONEY)
DATED_KINDS = (Kind.DATE, Kind.DATETIME)


@dataclass(frozen=True)
class Column:
    """One column of the sheet: its header and the kind that picks its format."""

    name: str
    kind: Kind


def numeric_kind(name: str, whole: bool) -> Kind:
    """Return the kind of a numeric column from its name (money, points, id) and its values."""
    if MONEY_NAME.search(name):
        return Kind.MONEY
    if POINTS_NAME.search(name):
        return Kind.POINTS
    if ID_NAME.search(name) and whole:
        return Kind.ID
    return Kind.COUNT if whole else Kind.DECIMAL


def field_kind(field: Field) -> Kind:
    """Return the kind of an API field from its OpenAPI schema."""
    schema = field.schema
    kind = schema.get("type")
    if kind in ("integer", "number"):
        return numeric_kind(field.name, kind == "integer")
    if kind == "boolean":
        return Kind.BOOL
    if kind == "string" and schema.get("format") == "date":
        return Kind.DATE
    if kind == "string" and schema.get("format") == "date-time":
        return Kind.DATETIME
    return Kind.TEXT


def field_kinds(fields: Iterable[Field]) -> dict[str, Kind]:
    """Return name -> kind for declared fields."""
    return {field.name: field_kind(field) for field in fields}


def is_number(value: object) -> bool:
    """True for ints, floats and decimals (booleans are not numbers here)."""
    return isinstance(value, int | float | Decimal | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def is_empty(value: object) -> bool:
    """True for None, NaN, NaT, pandas' NA and "": an empty cell."""
    if value is None or value is pd.NA or value is pd.NaT or value == "":
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def as_datetime(value: object) -> datetime | None:
    """Return a date, datetime, Timestamp or ISO text as a naive-or-aware datetime, or None."""
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value).to_pydatetime()
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-":
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def dated_kind(values: Sequence[object]) -> Kind | None:
    """Return DATE or DATETIME when every value is a date (texts in ISO form count), else None."""
    moments = [as_datetime(value) for value in values]
    if not moments or any(moment is None for moment in moments):
        return None
    timed = any(
        isinstance(value, datetime | pd.Timestamp | np.datetime64)
        or (isinstance(value, str) and len(value) > 10)
        for value in values
    )
    midnight = all(moment.time() == datetime.min.time() for moment in moments)
    return Kind.DATETIME if timed and not midnight else Kind.DATE


def guess_kind(name: str, values: Iterable[object]) -> Kind:
    """Guess a column's kind from its non-empty values and its name."""
    present = [value for value in values if not is_empty(value)]
    if not present:
        return Kind.TEXT
    if all(isinstance(value, bool | np.bool_) for value in present):
        return Kind.BOOL
    if all(is_number(value) for value in present):
        whole = all(isinstance(value, int | np.integer) for value in present)
        return numeric_kind(name, whole)
    if all(not isinstance(value, str) for value in present) or DATED_NAME.search(name):
        return dated_kind(present) or Kind.TEXT
    return Kind.TEXT


def columns_for(
    names: Sequence[str],
    rows: Sequence[Sequence[object]],
    declared: Mapping[str, Kind] | None = None,
) -> list[Column]:
    """Return the columns of `rows`: declared kinds where given, guessed from the values else."""
    declared = declared or {}
    return [
        Column(name, declared.get(name) or guess_kind(name, (row[index] for row in rows)))
        for index, name in enumerate(names)
    ]


def frame_columns(frame: pd.DataFrame) -> list[Column]:
    """Return the columns of a page's DataFrame, from its dtypes (and names) where they tell."""
    columns = []
    for name in frame.columns:
        series = frame[name]
        label = str(name)
        if pd.api.types.is_bool_dtype(series):
            kind = Kind.BOOL
        elif pd.api.types.is_integer_dtype(series):
            kind = numeric_kind(label, whole=True)
        elif pd.api.types.is_float_dtype(series):
            whole_ids = ID_NAME.search(label) and (series.dropna() % 1 == 0).all()
            kind = numeric_kind(label, whole=bool(whole_ids))
        elif pd.api.types.is_datetime64_any_dtype(series):
            kind = dated_kind(list(series.dropna())) or Kind.DATE
        else:
            kind = guess_kind(label, series.tolist())
        columns.append(Column(label, kind))
    return columns


class Sheet:
    """One worksheet being written: its formats, and the widest text seen per column."""

    def __init__(self, workbook: Any, columns: Sequence[Column]) -> None:
        self.workbook = workbook
        self.worksheet = workbook.add_worksheet(SHEET_NAME)
        self.columns = columns
        self.header_format = workbook.add_format({"bold": True})
        self.formats: dict[Kind, Any] = {}
        self.widths = [len(column.name) for column in columns]

    def write_header(self) -> None:
        for index, column in enumerate(self.columns):
            self.worksheet.write_string(0, index, column.name, self.header_format)

    def write_row(self, row_number: int, cells: Sequence[object]) -> None:
        for index, (column, value) in enumerate(zip(self.columns, cells, strict=True)):
            shown = self.write_cell(row_number, index, column.kind, value)
            self.widths[index] = max(self.widths[index], shown)

    def write_cell(self, row: int, col: int, kind: Kind, value: object) -> int:
        """Write one cell by the type of its value; return about how many characters show."""
        if is_empty(value):
            return 0
        sheet = self.worksheet
        if isinstance(value, bool | np.bool_):
            sheet.write_boolean(row, col, bool(value))
            return len("VERDADERO")
        if is_number(value):
            number_kind = (
                kind
                if kind in NUMERIC_KINDS
                else numeric_kind(self.columns[col].name, isinstance(value, int | np.integer))
            )
            sheet.write_number(row, col, float(value), self.number_format(number_kind))
            return shown_number_length(float(value), number_kind)
        moment = as_datetime(value) if kind in DATED_KINDS or not isinstance(value, str) else None
        if moment is not None:
            dated = kind if kind in DATED_KINDS else dated_kind([value]) or Kind.DATE
            sheet.write_datetime(row, col, moment, self.number_format(dated))
            return len("dd/mm/yyyy hh:mm" if dated is Kind.DATETIME else "dd/mm/yyyy")
        text = value if isinstance(value, str) else str(value)
        sheet.write_string(row, col, text)
        return max((len(line) for line in text.splitlines()), default=0)

    def number_format(self, kind: Kind) -> Any:
        """Return the workbook format of a kind, adding it on first use."""
        if kind not in self.formats:
            self.formats[kind] = self.workbook.add_format({"num_format": NUMBER_FORMATS[kind]})
        return self.formats[kind]

    def finish(self, last_row: int) -> None:
        """Freeze the header, filter the table and size the columns."""
        self.worksheet.freeze_panes(1, 0)
        if self.columns:
            self.worksheet.autofilter(0, 0, last_row, len(self.columns) - 1)
        for index, width in enumerate(self.widths):
            self.worksheet.set_column(index, index, min(MAX_WIDTH, max(MIN_WIDTH, width + 2)))


def shown_number_length(value: float, kind: Kind) -> int:
    """Return about how many characters Excel shows for a number in a kind's format."""
    decimals = {Kind.DECIMAL: 2, Kind.MONEY: 2, Kind.POINTS: 1}.get(kind, 0)
    grouped = kind is not Kind.ID
    text = f"{value:{',' if grouped else ''}.{decimals}f}"
    return len(text) + (2 if kind is Kind.MONEY else 0)


def write_xlsx(columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> bytes:
    """Write a header and rows of cells as one .xlsx sheet; return the file's bytes."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    sheet = Sheet(workbook, columns)
    sheet.write_header()
    last_row = 0
    for last_row, cells in enumerate(rows, start=1):
        sheet.write_row(last_row, cells)
    sheet.finish(last_row)
    workbook.close()
    return buffer.getvalue()


def to_xlsx(
    fields: Sequence[str],
    rows: Iterable[Mapping[str, object]],
    declared: Mapping[str, Kind] | None = None,
) -> bytes:
    """Write one row per mapping, its values in the order of `fields` (the API's .xlsx)."""
    cells = [[row.get(field) for field in fields] for row in rows]
    return write_xlsx(columns_for(fields, cells, declared), cells)


def frame_to_xlsx(frame: pd.DataFrame) -> bytes:
    """Write a DataFrame (a page's download) with formats from its dtypes and column names."""
    cells = frame.astype(object).itertuples(index=False, name=None)
    return write_xlsx(frame_columns(frame), cells)


def xlsx_name(filename: str) -> str:
    """Return the .xlsx twin of a download's file name (`x_2026-03-15.csv` -> `.xlsx`)."""
    stem = filename[: -len(".csv")] if filename.endswith(".csv") else filename
    return f"{stem}.xlsx"


def xlsx_response(content: bytes, filename: str) -> Response:
    """Return .xlsx bytes as an attachment download."""
    response = Response(content, mimetype=MIMETYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
