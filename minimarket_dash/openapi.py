"""The OpenAPI 3 document of /api/*, written by hand from API.md and checked by the tests."""

from __future__ import annotations

import copy
from typing import Any

from . import __version__
from .filters import INT_RANGES, PROVEEDOR_MAX_LENGTH

JSON = "application/json"
CSV = "text/csv"
INT = {"type": "integer"}
TEXT = {"type": "string"}


def _obj(**properties: Any) -> dict[str, Any]:
    """Return a closed object schema whose every property is required."""
    return {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }


def _int_param(name: str, text: str) -> dict[str, Any]:
    default, minimum, maximum = INT_RANGES[name]
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": f"{text} ({minimum}–{maximum}; fuera de rango se ajusta al extremo).",
        "schema": {"type": "integer", "default": default, "minimum": minimum, "maximum": maximum},
    }


def _date_param(name: str, text: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": f"{text}, AAAA-MM-DD, inclusive.",
        "schema": {"type": "string", "format": "date"},
    }


PROVEEDOR_PARAM = {
    "name": "proveedor",
    "in": "query",
    "required": False,
    "description": (
        "Texto contenido en el nombre o el código del proveedor, sin distinguir mayúsculas ni "
        f"acentos; se conservan letras, dígitos, espacios y -._/ (hasta {PROVEEDOR_MAX_LENGTH})."
    ),
    "schema": {"type": "string"},
}
DATE_PARAMS = [
    _date_param("start_date", "Primer día"),
    _date_param("end_date", "Último día"),
    PROVEEDOR_PARAM,
]

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {
                "type": "string",
                "enum": [
                    "bad_request", "unauthorized", "not_found", "method_not_allowed",
                    "rate_limited", "internal_error", "database_unavailable",
                ],
            },
            "message": TEXT,
            "param": {"type": "string", "description": "Parámetro inválido (sólo en 400)."},
        },
    },
    "Summary": _obj(
        total_proveedores=INT,
        total_pedidos=INT,
        total_productos_pedidos=INT,
        total_movimientos=INT,
        facturas_procesadas=INT,
        pedidos_mes=INT,
        movimientos_semana=INT,
        proveedor_top=_obj(nombre=TEXT, pedidos=INT),
    ),
    "Provider": _obj(
        codigo=TEXT,
        nombre=TEXT,
        total_pedidos=INT,
        total_productos=INT,
        pedidos_semana=INT,
        pedidos_mes=INT,
    ),
    "StockDay": _obj(
        fecha={"type": "string", "format": "date"}, tipo=TEXT, movimientos=INT, productos=INT
    ),
    "TopProduct": _obj(
        producto=TEXT,
        cantidad_total=INT,
        pedidos=INT,
        proveedor={"type": "string", "nullable": True},
    ),
    "Trends": _obj(
        pedidos_mensuales={
            "type": "array",
            "items": _obj(
                mes={"type": "string", "pattern": r"^\d{4}-\d{2}$"},
                pedidos=INT,
                proveedores_activos=INT,
            ),
        },
        movimientos_mensuales={
            "type": "array",
            "items": _obj(
                mes={"type": "string", "pattern": r"^\d{4}-\d{2}$"},
                tipo=TEXT,
                movimientos=INT,
                productos=INT,
            ),
        },
    ),
    "ProviderStock": _obj(codigo=TEXT, nombre=TEXT, stock_total=INT),
    "WeekSales": _obj(
        semana={"type": "string", "pattern": r"^\d{4}-W\d{2}$"}, pedidos=INT, productos=INT
    ),
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(text: str) -> dict[str, Any]:
    return {"description": text, "content": {JSON: {"schema": _ref("Error")}}}


ERROR_RESPONSES = {
    "400": _error("Parámetro inválido; `param` lo nombra."),
    "401": _error("Falta la clave de API o no es válida."),
    "404": _error("Recurso inexistente."),
    "405": _error("Método no permitido."),
    "429": _error("Demasiadas solicitudes; ver Retry-After."),
    "500": _error("Error interno (sin detalles)."),
    "503": _error("Base de datos no disponible."),
}


def _operation(summary: str, schema: dict, params: list, media: str = JSON) -> dict[str, Any]:
    """Describe one GET operation with its 200 schema and every error answer."""
    ok = {"description": "OK", "content": {media: {"schema": schema}}}
    if media == CSV:
        ok["headers"] = {
            "Content-Disposition": {
                "description": 'attachment; filename="<nombre>_<AAAA-MM-DD>.csv"',
                "schema": TEXT,
            }
        }
    return {
        "summary": summary,
        "parameters": params,
        "responses": {"200": ok, **ERROR_RESPONSES},
    }


def _list(name: str) -> dict[str, Any]:
    return {"type": "array", "items": _ref(name)}


CSV_TEXT = {"type": "string", "description": "CSV RFC 4180, UTF-8, con fila de encabezados."}
TOP_PARAMS = [_int_param("limit", "Cantidad de productos"), *DATE_PARAMS]

PATHS: dict[str, Any] = {
    "/api/summary": _operation("Indicadores generales", _ref("Summary"), []),
    "/api/providers": _operation("Proveedores activos y sus pedidos", _list("Provider"), []),
    "/api/stock-timeline": _operation(
        "Movimientos de stock por día y tipo",
        _list("StockDay"),
        [_int_param("days", "Últimos N días")],
    ),
    "/api/top-products": _operation("Productos más pedidos", _list("TopProduct"), TOP_PARAMS),
    "/api/trends": _operation(
        "Pedidos y movimientos por mes",
        _ref("Trends"),
        [_int_param("months", "Últimos N meses (sin fechas)"), *DATE_PARAMS],
    ),
    "/api/stock-by-provider": _operation(
        "Stock neto por proveedor",
        _list("ProviderStock"),
        [_int_param("limit", "Cantidad de proveedores")],
    ),
    "/api/weekly-sales": _operation(
        "Pedidos y unidades por semana ISO",
        _list("WeekSales"),
        [_int_param("weeks", "Últimas N semanas")],
    ),
    "/api/export/summary.csv": _operation("Indicadores generales (CSV)", CSV_TEXT, [], CSV),
    "/api/export/providers.csv": _operation("Proveedores (CSV)", CSV_TEXT, [], CSV),
    "/api/export/top-products.csv": _operation(
        "Productos más pedidos (CSV)", CSV_TEXT, TOP_PARAMS, CSV
    ),
}

# The manager's endpoints (minimarket_dash/api_manager.py): low stock, spending, today, products.
MONEY = {"type": "number", "description": "Pesos, redondeado a 2 decimales."}
NULLABLE_MONEY = {**MONEY, "nullable": True}
NULLABLE_TEXT = {"type": "string", "nullable": True}
DAY = {"type": "string", "format": "date"}
MANAGER_SCHEMAS: dict[str, Any] = {
    "LowStock": _obj(
        producto_id=INT, producto=TEXT, proveedor=NULLABLE_TEXT, stock_actual=INT,
        stock_minimo=INT, faltan=INT,
    ),
    "Spending": _obj(
        por_mes={"type": "array", "items": _obj(
            mes={"type": "string", "pattern": r"^\d{4}-\d{2}$"}, importe=MONEY, pedidos=INT,
        )},
        por_proveedor={"type": "array", "items": _obj(
            proveedor_id={"type": "integer", "nullable": True}, proveedor=NULLABLE_TEXT,
            importe=MONEY, pedidos=INT,
        )},
    ),
    "DueOrder": _obj(
        numero_pedido=NULLABLE_TEXT, proveedor=NULLABLE_TEXT, fecha_entrega_esperada=DAY,
        total=NULLABLE_MONEY,
    ),
    "LateOrder": _obj(
        numero_pedido=NULLABLE_TEXT, proveedor=NULLABLE_TEXT, fecha_entrega_esperada=DAY,
        total=NULLABLE_MONEY, dias_atraso={"type": "integer", "minimum": 1},
    ),
    "Today": _obj(
        hoy=DAY, entregas_hoy=_list("DueOrder"), atrasados=_list("LateOrder"),
        pendientes=INT, facturas_sin_procesar=INT,
    ),
    "Product": _obj(
        producto_id=INT, nombre=TEXT, codigo_barras=NULLABLE_TEXT, proveedor=NULLABLE_TEXT,
        stock_actual=INT, stock_minimo=INT, precio_compra=NULLABLE_MONEY,
        precio_venta=NULLABLE_MONEY,
    ),
}
PRODUCT_PARAMS = [
    {
        "name": "q",
        "in": "query",
        "required": False,
        "description": (
            "Texto contenido en el nombre o el código de barras, sin distinguir mayúsculas ni "
            "acentos; se conservan letras, dígitos, espacios y -._/; más de 60 caracteres: 400. "
            "Vacío: los primeros productos por nombre."
        ),
        "schema": {"type": "string", "maxLength": 60},
    },
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "description": "Cantidad de productos (1–100; fuera de rango se ajusta al extremo).",
        "schema": {"type": "integer", "default": 20, "minimum": 1, "maximum": 100},
    },
]
SPENDING_SUMMARY = "Compras en pesos por mes y por proveedor, sin pedidos cancelados"
SCHEMAS.update(MANAGER_SCHEMAS)
PATHS.update({
    "/api/low-stock": _operation(
        "Productos activos bajo su stock mínimo", _list("LowStock"), []
    ),
    "/api/export/low-stock.csv": _operation(
        "Productos bajo su stock mínimo (CSV)", CSV_TEXT, [], CSV
    ),
    "/api/spending": _operation(SPENDING_SUMMARY, _ref("Spending"), DATE_PARAMS),
    "/api/export/spending.csv": _operation(f"{SPENDING_SUMMARY} (CSV)", CSV_TEXT, DATE_PARAMS, CSV),
    "/api/today": _operation(
        "Entregas de hoy, pedidos atrasados, pendientes y facturas sin procesar", _ref("Today"), []
    ),
    "/api/products": _operation(
        "Búsqueda de productos por nombre o código de barras", _list("Product"), PRODUCT_PARAMS
    ),
})

DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {
        "title": "Dashboard Mini Market API",
        "version": __version__,
        "description": "API de sólo lectura del dashboard. Fechas inclusivas; hora local.",
    },
    "paths": {path: {"get": operation} for path, operation in PATHS.items()},
    "components": {
        "schemas": SCHEMAS,
        "securitySchemes": {
            "ApiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            "BearerAuth": {"type": "http", "scheme": "bearer"},
        },
    },
    "security": [{"ApiKeyHeader": []}, {"BearerAuth": []}],
}


def document() -> dict[str, Any]:
    """Return a fresh copy of the OpenAPI document."""
    return copy.deepcopy(DOCUMENT)
