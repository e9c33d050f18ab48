"""Inicio's long lists (assets/46-lists.js draws them from the data the server sends): what the
database holds shows as text, never as markup; the links stay links."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.browser.helpers import wait_for, wait_for_charts
from tests.databases import fill_database

pytestmark = pytest.mark.browser

MARKUP = '<img src=x onerror="window.__mmOwned = 1">Leche <b>entera</b> 1 L'


def test_a_product_name_with_markup_shows_as_text(dash_duo, start_dashboard, tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'markup.db'}"
    fill_database(url)
    with sqlite3.connect(tmp_path / "markup.db") as conn:
        changed = conn.execute(
            "UPDATE productos SET nombre = ? WHERE nombre = ?", (MARKUP, "Leche entera 1 L")
        ).rowcount
    assert changed == 1
    start_dashboard(dash_duo, database_url=url)
    wait_for_charts(dash_duo, 3)
    wait_for(lambda: dash_duo.find_elements("#home-alerts .low-stock-item"))
    names = [
        item.text.split("\n")[0]
        for item in dash_duo.find_elements("#home-alerts .low-stock-item strong")
    ]
    assert MARKUP in names
    assert not dash_duo.driver.execute_script(
        "return document.querySelector('#home-alerts img, #home-alerts b')"
    )
    assert dash_duo.driver.execute_script("return window.__mmOwned") is None
    link = dash_duo.find_element("#home-alerts .low-stock-item a.order-link")
    assert link.get_attribute("href").startswith(dash_duo.server_url + "/compras")
