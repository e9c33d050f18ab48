"""Argentine phone numbers as written by people -> the WhatsApp form 549 + area + number."""

from __future__ import annotations

import re

_GROUPS = re.compile(r"\d+")
_PARENTHESES = re.compile(r"\(\s*0?(\d{2,4})\s*\)")
NATIONAL_DIGITS = 10  # area code + local number, without 0 and without 15
MOBILE_PREFIX = "15"

NO_PHONE = "no tiene teléfono cargado"
NOT_ARGENTINE = "no es un número de Argentina"
NO_AREA = "falta la característica (código de área)"
UNREADABLE = "no se pudo leer como número argentino"


def normalise_phone(raw: str | None) -> tuple[str | None, str | None]:
    """Return (549 + area + number, None), or (None, the reason in Spanish) when impossible.

    Accepts the usual written forms: `011 4567-8901`, `+54 9 351 456-7890`,
    `(0341) 15-456-7890`, `11 15 4567 8901`, `0054 9 11 …`, with or without 0 and 15.
    """
    text = (raw or "").strip()
    groups = _GROUPS.findall(text)
    if not groups:
        return None, NO_PHONE
    digits = "".join(groups)
    international = text.startswith("+") or digits.startswith(("00", "54"))
    if international:
        digits = digits[2:] if digits.startswith("00") else digits
        if not digits.startswith("54"):
            return None, NOT_ARGENTINE
        digits = digits[2:]
        digits = digits[1:] if digits.startswith("9") else digits
    digits = digits[1:] if digits.startswith("0") else digits
    national = _drop_mobile_prefix(digits, _area_hint(text, groups, international))
    return _checked(national)


def _area_hint(text: str, groups: list[str], international: bool) -> str | None:
    """Return the area code as the person wrote it apart (in parentheses or first group)."""
    inside = _PARENTHESES.search(text)
    if inside:
        return inside.group(1)
    rest = list(groups)
    if international and rest and rest[0] in ("54", "0054"):
        rest.pop(0)
        if rest and rest[0] == "9":
            rest.pop(0)
    if not rest:
        return None
    first = rest[0][1:] if rest[0].startswith("0") else rest[0]
    return first if 2 <= len(first) <= 4 and first != MOBILE_PREFIX else None


def _drop_mobile_prefix(digits: str, hint: str | None) -> str:
    """Remove the local mobile prefix 15 written after the area code (12 digits -> 10)."""
    if len(digits) != NATIONAL_DIGITS + len(MOBILE_PREFIX):
        return digits
    if hint and digits.startswith(hint):
        lengths = [len(hint)]
    else:
        lengths = [2] if digits.startswith("11") else [3, 4]
    for length in lengths:
        if digits[length : length + 2] == MOBILE_PREFIX:
            return digits[:length] + digits[length + 2 :]
    return digits


def _checked(national: str) -> tuple[str | None, str | None]:
    """Accept 10 digits starting with an Argentine area code (11, or 2xx/3xx…)."""
    if len(national) == NATIONAL_DIGITS and national[0] in "23":
        return "549" + national, None
    if len(national) == NATIONAL_DIGITS and national.startswith("11"):
        return "549" + national, None
    if len(national) <= 8 or national.startswith(MOBILE_PREFIX):
        return None, NO_AREA
    return None, UNREADABLE
