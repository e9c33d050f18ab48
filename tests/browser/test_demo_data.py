"""The three pages over a small demo database (seeded by demo.py, not by the app)."""

from __future__ import annotations

import pytest

from tests.browser.helpers import figure_data, wait_for_charts

pytestmark = pytest.mark.browser


def test_every_page_draws_its_charts_on_demo_data(dash_duo, start_dashboard, demo_url):
    start_dashboard(dash_duo, database_url=demo_url)
    wait_for_charts(dash_duo, 3)
    assert len(figure_data(dash_duo, "home-weekly")[0]["y"]) == 12
    assert "Proveedores activos" in dash_duo.find_element("#home-kpis").text
    for path, charts in (("/providers", 1), ("/analytics?start_date=2026-01-01", 6)):
        dash_duo.driver.get(dash_duo.server_url + path)
        wait_for_charts(dash_duo, charts)
    top = figure_data(dash_duo, "analytics-top")[0]
    assert len(top["y"]) == 10 and top["x"] == sorted(top["x"], reverse=True)
    assert dash_duo.find_elements("#analytics-top-table tbody tr")
    assert dash_duo.get_logs() == []
