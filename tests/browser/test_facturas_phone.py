"""Facturas at 390 px (one card per invoice, the detail's lines stacked, nothing cut) and at
1366 px (the detail's every column visible); screenshots of both go to MMDASH_SHOTS (default
a temporary folder) to be looked at."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests import invoices_fixture
from tests.browser import facturas_db
from tests.browser.helpers import scroll_to, wait_for, wait_for_charts

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("MMDASH_SHOTS") or tempfile.mkdtemp(prefix="mmdash-shots-"))
CUT = """
return Array.from(document.querySelectorAll(arguments[0])).filter(e =>
  e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !==
  'visible' || e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => e.tagName + '.' + e.className + ':' + e.scrollWidth + '/' + e.clientWidth)
"""


@pytest.fixture(scope="module")
def claims_db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('inv-phone') / 'invoices.db'}"
    facturas_db.fill(url)
    return url


def click(dash_duo, element) -> None:
    dash_duo.driver.execute_script("arguments[0].click()", element)


def card_of(dash_duo, numero: str):
    return next(
        c for c in dash_duo.find_elements("#facturas-cards .invoice-card") if numero in c.text
    )


def test_phone_cards_and_stacked_detail(dash_duo, start_dashboard, claims_db):
    dash_duo.driver.set_window_size(390, 844)
    start_dashboard(dash_duo, database_url=claims_db, fixed_now=invoices_fixture.NOW)
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/facturas")
    wait_for_charts(dash_duo, 2)
    wait_for(lambda: len(dash_duo.find_elements("#facturas-cards .invoice-card")) == 13)
    assert not dash_duo.find_element("#facturas-table-grid").is_displayed()
    card = card_of(dash_duo, "A-0001-00000101")
    assert card.text.splitlines() == [
        "03/03/2026",
        "A-0001-00000101",
        "Lácteos del Sur S.A.",
        "Total $ 1.284,00",
        "De más $ 35,00",
        "Precio mayor",
        "Estado: Pendiente",
    ]
    scroll_to(driver, card)
    click(dash_duo, card_of(dash_duo, "A-0001-00000102"))
    dash_duo.wait_for_text_to_equal(
        "#facturas-detail-body h3", "Factura A-0001-00000102 · pedido PED-2"
    )
    click(dash_duo, dash_duo.find_element("#facturas-claim-open"))
    wait_for(lambda: dash_duo.find_element("#facturas-claim-nowa").text != "")
    # Each line stacks: product on top, then one «label value» row per figure.
    cells = dash_duo.find_elements("#facturas-detail-body tbody tr:nth-child(1) td")
    tops = [c.rect["y"] for c in cells]
    assert tops == sorted(tops) and len(set(tops)) == 6, tops
    assert [c.text for c in cells] == [
        "Leche entera 1 L",
        "12",
        "10",
        "$ 100,00",
        "$ 100,00",
        "0,0 %",
    ]
    # The label before each figure (CSS ::before of data-label) is shown.
    labels = [
        driver.execute_script("return getComputedStyle(arguments[0], '::before').content", c)
        for c in cells[1:]
    ]
    assert labels == [
        '"Cant. facturada"',
        '"Cant. pedida"',
        '"Precio facturado"',
        '"Precio pedido"',
        '"Dif."',
    ]
    widths = driver.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert widths[1] == 390 and widths[0] <= widths[1], widths  # no sideways scroll
    cut = driver.execute_script(CUT, "#facturas-detail-body *, #facturas-cards *")
    assert cut == [], cut
    scroll_to(driver, dash_duo.find_element("#facturas-detail-body"))
    driver.save_screenshot(str(SHOTS / "facturas-390-detalle.png"))
    scroll_to(driver, card_of(dash_duo, "A-0001-00000101"))
    driver.save_screenshot(str(SHOTS / "facturas-390-tarjetas.png"))
    assert dash_duo.get_logs() == []


def test_wide_detail_shows_every_column(dash_duo, start_dashboard, claims_db):
    dash_duo.driver.set_window_size(1366, 900)
    start_dashboard(dash_duo, database_url=claims_db, fixed_now=invoices_fixture.NOW)
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/facturas")
    wait_for_charts(dash_duo, 2)
    cell = next(
        c
        for c in dash_duo.find_elements(
            "#facturas-table-grid td[data-dash-column='numero_factura']"
        )
        if c.text == "A-0001-00000102"
    )
    scroll_to(driver, cell)
    click(dash_duo, cell)
    dash_duo.wait_for_text_to_equal(
        "#facturas-detail-body h3", "Factura A-0001-00000102 · pedido PED-2"
    )
    click(dash_duo, dash_duo.find_element("#facturas-claim-open"))
    wait_for(lambda: dash_duo.find_element("#facturas-claim-nowa").text != "")
    heads = [th.text for th in dash_duo.find_elements("#facturas-detail-body thead th")]
    assert heads == [
        "Producto",
        "Cant. facturada",
        "Cant. pedida",
        "Precio facturado",
        "Precio pedido",
        "Dif.",
    ]
    body = dash_duo.find_element("#facturas-detail-body")
    table = dash_duo.find_element("#facturas-detail-body table")
    assert table.size["width"] <= body.size["width"] + 1
    right = max(
        th.rect["x"] + th.rect["width"]
        for th in dash_duo.find_elements("#facturas-detail-body thead th")
    )
    assert right <= 1366
    assert driver.execute_script(CUT, "#facturas-detail-body *") == []
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 1366
    scroll_to(driver, body)
    driver.save_screenshot(str(SHOTS / "facturas-1366-detalle.png"))
    assert dash_duo.get_logs() == []
