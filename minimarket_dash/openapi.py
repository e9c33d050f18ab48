"""The OpenAPI 3 document of /api/*, by hand; tests check it against responses and docs/api.md."""

from __future__ import annotations

import copy
from typing import Any

from . import __version__, queries
from .filters import INT_RANGES, NUMBER_RANGES, PROVEEDOR_MAX_LENGTH
from .metric import Field, object_schema
from .queries import catalog, reorder, spending, today

JSON = "application/json"
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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


def _clamped_param(name: str, text: str, bounds: tuple, kind: str) -> dict[str, Any]:
    default, minimum, maximum = bounds
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": f"{text} ({minimum:g}–{maximum:g}; fuera de rango se ajusta al extremo).",
        "schema": {"type": kind, "default": default, "minimum": minimum, "maximum": maximum},
    }


def _int_param(name: str, text: str) -> dict[str, Any]:
    return _clamped_param(name, text, INT_RANGES[name], "integer")


def _number_param(name: str, text: str) -> dict[str, Any]:
    return _clamped_param(name, text, NUMBER_RANGES[name], "number")


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

NUMBER = {"type": "number"}
NULLABLE_NUMBER = {"type": "number", "nullable": True}
REORDER_RULE = (
    "Sugerencia de compra de hoy, por producto activo de un proveedor activo. "
    "consumo_diario = unidades vendidas (salidas) en los últimos `dias` días completos ÷ `dias`. "
    "en_camino = unidades de pedidos del proveedor de los últimos 30 días sin entrega ni "
    "estado entregado/cancelado, con el mismo nombre exacto de producto. plazo_dias = mediana "
    "de días entre pedido y entrega (180 días; sin entregas: DASHBOARD_DEFAULT_LEAD_DAYS). "
    "ciclo_dias = mediana de días entre fechas de pedido (90 días; menos de 3 fechas: 7). "
    "pack = MCD de las cantidades pedidas del producto (180 días; 1 si no hay). "
    "objetivo = consumo_diario × (plazo_dias + ciclo_dias) + stock_minimo; "
    "sugerido = máx(0, objetivo − stock_actual − en_camino) redondeado a 6 decimales y "
    "luego hacia arriba a un múltiplo de pack. Sólo se listan productos con sugerido > 0, "
    "ordenados por urgencia (agotado, critico, reponer), cobertura y producto_id."
)
REORDER_SCHEMAS: dict[str, Any] = {
    "ReorderProduct": object_schema(reorder.PRODUCT),
    "ReorderProvider": object_schema(reorder.PROVIDER),
}
REORDER_SCHEMAS["Reorder"] = {
    **_obj(
        hoy={"type": "string", "format": "date"},
        productos={"type": "array", "items": {"$ref": "#/components/schemas/ReorderProduct"}},
        proveedores={"type": "array", "items": {"$ref": "#/components/schemas/ReorderProvider"}},
    ),
    "description": REORDER_RULE,
}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {
                "type": "string",
                "enum": [
                    "bad_request",
                    "unauthorized",
                    "not_found",
                    "method_not_allowed",
                    "rate_limited",
                    "internal_error",
                    "database_unavailable",
                ],
            },
            "message": TEXT,
            "param": {"type": "string", "description": "Parámetro inválido (sólo en 400)."},
        },
    },
    # The JSON nests the CSV's proveedor_top_nombre and proveedor_top_pedidos.
    "Summary": object_schema(
        (
            *queries.SUMMARY.fields[:-2],
            Field(
                "proveedor_top",
                _obj(nombre=TEXT, pedidos=INT),
                "Proveedor activo con más pedidos en 30 días (N/A y 0 si no hay).",
            ),
        )
    ),
    "Provider": queries.PROVIDERS.item_schema(),
    "StockDay": queries.STOCK_TIMELINE.item_schema(),
    "TopProduct": queries.TOP_PRODUCTS.item_schema(),
    "Trends": _obj(
        pedidos_mensuales={"type": "array", "items": queries.MONTHLY_ORDERS.item_schema()},
        movimientos_mensuales={"type": "array", "items": queries.MONTHLY_MOVEMENTS.item_schema()},
    ),
    "ProviderStock": queries.STOCK_BY_PROVIDER.item_schema(),
    "WeekSales": queries.WEEKLY_SALES.item_schema(),
    "OrderStatus": queries.ORDER_STATUS.item_schema(),
    **REORDER_SCHEMAS,
}
NUMBER = {"type": "number"}
NULLABLE_NUMBER = {"type": "number", "nullable": True}
NULLABLE_TEXT = {"type": "string", "nullable": True}
MONTH = {"type": "string", "pattern": r"^\d{4}-\d{2}$"}
SCHEMAS.update(
    {
        "InvoiceItem": _obj(
            descripcion=TEXT,
            cantidad=NUMBER,
            precio_unitario=NUMBER,
            cantidad_pedida=NULLABLE_NUMBER,
            precio_pedido=NULLABLE_NUMBER,
        ),
        "Invoices": _obj(
            facturas={
                "type": "array",
                "items": _obj(
                    factura_id=INT,
                    numero_factura=NULLABLE_TEXT,
                    # null: the OCR read no date (listed only with start_date=1900-01-01 and
                    # no end).
                    fecha_factura={"type": "string", "format": "date", "nullable": True},
                    proveedor=NULLABLE_TEXT,
                    pedido=NULLABLE_TEXT,
                    total=NULLABLE_NUMBER,
                    flags={
                        "type": "array",
                        "items": {
                            "type": "string",
                            "enum": [
                                "ok",
                                "sin_pedido",
                                "precio_mayor",
                                "cantidad_distinta",
                                "no_pedido",
                                "sin_proveedor",
                                "ilegible",
                                "pendiente",
                                "duplicada",
                            ],
                        },
                    },
                    cobrado_de_mas=NUMBER,
                    estado={
                        "type": "string",
                        "enum": ["pendiente", "reclamada", "acreditada", "ignorada"],
                        "description": "Estado que le puso un encargado (pendiente si nadie).",
                    },
                    estado_usuario={**NULLABLE_TEXT, "description": "Quién puso el estado."},
                    estado_cuando={
                        **NULLABLE_TEXT,
                        "description": (
                            "Cuándo se puso el estado (AAAA-MM-DD HH:MM:SS, hora local)."
                        ),
                    },
                    items={"type": "array", "items": {"$ref": "#/components/schemas/InvoiceItem"}},
                ),
            },
            proveedores={
                "type": "array",
                "items": _obj(
                    proveedor_id=INT,
                    proveedor=TEXT,
                    facturas=INT,
                    con_problemas=INT,
                    cobrado_de_mas={
                        **NUMBER,
                        "description": "Cobrado de más en sus facturas que no "
                        "están acreditadas ni ignoradas.",
                    },
                ),
            },
        ),
        "PriceChanges": _obj(
            mes_base=MONTH,
            mes_actual=MONTH,
            mercado=NULLABLE_NUMBER,
            proveedores={
                "type": "array",
                "items": _obj(
                    proveedor_id=INT,
                    proveedor=TEXT,
                    cambio_pct=NULLABLE_NUMBER,
                    diferencia_pp=NULLABLE_NUMBER,
                    productos_comparados=INT,
                    estado={"type": "string", "enum": ["ranked", "insuficiente"]},
                    productos={
                        "type": "array",
                        "items": _obj(
                            producto=TEXT,
                            precio_base=NUMBER,
                            precio_actual=NUMBER,
                            cambio_pct=NUMBER,
                        ),
                    },
                ),
            },
            indice={"type": "array", "items": _obj(proveedor_id=INT, mes=MONTH, indice=NUMBER)},
        ),
    }
)


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
    if media in (CSV, XLSX):
        extension = "csv" if media == CSV else "xlsx"
        ok["headers"] = {
            "Content-Disposition": {
                "description": f'attachment; filename="<nombre>_<AAAA-MM-DD>.{extension}"',
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
INVOICE_PARAMS = [
    _date_param("start_date", "Primera fecha de factura (sin fechas: últimos 90 días)"),
    _date_param("end_date", "Última fecha de factura"),
    PROVEEDOR_PARAM,
    _number_param("tolerancia", "Porcentaje sobre el precio del pedido que se acepta"),
]
PRICE_PARAMS = [
    _int_param("meses", "Meses entre el mes base y el último mes completo"),
    PROVEEDOR_PARAM,
]

SOLO_HOY_PARAM = {
    "name": "solo_hoy",
    "in": "query",
    "required": False,
    "description": "true: sólo proveedores cuyo día habitual de pedido es hoy (true/false, 1/0).",
    "schema": {"type": "boolean", "default": False},
}
REORDER_PARAMS = [
    _int_param("dias", "Días de ventas para el consumo diario"),
    PROVEEDOR_PARAM,
    SOLO_HOY_PARAM,
]

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
    "/api/order-status": _operation("Pedidos por estado", _list("OrderStatus"), DATE_PARAMS),
    "/api/export/order-status.csv": _operation(
        "Pedidos por estado (CSV)", CSV_TEXT, DATE_PARAMS, CSV
    ),
    "/api/reorder": {
        **_operation("Qué pedir hoy, por proveedor", _ref("Reorder"), REORDER_PARAMS),
        "description": REORDER_RULE,
    },
    "/api/export/reorder.csv": _operation(
        "Qué pedir hoy (CSV, una fila por producto)", CSV_TEXT, REORDER_PARAMS, CSV
    ),
    "/api/invoices": _operation(
        "Facturas controladas contra los pedidos", _ref("Invoices"), INVOICE_PARAMS
    ),
    "/api/price-changes": _operation(
        "Aumentos de precios por proveedor", _ref("PriceChanges"), PRICE_PARAMS
    ),
    "/api/export/invoices.csv": _operation(
        "Facturas controladas (CSV)", CSV_TEXT, INVOICE_PARAMS, CSV
    ),
    "/api/export/price-changes.csv": _operation(
        "Aumentos de precios (CSV)", CSV_TEXT, PRICE_PARAMS, CSV
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
    "LowStock": queries.LOW_STOCK_ALL.item_schema(),
    "Spending": _obj(
        por_mes={"type": "array", "items": object_schema(spending.PER_MONTH)},
        por_proveedor={"type": "array", "items": object_schema(spending.PER_PROVIDER)},
    ),
    "DueOrder": object_schema(today.DUE),
    "LateOrder": object_schema(today.LATE),
    "Today": _obj(
        hoy=DAY,
        entregas_hoy=_list("DueOrder"),
        atrasados=_list("LateOrder"),
        pendientes=INT,
        facturas_sin_procesar=INT,
    ),
    "Product": object_schema(catalog.PRODUCT),
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
PATHS.update(
    {
        "/api/low-stock": _operation(
            "Productos activos bajo su stock mínimo", _list("LowStock"), []
        ),
        "/api/export/low-stock.csv": _operation(
            "Productos bajo su stock mínimo (CSV)", CSV_TEXT, [], CSV
        ),
        "/api/spending": _operation(SPENDING_SUMMARY, _ref("Spending"), DATE_PARAMS),
        "/api/export/spending.csv": _operation(
            f"{SPENDING_SUMMARY} (CSV)", CSV_TEXT, DATE_PARAMS, CSV
        ),
        "/api/today": _operation(
            "Entregas de hoy, pedidos atrasados, pendientes y facturas sin procesar",
            _ref("Today"),
            [],
        ),
        "/api/products": _operation(
            "Búsqueda de productos por nombre o código de barras", _list("Product"), PRODUCT_PARAMS
        ),
    }
)

# Every CSV export has its Excel twin: same parameters and errors, an .xlsx body.
XLSX_FILE = {
    "type": "string",
    "format": "binary",
    "description": (
        "Libro de Excel (.xlsx) con una hoja: las filas y columnas del CSV, números y fechas "
        "como celdas numéricas y de fecha, texto siempre como texto."
    ),
}
PATHS.update(
    {
        path.removesuffix(".csv") + ".xlsx": _operation(
            operation["summary"].replace("(CSV", "(Excel"), XLSX_FILE, operation["parameters"], XLSX
        )
        for path, operation in list(PATHS.items())
        if path.startswith("/api/export/") and path.endswith(".csv")
    }
)

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
