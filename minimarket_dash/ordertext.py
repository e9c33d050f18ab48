"""The order a manager sends a provider: its text, WhatsApp and e-mail links, the «por qué».

Pure functions (no Dash, no Flask), shared by the Compras page and its tests.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import quote

from .formatting import WEEKDAYS, fmt_date, fmt_money, fmt_number

SHOP = "Mini Market"


@dataclass(frozen=True)
class Line:
    """One product of an order: name, units and unit cost (None when unknown)."""

    producto: str
    cantidad: int
    precio: float | None


def delivery_date(today: date, plazo_dias: float) -> date:
    """Return the day an order placed today should arrive (lead time rounded up)."""
    return today + timedelta(days=math.ceil(plazo_dias))


def total(lines: Iterable[Line]) -> float:
    """Return the estimated amount of the lines (unknown costs count as 0)."""
    return round(sum(line.cantidad * (line.precio or 0.0) for line in lines), 2)


def order_text(contacto: str | None, entrega: date, lines: Sequence[Line]) -> str:
    """Write the order as a WhatsApp message; lines with 0 units are left out."""
    kept = [line for line in lines if line.cantidad > 0]
    greeting = f"Hola {contacto.strip()}!" if contacto and contacto.strip() else "Hola!"
    rows = [f"• {line.cantidad} × {line.producto}" for line in kept]
    return "\n".join(
        [
            greeting,
            f"Pedido de {SHOP} para entregar el {fmt_date(entrega)}:",
            *rows,
            f"Total estimado {fmt_money(total(kept))}.",
            "Gracias!",
        ]
    )


def whatsapp_link(number: str, text: str) -> str:
    """Return the wa.me link that opens a chat with `number` and the text written in."""
    return f"https://wa.me/{number}?text={quote(text, safe='')}"


# A plain address: letters, digits and . _ + - before the @, dotted labels after it. Anything
# else (`?`, `&`, `%`, `#`, spaces, line breaks, a second @) is refused, never escaped: a
# provider's e-mail is typed by hand and must never add parameters (bcc, body) to the link.
_EMAIL = re.compile(r"[A-Za-z0-9._+-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+")


def safe_email(raw: str | None) -> str | None:
    """Return the address when it is a plain one (see _EMAIL), else None: no e-mail link."""
    text = (raw or "").strip()
    return text if _EMAIL.fullmatch(text) else None


def mail_link(email: str | None, subject: str, text: str) -> str | None:
    """Return a mailto: link with subject and body, or None when the address is not plain."""
    address = safe_email(email)
    if address is None:
        return None
    return (
        f"mailto:{quote(address, safe='@')}?subject={quote(subject, safe='')}"
        f"&body={quote(text, safe='')}"
    )


def mailto_link(email: str | None, entrega: date, text: str) -> str | None:
    """Return the order's mailto: link (None when the address is not plain)."""
    return mail_link(email, f"Pedido de {SHOP} para el {fmt_date(entrega)}", text)


def round_to_pack(value: str | float | int | None, pack: int) -> int:
    """Return a typed quantity as a whole multiple of the pack (up); unreadable or ≤ 0 is 0."""
    number = _number(value)
    if number is None or number <= 0:
        return 0
    pack = max(1, int(pack))
    return int(math.ceil(round(number, 6) / pack) * pack)


def _number(value: str | float | int | None) -> float | None:
    """Read a typed number (`12`, `12,5`, `1.200`); None when it is not one."""
    if isinstance(value, str):
        text = value.strip().replace(".", "").replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            return None
    if value is None or not math.isfinite(float(value)):
        return None
    return float(value)


def why(cobertura: float | None, plazo: float, ciclo: float) -> str:
    """Explain a suggestion in one line: «se agota en 2,5 días; entrega en 2; le pedís cada 7»."""
    if cobertura is None or (isinstance(cobertura, float) and math.isnan(cobertura)):
        stock = "sin ventas recientes"
    elif cobertura <= 0:
        stock = "ya no hay stock"
    else:
        stock = f"se agota en {days(cobertura)} días"
    return f"{stock}; entrega en {days(plazo)}; le pedís cada {days(ciclo)} días"


def days(value: float) -> str:
    """Format a number of days the es-AR way, without decimals when whole: 2 or 2,5."""
    value = float(value)
    return str(int(value)) if value.is_integer() else fmt_number(value, 1)


def next_usual_days(today: date, schedule: Iterable[tuple[str, str | None]]) -> list[str]:
    """Return «Proveedor: martes 24/03» for each provider's next usual day, soonest first."""
    found = []
    for proveedor, dia in schedule:
        if dia not in WEEKDAYS:
            continue
        ahead = (WEEKDAYS.index(dia) - today.weekday()) % 7 or 7
        when = today + timedelta(days=ahead)
        found.append((when, proveedor, f"{proveedor}: {dia} {fmt_date(when)}"))
    return [text for _, _, text in sorted(found)]
