"""Issue 24 on the hand-made matching cases (tests/invoices_fixture.py, MATCHING_*): item names
that differ by a decimal mark, and each step of the ranking, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests import invoices_fixture as fx
from tests.api.helpers import get_json
from tests.databases import postgres_database
from tests.invoices.conftest import invoices_app


@pytest.fixture(scope="module")
def matching_sqlite_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('matching') / 'matching.db'}"
    fx.fill_matching_database(url)
    return url


@pytest.fixture(scope="module")
def matching_postgres_url():
    with postgres_database("mmdash_match") as url:
        fx.fill_matching_database(url)
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def client(request):
    return invoices_app(request.getfixturevalue(f"matching_{request.param}_url")).test_client()


def test_each_invoice_gets_the_order_worked_by_hand(client):
    body = get_json(client, "/api/invoices")
    rows = {row["factura_id"]: row for row in body["facturas"]}
    assert set(rows) == set(fx.MATCHING_EXPECTED)
    for factura_id, expected in fx.MATCHING_EXPECTED.items():
        row = rows[factura_id]
        assert (row["proveedor"], row["pedido"], row["flags"], row["cobrado_de_mas"]) == (
            expected
        ), factura_id
    assert round(sum(row["cobrado_de_mas"] for row in rows.values()), 2) == (fx.MATCHING_OVERCHARGE)


def test_near_names_are_compared_with_their_own_lines(client):
    rows = {row["factura_id"]: row for row in get_json(client, "/api/invoices")["facturas"]}
    assert [
        (i["descripcion"], i["cantidad_pedida"], i["precio_pedido"]) for i in rows[1]["items"]
    ] == [
        ("Dogui 1.5 kg", 4, 9000),
        ("Dogui 15 kg", 2, 45000),
        ("WHISKAS 500G", 6, 3000),
        ("Whiskas 5 Kg.", 1, 25000),
    ]
    assert [
        (i["descripcion"], i["cantidad_pedida"], i["precio_pedido"]) for i in rows[2]["items"]
    ] == [("DOGUI 1.5KG", 1, 9000), ("Dogui 15 KG", 2, 45000)]
