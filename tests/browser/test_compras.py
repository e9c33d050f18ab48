"""Compras («Qué pedir hoy») in headless Chromium over the hand-computed reorder fixture."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from selenium.webdriver.common.keys import Keys

from tests.browser.helpers import scroll_to
from tests.reorder_fixture import NOW

pytestmark = pytest.mark.browser

CUYO = 2  # Bebidas Cuyo: Agua 12 × $ 400 and Gaseosa 13 × $ 1.100 (see reorder_fixture.py)


@pytest.fixture
def compras(dash_duo, start_dashboard, reorder_sqlite_url):
    """Start the app over the reorder fixture and open /compras (or another query)."""

    def open_page(query: str = "", card: str = f"#compras-card-{CUYO}"):
        start_dashboard(dash_duo, database_url=reorder_sqlite_url, fixed_now=NOW)
        dash_duo.driver.get(dash_duo.server_url + "/compras" + query)
        dash_duo.wait_for_element(card, timeout=15)
        return dash_duo

    return open_page


def by_id(duo, kind: str, **keys):
    """Find a pattern-matching component by its dict id (Dash writes the keys sorted)."""
    selector = "[id='{" + ",".join(f'"{k}":{v}' for k, v in sorted(keys.items()))
    selector += f',"type":"{kind}"' + "}']"
    return duo.driver.find_element("css selector", selector)


def wait_until(condition, timeout: float = 10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def order_text(duo, prov: int = CUYO) -> str:
    return duo.driver.execute_script(
        "return arguments[0].textContent", by_id(duo, "compras-text", prov=prov)
    )


def set_quantity(duo, prod: int, value: str, prov: int = CUYO) -> None:
    box = by_id(duo, "compras-qty", prod=prod, prov=prov)
    # Focus and select with JS (the box may sit under the fold): typing replaces the value.
    scroll_to(duo.driver, box)
    duo.driver.execute_script("arguments[0].focus(); arguments[0].select();", box)
    box.send_keys(value, Keys.TAB)


def test_cards_order_text_and_links(compras):
    duo = compras()
    assert duo.find_element("#compras-hoy").text == "Hoy le pedís a: Bebidas Cuyo"
    cards = duo.driver.find_elements("css selector", ".provider-card")
    assert [c.get_attribute("id") for c in cards] == [
        "compras-card-1",
        "compras-card-2",
        "compras-card-5",
        "compras-card-3",
    ]
    text = order_text(duo)
    assert text == (
        "Hola Raúl!\nPedido de Mini Market para entregar el 19/03/2026:\n"
        "• 12 × Agua mineral 2 L\n• 13 × Gaseosa cola 1,5 L\n"
        "Total estimado $ 19.100,00.\nGracias!"
    )
    assert by_id(duo, "compras-total", prov=CUYO).text == "$ 19.100,00"
    link = urlparse(by_id(duo, "compras-wa", prov=CUYO).get_attribute("href"))
    assert (link.scheme, link.netloc, link.path) == ("https", "wa.me", "/5493414567890")
    assert unquote(link.query.removeprefix("text=")) == text
    federal = duo.find_element("#compras-card-3").text
    assert "Sin WhatsApp" in federal and "característica" in federal
    links = duo.driver.find_elements("css selector", "#compras-card-3 a[href^='https://wa.me']")
    assert links == []
    mail = by_id(duo, "compras-mail", prov=1).get_attribute("href")
    assert mail.startswith("mailto:ventas@andinos.com.ar?subject=")
    assert (
        "se agota en 0,7 días; entrega en 1; le pedís cada 2 días"
        in duo.find_element("#compras-card-2").text
    )
    assert duo.get_logs() == []


def test_editing_a_quantity_rewrites_text_total_and_whatsapp_link(compras):
    duo = compras()
    set_quantity(duo, prod=4, value="18")
    wait_until(lambda: "• 18 × Agua mineral 2 L" in order_text(duo))
    assert by_id(duo, "compras-total", prov=CUYO).text == "$ 21.500,00"  # 18×400 + 13×1.100
    assert by_id(duo, "compras-amount", prov=CUYO, prod=4).text == "$ 7.200,00"
    set_quantity(duo, prod=5, value="0")
    wait_until(lambda: "Gaseosa" not in order_text(duo))
    assert by_id(duo, "compras-total", prov=CUYO).text == "$ 7.200,00"
    set_quantity(duo, prod=4, value="7")  # pack of 6: rounded up to 12
    wait_until(lambda: "• 12 × Agua mineral 2 L" in order_text(duo))
    assert by_id(duo, "compras-amount", prov=CUYO, prod=4).text == "$ 4.800,00"
    text = order_text(duo)
    assert text.endswith("Total estimado $ 4.800,00.\nGracias!")
    link = wait_until(
        lambda: (lambda h: h if unquote(h.split("text=")[1]) == text else None)(
            by_id(duo, "compras-wa", prov=CUYO).get_attribute("href")
        )
    )
    assert link.startswith("https://wa.me/5493414567890?text=")
    assert "%0A" in link and " " not in link  # encoded, newlines included
    assert duo.get_logs() == []


def test_copiar_puts_the_edited_text_on_the_clipboard(compras):
    duo = compras()
    duo.driver.execute_cdp_cmd(
        "Browser.grantPermissions",
        {
            "origin": duo.server_url,
            "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"],
        },
    )
    set_quantity(duo, prod=4, value="24")
    wait_until(lambda: "• 24 × Agua mineral 2 L" in order_text(duo))
    time.sleep(0.3)  # the Clipboard's content prop arrives with the same callback answer
    by_id(duo, "compras-copy", prov=CUYO).click()
    read = """
        const done = arguments[arguments.length - 1];
        navigator.clipboard.readText().then(done, e => done('ERROR ' + e));
    """
    copied = wait_until(
        lambda: (lambda t: t if "24 ×" in t else None)(duo.driver.execute_async_script(read))
    )
    assert copied == order_text(duo)


def test_url_filters_and_empty_state_with_next_usual_days(compras):
    duo = compras("?proveedor=lacteos&solo_hoy=true", card="#compras-empty")
    empty = duo.find_element("#compras-empty").text
    assert "Nada para pedir hoy" in empty
    assert "Lácteos Andinos: martes 24/03/2026" in empty
    assert duo.find_element("#compras-proveedor").get_attribute("value") == "lacteos"
    assert duo.find_element("#compras-solo-hoy").is_selected()
    assert duo.get_logs() == []


def test_only_today_filter_and_phone_width_and_print(compras):
    duo = compras("?solo_hoy=true")
    assert [
        c.get_attribute("id") for c in duo.driver.find_elements("css selector", ".provider-card")
    ] == ["compras-card-2"]
    duo.driver.set_window_size(390, 844)
    time.sleep(0.3)
    width = duo.driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390
    assert duo.get_logs() == []


def test_print_puts_one_provider_per_page(compras):
    duo = compras()
    duo.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    styles = duo.driver.execute_script("""
        const cards = Array.from(document.querySelectorAll('.provider-card'));
        return [cards.map(c => getComputedStyle(c).breakAfter),
                getComputedStyle(document.querySelector('.navbar')).display,
                getComputedStyle(document.querySelector('.filter-bar')).display];
    """)
    assert styles == [["page", "page", "page", "auto"], "none", "none"]


def test_csv_per_provider_carries_the_edited_quantities(compras):
    duo = compras()
    set_quantity(duo, prod=4, value="7")  # rounded up to the pack of 6: 12
    set_quantity(duo, prod=5, value="20")
    wait_until(lambda: "• 20 × Gaseosa" in order_text(duo))
    button = duo.driver.find_element(
        "css selector", '[id=\'{"name":"2","page":"compras","type":"dl-btn"}\']'
    )
    scroll_to(duo.driver, button)
    button.click()
    target = Path(duo.download_path) / "pedido-sugerido_bebidas-cuyo_2026-03-18.csv"
    wait_until(target.exists)
    rows = list(csv.DictReader(io.StringIO(target.read_bytes().decode("utf-8-sig"))))
    assert [(r["producto_id"], r["sugerido"], r["importe_estimado"]) for r in rows] == [
        ("4", "12", "4800.0"),
        ("5", "20", "22000.0"),
    ]
    assert duo.get_logs() == []
