"""Accessibility in headless Chromium: axe-core on every page in light and dark mode, keyboard
use of the filters and the order editor, and the text alternative of every chart.

axe-core comes with axe-selenium-python (3.1.1). Two of its checks were corrected by later
axe-core releases and are set here as they were corrected (see AXE_CORRECTIONS); nothing else
is switched off.
"""

from __future__ import annotations

import json

import pytest
from axe_selenium_python import Axe
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.helpers import bars, query, scroll_to, type_text, wait_for, wait_for_charts
from tests.signin.helpers import users_file

pytestmark = pytest.mark.browser

BLOCKING = ("serious", "critical")
# axe-core 3.1.1 counts autocomplete="off" as wrong on any input but type=text (fixed upstream
# in axe-core 3.1.2, dequelabs/axe-core#1109): "off" is allowed on every input type here.
INPUT_TYPES = ["text", "search", "number", "tel", "email", "url", "password", "date"]
AXE_CORRECTIONS = {
    "checks": [
        {"id": "autocomplete-appropriate", "options": {"off": INPUT_TYPES, "on": INPUT_TYPES}}
    ]
}
DARK = [{"name": "prefers-color-scheme", "value": "dark"}]
LIGHT = [{"name": "prefers-color-scheme", "value": "light"}]

# (name, path, charts drawn when ready, CSS selector present when ready)
PAGES = {
    "inicio": ("/", 3, "#home-kpis"),
    "proveedores": ("/providers", 1, "#providers-table td"),
    "analisis": ("/analytics?start_date=2026-01-01", 6, "#analytics-top-table td"),
    "compras": ("/compras", 0, ".provider-card input"),
    "facturas": ("/facturas", 2, "#facturas-table-grid td"),
    "producto": ("/productos?id=3", 2, "#producto-pedidos td"),
    "busqueda": ("/productos?q=leche", 0, "#productos-results"),
    "no-encontrada": ("/no-existe", 0, "#_pages_content a"),
}


def set_mode(driver, mode: str) -> None:
    """Emulate the device's colour preference (the app follows it unless the user chose)."""
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": DARK if mode == "oscuro" else LIGHT}
    )


def assert_mode(driver, mode: str) -> None:
    theme = driver.execute_script("return document.documentElement.dataset.bsTheme || null")
    expected = "dark" if mode == "oscuro" else ("light", None)
    assert theme == expected if mode == "oscuro" else theme in expected, (
        f"data-bs-theme is {theme!r} in mode {mode}"
    )


def axe_violations(driver) -> list[dict]:
    """Run axe-core on the whole document; return its serious and critical violations."""
    axe = Axe(driver)
    axe.inject()
    driver.execute_script(f"axe.configure({json.dumps(AXE_CORRECTIONS)})")
    results = axe.run()
    return [v for v in results["violations"] if v["impact"] in BLOCKING]


def readable(violations: list[dict]) -> str:
    """One line per violation: rule, impact, help, and the first nodes it found."""
    lines = []
    for violation in violations:
        targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
        summary = (violation["nodes"][0].get("failureSummary") or "").replace("\n", " ")
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} · "
            f"{len(violation['nodes'])} nodes: {targets} · {summary[:300]}"
        )
    return "\n".join(lines)


def open_ready(dash_duo, url: str, path: str, charts: int, selector: str) -> None:
    """Open url + path and wait for its content and its charts."""
    dash_duo.driver.get(url + path)
    dash_duo.wait_for_element(selector, timeout=15)
    wait_for_charts(dash_duo, charts)


@pytest.fixture
def demo_app(dash_duo, start_dashboard, demo_url):
    """Return (dash_duo, base URL) of a server over the demo database (every page has
    data), nothing opened yet (the colour preference is set first)."""
    return dash_duo, start_dashboard(dash_duo, navigate=False, database_url=demo_url)


@pytest.mark.parametrize("mode", ["claro", "oscuro"])
@pytest.mark.parametrize("page", list(PAGES))
def test_axe_finds_no_serious_violation(demo_app, page, mode):
    duo, url = demo_app
    set_mode(duo.driver, mode)
    open_ready(duo, url, *PAGES[page])
    if page == "facturas":  # the invoice detail adds a table of its own
        duo.find_element("#facturas-table-grid td[data-dash-column='numero_factura']").click()
        duo.wait_for_element("#facturas-detail-body", timeout=10)
    if page == "analisis":  # an open «Ver como tabla» is checked too
        summary = duo.find_element("#analytics-trends-datos summary")
        scroll_to(duo.driver, summary)
        summary.click()
        duo.wait_for_element("#analytics-trends-datos[open] td", timeout=5)
    assert_mode(duo.driver, mode)
    violations = axe_violations(duo.driver)
    assert not violations, f"{page} ({mode}):\n{readable(violations)}"
    assert duo.get_logs() == []


@pytest.mark.parametrize("mode", ["claro", "oscuro"])
def test_axe_on_the_sign_in_page(dash_duo, start_dashboard, tmp_path, mode):
    url = start_dashboard(
        dash_duo, navigate=False, auth="users", users_file=users_file(tmp_path, "ana")
    )
    set_mode(dash_duo.driver, mode)
    dash_duo.driver.get(url + "/login")
    dash_duo.wait_for_element("form.signin-form", timeout=10)
    assert_mode(dash_duo.driver, mode)
    violations = axe_violations(dash_duo.driver)
    assert not violations, f"/login ({mode}):\n{readable(violations)}"


@pytest.mark.parametrize("mode", ["claro", "oscuro"])
def test_axe_on_a_phone(demo_app, mode):
    duo, url = demo_app
    duo.driver.set_window_size(390, 844)
    set_mode(duo.driver, mode)
    open_ready(duo, url, *PAGES["inicio"])
    duo.find_element("#nav-toggler").click()  # the open phone menu is checked too
    duo.wait_for_element("#nav-collapse.show", timeout=5)
    assert_mode(duo.driver, mode)
    violations = axe_violations(duo.driver)
    assert not violations, f"Inicio 390 px ({mode}):\n{readable(violations)}"


# ---- Keyboard alone: the filters of Análisis and the order editor of «Qué pedir hoy».


def press(driver, *keys) -> None:
    """Send keys to whatever has the focus, as a keyboard does."""
    ActionChains(driver).send_keys(*keys).perform()


def select_all_and_type(driver, text: str) -> None:
    """Replace the focused box's text: CTRL+A, then the new text, then TAB."""
    ActionChains(driver).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).perform()
    type_text(driver, text)
    press(driver, Keys.TAB)


def focused_id(driver) -> str:
    return driver.execute_script("return document.activeElement.id || ''")


def tab_to(driver, element_id: str, most: int = 80) -> None:
    """Press TAB until the element with this id has the focus (at most `most` times)."""
    for _ in range(most):
        if focused_id(driver) == element_id:
            return
        press(driver, Keys.TAB)
    raise AssertionError(f"TAB never reached #{element_id} (at #{focused_id(driver)})")


def test_analytics_filters_work_with_the_keyboard_alone(dash_duo, start_dashboard):
    start_dashboard(dash_duo)
    dash_duo.driver.get(dash_duo.server_url + "/analytics")
    wait_for_charts(dash_duo, 6)
    driver = dash_duo.driver
    # Each change reaches the URL and the charts before the next, as a person sees them
    # update (an answer in flight rewrites every control, a half-typed name included).
    tab_to(driver, "analytics-start")
    press(driver, "01/03/2026", Keys.TAB)  # a typed day is taken on TAB
    wait_for(lambda: query(dash_duo) == {"start_date": ["2026-03-01"]})
    wait_for_charts(dash_duo, 6)
    tab_to(driver, "analytics-end")
    press(driver, "14/03/2026", Keys.TAB)
    wait_for(lambda: query(dash_duo).get("end_date") == ["2026-03-14"])
    wait_for_charts(dash_duo, 6)
    tab_to(driver, "analytics-proveedor")
    type_text(driver, "lacteos")
    press(driver, Keys.ENTER)
    wanted = {"start_date": ["2026-03-01"], "end_date": ["2026-03-14"], "proveedor": ["lacteos"]}
    wait_for(lambda: query(dash_duo) == wanted)
    wait_for_charts(dash_duo, 6)
    wait_for(lambda: bars(dash_duo, "analytics-top") == {"Leche entera 1 L": 4})
    # A preset with SPACE, then «Limpiar» with ENTER.
    tab_to(driver, '{"key":"mes-anterior","type":"preset"}')
    press(driver, Keys.SPACE)
    wait_for(lambda: query(dash_duo).get("start_date") == ["2026-02-01"])
    for _ in range(20):  # SHIFT+TAB back to «Limpiar», which comes before the presets
        if focused_id(driver) == "analytics-clear":
            break
        ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
    assert focused_id(driver) == "analytics-clear"
    press(driver, Keys.ENTER)
    wait_for(lambda: query(dash_duo) == {})
    assert dash_duo.get_logs() == []


CUYO = 2  # the reorder fixture's Bebidas Cuyo: Agua (4) 12 × $ 400 and Gaseosa (5) 13 × $ 1.100


def qty_id(prod: int, prov: int = CUYO) -> str:
    return json.dumps({"prod": prod, "prov": prov, "type": "compras-qty"}, separators=(",", ":"))


def order_text(driver) -> str:
    text = driver.find_element(
        By.CSS_SELECTOR,
        "[id='" + json.dumps({"prov": CUYO, "type": "compras-text"}, separators=(",", ":")) + "']",
    )
    return driver.execute_script("return arguments[0].textContent", text)


def test_order_editor_works_with_the_keyboard_alone(dash_duo, start_dashboard, reorder_sqlite_url):
    from tests.reorder_fixture import NOW

    url = start_dashboard(dash_duo, navigate=False, database_url=reorder_sqlite_url, fixed_now=NOW)
    driver = dash_duo.driver
    driver.get(url + "/compras")
    dash_duo.wait_for_element(f"#compras-card-{CUYO}", timeout=15)
    driver.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": url, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    tab_to(driver, qty_id(4))
    select_all_and_type(driver, "18")  # change a quantity
    wait_for(lambda: "• 18 × Agua mineral 2 L" in order_text(driver))
    tab_to(driver, qty_id(5))
    select_all_and_type(driver, "0")  # 0 removes the line
    wait_for(lambda: "Gaseosa" not in order_text(driver))
    text = order_text(driver)
    assert text.endswith("Total estimado $ 7.200,00.\nGracias!")
    copy = json.dumps({"prov": CUYO, "type": "compras-copy"}, separators=(",", ":"))
    tab_to(driver, copy)
    press(driver, Keys.ENTER)  # «Copiar»
    read = """
        const done = arguments[arguments.length - 1];
        navigator.clipboard.readText().then(done, e => done('ERROR ' + e));
    """
    wait_for(lambda: driver.execute_async_script(read) == text)
    send = json.dumps({"prov": CUYO, "type": "compras-wa"}, separators=(",", ":"))
    tab_to(driver, send)  # «Enviar por WhatsApp» is reached and carries the edited text
    href = driver.switch_to.active_element.get_attribute("href")
    assert href.startswith("https://wa.me/") and "18%20%C3%97%20Agua" in href
    assert dash_duo.get_logs() == []


# ---- Charts: a summary for screen readers and their data one click away.


def test_every_chart_has_its_table_one_click_away(dash_duo, start_dashboard):
    start_dashboard(dash_duo)
    wait_for_charts(dash_duo, 3)
    driver = dash_duo.driver
    named = driver.execute_script("""
        const plots = document.querySelectorAll('#_pages_content .js-plotly-plot');
        return Array.from(plots).map(plot => {
            const image = plot.closest('[role=img]');
            return image && image.getAttribute('aria-label');
        });""")
    assert len(named) == 3 and all(label and label.startswith("Gráfico de ") for label in named)
    summary = dash_duo.find_element("#home-providers-datos summary")
    assert summary.text == "Ver como tabla"
    # The table is built from the data the chart's answer carries when it is opened.
    assert driver.find_elements(By.CSS_SELECTOR, "#home-providers-datos table") == []
    scroll_to(driver, summary)
    driver.execute_script("arguments[0].focus()", summary)
    press(driver, Keys.ENTER)  # a <summary> opens with the keyboard too
    assert dash_duo.wait_for_element("#home-providers-datos table").is_displayed()
    rows = driver.execute_script("""
        return Array.from(document.querySelectorAll('#home-providers-datos tr'))
            .map(tr => Array.from(tr.children).map(cell => cell.textContent));""")
    # The same bars as the chart (tests/browser/test_pages.py): 3 and 2 orders.
    assert rows[0][0] == "Proveedor"
    assert rows[1:] == [["Bebidas Norte", "3"], ["Lácteos del Sur", "2"]]
    assert bars(dash_duo, "home-providers") == {"Bebidas Norte": 3, "Lácteos del Sur": 2}
    assert driver.find_elements(By.CSS_SELECTOR, "#home-weekly-datos table") == []  # built on open
    weekly_summary = dash_duo.find_element("#home-weekly-datos summary")
    scroll_to(driver, weekly_summary)
    weekly_summary.click()
    dash_duo.wait_for_element("#home-weekly-datos table")
    weekly = driver.execute_script("""
        return Array.from(document.querySelectorAll('#home-weekly-datos tbody tr'))
            .map(tr => Array.from(tr.children).map(cell => cell.textContent));""")
    assert len(weekly) == 12 and weekly[-1] == ["09/03 (parcial)", "3"]
    assert dash_duo.get_logs() == []


# ---- Every control has a name, the one its label gives (as the browser computes it).

CONTROL_ROLES = {
    "textbox",
    "searchbox",
    "combobox",
    "button",
    "link",
    "spinbutton",
    "checkbox",
    "listbox",
    "radio",
}


def accessible_name(driver, selector: str) -> str:
    """Return the accessible name Chromium computes for the first element matching selector."""
    root = driver.execute_cdp_cmd("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = driver.execute_cdp_cmd("DOM.querySelector", {"nodeId": root, "selector": selector})
    tree = driver.execute_cdp_cmd(
        "Accessibility.getPartialAXTree", {"nodeId": node["nodeId"], "fetchRelatives": False}
    )
    return tree["nodes"][0].get("name", {}).get("value", "")


def unnamed_controls(driver) -> list[str]:
    """Return the role and DOM node of every control in the page without a name."""
    nodes = driver.execute_cdp_cmd("Accessibility.getFullAXTree", {})["nodes"]
    return [
        f"{n['role']['value']} #{n.get('backendDOMNodeId')}"
        for n in nodes
        if not n.get("ignored")
        and n.get("role", {}).get("value") in CONTROL_ROLES
        and not n.get("name", {}).get("value", "").strip()
    ]


@pytest.mark.parametrize("page", list(PAGES))
def test_every_control_has_a_name(demo_app, page):
    duo, url = demo_app
    open_ready(duo, url, *PAGES[page])
    wait_for(lambda: not unnamed_controls(duo.driver))


def test_controls_are_named_by_their_labels(demo_app):
    duo, url = demo_app
    driver = duo.driver
    open_ready(duo, url, *PAGES["analisis"])
    wait_for(lambda: accessible_name(driver, "#analytics-start") == "Desde (dd/mm/aaaa)")
    assert accessible_name(driver, "#analytics-end") == "Hasta (dd/mm/aaaa)"
    assert accessible_name(driver, "#analytics-proveedor") == "Proveedor"
    assert accessible_name(driver, "#analytics-top-table .dash-filter input[type=text]") == (
        "Filtrar por Producto"
    )
    assert accessible_name(driver, ".previous-next-container button.next-page") == (
        "Página siguiente"
    )
    open_ready(duo, url, *PAGES["facturas"])
    wait_for(lambda: accessible_name(driver, "#facturas-meses").startswith("Meses"))
    picked = accessible_name(driver, "#facturas-index-pick")
    assert picked.startswith("Proveedores del índice") and "elegidos" in picked
    assert accessible_name(driver, "#facturas-product-pick").startswith(
        "Proveedor de la tabla de productos"
    )
    assert accessible_name(driver, ".dash-stepper-increment") == "Subir Tolerancia %"
