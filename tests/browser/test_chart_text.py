"""Names with markup drawn in Chromium as written: on every chart that shows stored names
(Inicio, Proveedores, Análisis, Facturas), a provider called `<a href="/x">Sur</a>` is that
text on the axis, in the hover and in the legend, never a link (plotly reads tags in text).
The pages are served by a real gunicorn with 2 workers."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime

import pytest
from selenium.webdriver.common.action_chains import ActionChains

from tests import invoices_fixture
from tests.browser.helpers import wait_for, wait_for_charts
from tests.fixture_data import NOW
from tests.live import start_live_server

pytestmark = [pytest.mark.browser, pytest.mark.live]
PROVIDER = '<a href="/x">Sur</a>'
PRODUCT = "<b>Leche</b> <i>1</i>"
STATE = "<i>raro</i>"
INVOICED = '<a href="/y">Beb</a>'
DRAWN_TEXT_JS = """
const root = document.getElementById(arguments[0]);
const svg = Array.from(root.querySelectorAll('svg.main-svg'));
const texts = svg.flatMap(s => Array.from(s.querySelectorAll('text'))).map(t => t.textContent);
return {links: svg.reduce((n, s) => n + s.querySelectorAll('a').length, 0), texts: texts};
"""


def drawn(dash_duo, graph_id: str) -> dict:
    """The texts plotly drew in a chart and how many links it made."""
    return dash_duo.driver.execute_script(DRAWN_TEXT_JS, graph_id)


def marked_copy(source_url: str, folder, statements: list[tuple[str, tuple]]) -> str:
    """A copy of a fixture's SQLite file with some stored names changed."""
    source = source_url.removeprefix("sqlite:///")
    target = folder / "marcado.db"
    shutil.copy(source, target)
    with sqlite3.connect(target) as conn:
        for statement, values in statements:
            assert conn.execute(statement, values).rowcount >= 1, statement
    return f"sqlite:///{target}"


@pytest.fixture(scope="module")
def marked_tiny(tiny_sqlite_url, tmp_path_factory) -> str:
    return marked_copy(
        tiny_sqlite_url,
        tmp_path_factory.mktemp("marked-tiny"),
        [
            ("UPDATE proveedores SET nombre = ? WHERE id = 1", (PROVIDER,)),
            ("UPDATE productos SET nombre = ? WHERE id = 1", (PRODUCT,)),
            (
                "UPDATE detalle_pedidos SET producto_nombre = ? WHERE producto_nombre = ?",
                (PRODUCT, "Leche entera 1 L"),
            ),
            ("UPDATE pedidos SET estado = ? WHERE id = 2", (STATE,)),
        ],
    )


@pytest.fixture(scope="module")
def marked_invoices(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("marked-invoices")
    url = f"sqlite:///{folder / 'invoices.db'}"
    invoices_fixture.fill_database(url)
    return marked_copy(
        url,
        folder,
        [("UPDATE proveedores SET nombre = ? WHERE nombre = ?", (INVOICED, "Bebidas Norte"))],
    )


def assert_shown_as_text(dash_duo, graph_id: str, *names: str) -> None:
    chart = drawn(dash_duo, graph_id)
    assert chart["links"] == 0, graph_id
    for name in names:
        assert any(name in text for text in chart["texts"]), (graph_id, name, chart["texts"])


def hover_texts(dash_duo, graph_id: str) -> list[str]:
    """Move the mouse onto each bar in turn and return the hover labels' texts."""
    texts = []
    selector = f"#{graph_id} .hoverlayer .hovertext"
    for bar in dash_duo.find_elements(f"#{graph_id} .point path"):
        ActionChains(dash_duo.driver).move_to_element(bar).perform()
        wait_for(lambda: dash_duo.find_elements(selector))
        label = dash_duo.find_element(selector)
        assert not label.find_elements("css selector", "a")
        texts.append(dash_duo.driver.execute_script("return arguments[0].textContent", label))
    return texts


def serve(database_url: str, now: datetime):
    """A gunicorn (2 workers) over `database_url` with "now" pinned, pages open."""
    return start_live_server(
        {
            "DASHBOARD_DATABASE_URL": database_url,
            "DASHBOARD_CACHE_TTL": "0",
            "MMDASH_TEST_NOW": now.isoformat(),
        },
        workers=2,
        app="tests.fixed_now_app:server",
    )


@pytest.fixture(scope="module")
def tiny_live(marked_tiny):
    server = serve(marked_tiny, NOW)
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def invoices_live(marked_invoices):
    server = serve(marked_invoices, invoices_fixture.NOW)
    yield server.url
    server.stop()


def test_inicio_and_proveedores_draw_names_as_text(dash_duo, tiny_live):
    dash_duo.server_url = tiny_live
    wait_for_charts(dash_duo, 3)
    assert_shown_as_text(dash_duo, "home-providers", PROVIDER)
    assert any(PROVIDER in text for text in hover_texts(dash_duo, "home-providers"))
    dash_duo.driver.get(dash_duo.server_url + "/providers")
    wait_for_charts(dash_duo, 1)
    assert_shown_as_text(dash_duo, "providers-chart", PROVIDER)
    assert dash_duo.get_logs() == []


def test_analisis_draws_names_as_text(dash_duo, tiny_live):
    dash_duo.server_url = tiny_live
    dash_duo.driver.get(
        f"{dash_duo.server_url}/analytics?start_date=2026-01-01&end_date=2026-03-15"
    )
    wait_for_charts(dash_duo, 8)
    assert_shown_as_text(dash_duo, "analytics-top", PRODUCT)
    assert_shown_as_text(dash_duo, "analytics-stock", PROVIDER)
    assert_shown_as_text(dash_duo, "analytics-money-providers", PROVIDER)
    assert_shown_as_text(dash_duo, "analytics-states", STATE)
    # The product and its main provider, in one hover.
    assert any(
        PRODUCT in text and PROVIDER in text for text in hover_texts(dash_duo, "analytics-top")
    )
    assert dash_duo.get_logs() == []


def test_facturas_draws_names_as_text(dash_duo, invoices_live):
    dash_duo.server_url = invoices_live
    dash_duo.driver.get(dash_duo.server_url + "/facturas")
    wait_for_charts(dash_duo, 2)
    assert_shown_as_text(dash_duo, "facturas-bars", INVOICED)
    assert_shown_as_text(dash_duo, "facturas-index", INVOICED)  # its legend
    assert any(INVOICED in text for text in hover_texts(dash_duo, "facturas-bars"))
    assert dash_duo.get_logs() == []
