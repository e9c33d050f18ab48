"""/api/low-stock, /api/spending, /api/today and /api/products on SQLite and PostgreSQL.

Each answer is compared with hand-computed values (tests/api/manager_data.py) and with plain SQL
written in tests/api/manager_sql.py, over that fixture and over tests/fixture_data.py.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest

from minimarket_dash.config import load_settings
from minimarket_dash.db import make_engine, pedidos, productos
from tests.api import manager_data, manager_sql
from tests.api.helpers import assert_error, get_json
from tests.constants import API_KEY, AUTH, TINY_NOW
from tests.databases import fill_database, postgres_database

TODAY = TINY_NOW.date()


@contextlib.contextmanager
def _empty_database(kind: str, folder) -> Iterator[str]:
    """Yield the URL of a new empty database of that kind (PostgreSQL ones are dropped after)."""
    if kind == "postgres":
        with postgres_database("mmdash_manager") as url:
            yield url
    else:
        yield f"sqlite:///{folder / 'manager.db'}"


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def manager_url(request, tmp_path_factory) -> Iterator[str]:
    """The manager fixture on each supported database."""
    with _empty_database(request.param, tmp_path_factory.mktemp("manager")) as url:
        fill_database(url, manager_data.insert_all)
        yield url


@pytest.fixture
def manager(make_app, manager_url):
    """(test client, read engine) over the manager fixture."""
    app = make_app(database_url=manager_url, api_keys=(API_KEY,), ratelimit_enabled=False)
    engine = make_engine(load_settings({"database_url": manager_url}))
    yield app.test_client(), engine
    engine.dispose()


@pytest.fixture
def tiny(client, tiny_url):
    """(test client, read engine) over tests/fixture_data.py."""
    engine = make_engine(load_settings({"database_url": tiny_url}))
    yield client, engine
    engine.dispose()


def get_csv(client, path: str) -> tuple[list[list[str]], str]:
    response = client.get(path, headers=AUTH)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    parsed = list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))
    return parsed, disposition.split('filename="')[1][:-1]


# ---------------------------------------------------------------------------- low stock


def test_low_stock_hand_values_and_sql(manager):
    client, engine = manager
    body = get_json(client, "/api/low-stock")
    assert body == manager_data.LOW_STOCK
    assert body == manager_sql.expected_low_stock(engine)
    assert [list(row) for row in body] == [list(manager_data.LOW_STOCK[0])] * len(body)


def test_low_stock_on_the_tiny_fixture(tiny):
    client, engine = tiny
    body = get_json(client, "/api/low-stock")
    assert [row["producto"] for row in body] == [
        "Leche entera 1 L",
        "Yogur frutilla",
        "Gaseosa cola",  # faltan 8, 5, 1
    ]
    assert body == manager_sql.expected_low_stock(engine)


def test_low_stock_csv_rows_match_json_and_are_neutralised(manager):
    client, _ = manager
    parsed, name = get_csv(client, "/api/export/low-stock.csv")
    assert name == "low-stock_2026-03-15.csv"
    assert parsed[0] == [
        "producto_id",
        "producto",
        "proveedor",
        "stock_actual",
        "stock_minimo",
        "faltan",
    ]
    assert parsed[1] == ["5", '\'=HYPERLINK("x")', "", "0", "8", "8"]  # formula cell defused
    items = get_json(client, "/api/low-stock")
    assert len(parsed) - 1 == len(items)
    for row, item in zip(parsed[2:], items[1:], strict=True):
        assert row == [str(item[key]) for key in parsed[0]]


# ---------------------------------------------------------------------------- spending


def test_spending_default_window_hand_values_and_sql(manager):
    client, engine = manager
    body = get_json(client, "/api/spending")
    assert body == manager_data.SPENDING_DEFAULT
    start, end = manager_sql.last_months_window(TINY_NOW)
    assert start == datetime(2025, 4, 1)
    assert body == manager_sql.expected_spending(engine, start, end)
    assert list(body) == ["por_mes", "por_proveedor"]
    for row in body["por_mes"] + body["por_proveedor"]:
        assert type(row["pedidos"]) is int and round(row["importe"], 2) == row["importe"]


@pytest.mark.parametrize(
    ("query", "start", "end", "provider"),
    [
        ("?start_date=2026-03-01&end_date=2026-03-15", date(2026, 3, 1), date(2026, 3, 15), None),
        ("?start_date=2025-03-31", date(2025, 3, 31), None, None),
        ("?end_date=2026-02-28", None, date(2026, 2, 28), None),
        ("?proveedor=BEBIDAS", None, None, "bebidas"),
        (
            "?proveedor=lacteos&start_date=2026-01-01&end_date=2026-12-31",
            date(2026, 1, 1),
            date(2026, 12, 31),
            "lácteos",
        ),
        ("?proveedor=P0", None, None, "p0"),  # by code: every provider
    ],
)
def test_spending_filters_against_sql(manager, query, start, end, provider):
    client, engine = manager
    if start is None and end is None:
        lower, upper = manager_sql.last_months_window(TINY_NOW)
    else:
        lower = datetime.combine(start, datetime.min.time()) if start else None
        upper = datetime.combine(end + timedelta(days=1), datetime.min.time()) if end else None
    ids = manager_sql.matching_provider_ids(engine, provider) if provider else None
    expected = manager_sql.expected_spending(engine, lower, upper, ids)
    assert expected["por_mes"], "the case should select some orders"
    assert get_json(client, f"/api/spending{query}") == expected


def test_spending_inclusive_end_day_takes_the_order_after_now(manager):
    client, _ = manager
    body = get_json(client, "/api/spending?start_date=2026-03-15&end_date=2026-03-15")
    # orders 14 (08:00, 50) and 11 (13:00, 400, after "now" but on the chosen day)
    assert body["por_mes"] == [{"mes": "2026-03", "importe": 450.0, "pedidos": 2}]
    assert [row["proveedor_id"] for row in body["por_proveedor"]] == [2, 3]


def test_spending_on_the_tiny_fixture(tiny):
    client, engine = tiny
    body = get_json(client, "/api/spending")
    assert body["por_mes"] == [
        {"mes": "2026-01", "importe": 700.0, "pedidos": 1},
        {"mes": "2026-02", "importe": 600.0, "pedidos": 1},
        {"mes": "2026-03", "importe": 3600.0, "pedidos": 5},  # order 7 has no lines: 0 $
    ]
    start, end = manager_sql.last_months_window(TINY_NOW)
    assert body == manager_sql.expected_spending(engine, start, end)


def test_spending_empty_answers(manager):
    client, _ = manager
    empty = {"por_mes": [], "por_proveedor": []}
    assert get_json(client, "/api/spending?proveedor=nadie") == empty
    assert get_json(client, "/api/spending?start_date=2030-01-01") == empty
    parsed, name = get_csv(client, "/api/export/spending.csv?proveedor=nadie")
    assert parsed == [["seccion", "mes", "proveedor_id", "proveedor", "importe", "pedidos"]]
    assert name == "spending_nadie_2026-03-15.csv"


def test_spending_csv_is_flat_and_neutralised(manager):
    client, _ = manager
    parsed, name = get_csv(client, "/api/export/spending.csv?start_date=2026-03-01")
    assert name == "spending_desde-2026-03-01_2026-03-15.csv"
    body = get_json(client, "/api/spending?start_date=2026-03-01")
    header, *lines = parsed
    assert header == ["seccion", "mes", "proveedor_id", "proveedor", "importe", "pedidos"]
    months = [line for line in lines if line[0] == "mes"]
    providers = [line for line in lines if line[0] == "proveedor"]
    assert lines == months + providers
    assert months == [
        ["mes", r["mes"], "", "", str(r["importe"]), str(r["pedidos"])] for r in body["por_mes"]
    ]
    assert [line[3] for line in providers] == [
        _csv_text(r["proveedor"]) for r in body["por_proveedor"]
    ]
    assert "'-Almacén Fórmula" in [line[3] for line in providers]


def _csv_text(value: str | None) -> str:
    """What a spreadsheet-safe CSV cell of a text holds."""
    if value is None:
        return ""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


# ---------------------------------------------------------------------------- today


def test_today_hand_values_and_sql(manager):
    client, engine = manager
    body = get_json(client, "/api/today")
    assert body == manager_data.TODAY
    assert body == manager_sql.expected_today(engine, TODAY)
    assert list(body) == ["hoy", "entregas_hoy", "atrasados", "pendientes", "facturas_sin_procesar"]
    assert list(body["atrasados"][0]) == [
        "numero_pedido",
        "proveedor",
        "fecha_entrega_esperada",
        "total",
        "dias_atraso",
    ]


def test_today_follows_the_configured_now(make_app, manager_url):
    later = datetime(2026, 3, 16, 0, 0, 5)
    app = make_app(database_url=manager_url, api_keys=(API_KEY,), fixed_now=later)
    engine = make_engine(load_settings({"database_url": manager_url}))
    try:
        body = get_json(app.test_client(), "/api/today")
        assert body == manager_sql.expected_today(engine, later.date())
    finally:
        engine.dispose()
    assert body["hoy"] == "2026-03-16"
    assert [row["numero_pedido"] for row in body["entregas_hoy"]] == ["PED-7"]
    assert body["atrasados"][-1]["dias_atraso"] == 1  # yesterday's deliveries are now late


def test_today_on_the_tiny_fixture(tiny):
    client, engine = tiny
    body = get_json(client, "/api/today")
    assert body == manager_sql.expected_today(engine, TODAY)
    assert body["pendientes"] == 8 and body["facturas_sin_procesar"] == 1


# ---------------------------------------------------------------------------- products


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        # prefix, by name in code-point order ("Leche d" < "Leche e" < "leche e"), then a word
        ("?q=leche", [6, 1, 8, 9]),
        ("?q=LECHE%20E", [1, 8]),
        ("?q=yogur", [2]),
        ("?q=Y%C3%93GUR", [2]),
        ("?q=7790001000028", [2]),  # exact barcode
        ("?q=779000100", [9, 6, 1, 7, 2]),  # barcode prefix (inactive 7 too), by name
        ("?q=cola", [4]),  # a word of the name
        ("?q=%20%20leche%20%20en%20%20", [1, 8]),  # spaces trimmed and collapsed
        ("?q=leche&limit=2", [6, 1]),
        ("?q=leche&limit=0", [6]),  # clamped to 1
        ("?q=leche&limit=500", [6, 1, 8, 9]),  # clamped to 100
        ("?q=zzz", []),
        ("?q=%25%25%3C%3E", None),  # only dropped characters: as if q were empty
    ],
)
def test_products_search(manager, query, ids):
    client, _ = manager
    body = get_json(client, f"/api/products{query}")
    if ids is None:  # nothing searchable: same as an empty q
        assert body == get_json(client, "/api/products")
        return
    assert [row["producto_id"] for row in body] == ids


def test_products_exact_name_first_then_prefix_then_word_then_contained(manager):
    client, _ = manager
    body = get_json(client, "/api/products?q=leche%20en%20polvo")
    assert [row["producto_id"] for row in body] == [8]
    body = get_json(client, "/api/products?q=de")
    # "Dulce de leche" has a word starting with "de"; "Leche descremada" too; none is a prefix
    assert [row["nombre"] for row in body][:2] == ["Dulce de leche", "Leche descremada"]


def test_products_fields_and_sql(manager):
    client, engine = manager
    body = get_json(client, "/api/products?q=e&limit=100")
    expected = manager_sql.products_containing(engine, "e")
    assert sorted(body, key=lambda r: r["producto_id"]) == sorted(
        expected, key=lambda r: r["producto_id"]
    )
    assert list(body[0]) == [
        "producto_id",
        "nombre",
        "codigo_barras",
        "proveedor",
        "stock_actual",
        "stock_minimo",
        "precio_compra",
        "precio_venta",
    ]


def test_products_empty_q_lists_by_name(manager):
    client, engine = manager
    body = get_json(client, "/api/products")
    names = sorted(name for (name,) in manager_sql.rows(engine, "SELECT nombre FROM productos"))
    assert [row["nombre"] for row in body] == names  # code-point order, inactive ones included
    assert get_json(client, "/api/products?q=") == body


def test_products_on_the_tiny_fixture(tiny):
    client, engine = tiny
    body = get_json(client, "/api/products?q=AGUA")
    assert body == manager_sql.products_containing(engine, "agua")
    assert len(body) == 1


# ---------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/api/spending?start_date=2026-02-30", "start_date"),
        ("/api/spending?end_date=15/03/2026", "end_date"),
        ("/api/spending?start_date=2026-03-02&end_date=2026-03-01", "start_date"),
        ("/api/export/spending.csv?end_date=x", "end_date"),
        ("/api/products?limit=diez", "limit"),
        ("/api/products?limit=1.5", "limit"),
        ("/api/products?q=" + "a" * 61, "q"),
    ],
)
def test_bad_parameters_are_400_naming_them(sqlite_client, path, param):
    assert_error(sqlite_client.get(path, headers=AUTH), 400, "bad_request", param=param)


NEW_ENDPOINTS = [
    "/api/low-stock",
    "/api/export/low-stock.csv",
    "/api/spending",
    "/api/export/spending.csv",
    "/api/today",
    "/api/products",
]


@pytest.mark.parametrize("path", NEW_ENDPOINTS)
def test_key_required_and_database_down_is_503(make_app, sqlite_client, path):
    assert_error(sqlite_client.get(path), 401, "unauthorized")
    assert_error(sqlite_client.post(path, headers=AUTH), 405, "method_not_allowed")
    app = make_app(database_url="sqlite:////nonexistent/dir/x.db", api_keys=(API_KEY,))
    response = app.test_client().get(path, headers=AUTH)
    assert_error(response, 503, "database_unavailable")
    assert "sqlite" not in response.get_data(as_text=True).lower()


def test_empty_database_answers_empty(make_app, sqlite_builder):
    url = sqlite_builder(lambda conn: None)
    client = make_app(database_url=url, api_keys=(API_KEY,)).test_client()
    assert get_json(client, "/api/low-stock") == []
    assert get_json(client, "/api/spending") == {"por_mes": [], "por_proveedor": []}
    assert get_json(client, "/api/today") == {
        "hoy": "2026-03-15",
        "entregas_hoy": [],
        "atrasados": [],
        "pendientes": 0,
        "facturas_sin_procesar": 0,
    }
    assert get_json(client, "/api/products?q=x") == []
    parsed, _ = get_csv(client, "/api/export/low-stock.csv")
    assert len(parsed) == 1


# ---------------------------------------------------------------------------- OpenAPI


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/low-stock", 200),
        ("/api/spending", 200),
        ("/api/spending?proveedor=nadie", 200),
        ("/api/spending?start_date=2026-13-01", 400),
        ("/api/today", 200),
        ("/api/products?q=leche", 200),
        ("/api/products?limit=x", 400),
        ("/api/export/low-stock.csv", 200),
        ("/api/export/spending.csv", 200),
    ],
)
def test_answers_validate_against_the_document(manager, path, status):
    import jsonschema_rs

    from tests.api.helpers import resolve, response_spec

    client, _ = manager
    response = client.get(path, headers=AUTH)
    assert response.status_code == status
    content = response_spec(path, status)["content"]
    assert response.mimetype in content
    if response.mimetype == "application/json":
        schema = resolve(content["application/json"]["schema"])
        jsonschema_rs.Draft4Validator(schema).validate(response.get_json())


def test_document_rejects_a_wrong_today_shape():
    import jsonschema_rs

    from tests.api.helpers import DOCUMENT, resolve

    validator = jsonschema_rs.Draft4Validator(resolve(DOCUMENT["components"]["schemas"]["Today"]))
    assert validator.is_valid(manager_data.TODAY)
    late = manager_data.TODAY["atrasados"][0]
    assert not validator.is_valid({**manager_data.TODAY, "atrasados": [{**late, "extra": 1}]})
    assert not validator.is_valid({**manager_data.TODAY, "pendientes": "8"})


# ---------------------------------------------------------------------------- result cache


def test_answers_are_cached_per_parameters(make_app, sqlite_builder):
    url = sqlite_builder(manager_data.insert_all)
    client = make_app(database_url=url, api_keys=(API_KEY,), cache_ttl=60).test_client()
    paths = ["/api/low-stock", "/api/spending", "/api/today", "/api/products?q=leche"]
    first = {path: get_json(client, path) for path in paths}
    writer = make_engine(load_settings({"database_url": url}), writer=True)
    with writer.begin() as conn:
        conn.execute(productos.update().values(stock_actual=0, nombre="Leche nueva"))
        conn.execute(pedidos.update().values(estado="cancelado"))
    writer.dispose()
    assert {path: get_json(client, path) for path in paths} == first  # served from the cache
    assert get_json(client, "/api/products?q=LÉCHE") == first["/api/products?q=leche"]
    fresh = get_json(client, "/api/products?q=leche&limit=19")  # other parameters: a new query
    assert {row["nombre"] for row in fresh} == {"Leche nueva"}
    uncached = make_app(database_url=url, api_keys=(API_KEY,), cache_ttl=0).test_client()
    assert get_json(uncached, "/api/spending") == {"por_mes": [], "por_proveedor": []}
