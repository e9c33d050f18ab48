"""The Facturas page in headless Chromium over the invoices fixture (tests/invoices_fixture.py)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains

from tests import invoices_fixture
from tests.browser.helpers import bars, figure_data, query, scroll_to, wait_for, wait_for_charts

pytestmark = pytest.mark.browser
ROWS = "#facturas-table-grid td[data-dash-column='numero_factura']"


def cell(dash_duo, numero: str):
    """Return the table cell of an invoice number."""
    return next(c for c in dash_duo.find_elements(ROWS) if c.text == numero)


@pytest.fixture(scope="module")
def invoices_db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('inv-browser') / 'invoices.db'}"
    invoices_fixture.fill_database(url)
    return url


@pytest.fixture
def start_facturas(start_dashboard, invoices_db):
    """Return start(dash_duo): a server over the invoices fixture, its home page open."""

    def start(dash_duo) -> str:
        return start_dashboard(dash_duo, database_url=invoices_db, fixed_now=invoices_fixture.NOW)

    return start


def click(dash_duo, element) -> None:
    """Click an element even while charts above it still resize the page."""
    dash_duo.driver.execute_script("arguments[0].click()", element)


def open_facturas(dash_duo, start_facturas, path: str = "/facturas") -> None:
    start_facturas(dash_duo)
    dash_duo.driver.get(dash_duo.server_url + path)
    wait_for_charts(dash_duo, 2)
    dash_duo.wait_for_element(ROWS)


def test_overcharge_kpis_badges_and_detail(dash_duo, start_facturas):
    open_facturas(dash_duo, start_facturas)
    kpis = dash_duo.find_element("#facturas-kpis").text
    assert "Te cobraron de más\n$ 104,12" in kpis  # 35,00 (leche) + 69,12 (queso)
    assert "Facturas con problemas\n10 / 12" in kpis
    assert "Pendientes\n4" in kpis  # 5, 7 and 8 unprocessed; 6 without provider
    assert "Más aumentó vs. el mercado\nAlmacén Central SRL\n+2,6 pp" in kpis
    table = dash_duo.find_element("#facturas-table-grid").text
    assert "Precio mayor" in table and "Duplicada" in table and "Ilegible" in table
    row = cell(dash_duo, "A-0001-00000101").find_element("xpath", "..")
    assert "$ 35,00" in row.text and "03/03/2026" in row.text
    scroll_to(dash_duo.driver, row)
    click(dash_duo, cell(dash_duo, "A-0001-00000101"))
    dash_duo.wait_for_text_to_equal(
        "#facturas-detail-body h3", "Factura A-0001-00000101 · pedido PED-1"
    )
    detail = dash_duo.find_element("#facturas-detail-body").text
    assert "LECHE ENTERA 1 L." in detail and "$ 103,50" in detail and "$ 100,00" in detail
    assert "+3,5 %" in detail
    assert dash_duo.find_element("#facturas-detail-body tr.table-danger")
    assert dash_duo.get_logs() == []


def test_flag_filter_in_url(dash_duo, start_facturas):
    open_facturas(dash_duo, start_facturas, "/facturas?marca=duplicada")
    wait_for(lambda: len(dash_duo.find_elements(ROWS)) == 2)
    assert query(dash_duo)["marca"] == ["duplicada"]
    select = dash_duo.find_element("#facturas-marca")  # a plain <select>
    select.send_keys("Precio mayor")
    wait_for(lambda: query(dash_duo).get("marca") == ["precio_mayor"])
    wait_for(lambda: len(dash_duo.find_elements(ROWS)) == 2)


def test_bars_market_line_and_filter_button_filters(dash_duo, start_facturas):
    open_facturas(dash_duo, start_facturas)
    assert bars(dash_duo, "facturas-bars") == {
        "Almacén Central SRL": 13.3,
        "Bebidas Norte": 10.7,
        "Lácteos del Sur S.A.": 7.6,
    }
    lines = {t["name"] for t in figure_data(dash_duo, "facturas-index")}
    assert lines == {"Almacén Central SRL", "Bebidas Norte", "Lácteos del Sur S.A."}
    bar = dash_duo.find_elements("#facturas-bars .point path")[1]  # Bebidas Norte
    ActionChains(dash_duo.driver).move_to_element(bar).click().perform()
    action = dash_duo.find_element("#facturas-bars-tap-action")
    wait_for(lambda: action.text == "Filtrar por Bebidas Norte")
    click(dash_duo, action)  # the tap only named the bar; this filters
    wait_for(lambda: query(dash_duo).get("proveedor") == ["Bebidas Norte"])
    wait_for(
        lambda: (
            dash_duo.find_element("#facturas-proveedor").get_attribute("value") == "Bebidas Norte"
        )
    )
    wait_for(lambda: len(dash_duo.find_elements(ROWS)) == 6)
    wait_for(lambda: "$ 0,00" in dash_duo.find_element("#facturas-kpis").text)
    assert dash_duo.get_logs() == []


def test_phone_width_has_no_horizontal_scroll(dash_duo, start_facturas):
    dash_duo.driver.set_window_size(390, 844)
    start_facturas(dash_duo)
    dash_duo.driver.get(dash_duo.server_url + "/facturas")
    wait_for_charts(dash_duo, 2)
    # A phone shows one card per invoice instead of the table (test_facturas_phone.py).
    card = dash_duo.find_element("#facturas-cards .invoice-card:nth-child(1)")
    wait_for(lambda: not dash_duo.find_element("#facturas-table-grid").is_displayed())
    click(dash_duo, card)
    dash_duo.wait_for_element("#facturas-detail-body")
    widths = dash_duo.driver.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    wide = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('body *')).filter(e =>"
        " e.getBoundingClientRect().right > 391).slice(0, 6).map(e => e.tagName + '#' + e.id +"
        " '.' + e.className + ':' + Math.round(e.getBoundingClientRect().right))"
    )
    assert widths[1] == 390 and widths[0] <= 390, (widths, wide)
    assert dash_duo.find_element("label[for='facturas-marca']").text == "Mostrar"
    assert dash_duo.get_logs() == []


def test_empty_period(dash_duo, start_facturas):
    open_facturas_empty = "/facturas?start_date=2020-01-01&end_date=2020-01-31"
    start_facturas(dash_duo)
    dash_duo.driver.get(dash_duo.server_url + open_facturas_empty)
    dash_duo.wait_for_text_to_equal(
        "#facturas-table .empty-state", "No hay facturas con ese filtro en el período."
    )
    assert dash_duo.find_elements(ROWS) == []
    assert "Te cobraron de más\n$ 0,00" in dash_duo.find_element("#facturas-kpis").text
    assert dash_duo.get_logs() == []
