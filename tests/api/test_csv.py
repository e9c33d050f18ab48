"""CSV exports: exact RFC 4180 text, UTF-8, dated attachment names, formula cells neutralised."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest

from minimarket_dash import csvexport
from minimarket_dash.db import detalle_pedidos, pedidos, proveedores
from minimarket_dash.filters import Filters
from tests.api.helpers import assert_error
from tests.constants import API_KEY, AUTH


def get_csv(client, path: str) -> tuple[str, str]:
    """GET a CSV export; return (decoded text, attachment file name)."""
    response = client.get(path, headers=AUTH)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    raw = response.get_data()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no BOM in the API's CSV
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and disposition.endswith('.csv"')
    return raw.decode("utf-8"), disposition.split('filename="')[1][:-1]


def test_summary_csv(client):
    text, name = get_csv(client, "/api/export/summary.csv")
    assert name == "summary_2026-03-15.csv"
    assert text == (
        "total_proveedores,total_pedidos,total_productos_pedidos,total_movimientos,"
        "facturas_procesadas,pedidos_mes,movimientos_semana,proveedor_top_nombre,"
        "proveedor_top_pedidos\r\n"
        "3,7,50,7,2,6,5,Bebidas Norte,3\r\n"
    )


def test_providers_csv(client):
    text, name = get_csv(client, "/api/export/providers.csv")
    assert name == "providers_2026-03-15.csv"
    assert text == (
        "codigo,nombre,total_pedidos,total_productos,pedidos_semana,pedidos_mes\r\n"
        "P01,Lácteos del Sur,4,27,2,2\r\n"
        "P02,Bebidas Norte,3,21,1,3\r\n"
        "P03,Almacén Central,0,0,0,0\r\n"
    )


@pytest.mark.parametrize(
    ("query", "name", "body"),
    [
        (
            "",
            "top-products_2026-03-15.csv",
            "Agua mineral 2 L,20,3,Bebidas Norte\r\nLeche entera 1 L,18,4,Lácteos del Sur\r\n"
            "Yogur frutilla,12,2,Lácteos del Sur\r\n",
        ),
        ("?limit=1", "top-products_2026-03-15.csv", "Agua mineral 2 L,20,3,Bebidas Norte\r\n"),
        (
            "?start_date=2026-03-01&end_date=2026-03-14&proveedor=L%C3%A1cteos",
            "top-products_2026-03-01_2026-03-14_lacteos_2026-03-15.csv",
            "Leche entera 1 L,4,1,Lácteos del Sur\r\n",
        ),
        (
            "?start_date=2026-03-15",
            "top-products_desde-2026-03-15_2026-03-15.csv",
            "Leche entera 1 L,11,2,Lácteos del Sur\r\nYogur frutilla,5,1,Lácteos del Sur\r\n",
        ),
        (
            "?end_date=2026-01-31&proveedor=del%20sur/../x",
            "top-products_hasta-2026-01-31_del-sur-x_2026-03-15.csv",
            "",
        ),
        ("?proveedor=nadie", "top-products_nadie_2026-03-15.csv", ""),
    ],
)
def test_top_products_csv_same_parameters_as_json(client, query, name, body):
    text, got_name = get_csv(client, f"/api/export/top-products.csv{query}")
    assert got_name == name
    assert text == "producto,cantidad_total,pedidos,proveedor\r\n" + body


def test_top_products_csv_matches_json(client):
    query = "?start_date=2026-02-01&end_date=2026-03-31&limit=5"
    text, _ = get_csv(client, f"/api/export/top-products.csv{query}")
    rows = list(csv.DictReader(io.StringIO(text)))
    items = client.get(f"/api/top-products{query}", headers=AUTH).get_json()
    assert rows == [{key: str(value) for key, value in item.items()} for item in items]


def test_csv_bad_parameter_is_json_400(client):
    response = client.get("/api/export/top-products.csv?limit=diez", headers=AUTH)
    assert_error(response, 400, "bad_request", param="limit")


def test_csv_head(client):
    response = client.head("/api/export/providers.csv", headers=AUTH)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")


TRICKY_PROVIDER = 'Frigorífico "El Toro", S.A.'
FORMULA_PROVIDER = '=HYPERLINK("http://evil","x")'
TRICKY_PRODUCTS = [
    # name, quantity (a negative line is a return: numbers must stay numbers)
    ('Queso "cremoso", 1 kg', 9),
    ("=1+1", 8),
    ("+54 11 5555", 7),
    ("-Pan rallado", 6),
    ("@SUM(A1:A2)", 5),
    ("\tTabulado", 4),
    ("Línea\r\ncon salto", 3),
    ("Devolución", -2),
]


def _fill_tricky(conn) -> None:
    conn.execute(
        proveedores.insert(),
        [
            {"id": 1, "codigo": "T,01", "nombre": TRICKY_PROVIDER, "activo": 1},
            {"id": 2, "codigo": "-T02", "nombre": FORMULA_PROVIDER, "activo": 1},
        ],
    )
    conn.execute(
        pedidos.insert(),
        [
            {"id": k + 1, "proveedor_id": 1 + k % 2, "fecha_pedido": datetime(2026, 3, 1 + k)}
            for k in range(len(TRICKY_PRODUCTS))
        ],
    )
    conn.execute(
        detalle_pedidos.insert(),
        [
            {"id": k + 1, "pedido_id": k + 1, "producto_nombre": name, "cantidad": qty}
            for k, (name, qty) in enumerate(TRICKY_PRODUCTS)
        ],
    )


@pytest.fixture
def tricky_client(make_app, sqlite_builder):
    url = sqlite_builder(_fill_tricky)
    return make_app(database_url=url, api_keys=(API_KEY,)).test_client()


def test_rfc4180_quoting_and_formula_neutralisation(tricky_client):
    text, _ = get_csv(tricky_client, "/api/export/top-products.csv")
    lines = text.split("\r\n")
    assert lines[0] == "producto,cantidad_total,pedidos,proveedor"
    assert lines[1] == '"Queso ""cremoso"", 1 kg",9,1,"Frigorífico ""El Toro"", S.A."'
    assert lines[2] == '\'=1+1,8,1,"\'=HYPERLINK(""http://evil"",""x"")"'
    assert lines[3] == '\'+54 11 5555,7,1,"Frigorífico ""El Toro"", S.A."'
    assert lines[4].startswith("'-Pan rallado,6,1,")
    assert lines[5].startswith("'@SUM(A1:A2),5,1,")
    assert lines[6].startswith("'\tTabulado,4,1,")
    assert lines[7] == '"Línea' and lines[8].startswith('con salto",3,1,')
    assert lines[9].startswith("Devolución,-2,1,")  # a negative number is left alone
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert [row[0] for row in parsed[1:]] == [
        'Queso "cremoso", 1 kg',
        "'=1+1",
        "'+54 11 5555",
        "'-Pan rallado",
        "'@SUM(A1:A2)",
        "'\tTabulado",
        "Línea\r\ncon salto",
        "Devolución",
    ]
    assert [row[1] for row in parsed[1:]] == [str(q) for _, q in TRICKY_PRODUCTS]


def test_provider_cells_are_neutralised_too(tricky_client):
    text, _ = get_csv(tricky_client, "/api/export/providers.csv")
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    # 4 orders each, all in the last 30 days and none in the last 7; the tie goes by name.
    assert parsed[1:] == [
        ["'-T02", "'" + FORMULA_PROVIDER, "4", "16", "0", "4"],  # 8 + 6 + 4 - 2
        ["T,01", TRICKY_PROVIDER, "4", "24", "0", "4"],  # 9 + 7 + 5 + 3
    ]


def test_json_keeps_the_raw_names(tricky_client):
    items = tricky_client.get("/api/top-products", headers=AUTH).get_json()
    assert [item["producto"] for item in items][:2] == ['Queso "cremoso", 1 kg', "=1+1"]
    assert items[1]["proveedor"] == FORMULA_PROVIDER  # JSON is data, not a spreadsheet


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@a", "'@a"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("", ""),
        (-5, -5),
        (3, 3),
        (None, None),
        (1.5, 1.5),
    ],
)
def test_neutralise(value, expected):
    assert csvexport.neutralise(value) == expected


@pytest.mark.parametrize(
    ("filters", "parts"),
    [
        (Filters(), []),
        (
            Filters(start_date=date(2026, 3, 1), end_date=date(2026, 3, 14)),
            ["2026-03-01", "2026-03-14"],
        ),
        (Filters(proveedor="Lácteos del Sur"), ["lacteos-del-sur"]),
        (Filters(proveedor="../../etc/passwd"), ["etc-passwd"]),
        (Filters(proveedor='a"b;c\\d'), ["a-b-c-d"]),
        (Filters(proveedor="x" * 80), ["x" * 40]),
    ],
)
def test_file_name_parts_are_safe(filters, parts):
    assert csvexport.filter_parts(filters) == parts
    name = csvexport.file_name("top-products", *parts, date(2026, 3, 15))
    assert set(name) <= set("abcdefghijklmnopqrstuvwxyz0123456789-_.")
