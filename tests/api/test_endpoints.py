"""Every JSON endpoint of docs/api.md on SQLite and PostgreSQL, against the hand fixture."""

from __future__ import annotations

import pytest

from tests.api.helpers import assert_error, get_json
from tests.constants import AUTH

SUMMARY = {
    "total_proveedores": 3,
    "total_pedidos": 7,
    "total_productos_pedidos": 50,
    "total_movimientos": 7,
    "facturas_procesadas": 2,
    "pedidos_mes": 6,
    "movimientos_semana": 5,
    "proveedor_top": {"nombre": "Bebidas Norte", "pedidos": 3},
}
PROVIDERS = [
    {
        "codigo": "P01",
        "nombre": "Lácteos del Sur",
        "total_pedidos": 4,
        "total_productos": 27,
        "pedidos_semana": 2,
        "pedidos_mes": 2,
    },
    {
        "codigo": "P02",
        "nombre": "Bebidas Norte",
        "total_pedidos": 3,
        "total_productos": 21,
        "pedidos_semana": 1,
        "pedidos_mes": 3,
    },
    {
        "codigo": "P03",
        "nombre": "Almacén Central",
        "total_pedidos": 0,
        "total_productos": 0,
        "pedidos_semana": 0,
        "pedidos_mes": 0,
    },
]
TIMELINE_7 = [
    {"fecha": "2026-03-15", "tipo": "entrada", "movimientos": 1, "productos": 20},
    {"fecha": "2026-03-15", "tipo": "salida", "movimientos": 1, "productos": 5},
    {"fecha": "2026-03-14", "tipo": "ajuste", "movimientos": 1, "productos": -2},
    {"fecha": "2026-03-09", "tipo": "entrada", "movimientos": 1, "productos": 30},
    {"fecha": "2026-03-08", "tipo": "salida", "movimientos": 1, "productos": 10},
]
TOP_ALL = [
    {
        "producto": "Agua mineral 2 L",
        "cantidad_total": 20,
        "pedidos": 3,
        "proveedor": "Bebidas Norte",
    },
    {
        "producto": "Leche entera 1 L",
        "cantidad_total": 18,
        "pedidos": 4,
        "proveedor": "Lácteos del Sur",
    },
    {
        "producto": "Yogur frutilla",
        "cantidad_total": 12,
        "pedidos": 2,
        "proveedor": "Lácteos del Sur",
    },
]
LACTEOS = [
    {
        "producto": "Leche entera 1 L",
        "cantidad_total": 15,
        "pedidos": 3,
        "proveedor": "Lácteos del Sur",
    },
    {
        "producto": "Yogur frutilla",
        "cantidad_total": 12,
        "pedidos": 2,
        "proveedor": "Lácteos del Sur",
    },
]
MONTHLY_ORDERS_6 = [
    {"mes": "2026-01", "pedidos": 1, "proveedores_activos": 1},
    {"mes": "2026-02", "pedidos": 1, "proveedores_activos": 1},
    {"mes": "2026-03", "pedidos": 5, "proveedores_activos": 3},
]
MONTHLY_MOVEMENTS_6 = [
    {"mes": "2026-01", "tipo": "ajuste", "movimientos": 1, "productos": 3},
    {"mes": "2026-02", "tipo": "entrada", "movimientos": 1, "productos": 7},
    {"mes": "2026-03", "tipo": "ajuste", "movimientos": 1, "productos": -2},
    {"mes": "2026-03", "tipo": "entrada", "movimientos": 2, "productos": 50},
    {"mes": "2026-03", "tipo": "salida", "movimientos": 2, "productos": 15},
]
STOCK = [
    {"codigo": "P02", "nombre": "Bebidas Norte", "stock_total": 23},  # 30 - 10 + 3
    {"codigo": "P01", "nombre": "Lácteos del Sur", "stock_total": 13},  # 20 - 5 - 2
    {"codigo": "P03", "nombre": "Almacén Central", "stock_total": 0},
]
# Default 8 ISO weeks end in 2026-W11 (now is Sunday 2026-03-15): W04..W11, empty weeks absent.
WEEKLY_8 = [
    {"semana": "2026-W05", "pedidos": 1, "productos": 7},  # order 5
    {"semana": "2026-W08", "pedidos": 1, "productos": 6},  # order 4
    {"semana": "2026-W09", "pedidos": 1, "productos": 2},  # order 6 (inactive provider)
    {"semana": "2026-W10", "pedidos": 1, "productos": 15},  # order 3
    {"semana": "2026-W11", "pedidos": 3, "productos": 19},  # orders 1, 2, 7 (no lines)
]


def assert_int_fields(rows: list[dict], names: tuple[str, ...]) -> None:
    """JSON numbers of counts must be integers, never 3.0."""
    for row in rows:
        for name in names:
            assert type(row[name]) is int, (name, row[name])


def test_summary(client):
    body = get_json(client, "/api/summary")
    assert body == SUMMARY
    assert list(body) == list(SUMMARY)  # field order of docs/api.md
    assert list(body["proveedor_top"]) == ["nombre", "pedidos"]
    assert_int_fields([body], tuple(k for k in SUMMARY if k != "proveedor_top"))


def test_providers_values_and_order(client):
    body = get_json(client, "/api/providers")
    assert body == PROVIDERS
    assert [list(row) for row in body] == [list(PROVIDERS[0])] * 3
    assert_int_fields(body, ("total_pedidos", "total_productos", "pedidos_semana", "pedidos_mes"))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", TIMELINE_7),
        ("?days=7", TIMELINE_7),
        ("?days=1", TIMELINE_7[:2]),  # since 2026-03-14 12:00: the 10:00 adjustment is older
        ("?days=0", TIMELINE_7[:2]),  # clamped to 1
        (
            "?days=90",
            TIMELINE_7
            + [
                {"fecha": "2026-02-01", "tipo": "entrada", "movimientos": 1, "productos": 7},
                {"fecha": "2026-01-15", "tipo": "ajuste", "movimientos": 1, "productos": 3},
            ],
        ),
        ("?days=100000", None),  # clamped to 90: same as days=90
    ],
)
def test_stock_timeline(client, query, expected):
    body = get_json(client, f"/api/stock-timeline{query}")
    if expected is None:
        expected = get_json(client, "/api/stock-timeline?days=90")
    assert body == expected
    assert_int_fields(body, ("movimientos", "productos"))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", TOP_ALL),
        ("?limit=2", TOP_ALL[:2]),
        ("?limit=0", TOP_ALL[:1]),  # clamped to 1
        ("?limit=-7", TOP_ALL[:1]),
        ("?limit=1000", TOP_ALL),  # clamped to 100
        ("?limit=1&limit=3", TOP_ALL[:1]),  # a repeated parameter: the first wins
        ("?limit=+2", TOP_ALL[:2]),
        ("?unknown=1&LIMIT=1", TOP_ALL),  # unknown names are ignored (names are case-sensitive)
        (
            "?start_date=2026-03-01&end_date=2026-03-14&limit=1",
            [
                {
                    "producto": "Agua mineral 2 L",
                    "cantidad_total": 14,
                    "pedidos": 2,
                    "proveedor": "Bebidas Norte",
                },
            ],
        ),
    ],
)
def test_top_products(client, query, expected):
    body = get_json(client, f"/api/top-products{query}")
    assert body == expected
    assert_int_fields(body, ("cantidad_total", "pedidos"))


def test_top_products_end_date_is_inclusive(client):
    # Order 2 is on 2026-03-10 at 09:00: a one-day range must include it.
    body = get_json(client, "/api/top-products?start_date=2026-03-10&end_date=2026-03-10")
    assert body == [
        {
            "producto": "Leche entera 1 L",
            "cantidad_total": 4,
            "pedidos": 1,
            "proveedor": "Lácteos del Sur",
        }
    ]
    # Orders 1 (10:00) and 8 (13:00, after now) of March 15: explicit days include the whole day.
    body = get_json(client, "/api/top-products?start_date=2026-03-15&end_date=2026-03-15")
    assert [(r["producto"], r["cantidad_total"], r["pedidos"]) for r in body] == [
        ("Leche entera 1 L", 11, 2),
        ("Yogur frutilla", 5, 1),
    ]


def test_top_products_ties_are_ordered_by_name(client):
    # Up to 2026-03-14: Agua 12+6+2 (3 orders); Leche 4+3 and Yogur 7 tie at 7 units.
    body = get_json(client, "/api/top-products?end_date=2026-03-14")
    assert body == [
        {
            "producto": "Agua mineral 2 L",
            "cantidad_total": 20,
            "pedidos": 3,
            "proveedor": "Bebidas Norte",
        },  # Bebidas 18 units vs 2 of the inactive provider
        {
            "producto": "Leche entera 1 L",
            "cantidad_total": 7,
            "pedidos": 2,
            "proveedor": "Lácteos del Sur",
        },  # Lácteos 4 vs Bebidas 3
        {
            "producto": "Yogur frutilla",
            "cantidad_total": 7,
            "pedidos": 1,
            "proveedor": "Lácteos del Sur",
        },
    ]


@pytest.mark.parametrize(
    "text",
    [
        "lacteos",
        "LÁCTEOS",
        "Lácteos",
        "lácteos del sur",
        "del%20sur",
        "p01",
        "%20%20Lacteos%20",
        "L%C3%A1cteos!!",
        "LA%CC%81CTEOS",
    ],  # the last one: A + combining acute (NFD)
)
def test_provider_filter_ignores_case_and_accents(client, text):
    assert get_json(client, f"/api/top-products?proveedor={text}") == LACTEOS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nadie", []),
        ("_", []),  # would match everything if it reached SQL as a LIKE pattern
        ("%25", TOP_ALL),  # "%" is dropped: nothing left, so no filter
        ("%00", TOP_ALL),  # NUL is dropped too
        ("'%20OR%201=1%20--", []),  # searched as the text "OR 11 --"
        ("x');%20DROP%20TABLE%20pedidos;%20--", []),
        ("<script>alert(1)</script>", []),
        ("a" * 10_000, []),
        ("!" * 500 + "lacteos", LACTEOS),  # dropped characters do not count toward the 60
        ("lacteos" + "z" * 60, []),
    ],
)
def test_provider_filter_hostile_text_is_only_searched(client, text, expected):
    assert get_json(client, f"/api/top-products?proveedor={text}") == expected
    assert get_json(client, "/api/summary") == SUMMARY  # the tables are intact


def test_provider_filter_without_searchable_characters_is_no_filter(client):
    assert get_json(client, "/api/top-products?proveedor=%25%27%22") == TOP_ALL
    assert get_json(client, "/api/top-products?proveedor=") == TOP_ALL
    assert get_json(client, "/api/top-products?proveedor=%20%20") == TOP_ALL


def test_trends_default_window(client):
    body = get_json(client, "/api/trends")
    assert list(body) == ["pedidos_mensuales", "movimientos_mensuales"]
    assert body["pedidos_mensuales"] == MONTHLY_ORDERS_6
    assert body["movimientos_mensuales"] == MONTHLY_MOVEMENTS_6


@pytest.mark.parametrize(
    ("months", "first"), [("2", "2026-02"), ("0", "2026-03"), ("1", "2026-03")]
)
def test_trends_months_window_starts_on_first_day(client, months, first):
    body = get_json(client, f"/api/trends?months={months}")
    assert body["pedidos_mensuales"][0]["mes"] == first
    assert {row["mes"] for row in body["movimientos_mensuales"]} <= {"2026-02", "2026-03"}


def test_trends_with_dates_and_provider(client):
    body = get_json(client, "/api/trends?start_date=2026-01-01&end_date=2026-03-31&proveedor=sur")
    # explicit dates include order 8 (after now) since the range ends on March 31
    assert body == {
        "pedidos_mensuales": [
            {"mes": "2026-01", "pedidos": 1, "proveedores_activos": 1},
            {"mes": "2026-03", "pedidos": 3, "proveedores_activos": 1},
        ],
        "movimientos_mensuales": [
            {"mes": "2026-03", "tipo": "ajuste", "movimientos": 1, "productos": -2},
            {"mes": "2026-03", "tipo": "entrada", "movimientos": 1, "productos": 20},
            {"mes": "2026-03", "tipo": "salida", "movimientos": 1, "productos": 5},
        ],
    }


def test_trends_end_date_is_inclusive(client):
    body = get_json(client, "/api/trends?start_date=2026-01-31&end_date=2026-01-31")
    assert body["pedidos_mensuales"] == [{"mes": "2026-01", "pedidos": 1, "proveedores_activos": 1}]
    assert body["movimientos_mensuales"] == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [("", STOCK), ("?limit=2", STOCK[:2]), ("?limit=0", STOCK[:1]), ("?limit=1000", STOCK)],
)
def test_stock_by_provider(client, query, expected):
    body = get_json(client, f"/api/stock-by-provider{query}")
    assert body == expected
    assert_int_fields(body, ("stock_total",))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", WEEKLY_8),
        ("?weeks=2", WEEKLY_8[-2:]),
        ("?weeks=0", WEEKLY_8[-1:]),  # clamped to 1: the current week only
        ("?weeks=52", WEEKLY_8),
        ("?weeks=999", WEEKLY_8),
    ],
)
def test_weekly_sales(client, query, expected):
    body = get_json(client, f"/api/weekly-sales{query}")
    assert body == expected
    assert_int_fields(body, ("pedidos", "productos"))


INT_ENDPOINTS = [
    ("limit", "/api/top-products"),
    ("limit", "/api/stock-by-provider"),
    ("limit", "/api/export/top-products.csv"),
    ("days", "/api/stock-timeline"),
    ("months", "/api/trends"),
    ("weeks", "/api/weekly-sales"),
]


@pytest.mark.parametrize(("param", "path"), INT_ENDPOINTS)
@pytest.mark.parametrize("value", ["abc", "1.5", "", "1e3", "0x10", "%D9%A1", "10abc", "--1"])
def test_non_integer_is_400_naming_the_parameter(sqlite_client, param, path, value):
    response = sqlite_client.get(f"{path}?{param}={value}", headers=AUTH)
    assert_error(response, 400, "bad_request", param=param)


DATE_ENDPOINTS = ["/api/top-products", "/api/trends", "/api/export/top-products.csv"]


@pytest.mark.parametrize("path", DATE_ENDPOINTS)
@pytest.mark.parametrize("param", ["start_date", "end_date"])
@pytest.mark.parametrize(
    "value",
    [
        "2026-02-30",
        "2026-13-01",
        "26-01-01",
        "",
        "2026-3-1",
        "2026-03-01T00:00",
        "20260301",
        "2026/03/01",
        "hoy",
        "2025-02-29",
    ],
)
def test_bad_date_is_400_naming_the_parameter(sqlite_client, path, param, value):
    response = sqlite_client.get(f"{path}?{param}={value}", headers=AUTH)
    assert_error(response, 400, "bad_request", param=param)


@pytest.mark.parametrize("path", DATE_ENDPOINTS)
def test_start_after_end_is_400(client, path):
    response = client.get(f"{path}?start_date=2026-03-02&end_date=2026-03-01", headers=AUTH)
    assert_error(response, 400, "bad_request", param="start_date")


@pytest.mark.parametrize("path", ["/api/top-products", "/api/trends"])
@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("end_date=9999-12-31", "end_date"),
        ("start_date=0001-01-01", "start_date"),
        ("start_date=9999-12-31&end_date=9999-12-31", "start_date"),
        ("start_date=2000-01-01&end_date=9999-12-31", "end_date"),
    ],
)
def test_dates_beyond_the_supported_range_get_400_naming_them(client, path, query, param):
    response = client.get(f"{path}?{query}", headers=AUTH)
    assert response.status_code == 400
    assert response.get_json()["param"] == param


@pytest.mark.parametrize("path", ["/api/top-products", "/api/trends"])
def test_the_edges_of_the_supported_range_are_valid(client, path):
    edges = get_json(client, f"{path}?start_date=1900-01-01&end_date=2199-12-31")
    everything = get_json(client, f"{path}?start_date=1900-01-01&end_date=2100-01-01")
    assert edges == everything


def test_leap_day_is_a_real_date(client):
    assert get_json(client, "/api/top-products?start_date=2024-02-29&end_date=2024-02-29") == []


def test_head_answers_without_body(client):
    response = client.head("/api/summary", headers=AUTH)
    assert response.status_code == 200
    assert response.get_data() == b""


def test_api_responses_are_not_cached(client):
    response = client.get("/api/providers", headers=AUTH)
    assert response.headers["Cache-Control"] == "no-store"
