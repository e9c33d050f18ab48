"""Facturas in headless Chromium: «Reclamar» (text, WhatsApp, e-mail with a hostile address),
the «Estado» of an invoice set by a signed-in manager and seen from another session, and
Inicio's «Facturas por procesar» opening a view with the same invoices.

Database: tests/browser/facturas_db.py (the invoices fixture plus two invoices and the
providers' contacts); every figure is worked by hand there or below.
"""

from __future__ import annotations

import tempfile
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from sqlalchemy import text

from minimarket_dash.config import load_settings
from minimarket_dash.db import make_engine
from tests import invoices_fixture
from tests.browser import facturas_db
from tests.browser.conftest import pytest_setup_options
from tests.browser.helpers import scroll_to, wait_for, wait_for_charts
from tests.signin.helpers import PASSWORD, users_file

pytestmark = pytest.mark.browser
ROWS = "#facturas-table-grid td[data-dash-column='numero_factura']"

CLAIM_2 = [  # invoice 2: 12 milk where 10 were ordered at $ 100; butter not ordered
    "Hola Marta!",
    "Desde Mini Market les reclamamos por la factura A-0001-00000102 del 05/03/2026 "
    "(pedido PED-2):",
    "• Leche entera 1 L: facturaron 12 × $ 100,00; pedimos 10 × $ 100,00. Unidades de más "
    "2 × $ 100,00 = $ 200,00",
    "• Manteca 200 g: facturaron 1 × $ 300,00, no estaba en el pedido. 1 × $ 300,00 = $ 300,00",
    "Total reclamado: $ 500,00.",
    "Por favor, envíennos una nota de crédito por ese importe. Gracias!",
]
CLAIM_14 = [  # invoice 14: rice 5 × $ 950 where the order said 5 × $ 900
    "Hola Raúl!",
    "Desde Mini Market les reclamamos por la factura C-0003-00000014 del 21/02/2026 "
    "(pedido PED-9):",
    "• Arroz largo fino 1 kg: facturaron 5 × $ 950,00; pedimos 5 × $ 900,00. Precio de más "
    "$ 50,00 × 5 = $ 250,00",
    "Total reclamado: $ 250,00.",
    "Por favor, envíennos una nota de crédito por ese importe. Gracias!",
]
# 35,00 (invoice 1) + 69,12 (invoice 7) + 250,00 (invoice 14).
OVERCHARGE = "$ 354,12"


@pytest.fixture(scope="module")
def claims_db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('inv-claims') / 'invoices.db'}"
    facturas_db.fill(url)
    return url


def click(dash_duo, element) -> None:
    dash_duo.driver.execute_script("arguments[0].click()", element)


def row_of(driver, numero: str):
    """The table row of an invoice number."""
    cell = next(c for c in driver.find_elements(By.CSS_SELECTOR, ROWS) if c.text == numero)
    return cell.find_element(By.XPATH, "..")


def open_invoice(dash_duo, driver, numero: str) -> None:
    wait_for(lambda: any(c.text == numero for c in driver.find_elements(By.CSS_SELECTOR, ROWS)))
    row = row_of(driver, numero)
    scroll_to(driver, row)
    cell = row.find_element(By.CSS_SELECTOR, "td[data-dash-column='numero_factura']")
    driver.execute_script("arguments[0].click()", cell)
    wait_for(
        lambda: (
            driver.find_elements(By.CSS_SELECTOR, "#facturas-detail-body h3")
            and numero in driver.find_element(By.CSS_SELECTOR, "#facturas-detail-body h3").text
        )
    )


def kpi(driver) -> str:
    return driver.find_element(By.CSS_SELECTOR, "#facturas-kpis").text


def test_claim_text_whatsapp_and_a_hostile_email_gets_no_link(dash_duo, start_dashboard, claims_db):
    start_dashboard(dash_duo, database_url=claims_db, fixed_now=invoices_fixture.NOW)
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/facturas")
    wait_for_charts(dash_duo, 2)
    wait_for(lambda: f"Te cobraron de más\n{OVERCHARGE}" in kpi(driver))

    open_invoice(dash_duo, driver, "A-0001-00000102")
    button = dash_duo.find_element("#facturas-claim-open")
    assert button.text == "Reclamar $ 500,00"
    click(dash_duo, button)
    # Wait for the collapse to finish opening: hidden text reads as "".
    wait_for(lambda: dash_duo.find_element("#facturas-claim-nowa").text != "")
    assert dash_duo.find_element("#facturas-claim-text").text.splitlines() == CLAIM_2
    # Lácteos: no phone, and an address that would add ?bcc= and &body= to the link.
    assert dash_duo.find_element("#facturas-claim-nowa").text == (
        "Sin WhatsApp: el proveedor no tiene teléfono cargado."
    )
    assert dash_duo.find_element("#facturas-claim-nomail").text == (
        f"Sin email: «{facturas_db.HOSTILE_EMAIL}» no es una dirección válida."
    )
    assert driver.find_elements(By.CSS_SELECTOR, "a[href^='mailto:']") == []
    assert driver.find_elements(By.CSS_SELECTOR, "#facturas-claim-wa") == []

    open_invoice(dash_duo, driver, "C-0003-00000014")
    click(dash_duo, dash_duo.find_element("#facturas-claim-open"))
    wait_for(lambda: dash_duo.find_element("#facturas-claim-mail").text == "Email")
    claim = "\n".join(CLAIM_14)
    assert dash_duo.find_element("#facturas-claim-text").text == claim
    wa = dash_duo.find_element("#facturas-claim-wa").get_attribute("href")
    assert wa == f"https://wa.me/{facturas_db.ALMACEN_WHATSAPP}?text={quote(claim, safe='')}"
    mail = urlsplit(dash_duo.find_element("#facturas-claim-mail").get_attribute("href"))
    assert (mail.scheme, mail.path) == ("mailto", facturas_db.ALMACEN_EMAIL)
    assert parse_qs(mail.query) == {
        "subject": ["Reclamo de Mini Market por la factura C-0003-00000014 del 21/02/2026"],
        "body": [claim],
    }
    # Without a sign-in (DASHBOARD_AUTH=none) the state is shown but cannot be changed.
    assert not dash_duo.find_element("#facturas-estado-guardar").is_enabled()
    assert "tenés que iniciar sesión" in dash_duo.find_element("#facturas-estado-nota").text
    assert dash_duo.get_logs() == []


def sign_in(driver, base_url: str, name: str) -> None:
    driver.get(base_url + "/login?next=/facturas")
    driver.find_element(By.ID, "username").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form.signin-form button[type=submit]").click()
    wait_for(lambda: "/facturas" in driver.current_url and "login" not in driver.current_url)


def second_browser() -> webdriver.Chrome:
    """Another Chromium with a profile of its own: another device, another session."""
    options = pytest_setup_options()
    options.arguments[:] = [a for a in options.arguments if not a.startswith("--user-data-dir=")]
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='mmdash-chrome-2-')}")
    return webdriver.Chrome(options=options)


def test_state_set_in_one_browser_is_seen_from_another_session(
    dash_duo, start_dashboard, claims_db, tmp_path
):
    url = start_dashboard(
        dash_duo,
        navigate=False,
        auth="users",
        database_url=claims_db,
        fixed_now=invoices_fixture.NOW,
        users_file=users_file(tmp_path, "ana", "beto"),
    )
    driver = dash_duo.driver
    sign_in(driver, url, "ana")
    wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, ROWS))
    wait_for(lambda: f"Te cobraron de más\n{OVERCHARGE}" in kpi(driver))
    open_invoice(dash_duo, driver, "A-0001-00000101")
    assert dash_duo.find_element("#facturas-estado-nota").text == (
        "Nadie le puso un estado todavía."
    )
    Select(dash_duo.find_element("#facturas-estado")).select_by_value("acreditada")
    click(dash_duo, dash_duo.find_element("#facturas-estado-guardar"))
    # The fixed clock of the server: 15/03/2026 12:00.
    wait_for(
        lambda: (
            dash_duo.find_element("#facturas-estado-nota").text
            == ("Acreditada por ana el 15/03/2026 12:00. No cuenta en «Te cobraron de más».")
        )
    )
    # 354,12 − 35,00 of the credited invoice.
    wait_for(lambda: "Te cobraron de más\n$ 319,12" in kpi(driver))
    wait_for(
        lambda: (
            row_of(driver, "A-0001-00000101")
            .find_element(By.CSS_SELECTOR, "td[data-dash-column='estado']")
            .text
            == "Acreditada"
        )
    )

    other = second_browser()
    try:
        sign_in(other, url, "beto")
        wait_for(lambda: other.find_elements(By.CSS_SELECTOR, ROWS), timeout=20)
        wait_for(lambda: "Te cobraron de más\n$ 319,12" in kpi(other))
        assert (
            row_of(other, "A-0001-00000101")
            .find_element(By.CSS_SELECTOR, "td[data-dash-column='estado']")
            .text
            == "Acreditada"
        )
        open_invoice(dash_duo, other, "A-0001-00000101")
        assert other.find_element(By.CSS_SELECTOR, "#facturas-estado-nota").text.startswith(
            "Acreditada por ana el 15/03/2026 12:00."
        )
        # beto claims it again: the first browser sees it at its next read.
        Select(other.find_element(By.CSS_SELECTOR, "#facturas-estado")).select_by_value("reclamada")
        other.execute_script(
            "arguments[0].click()", other.find_element(By.CSS_SELECTOR, "#facturas-estado-guardar")
        )
        wait_for(
            lambda: (
                other.find_element(By.CSS_SELECTOR, "#facturas-estado-nota").text
                == "Reclamada por beto el 15/03/2026 12:00."
            )
        )
        wait_for(lambda: f"Te cobraron de más\n{OVERCHARGE}" in kpi(other))
    finally:
        other.quit()
    driver.refresh()
    wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, ROWS))
    wait_for(
        lambda: (
            row_of(driver, "A-0001-00000101")
            .find_element(By.CSS_SELECTOR, "td[data-dash-column='estado']")
            .text
            == "Reclamada"
        )
    )
    assert f"Te cobraron de más\n{OVERCHARGE}" in kpi(driver)
    assert dash_duo.get_logs() == []


def test_inicio_unprocessed_count_equals_the_rows_of_its_view(dash_duo, start_dashboard, claims_db):
    start_dashboard(dash_duo, database_url=claims_db, fixed_now=invoices_fixture.NOW)
    driver = dash_duo.driver
    link = dash_duo.wait_for_element("#home-today-invoices-link")
    count = int(link.text)
    engine = make_engine(load_settings({"database_url": claims_db}))
    with engine.connect() as conn:
        direct = conn.execute(text("SELECT count(*) FROM facturas_ocr WHERE procesado = 0"))
        direct = direct.scalar_one()
        numbers = {
            row[0]
            for row in conn.execute(
                text("SELECT numero_factura FROM facturas_ocr WHERE procesado = 0")
            )
        }
    engine.dispose()
    assert count == direct == 4  # invoices 5, 7, 8 and 15 (dated 2025-06-01)
    assert urlsplit(link.get_attribute("href")).path == "/facturas"
    assert parse_qs(urlsplit(link.get_attribute("href")).query) == {
        "marca": ["pendiente"],
        "fechas": ["todas"],
    }
    click(dash_duo, link)
    wait_for(lambda: "/facturas" in driver.current_url)
    wait_for(lambda: len(dash_duo.find_elements(ROWS)) == count)
    assert {c.text for c in dash_duo.find_elements(ROWS)} == numbers
    assert "Facturas de todas las fechas" in dash_duo.find_element("#facturas-summary").text
    assert dash_duo.get_logs() == []
