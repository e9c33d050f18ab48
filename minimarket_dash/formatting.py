"""es-AR formats (1.234.567, $ 1.234,56, dd/mm/aaaa, Spanish months)."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta

MONTHS = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)
MONTHS_SHORT = tuple(name[:3] for name in MONTHS)
WEEKDAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
# An es-AR number as typed in a table filter: 1.000, 1.234.567,89 or 12,5.
_AR_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+)(?![\w.,])")
_CLAUSE_COLUMN = re.compile(r"\{([^}]*)\}")


def _swap_separators(text: str) -> str:
    """Turn Python's 1,234.5 into es-AR 1.234,5."""
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def fmt_int(value: float | int | None) -> str:
    """Format a whole number with dots between thousands: 1.234.567."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return _swap_separators(f"{round(value):,d}")


def fmt_number(value: float, decimals: int = 2) -> str:
    """Format a decimal number the es-AR way: 1.234,56."""
    return _swap_separators(f"{value:,.{decimals}f}")


def fmt_money(value: float | None, short: bool = False) -> str:
    """Format pesos: $ 1.234,56 (negative: -$ 1.234,56); short: $ 544 M, $ 5,4 M, $ 12.500.

    The one money format of the pages (cards, tables, chart labels); `short` is for places
    without room for cents: millions as «M» (one decimal under ten), smaller sums whole.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    sign = "-" if value < 0 else ""
    amount = abs(value)
    if not short:
        return f"{sign}$ {fmt_number(amount, 2)}"
    if amount >= 1_000_000:
        millions = amount / 1_000_000
        return f"{sign}$ {fmt_number(millions, 1 if millions < 10 else 0)} M"
    return f"{sign}$ {fmt_int(amount)}"


def plain_number(text: str) -> str:
    """Turn an es-AR number into the plain form tables compare: `1.234,5` -> `1234.5`."""
    return text.replace(".", "").replace(",", ".")


def numeric_filter_query(query: str | None, numeric_columns) -> str | None:
    """Rewrite es-AR numbers typed in a DataTable filter of a numeric column (`1.000` -> `1000`).

    The table reads `1.000` as one; a manager types thousands with dots. Only the clauses of
    `numeric_columns` change; text columns keep what was typed.
    """
    if not query:
        return query
    clauses = query.split(" && ")
    for index, clause in enumerate(clauses):
        column = _CLAUSE_COLUMN.search(clause)
        if column and column.group(1) in numeric_columns:
            # The table files a typed value that is not a plain number under `s=` (text).
            value = re.sub(r"^\s*s=\s*(?=[\d.,]+\s*$)", " = ", clause[column.end() :])
            clauses[index] = clause[: column.end()] + _AR_NUMBER.sub(
                lambda match: plain_number(match.group(1)), value
            )
    return " && ".join(clauses)


def fmt_pct(value: float, decimals: int = 1) -> str:
    """Format a percentage with a decimal comma: 12,5 %."""
    return f"{fmt_number(value, decimals)} %"


def fmt_date(value: date | datetime) -> str:
    """Format a day as dd/mm/aaaa."""
    return value.strftime("%d/%m/%Y")


def fmt_time(value: datetime) -> str:
    """Format a time of day as hh:mm (24 h)."""
    return value.strftime("%H:%M")


def month_label(year_month: str, short: bool = False) -> str:
    """Turn `2026-03` into `marzo 2026` (or `mar 2026`)."""
    year, month = year_month.split("-")
    names = MONTHS_SHORT if short else MONTHS
    return f"{names[int(month) - 1]} {year}"


def day_label(iso_day: str | date) -> str:
    """Turn `2026-03-15` into `15/03`, the short day of chart axes."""
    day = date.fromisoformat(iso_day) if isinstance(iso_day, str) else iso_day
    return day.strftime("%d/%m")


def week_monday(iso_week: str) -> date:
    """Return the Monday that starts ISO week `YYYY-Www`."""
    year, week = iso_week.split("-W")
    return date.fromisocalendar(int(year), int(week), 1)


def iso_week(day: date) -> str:
    """Return the ISO week `YYYY-Www` a day belongs to (weeks start on Monday)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def iso_weeks(first: date, last: date) -> list[str]:
    """Return every ISO week from the one holding `first` to the one holding `last`."""
    monday = first - timedelta(days=first.weekday())
    return [iso_week(monday + timedelta(weeks=n)) for n in range((last - monday).days // 7 + 1)]


def week_label(iso_week: str) -> str:
    """Turn `2026-W11` into `Semana 11 (desde el lunes 09/03)`."""
    monday = day_label(week_monday(iso_week))
    return f"Semana {int(iso_week.split('-W')[1])} (desde el lunes {monday})"


def pct_change(current: float, previous: float) -> float | None:
    """Return the change from previous to current in percent; None when previous is zero."""
    if not previous:
        return None
    return (current - previous) / previous * 100


def days_until(today: date, days: int) -> list[date]:
    """Return every calendar day of the last `days` days, ending today, oldest first."""
    return [today - timedelta(days=offset) for offset in range(days - 1, -1, -1)]
