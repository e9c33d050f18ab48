"""The claim a manager sends a provider about an invoice: its lines, text and links.

Pure functions (no Dash, no Flask), shared by the Facturas page and its tests. An invoice is
claimable when it has `precio_mayor`, `cantidad_distinta` or `no_pedido`; each of its items at
issue becomes a line with the money asked back:

- price above the order (beyond the tolerance): (billed price − ordered price) × billed units,
  the same figure as the invoice's `cobrado_de_mas`;
- more units billed than ordered: (billed units − ordered units) × ordered price (the price
  difference of those units is already in the line above, so nothing is counted twice);
  fewer units billed is listed but asks nothing back;
- a product not in the order: billed units × billed price.

The WhatsApp link follows «Qué pedir» (ordertext.whatsapp_link over phones.normalise_phone);
the e-mail link is only built for a plain address (safe_email), so an address carrying `?`, `&`
or a line break can never add parameters or headers to the `mailto:` link.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from .formatting import fmt_date, fmt_money, fmt_number
from .invoicecheck import price_above
from .ordertext import SHOP, mail_link, safe_email

# One rule for every e-mail link of the dashboard (ordertext): a claim's and an order's.
mailto_link = mail_link
__all__ = ["mailto_link", "safe_email"]

CLAIM_FLAGS = ("precio_mayor", "cantidad_distinta", "no_pedido")
PRICE, QUANTITY, NOT_ORDERED = "precio", "cantidad", "no_pedido"
_EPSILON = 1e-9


@dataclass(frozen=True)
class ClaimLine:
    """One thing claimed on an invoice: the product, what was billed and ordered, the money."""

    producto: str
    motivo: str  # PRICE, QUANTITY or NOT_ORDERED
    cantidad: float
    precio: float
    cantidad_pedida: float | None
    precio_pedido: float | None
    importe: float  # money asked back (0 when fewer units were billed)


def claimable(flags: Iterable[str]) -> bool:
    """True when an invoice has a flag that can be claimed from the provider."""
    return any(flag in CLAIM_FLAGS for flag in flags)


def claim_lines(items: Sequence[dict], has_order: bool, tolerancia: float) -> list[ClaimLine]:
    """Return the lines at issue of an invoice's items (as the invoice check lists them)."""
    if not has_order:
        return []
    out: list[ClaimLine] = []
    for item in items:
        name = str(item["descripcion"])
        billed_qty, billed_price = float(item["cantidad"]), float(item["precio_unitario"])
        ordered_qty, ordered_price = item["cantidad_pedida"], item["precio_pedido"]
        if ordered_qty is None:
            out.append(
                ClaimLine(
                    name,
                    NOT_ORDERED,
                    billed_qty,
                    billed_price,
                    None,
                    None,
                    round(billed_qty * billed_price, 2),
                )
            )
            continue
        ordered_qty = float(ordered_qty)
        ordered_price = None if ordered_price is None else float(ordered_price)
        if price_above(billed_price, ordered_price, tolerancia):
            out.append(
                ClaimLine(
                    name,
                    PRICE,
                    billed_qty,
                    billed_price,
                    ordered_qty,
                    ordered_price,
                    round((billed_price - ordered_price) * billed_qty, 2),
                )
            )
        if abs(billed_qty - ordered_qty) > _EPSILON:
            extra_units = max(billed_qty - ordered_qty, 0.0)
            unit = ordered_price if ordered_price is not None else billed_price
            out.append(
                ClaimLine(
                    name,
                    QUANTITY,
                    billed_qty,
                    billed_price,
                    ordered_qty,
                    ordered_price,
                    round(extra_units * unit, 2),
                )
            )
    return out


def claim_total(lines: Iterable[ClaimLine]) -> float:
    """Return the money claimed on the lines."""
    return round(sum(line.importe for line in lines), 2)


def _units(value: float) -> str:
    return fmt_number(value, 0 if float(value).is_integer() else 2)


def _line_text(line: ClaimLine) -> str:
    billed = f"facturaron {_units(line.cantidad)} × {fmt_money(line.precio)}"
    if line.motivo == NOT_ORDERED:
        return (
            f"• {line.producto}: {billed}, no estaba en el pedido. "
            f"{_units(line.cantidad)} × {fmt_money(line.precio)} = {fmt_money(line.importe)}"
        )
    ordered_price = "–" if line.precio_pedido is None else fmt_money(line.precio_pedido)
    ordered = f"pedimos {_units(line.cantidad_pedida)} × {ordered_price}"
    if line.motivo == PRICE:
        difference = fmt_money(line.precio - line.precio_pedido)
        return (
            f"• {line.producto}: {billed}; {ordered}. Precio de más {difference} × "
            f"{_units(line.cantidad)} = {fmt_money(line.importe)}"
        )
    extra = line.cantidad - line.cantidad_pedida
    if extra <= 0:
        return (
            f"• {line.producto}: {billed}; {ordered}. Facturaron menos unidades: sin cargo de más"
        )
    unit = line.precio_pedido if line.precio_pedido is not None else line.precio
    return (
        f"• {line.producto}: {billed}; {ordered}. Unidades de más {_units(extra)} × "
        f"{fmt_money(unit)} = {fmt_money(line.importe)}"
    )


def claim_text(
    contacto: str | None,
    numero: str | None,
    fecha: date,
    pedido: str | None,
    lines: Sequence[ClaimLine],
) -> str:
    """Write the claim as a message ready to paste in WhatsApp or an e-mail."""
    greeting = f"Hola {contacto.strip()}!" if contacto and contacto.strip() else "Hola!"
    invoice = f"la factura {numero}" if numero else "una factura"
    order = f" (pedido {pedido})" if pedido else ""
    return "\n".join(
        [
            greeting,
            f"Desde {SHOP} les reclamamos por {invoice} del {fmt_date(fecha)}{order}:",
            *(_line_text(line) for line in lines),
            f"Total reclamado: {fmt_money(claim_total(lines))}.",
            "Por favor, envíennos una nota de crédito por ese importe. Gracias!",
        ]
    )


def claim_subject(numero: str | None, fecha: date) -> str:
    """The e-mail's subject."""
    invoice = f"factura {numero}" if numero else "factura"
    return f"Reclamo de {SHOP} por la {invoice} del {fmt_date(fecha)}"
