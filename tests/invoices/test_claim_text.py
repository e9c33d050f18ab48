"""The claim text (minimarket_dash/claimtext.py): lines, money and links, figures worked by hand."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from minimarket_dash import claimtext

# Invoice 2 of tests/invoices_fixture.py: 12 units of milk at $ 100 where 10 were ordered at
# $ 100, and butter that was not ordered (1 × $ 300).
INVOICE_2 = [
    {
        "descripcion": "Leche entera 1 L",
        "cantidad": 12,
        "precio_unitario": 100,
        "cantidad_pedida": 10,
        "precio_pedido": 100,
    },
    {
        "descripcion": "Manteca 200 g",
        "cantidad": 1,
        "precio_unitario": 300,
        "cantidad_pedida": None,
        "precio_pedido": None,
    },
]
# A price 3,5 % above the order on 10 units, and one at exactly +2 % (not above tolerancia 2).
INVOICE_1 = [
    {
        "descripcion": "LECHE ENTERA 1 L.",
        "cantidad": 10,
        "precio_unitario": 103.5,
        "cantidad_pedida": 10,
        "precio_pedido": 100,
    },
    {
        "descripcion": "Gaseosa cola",
        "cantidad": 4,
        "precio_unitario": 510,
        "cantidad_pedida": 4,
        "precio_pedido": 500,
    },
]


def test_price_line_is_difference_times_billed_units():
    lines = claimtext.claim_lines(INVOICE_1, True, 2.0)
    # 103,50 − 100,00 = 3,50 per unit × 10 = 35,00; gaseosa at +2 % is within tolerance.
    assert lines == [claimtext.ClaimLine("LECHE ENTERA 1 L.", "precio", 10, 103.5, 10, 100, 35.0)]
    assert claimtext.claim_total(lines) == 35.0
    # With tolerancia 1 the gaseosa counts too: (510 − 500) × 4 = 40; total 75.
    assert claimtext.claim_total(claimtext.claim_lines(INVOICE_1, True, 1.0)) == 75.0


def test_quantity_and_not_ordered_lines():
    lines = claimtext.claim_lines(INVOICE_2, True, 2.0)
    # 2 units above the 10 ordered × $ 100 = 200; butter 1 × 300 = 300; total 500.
    assert [(x.producto, x.motivo, x.importe) for x in lines] == [
        ("Leche entera 1 L", "cantidad", 200.0),
        ("Manteca 200 g", "no_pedido", 300.0),
    ]
    assert claimtext.claim_total(lines) == 500.0


def test_price_and_quantity_on_one_item_are_not_counted_twice():
    # Billed 12 × 110 = 1320 against 10 × 100 = 1000: 320 more, split as price (10 × 12 = 120)
    # and units (2 × 100 = 200).
    item = {
        "descripcion": "Yerba 1 kg",
        "cantidad": 12,
        "precio_unitario": 110,
        "cantidad_pedida": 10,
        "precio_pedido": 100,
    }
    lines = claimtext.claim_lines([item], True, 2.0)
    assert [(x.motivo, x.importe) for x in lines] == [("precio", 120.0), ("cantidad", 200.0)]
    assert claimtext.claim_total(lines) == 320.0


def test_fewer_units_is_listed_but_asks_nothing():
    item = {
        "descripcion": "Arroz",
        "cantidad": 3,
        "precio_unitario": 900,
        "cantidad_pedida": 5,
        "precio_pedido": 900,
    }
    lines = claimtext.claim_lines([item], True, 2.0)
    assert [(x.motivo, x.importe) for x in lines] == [("cantidad", 0.0)]
    text = claimtext.claim_text(None, "C-1", date(2026, 3, 1), None, lines)
    assert "• Arroz: facturaron 3 × $ 900,00; pedimos 5 × $ 900,00. Facturaron menos" in text
    assert "Total reclamado: $ 0,00." in text


def test_without_an_order_nothing_is_claimed():
    assert claimtext.claim_lines(INVOICE_2, False, 2.0) == []


def test_claimable_flags():
    assert claimtext.claimable(["precio_mayor", "pendiente"])
    assert claimtext.claimable(["cantidad_distinta"]) and claimtext.claimable(["no_pedido"])
    assert not claimtext.claimable(["sin_pedido", "duplicada"]) and not claimtext.claimable(["ok"])


def test_message_text():
    lines = claimtext.claim_lines(INVOICE_2 + INVOICE_1[:1], True, 2.0)
    text = claimtext.claim_text(" Marta ", "A-0001-00000102", date(2026, 3, 5), "PED-2", lines)
    assert text.splitlines() == [
        "Hola Marta!",
        "Desde Mini Market les reclamamos por la factura A-0001-00000102 del 05/03/2026 "
        "(pedido PED-2):",
        "• Leche entera 1 L: facturaron 12 × $ 100,00; pedimos 10 × $ 100,00. Unidades de más "
        "2 × $ 100,00 = $ 200,00",
        "• Manteca 200 g: facturaron 1 × $ 300,00, no estaba en el pedido. 1 × $ 300,00 = $ 300,00",
        "• LECHE ENTERA 1 L.: facturaron 10 × $ 103,50; pedimos 10 × $ 100,00. Precio de más "
        "$ 3,50 × 10 = $ 35,00",
        "Total reclamado: $ 535,00.",  # 200 + 300 + 35
        "Por favor, envíennos una nota de crédito por ese importe. Gracias!",
    ]


def test_decimal_units_and_thousands():
    # 2,5 kg at 1.234,56 vs 1.200,00: 34,56 × 2,5 = 86,40.
    item = {
        "descripcion": "Queso",
        "cantidad": 2.5,
        "precio_unitario": 1234.56,
        "cantidad_pedida": 2.5,
        "precio_pedido": 1200,
    }
    lines = claimtext.claim_lines([item], True, 2.0)
    assert lines[0].importe == 86.4
    assert (
        "facturaron 2,50 × $ 1.234,56; pedimos 2,50 × $ 1.200,00. Precio de más $ 34,56 × "
        "2,50 = $ 86,40" in claimtext.claim_text(None, None, date(2026, 3, 7), None, lines)
    )


def test_mailto_carries_subject_and_body_only():
    text = "Hola!\nTotal reclamado: $ 35,00 & más?"
    link = claimtext.mailto_link("ventas@lacteos.com.ar", "Reclamo", text)
    parts = urlsplit(link)
    assert parts.scheme == "mailto" and parts.path == "ventas@lacteos.com.ar"
    assert parse_qs(parts.query) == {"subject": ["Reclamo"], "body": [text]}


@pytest.mark.parametrize(
    "hostile",
    [
        "ventas@x.com?bcc=espia@otro.com",
        "ventas@x.com&body=otra cosa",
        "ventas@x.com\ncc: espia@otro.com",
        "ventas@x.com%0Acc:espia@otro.com",
        "ventas@x.com?subject=hola&cc=espia@otro.com",
        "a b@x.com",
        "ventas@x",
        "@x.com",
        "ventas@@x.com",
        "",
    ],
)
def test_a_hostile_or_odd_address_gets_no_email_link(hostile):
    assert claimtext.safe_email(hostile) is None
    assert claimtext.mailto_link(hostile, "Reclamo", "texto") is None


def test_mailto_of_a_plain_address_has_no_extra_parameter():
    link = claimtext.mailto_link(" compras+mm@sur-lacteos.com ", "S", "B")
    assert link == "mailto:compras%2Bmm@sur-lacteos.com?subject=S&body=B"
    assert unquote(urlsplit(link).path) == "compras+mm@sur-lacteos.com"
