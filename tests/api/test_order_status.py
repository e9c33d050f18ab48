"""/api/order-status and its CSV on SQLite and PostgreSQL, against hand-counted fixtures.

The states come from tests/api/manager_data.py (pendiente, enviado, entregado, cancelado,
recibido and a NULL estado; hand counts in its ORDER_STATUS); tests/fixture_data.py files every
order as «recibido».
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from minimarket_dash import queries
from minimarket_dash.config import load_settings
from minimarket_dash.db import make_engine
from minimarket_dash.filters import Filters
from tests import fixture_data
from tests.api import manager_data
from tests.api.helpers import assert_error, get_json
from tests.constants import API_KEY, AUTH
from tests.databases import fill_database, postgres_database


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def states_url(request, tmp_path_factory) -> Iterator[str]:
    """tests/api/manager_data.py (orders in every state) on each supported database."""
    if request.param == "postgres":
        with postgres_database("mmdash_states") as url:
            fill_database(url, manager_data.insert_all)
            yield url
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('states') / 'states.db'}"
        fill_database(url, manager_data.insert_all)
        yield url


@pytest.fixture
def states(make_app, states_url):
    """(test client, read engine) over the manager fixture, without rate limit or cache."""
    app = make_app(
        database_url=states_url, api_keys=(API_KEY,), ratelimit_enabled=False, cache_ttl=0
    )
    engine = make_engine(load_settings({"database_url": states_url}))
    yield app.test_client(), engine
    engine.dispose()


def get_csv(client, path: str) -> tuple[list[list[str]], str]:
    response = client.get(path, headers=AUTH)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))
    return rows, disposition.split('filename="')[1][:-1]


@pytest.mark.parametrize("query", list(manager_data.ORDER_STATUS))
def test_hand_counts(states, query):
    client, _engine = states
    body = get_json(client, f"/api/order-status?{query}")
    assert body == manager_data.ORDER_STATUS[query]


def test_all_time_equals_plain_sql(states):
    client, engine = states
    with engine.connect() as conn:
        counted = dict(
            conn.execute(
                text("SELECT COALESCE(estado, 'sin estado'), COUNT(*) FROM pedidos GROUP BY 1")
            ).all()
        )
    body = get_json(client, "/api/order-status")
    assert {row["estado"]: row["pedidos"] for row in body} == counted
    assert sum(row["pedidos"] for row in body) == len(manager_data.ORDERS)


def test_api_equals_the_analytics_metric(states):
    # The page's chart (pages/analytics.py, states_frame) runs the same metric.
    client, engine = states
    filters = Filters(proveedor="sur")
    with engine.connect() as conn:
        frame = queries.ORDER_STATUS.query(conn, filters, fixture_data.NOW)
    assert get_json(client, "/api/order-status?proveedor=sur") == frame.to_dict("records")


def test_csv_has_the_json_rows_and_names_the_filter(states):
    client, _engine = states
    query = "start_date=2026-03-01&end_date=2026-03-14"
    rows, name = get_csv(client, f"/api/export/order-status.csv?{query}")
    assert name == "order-status_2026-03-01_2026-03-14_2026-03-15.csv"
    assert rows[0] == ["estado", "pedidos"]
    assert rows[1:] == [
        [row["estado"], str(row["pedidos"])] for row in manager_data.ORDER_STATUS[query]
    ]
    _rows, name = get_csv(client, "/api/export/order-status.csv?proveedor=Lácteos")
    assert name == "order-status_lacteos_2026-03-15.csv"
    _rows, name = get_csv(client, "/api/export/order-status.csv")
    assert name == "order-status_2026-03-15.csv"


def test_tiny_fixture_files_every_order_as_recibido(client):
    # tests/fixture_data.py: 8 orders, all «recibido» (any date: 8 after now counts too).
    assert get_json(client, "/api/order-status") == [
        {"estado": "recibido", "pedidos": len(fixture_data.ORDERS)}
    ]
    body = get_json(client, "/api/order-status?start_date=2026-03-01&end_date=2026-03-14")
    assert body == [{"estado": "recibido", "pedidos": 4}]  # orders 2, 3, 6, 7
    body = get_json(
        client, "/api/order-status?start_date=2026-03-01&end_date=2026-03-14&proveedor=lacteos"
    )
    assert body == [{"estado": "recibido", "pedidos": 1}]  # order 2


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("start_date=2026-02-30", "start_date"),
        ("end_date=x", "end_date"),
        ("start_date=2026-03-14&end_date=2026-03-01", "start_date"),
    ],
)
@pytest.mark.parametrize("path", ["/api/order-status", "/api/export/order-status.csv"])
def test_bad_parameters_are_400(sqlite_client, path, query, param):
    assert_error(sqlite_client.get(f"{path}?{query}", headers=AUTH), 400, "bad_request", param)


@pytest.mark.parametrize("path", ["/api/order-status", "/api/export/order-status.csv"])
def test_needs_the_key(sqlite_client, path):
    assert_error(sqlite_client.get(path), 401, "unauthorized")
