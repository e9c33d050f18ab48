"""The three pages over a small demo database (seeded by demo.py, not by the app)."""

from __future__ import annotations

import pytest

from minimarket_dash.config import load_settings
from minimarket_dash.db import make_engine
from minimarket_dash.demo import seed_database
from tests.browser.helpers import figure_data, wait_for_charts
from tests.fixture_data import NOW

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    """A SQLite file with 3.000 demo order lines ending on the fixture's 'now'."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    engine = make_engine(load_settings({"database_url": url}), writer=True)
    seed_database(engine, lines=3000, seed=7, today=NOW.date(), progress=False)
    engine.dispose()
    return url


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
