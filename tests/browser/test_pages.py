"""The three pages in headless Chromium over the tiny fixture: charts, filters, URL, CSV, 404."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from tests.browser.helpers import (
    bars,
    empty_note,
    figure_data,
    query,
    text_without_help,
    wait_for,
    wait_for_charts,
)

pytestmark = pytest.mark.browser

ANALYTICS_CHARTS = 9
MARCH_LACTEOS = "/analytics?start_date=2026-03-01&end_date=2026-03-14&proveedor=lacteos"


def open_page(dash_duo, path: str, charts: int) -> None:
    """Navigate to path and wait until its charts are drawn."""
    dash_duo.driver.get(dash_duo.server_url + path)
    wait_for_charts(dash_duo, charts)


def test_home_shows_kpis_alerts_and_charts(dash_duo, start_dashboard):
    start_dashboard(dash_duo)
    wait_for_charts(dash_duo, 3)
    recent = text_without_help(dash_duo, "#home-recent")
    assert "Pedidos · últimos 30 días\n6\n▲ +500,0 %" in recent  # 6 orders vs 1 before
    assert "Proveedor con más pedidos\nBebidas Norte\n3 pedidos en 30 días" in recent
    assert "Unidades pedidas (total)\n50" in text_without_help(dash_duo, "#home-kpis")
    assert dash_duo.find_element("#home-updated").text == "Actualizado 12:00"
    alerts = dash_duo.find_element("#home-alerts").text
    # /api/low-stock's order: largest shortfall first (faltan 8, 5, 1).
    assert alerts.index("Leche entera") < alerts.index("Yogur frutilla") < alerts.index("Gaseosa")
    weekly = figure_data(dash_duo, "home-weekly")[0]
    # Monday of 2026-W11, the running week (today is its Sunday): partial.
    assert len(weekly["x"]) == 12 and weekly["x"][-1] == "09/03 (parcial)"
    assert weekly["y"][-1] == 3  # orders 3, 2 and 7 of ISO week 2026-W11
    assert bars(dash_duo, "home-providers") == {"Bebidas Norte": 3, "Lácteos del Sur": 2}
    movements = {t["name"]: sum(t["y"]) for t in figure_data(dash_duo, "home-movements")}
    assert movements == {"Entradas": 2, "Salidas": 2, "Ajustes": 1}
    assert dash_duo.get_logs() == []


def test_providers_table_chart_and_click_opens_analytics(dash_duo, start_dashboard):
    start_dashboard(dash_duo)
    open_page(dash_duo, "/providers", 1)
    rows = dash_duo.find_elements("#providers-table tbody tr td[data-dash-column='nombre']")
    assert [cell.text for cell in rows] == ["Lácteos del Sur", "Bebidas Norte", "Almacén Central"]
    assert bars(dash_duo, "providers-chart") == {"Lácteos del Sur": 4, "Bebidas Norte": 3}
    rows[1].click()
    wait_for(lambda: urlparse(dash_duo.driver.current_url).path == "/analytics")
    wait_for_charts(dash_duo, ANALYTICS_CHARTS)
    assert query(dash_duo) == {"proveedor": ["Bebidas Norte"]}
    assert bars(dash_duo, "analytics-top") == {"Agua mineral 2 L": 18, "Leche entera 1 L": 3}
    assert dash_duo.get_logs() == []


def test_analytics_url_reproduces_the_view(dash_duo, start_dashboard):
    start_dashboard(dash_duo)
    open_page(dash_duo, MARCH_LACTEOS, ANALYTICS_CHARTS)
    assert bars(dash_duo, "analytics-top") == {"Leche entera 1 L": 4}
    assert dash_duo.find_element("#analytics-start").get_attribute("value") == "01/03/2026"
    assert dash_duo.find_element("#analytics-end").get_attribute("value") == "14/03/2026"
    assert dash_duo.find_element("#analytics-proveedor").get_attribute("value") == "lacteos"
    summary = dash_duo.find_element("#analytics-summary").text
    assert summary == "Del 01/03/2026 al 14/03/2026 · proveedor «lacteos»"
    # Two weeks: drawn per ISO week; the weeks the range cuts are partial.
    trend = figure_data(dash_duo, "analytics-trends")[0]
    assert (trend["x"], trend["y"]) == (["23/02 (parcial)", "02/03", "09/03 (parcial)"], [0, 0, 1])
    cells = dash_duo.find_elements("#analytics-top-table tbody td")
    assert [c.text for c in cells] == ["Leche entera 1 L", "4", "1", "Lácteos del Sur"]
    assert dash_duo.get_logs() == []


def test_filters_change_charts_and_back_restores(dash_duo, start_dashboard):
    start_dashboard(dash_duo)
    open_page(dash_duo, "/analytics?start_date=2026-03-01&end_date=2026-03-14", ANALYTICS_CHARTS)
    assert bars(dash_duo, "analytics-top") == {"Agua mineral 2 L": 14, "Leche entera 1 L": 7}
    box = dash_duo.find_element("#analytics-proveedor")
    box.send_keys("lacteos", Keys.ENTER)
    wait_for(lambda: query(dash_duo).get("proveedor") == ["lacteos"])
    wait_for_charts(dash_duo, ANALYTICS_CHARTS)
    assert bars(dash_duo, "analytics-top") == {"Leche entera 1 L": 4}
    dash_duo.driver.back()
    wait_for(lambda: "proveedor" not in query(dash_duo))
    wait_for(lambda: box.get_attribute("value") == "")
    wait_for_charts(dash_duo, ANALYTICS_CHARTS)
    assert bars(dash_duo, "analytics-top") == {"Agua mineral 2 L": 14, "Leche entera 1 L": 7}
    assert dash_duo.get_logs() == []


def test_preset_sets_dates_in_url_and_charts(dash_duo, start_dashboard):
    start_dashboard(dash_duo)
    open_page(dash_duo, "/analytics", ANALYTICS_CHARTS)
    assert bars(dash_duo, "analytics-top") == {
        "Agua mineral 2 L": 20,
        "Leche entera 1 L": 18,
        "Yogur frutilla": 12,
    }
    dash_duo.find_element("#analytics-filter-presets button:nth-child(5)").click()  # Mes anterior
    wait_for(lambda: query(dash_duo).get("start_date") == ["2026-02-01"])
    assert query(dash_duo)["end_date"] == ["2026-02-28"]
    wait_for_charts(dash_duo, ANALYTICS_CHARTS)
    assert bars(dash_duo, "analytics-top") == {"Agua mineral 2 L": 6}
    assert dash_duo.get_logs() == []


def test_filter_button_of_a_tapped_provider_bar_filters_the_rest(dash_duo, start_dashboard):
    start_dashboard(dash_duo)
    open_page(dash_duo, "/analytics", ANALYTICS_CHARTS)
    stock = bars(dash_duo, "analytics-stock")
    assert stock == {"Bebidas Norte": 23, "Lácteos del Sur": 13, "Almacén Central": 0}
    bar = dash_duo.find_elements("#analytics-stock .point")[1]  # Lácteos del Sur
    ActionChains(dash_duo.driver).move_to_element(bar).click().perform()
    action = dash_duo.find_element("#analytics-stock-tap-action")
    wait_for(lambda: action.text == "Filtrar por Lácteos del Sur")
    dash_duo.driver.execute_script("arguments[0].click()", action)  # the explicit control
    wait_for(lambda: query(dash_duo).get("proveedor") == ["Lácteos del Sur"])
    wait_for_charts(dash_duo, ANALYTICS_CHARTS)
    assert bars(dash_duo, "analytics-top") == {"Leche entera 1 L": 15, "Yogur frutilla": 12}
    assert dash_duo.get_logs() == []


def test_invalid_url_values_are_ignored_with_a_notice(dash_duo, start_dashboard):
    start_dashboard(dash_duo)
    open_page(
        dash_duo,
        "/analytics?start_date=2026-02-30&end_date=ayer&proveedor=%3C%3E",
        ANALYTICS_CHARTS,
    )
    notice = dash_duo.find_element("#analytics-notice").text
    assert "Se ignoró la fecha «desde»" in notice and "Se ignoró la fecha «hasta»" in notice
    assert "caracteres no permitidos" in notice
    assert bars(dash_duo, "analytics-top")["Agua mineral 2 L"] == 20  # every date and provider
    assert dash_duo.get_logs() == []


def test_csv_download_has_the_filtered_rows(dash_duo, start_dashboard):
    start_dashboard(dash_duo)
    open_page(dash_duo, MARCH_LACTEOS, ANALYTICS_CHARTS)
    dash_duo.find_element(
        '[id=\'{"name":"productos","page":"analytics","type":"dl-btn"}\']'
    ).click()
    target = Path(dash_duo.download_path) / "productos-top_2026-03-01_2026-03-14_lacteos.csv"
    wait_for(target.exists)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines() == [
        "producto,cantidad_total,pedidos,proveedor",
        "Leche entera 1 L,4,1,Lácteos del Sur",
    ]
    assert dash_duo.get_logs() == []


def test_unknown_path_shows_the_spanish_404(dash_duo, start_dashboard):
    start_dashboard(dash_duo)
    dash_duo.driver.get(dash_duo.server_url + "/no-existe")
    dash_duo.wait_for_text_to_equal("#not-found h1", "Página no encontrada")
    assert dash_duo.driver.title == "Página no encontrada · Mini Market"
    assert dash_duo.get_logs() == []


def test_database_down_shows_banner_and_pages_still_work(dash_duo, start_dashboard):
    start_dashboard(dash_duo, database_url="sqlite:////nonexistent/x.db")
    dash_duo.wait_for_element("#home-db-banner")
    assert "No se pudo consultar la base de datos" in dash_duo.find_element("#home-db-banner").text
    wait_for_charts(dash_duo, 3)
    assert empty_note(dash_duo, "home-weekly") == "Sin datos para el período elegido"
    dash_duo.find_element("a.nav-link[href='/analytics']").click()
    wait_for_charts(dash_duo, ANALYTICS_CHARTS)
    dash_duo.wait_for_element("#analytics-db-banner")
    assert dash_duo.find_element("#analytics-start").is_enabled()
    assert "Traceback" not in dash_duo.driver.page_source
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize(
    ("path", "charts"), [("/", 3), ("/providers", 1), (MARCH_LACTEOS, ANALYTICS_CHARTS)]
)
def test_phone_width_has_no_horizontal_scroll(dash_duo, start_dashboard, path, charts):
    start_dashboard(dash_duo)
    dash_duo.driver.set_window_size(390, 844)
    open_page(dash_duo, path, charts)
    widths = dash_duo.driver.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
        " window.innerWidth]"
    )
    assert widths[2] == 390 and widths[0] <= 390, widths
    for control in dash_duo.find_elements("input, select, button"):
        if not control.is_displayed():
            continue
        labelled = dash_duo.driver.execute_script(
            "const e = arguments[0]; return !!(e.labels && e.labels.length) ||"
            " !!e.getAttribute('aria-label') || !!e.textContent.trim() ||"
            " !!e.getAttribute('placeholder') || e.type === 'hidden'",
            control,
        )
        assert labelled, control.get_attribute("outerHTML")[:120]
    assert dash_duo.get_logs() == []
