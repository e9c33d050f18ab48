"""Read what the OCR stored for an invoice: its items, its numbers and its provider's name.

Pure Python, no database: the rules of the «Facturas y precios» issue (README § Facturas).
Nothing here raises on bad input; an unreadable invoice is reported as `ilegible`.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

# Company-type words dropped from names before comparing them (S.A., S.R.L., ...).
COMPANY_WORDS = frozenset({"sa", "srl", "sas", "saic", "sca", "ltda", "coop"})
DESCRIPTION_KEYS = ("descripcion", "producto", "nombre")
PRICE_KEYS = ("precio_unitario", "precio")

_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)
# Item names: a `.` or `,` between two digits is a decimal mark (kept, as `.`); any other
# punctuation character (and `_`) becomes a space.
_ITEM_MARKS = re.compile(r"(?<=[0-9])([.,])(?=[0-9])|[^\w\s]|_", re.UNICODE)
# The spaces that go inside a token: between a number and its unit (a whole word: `1.5 kg`,
# `6 x`; `1 lata` keeps its space), between a number and a pack's `x` + number (`6 x500`), and
# between a pack's `x` (on its own or after a number) and the number after it (`x 6`, `6x 500`).
ITEM_UNITS = ("g", "kg", "ml", "cc", "l", "lt", "u", "x")
_UNITS = "|".join(sorted(ITEM_UNITS, key=len, reverse=True))
_JOINED = re.compile(
    rf"(?<=[0-9]) (?=(?:{_UNITS})(?: |$)|x[0-9])|(?:(?<=^x)|(?<=[ 0-9]x)) (?=[0-9])"
)
_PLAIN = re.compile(r"[0-9]+(\.[0-9]+)?|\.[0-9]+")
# es-AR: dots between groups of three, an optional decimal comma (1.234,56 · 1.234 · 12,5).
_ES_AR = re.compile(r"[1-9][0-9]{0,2}(\.[0-9]{3})+(,[0-9]+)?|[0-9]+,[0-9]+")
# Commas between groups of three and a decimal point (1,234.56): read as well, never guessed.
_EN = re.compile(r"[1-9][0-9]{0,2}(,[0-9]{3})+\.[0-9]+")
_MAX_TEXT = 64


class Item(NamedTuple):
    """One usable invoice line: description, its normalised key, quantity, prices.

    A tuple: a request of /api/invoices builds ~100,000 of them (from the store's JSON)."""

    descripcion: str
    clave: str
    cantidad: float
    precio_unitario: float
    importe: float


def normalise_name(text: object) -> str:
    """Case-fold, strip accents and punctuation, drop company-type words (sa, srl, ...)."""
    if not isinstance(text, str):
        return ""
    return _normalise(text)


@lru_cache(maxsize=65_536)
def _normalise(text: str) -> str:
    """normalise_name of a text; cached, since order lines repeat a few thousand names."""
    words = _PUNCTUATION.sub("", _folded(text)).replace("_", " ").split()
    return " ".join(word for word in words if word not in COMPANY_WORDS)


def normalise_item(text: object) -> str:
    """Normalise an item or order-line name (README § Facturas y precios).

    Case-fold and strip accents; a `.` or `,` between two digits is a decimal mark, written
    `.`; every other punctuation character becomes a space; spaces collapse; a number and its
    unit (g, kg, ml, cc, l, lt, u, x) make one token, with or without a space between them, and
    so do a pack's `x` and the number after it: «Dogui 1,5 KG.» -> `dogui 1.5kg`,
    «Pack x 6» -> `pack x6`. Company-type words stay (they are the providers' rule).
    """
    if not isinstance(text, str):
        return ""
    return _normalise_item(text)


@lru_cache(maxsize=65_536)
def _normalise_item(text: str) -> str:
    """normalise_item of a text; cached, since order lines repeat a few thousand names."""
    spaced = " ".join(_ITEM_MARKS.sub(_mark, _folded(text)).split())
    return _JOINED.sub("", spaced)


def _folded(text: str) -> str:
    """Case-folded, without accents (both rules start here)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _mark(found: re.Match) -> str:
    return "." if found.group(1) else " "


def parse_number(value: object) -> float | None:
    """Return a finite number from a JSON number or a plain / es-AR string; None otherwise.

    `1.234` (dots between groups of exactly three digits, no comma) is read the es-AR way, as
    one thousand two hundred thirty-four: invoices here are Argentine. `12.5` is plain.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value) if abs(value) < 1e300 else None
    elif isinstance(value, str):
        number = _parse_text(value)
    else:
        return None
    return number if number is not None and math.isfinite(number) else None


def _parse_text(text: str) -> float | None:
    cleaned = "".join(text.split())[:_MAX_TEXT]
    negative = cleaned.startswith("-") or cleaned.startswith("$-")
    digits = cleaned.replace("$", "").lstrip("-+")
    if _ES_AR.fullmatch(digits):
        digits = digits.replace(".", "").replace(",", ".")
    elif _EN.fullmatch(digits):
        digits = digits.replace(",", "")
    elif not _PLAIN.fullmatch(digits):
        return None
    return -float(digits) if negative else float(digits)


def _first(entry: dict, keys: Iterable[str]) -> object:
    for key in keys:
        if entry.get(key) is not None:
            return entry[key]
    return None


def read_item(entry: object) -> Item | None:
    """Return the usable item of one JSON entry, or None (see README for what is usable)."""
    if not isinstance(entry, dict):
        return None
    description = _first(entry, DESCRIPTION_KEYS)
    if not isinstance(description, str) or not normalise_item(description):
        return None
    quantity = parse_number(entry.get("cantidad"))
    price = parse_number(_first(entry, PRICE_KEYS))
    if quantity is None or quantity <= 0 or price is None or price < 0:
        return None
    amount = parse_number(entry.get("importe"))
    if amount is None or not math.isfinite(quantity * price):
        amount = quantity * price
    return Item(
        descripcion=" ".join(description.split()),
        clave=normalise_item(description),
        cantidad=quantity,
        precio_unitario=price,
        importe=amount,
    )


def read_items(productos_json: object) -> list[Item] | None:
    """Return the usable items of `productos_json`; None when the invoice is `ilegible`."""
    if not isinstance(productos_json, str):
        return None
    if len(productos_json) > _MAX_REMEMBERED:  # a huge text is read, not kept
        items = _read_text.__wrapped__(productos_json)
    else:
        items = _read_text(productos_json)
    return None if items is None else list(items)


# The invoices of a window are read again on every uncached request of /api/invoices, and a
# stored text always reads the same (Items are frozen): ~3,000 items parsed per request were a
# tenth of its time. 4,096 texts of at most 16 KB: more than a year of a shop's invoices.
_MAX_REMEMBERED = 16_384


@lru_cache(maxsize=4_096)
def _read_text(productos_json: str) -> tuple[Item, ...] | None:
    try:
        data = json.loads(productos_json)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, list):
        return None
    items = tuple(item for item in map(read_item, data) if item is not None)
    return items or None


def resolve_provider(
    assigned_id: object, original: object, providers: dict[int, str]
) -> int | None:
    """Return the invoice's provider id: the assigned one, else the best name match, else None.

    A name matches when its normalised form equals the normalised `proveedor_original` or is
    contained in it; equal beats contained, then the longest name, then the lowest id.
    """
    assigned = _as_id(assigned_id)
    if assigned is not None and assigned in providers:
        return assigned
    read = normalise_name(original)
    if not read:
        return None
    best: tuple[int, int, int] | None = None
    for provider_id, name in providers.items():
        key = normalise_name(name)
        if key and key in read:
            rank = (0 if key == read else 1, -len(key), provider_id)
            best = rank if best is None or rank < best else best
    return best[2] if best else None


def _as_id(value: object) -> int | None:
    """Read an id stored as an integer, a whole float or digits (SQLite keeps what it got)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None
