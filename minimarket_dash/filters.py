"""The typed filter every query takes, and the one set of rules that parses it from text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

# name -> (default, minimum, maximum); out-of-range values are clamped (docs/api.md, «Parámetros»).
INT_RANGES: dict[str, tuple[int, int, int]] = {
    "limit": (10, 1, 100),
    "days": (7, 1, 90),
    "months": (6, 1, 24),
    "weeks": (8, 1, 52),
    "dias": (28, 7, 90),  # «Qué pedir hoy»: days of sales behind the daily consumption
    # «Facturas y precios»: months between the base and the current month of a price change.
    "meses": (3, 1, 12),
}
# name -> (default, minimum, maximum) of decimal parameters, clamped like the integers.
NUMBER_RANGES: dict[str, tuple[float, float, float]] = {
    "tolerancia": (2.0, 0.0, 50.0),  # percent above the ordered unit price still accepted
}
BOOL_PARAMS = ("solo_hoy",)
_TRUE_WORDS = ("true", "1", "yes", "si", "sí", "on")
_FALSE_WORDS = ("false", "0", "no", "off")
PROVEEDOR_MAX_LENGTH = 60
_PROVEEDOR_DROP = re.compile(r"[^\w\s\-./]", re.UNICODE)
_DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# The days a query can take: far inside what dates, pandas timestamps (1677-2262) and the
# windows built around a date (a day after the end, months before the start) can hold.
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2199, 12, 31)


class ParamError(ValueError):
    """A request parameter is malformed; `param` names it and the message is for the client."""

    def __init__(self, param: str, message: str):
        super().__init__(message)
        self.param = param
        self.message = message


class DateOutOfRange(ParamError):
    """A real calendar date outside DATE_MIN..DATE_MAX."""


@dataclass(frozen=True)
class Filters:
    """What a view asks for: an optional inclusive day range, a provider text and the sizes."""

    start_date: date | None = None
    end_date: date | None = None
    proveedor: str | None = None
    limit: int = INT_RANGES["limit"][0]
    days: int = INT_RANGES["days"][0]
    months: int = INT_RANGES["months"][0]
    weeks: int = INT_RANGES["weeks"][0]
    dias: int = INT_RANGES["dias"][0]
    solo_hoy: bool = False
    meses: int = INT_RANGES["meses"][0]
    tolerancia: float = NUMBER_RANGES["tolerancia"][0]

    def date_bounds(self) -> tuple[datetime | None, datetime | None]:
        """Return [start, end) timestamps; end is the midnight after end_date (inclusive day)."""
        start = datetime.combine(self.start_date, datetime.min.time()) if self.start_date else None
        # date.max has no next day: that range simply has no upper bound.
        end = (
            datetime.combine(self.end_date + timedelta(days=1), datetime.min.time())
            if self.end_date and self.end_date < date.max
            else None
        )
        return start, end

    def cache_key(self) -> str:
        """Return a stable text form, the same for every spelling of the same filter."""
        return "|".join(
            str(value)
            for value in (
                self.start_date,
                self.end_date,
                fold_text(self.proveedor or ""),
                self.limit,
                self.days,
                self.months,
                self.weeks,
                self.dias,
                self.solo_hoy,
                self.meses,
                self.tolerancia,
            )
        )


@lru_cache(maxsize=8192)  # the same provider and product names are folded on every request
def fold_text(value: str) -> str:
    """Lower-case and strip accents, so `lacteos` matches `Lácteos`."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def clean_proveedor(raw: str | None) -> str | None:
    """Apply the provider text rule of docs/api.md; None when nothing searchable remains."""
    if raw is None:
        return None
    kept = _PROVEEDOR_DROP.sub("", raw)
    kept = " ".join(kept.split())[:PROVEEDOR_MAX_LENGTH].strip()
    return kept or None


def parse_int(name: str, raw: str | None) -> int:
    """Parse an integer parameter and clamp it to its range; 400 when not an integer."""
    default, minimum, maximum = INT_RANGES[name]
    if raw is None:
        return default
    text = raw.strip()
    if not re.fullmatch(r"[+-]?[0-9]{1,30}", text):
        raise ParamError(name, f"El parámetro '{name}' debe ser un número entero.")
    return max(minimum, min(maximum, int(text)))


def parse_bool(name: str, raw: str | None) -> bool:
    """Parse a strict boolean (true/false, 1/0, sí/no…); 400 naming the parameter otherwise."""
    if raw is None:
        return False
    text = raw.strip().lower()
    if text in _TRUE_WORDS:
        return True
    if text in _FALSE_WORDS:
        return False
    raise ParamError(name, f"El parámetro '{name}' debe ser true o false.")


def parse_decimal(name: str, raw: str | None) -> float:
    """Parse a decimal parameter (`2`, `2.5` or `2,5`) and clamp it; 400 when not a number."""
    default, minimum, maximum = NUMBER_RANGES[name]
    if raw is None:
        return default
    text = raw.strip().replace(",", ".")
    if not re.fullmatch(r"[+-]?[0-9]{1,30}(\.[0-9]{1,30})?", text):
        raise ParamError(name, f"El parámetro '{name}' debe ser un número.")
    return max(minimum, min(maximum, float(text)))


def parse_date(name: str, raw: str | None) -> date | None:
    """Parse a strict `YYYY-MM-DD` calendar date between DATE_MIN and DATE_MAX; 400 naming
    the parameter otherwise."""
    if raw is None:
        return None
    text = raw.strip()
    try:
        if not _DATE_SHAPE.fullmatch(text):
            raise ValueError
        value = date.fromisoformat(text)
    except ValueError:
        raise ParamError(
            name, f"El parámetro '{name}' debe ser una fecha válida AAAA-MM-DD."
        ) from None
    if not DATE_MIN <= value <= DATE_MAX:
        raise DateOutOfRange(
            name,
            f"El parámetro '{name}' debe ser una fecha entre {DATE_MIN.isoformat()} y "
            f"{DATE_MAX.isoformat()}.",
        )
    return value


DATED = ("start_date", "end_date", "proveedor")
_DATE_LABELS = {"start_date": "desde", "end_date": "hasta"}
BACKWARDS_MESSAGE = "El parámetro 'start_date' no puede ser posterior a 'end_date'."
BACKWARDS_NOTICE = "Se ignoraron las fechas del enlace: «desde» es posterior a «hasta»."


@dataclass
class Reading:
    """Filters read leniently from a page's URL, with a Spanish notice per value ignored."""

    filters: Filters
    notices: list[str]


def parse_filters(args: Mapping, allowed: tuple[str, ...] = ()) -> Filters:
    """Strict policy (the API): read the parameters in `allowed`; the first malformed one, or a
    start after the end, raises ParamError (a 400 naming it)."""
    return _read(args, allowed, None)


def read_filters(args: Mapping, allowed: tuple[str, ...] = DATED) -> Reading:
    """Lenient policy (page URLs and controls): the same rules, but a malformed value keeps its
    default and a start after the end drops both dates, each with a notice; never an error."""
    notices: list[str] = []
    return Reading(_read(args, allowed, notices), notices)


def first_value(value):
    """Return the first of repeated query-string values (the rule for every parameter)."""
    return value[0] if isinstance(value, list | tuple) else value


def _read(args: Mapping, allowed: tuple[str, ...], notices: list[str] | None) -> Filters:
    values: dict = {}
    for name in allowed:
        raw = first_value(args.get(name))
        try:
            values[name] = _parse_one(name, None if raw is None else str(raw), notices)
        except ParamError as exc:
            if notices is None:
                raise
            notices.append(_ignored(name, str(raw), exc))
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and start > end:
        if notices is None:
            raise ParamError("start_date", BACKWARDS_MESSAGE)
        notices.append(BACKWARDS_NOTICE)
        values["start_date"] = values["end_date"] = None
    return Filters(**values)


def _parse_one(name: str, raw: str | None, notices: list[str] | None):
    if name in INT_RANGES:
        return parse_int(name, raw)
    if name in NUMBER_RANGES:
        return parse_decimal(name, raw)
    if name in _DATE_LABELS:
        # A page's control or link may leave a field empty: that is "no date", not an error.
        return (
            parse_date(name, raw) if raw is not None and (raw.strip() or notices is None) else None
        )
    if name in BOOL_PARAMS:
        return parse_bool(name, raw)
    cleaned = clean_proveedor(raw)
    if notices is not None and raw and raw.strip() and cleaned != " ".join(raw.split()):
        notices.append("Se quitaron caracteres no permitidos del proveedor del enlace.")
    return cleaned


def _ignored(name: str, raw: str, exc: ParamError) -> str:
    """The notice of a value the lenient policy ignored."""
    if isinstance(exc, DateOutOfRange):
        return (
            f"Se ignoró la fecha «{_DATE_LABELS[name]}» del enlace ({raw[:20]}): está fuera "
            f"de lo admitido ({DATE_MIN:%d/%m/%Y} a {DATE_MAX:%d/%m/%Y})."
        )
    if name in _DATE_LABELS:
        return (
            f"Se ignoró la fecha «{_DATE_LABELS[name]}» del enlace ({raw[:20]}): no es AAAA-MM-DD."
        )
    if name in BOOL_PARAMS:
        return f"Se ignoró «{name}» del enlace: usá true o false."
    return f"Se ignoró «{name}» del enlace ({raw[:20]}): no es un número."
