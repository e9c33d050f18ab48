"""The order text, its WhatsApp and e-mail links, pack rounding and the one-line «por qué»."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from minimarket_dash.ordertext import (
    Line,
    delivery_date,
    mailto_link,
    next_usual_days,
    order_text,
    round_to_pack,
    total,
    whatsapp_link,
    why,
)

LINES = [
    Line("Leche entera SanCor 1 L", 24, 950.5),
    Line("Yogur & frutilla", 0, 100.0),
    Line("Queso cremoso", 3, None),
]


def test_order_text_leaves_out_zero_lines_and_adds_the_total():
    text = order_text("Marta", date(2026, 3, 20), LINES)
    assert text == (
        "Hola Marta!\nPedido de Mini Market para entregar el 20/03/2026:\n"
        "• 24 × Leche entera SanCor 1 L\n• 3 × Queso cremoso\n"
        "Total estimado $ 22.812,00.\nGracias!"
    )  # 24 × 950,50; no cost: 0


def test_greeting_without_contact():
    assert order_text(None, date(2026, 3, 20), []).startswith("Hola!\n")
    assert order_text("  ", date(2026, 3, 20), []).startswith("Hola!\n")


def test_total_counts_unknown_costs_as_zero():
    assert total(LINES) == 22812.0


def test_whatsapp_link_encodes_everything():
    text = "Hola Raúl!\n• 2 × Agua & soda #1 ?"
    link = whatsapp_link("5493414567890", text)
    parsed = urlparse(link)
    assert (parsed.netloc, parsed.path) == ("wa.me", "/5493414567890")
    assert " " not in link and "\n" not in link and "&" not in parsed.query
    assert unquote(parsed.query.removeprefix("text=")) == text


def test_mailto_has_subject_and_body():
    link = mailto_link("ventas@x.com.ar", date(2026, 3, 20), "Hola!\n• 1 × A")
    parsed = urlparse(link)
    query = parse_qs(parsed.query)
    assert parsed.scheme == "mailto" and parsed.path == "ventas@x.com.ar"
    assert query == {
        "subject": ["Pedido de Mini Market para el 20/03/2026"],
        "body": ["Hola!\n• 1 × A"],
    }


@pytest.mark.parametrize(
    ("typed", "pack", "expected"),
    [
        ("7", 6, 12),
        ("12", 6, 12),
        (" 13 ", 12, 24),
        ("0", 6, 0),
        ("", 6, 0),
        ("abc", 6, 0),
        ("-5", 6, 0),
        (None, 6, 0),
        ("2,5", 1, 3),
        ("1.200", 1, 1200),
        (18, 6, 18),
        ("5", 0, 5),
    ],
)
def test_typed_quantities_round_up_to_the_pack(typed, pack, expected):
    assert round_to_pack(typed, pack) == expected


def test_delivery_date_rounds_the_lead_time_up():
    assert delivery_date(date(2026, 3, 18), 2.5) == date(2026, 3, 21)
    assert delivery_date(date(2026, 3, 18), 1) == date(2026, 3, 19)


@pytest.mark.parametrize(
    ("cover", "expected"),
    [
        (2.5, "se agota en 2,5 días; entrega en 2; le pedís cada 7 días"),
        (0.0, "ya no hay stock; entrega en 2; le pedís cada 7 días"),
        (None, "sin ventas recientes; entrega en 2; le pedís cada 7 días"),
    ],
)
def test_why(cover, expected):
    assert why(cover, 2, 7) == expected


def test_next_usual_days_soonest_first_and_today_means_next_week():
    wednesday = date(2026, 3, 18)
    found = next_usual_days(wednesday, [("B", "miércoles"), ("A", "jueves"), ("C", None)])
    assert found == ["A: jueves 19/03/2026", "B: miércoles 25/03/2026"]


@pytest.mark.parametrize(
    "hostile",
    [
        "ventas@x.com.ar?bcc=espia@otro.com",
        "ventas@x.com.ar&body=PAGUEN",
        "ventas@x.com.ar\nCc: a@b.c",
        "ventas@x.com.ar%0Abcc=a@b.c",
        "ventas@x.com.ar subject=hola",
    ],
)
def test_an_order_mail_to_a_hostile_address_gets_no_link(hostile):
    assert mailto_link(hostile, date(2026, 3, 20), "Hola") is None


def test_the_order_mail_subject_and_body_are_the_only_parameters():
    link = mailto_link(" compras+mm@x.com.ar ", date(2026, 3, 20), "Hola & chau?")
    parsed = urlparse(link)
    assert parsed.path == "compras%2Bmm@x.com.ar"
    assert sorted(parse_qs(parsed.query)) == ["body", "subject"]
    assert parse_qs(parsed.query)["body"] == ["Hola & chau?"]
