"""One Dash app per process, each with every page callback; URL filter state is read leniently."""

from __future__ import annotations

import json
from datetime import date

import pytest

from minimarket_dash import create_app
from minimarket_dash.dashboard import query_from_search, search_from_filters
from minimarket_dash.filters import Filters, read_filters
from tests.app_process import HttpClient
from tests.csrf import csrf_headers


def _callback_outputs(client) -> list[str]:
    deps = client.get("/_dash-dependencies").get_json()
    return [dep["output"] for dep in deps]


def test_the_app_of_each_process_keeps_every_page_callback(pages_app, app_server):
    for client in (pages_app.test_client(), HttpClient(app_server(cache_ttl=0))):
        outputs = _callback_outputs(client)
        assert any("analytics-top-box.children" in output for output in outputs)
        assert any("home-weekly-box.children" in output for output in outputs)
        assert len(outputs) == len(set(outputs))  # no callback registered twice
        assert client.get("/analytics").status_code == 200


def test_a_second_app_with_pages_in_one_process_is_refused(pages_app, tiny_sqlite_url, tmp_path):
    with pytest.raises(RuntimeError, match="una sola aplicación con páginas por proceso"):
        create_app(database_url=tiny_sqlite_url, auth="none", log_dir=str(tmp_path))
    api_only = create_app(
        pages=False, database_url=tiny_sqlite_url, auth="none", log_dir=str(tmp_path)
    )
    assert api_only.test_client().get("/analytics").status_code == 404
    assert api_only.test_client().get("/health").status_code == 200


@pytest.mark.parametrize(
    ("query", "filters", "notices"),
    [
        (
            {"start_date": "2026-03-01", "end_date": "2026-03-14", "proveedor": " lacteos "},
            Filters(date(2026, 3, 1), date(2026, 3, 14), "lacteos"),
            0,
        ),
        ({"start_date": "2026-02-30"}, Filters(), 1),
        ({"start_date": "2026-03-14", "end_date": "2026-03-01"}, Filters(), 1),
        ({"proveedor": "<script>"}, Filters(proveedor="script"), 1),
        ({"proveedor": ["a", "b"]}, Filters(proveedor="a"), 0),
        ({}, Filters(), 0),
    ],
)
def test_url_state_ignores_bad_values_with_a_notice(query, filters, notices):
    state = read_filters(query)
    assert state.filters == filters
    assert len(state.notices) == notices


def test_search_round_trip():
    filters = Filters(date(2026, 3, 1), None, "Lácteos del Sur")
    search = search_from_filters(filters)
    assert search == "?start_date=2026-03-01&proveedor=L%C3%A1cteos+del+Sur"
    assert read_filters(query_from_search(search)).filters == filters
    assert search_from_filters(Filters()) == ""


def _refresh_home(client) -> dict:
    """Fire Inicio's auto-refresh callback once, as the browser does on an interval tick."""
    deps = client.get("/_dash-dependencies").get_json()
    dep = next(
        d for d in deps if d["inputs"] == [{"id": "home-refresh", "property": "n_intervals"}]
    )
    outputs = [
        dict(zip(("id", "property"), o.rsplit(".", 1), strict=True))
        for o in dep["output"].strip(".").split("...")
    ]
    body = {
        "output": dep["output"],
        "outputs": outputs,
        "state": [],
        "inputs": [{"id": "home-refresh", "property": "n_intervals", "value": 1}],
        "changedPropIds": ["home-refresh.n_intervals"],
    }
    response = client.post("/_dash-update-component", json=body, headers=csrf_headers(client))
    assert response.status_code == 200, response.data[:300]
    return response.get_json()


def test_home_auto_refresh_rebuilds_every_panel(pages_app):
    reply = _refresh_home(pages_app.test_client())
    panels = reply["response"]
    assert set(panels) == {
        "home-today",
        "home-deliveries",
        "home-alerts",
        "home-recent",
        "home-kpis",
        "home-updated",
        "home-weekly-box",
        "home-movements-box",
        "home-providers-box",
    }
    assert panels["home-updated"]["children"] == "Actualizado 12:00"
    # Six cards of today, four of the last days, five all-time totals.
    assert len(panels["home-today"]["children"]) == 6
    assert len(panels["home-recent"]["children"]) == 4
    assert len(panels["home-kpis"]["children"]) == 5
    drawn, table = panels["home-weekly-box"]["children"]["props"]["children"]
    assert drawn["props"]["children"]["props"]["id"] == "home-weekly"
    assert table["props"]["id"] == "home-weekly-datos-box"
    assert table["props"]["children"]["props"]["id"] == "home-weekly-datos"  # «Ver como tabla»
    assert "sideUpdate" not in reply


def test_home_auto_refresh_opens_the_banner_when_the_database_fails(app_server):
    reply = _refresh_home(
        HttpClient(app_server(database_url="sqlite:////nonexistent/x.db", cache_ttl=0))
    )
    assert reply["sideUpdate"] == {"home-db-banner": {"is_open": True}}
    assert "Sin datos" in str(reply["response"]["home-alerts"]["children"])


def test_home_layout_outside_a_request_has_empty_panels(pages_app):
    import sys

    home = next(m for name, m in sys.modules.items() if name.endswith("pages.home"))
    page = home.layout()  # how Dash builds its validation layout: no app, no request
    assert page["home-kpis"].children is None and page["home-weekly-box"].children is None
    assert page["home-db-banner"].is_open is False


def test_home_lists_todays_deliveries_first_and_at_most_a_hundred(pages_app):
    import sys

    import pandas as pd

    home = next(m for name, m in sys.modules.items() if name.endswith("pages.home"))
    late = [(f"PED-L{n}", "Norte", "2026-03-01", 10.0, 150 - n) for n in range(149)]
    today = [("PED-HOY", "Sur", "2026-03-15", 5.0, 0)]
    orders = pd.DataFrame(
        late + today,
        columns=["numero_pedido", "proveedor", "fecha_entrega_esperada", "total", "dias_atraso"],
    )
    listing, note = home.deliveries(orders)
    items = json.loads(getattr(listing, "data-items"))  # drawn by assets/46-lists.js
    assert len(items) == home.DELIVERIES_SHOWN == 100
    assert [items[0]["title"], items[1]["title"]] == ["PED-HOY", "PED-L0"]  # most days late next
    assert (items[0]["badge"], items[1]["badge"]) == ("hoy", "150 días de atraso")
    assert note.children == "Se muestran 100 de 150: el CSV de este panel tiene todos."


def _sync_analytics(client, start, end, proveedor, trigger: str) -> dict:
    """Fire Análisis' URL/controls callback as the browser does when one control changes."""
    deps = client.get("/_dash-dependencies").get_json()
    dep = next(d for d in deps if d["output"].startswith("..analytics-url.search"))
    outputs = [
        dict(zip(("id", "property"), o.rsplit(".", 1), strict=True))
        for o in dep["output"].strip(".").split("...")
    ]
    values = {
        "analytics-url": "",
        "analytics-start": start,
        "analytics-end": end,
        "analytics-proveedor": proveedor,
    }
    inputs = [
        {"id": i["id"], "property": i["property"], "value": values.get(i["id"])}
        for i in dep["inputs"]
        if not i["id"].startswith("{")
    ]
    inputs.insert(4, [])  # the presets (pattern-matching ids): none clicked
    body = {
        "output": dep["output"],
        "outputs": outputs,
        "state": [],
        "inputs": inputs,
        "changedPropIds": [trigger],
    }
    response = client.post("/_dash-update-component", json=body, headers=csrf_headers(client))
    assert response.status_code == 200, response.data[:300]
    return response.get_json()["response"]


def test_analytics_writes_back_only_the_controls_whose_value_changes(pages_app):
    """A date change must not rewrite the provider box (it would wipe what is being typed
    there while the answer travels); a value the filters drop is written back cleared."""
    client = pages_app.test_client()
    reply = _sync_analytics(client, "2026-03-01", None, "", "analytics-start.date")
    assert reply["analytics-url"]["search"] == "?start_date=2026-03-01"
    assert "analytics-proveedor" not in reply and "analytics-start" not in reply
    reply = _sync_analytics(client, "2026-13-45", None, "Sur", "analytics-start.date")
    assert reply["analytics-start"]["date"] is None  # an impossible date is cleared
    assert reply["analytics-url"]["search"] == "?proveedor=Sur"
    assert "analytics-proveedor" not in reply
