"""The bodies of /api/invoices and /api/price-changes and their flat CSV rows, from the metrics.

Pages and the API build their tables from these same functions.
"""

from __future__ import annotations

from dataclasses import asdict

import pandas as pd

from .invoice_states import PENDIENTE, counts
from .invoicecheck import OK
from .queries.prices import PriceReport

INVOICE_FIELDS = (
    "factura_id",
    "numero_factura",
    "fecha_factura",
    "proveedor",
    "pedido",
    "total",
    "flags",
    "cobrado_de_mas",
    "estado",
    "estado_usuario",
    "estado_cuando",
    "items",
)
# What an invoice never marked shows (minimarket_dash/invoice_states.py).
STATE_DEFAULTS = {"estado": PENDIENTE, "estado_usuario": None, "estado_cuando": None}
INVOICE_PROVIDER_FIELDS = (
    "proveedor_id",
    "proveedor",
    "facturas",
    "con_problemas",
    "cobrado_de_mas",
)
# CSV: one row per invoice; flags joined by `|`, items = how many items were read.
INVOICE_CSV_FIELDS = INVOICE_FIELDS
PRICE_PROVIDER_FIELDS = (
    "proveedor_id",
    "proveedor",
    "cambio_pct",
    "diferencia_pp",
    "productos_comparados",
    "estado",
    "productos",
)
INDEX_FIELDS = ("proveedor_id", "mes", "indice")
# CSV: one row per provider with the report's months and market; productos joined by `|`.
PRICE_CSV_FIELDS = (*PRICE_PROVIDER_FIELDS, "mes_base", "mes_actual", "mercado")
FLAG_SEPARATOR = "|"


def has_problem(flags: list[str]) -> bool:
    """True when an invoice has any flag other than `ok`."""
    return flags != [OK]


def invoice_rows(frame: pd.DataFrame | list[dict]) -> list[dict]:
    """Return the invoices as the API lists them (contract fields, in order); `frame` may be
    the metric's rows already as records."""
    records = frame.to_dict("records") if isinstance(frame, pd.DataFrame) else frame
    return [
        {name: row[name] if name in row else STATE_DEFAULTS[name] for name in INVOICE_FIELDS}
        for row in records
    ]


def invoice_providers(frame: pd.DataFrame | list[dict]) -> list[dict]:
    """Return per provider: invoices, invoices with problems and money charged above the order
    (only invoices neither `acreditada` nor `ignorada`, as «Te cobraron de más»).

    Invoices without a provider are left out; most money first, then most problems, then name.
    """
    totals: dict[int, dict] = {}
    records = frame.to_dict("records") if isinstance(frame, pd.DataFrame) else frame
    for row in records:
        if row["proveedor_id"] is None or pd.isna(row["proveedor_id"]):
            continue
        entry = totals.setdefault(
            int(row["proveedor_id"]),
            {
                "proveedor_id": int(row["proveedor_id"]),
                "proveedor": row["proveedor"],
                "facturas": 0,
                "con_problemas": 0,
                "cobrado_de_mas": 0.0,
            },
        )
        entry["facturas"] += 1
        entry["con_problemas"] += has_problem(row["flags"])
        if counts(row.get("estado", PENDIENTE)):
            entry["cobrado_de_mas"] += row["cobrado_de_mas"]
    return provider_rows(totals)


def provider_rows(totals: dict[int, dict]) -> list[dict]:
    """The providers' totals as the API lists them: money rounded, most money first, then
    most problems, then name (the store's answer adds them up itself: invoice_matches.render)."""
    rows = [
        {**entry, "cobrado_de_mas": round(entry["cobrado_de_mas"], 2)} for entry in totals.values()
    ]
    rows.sort(key=lambda r: (-r["cobrado_de_mas"], -r["con_problemas"], r["proveedor"] or ""))
    return rows


def invoices_body(frame: pd.DataFrame) -> dict:
    """Return the JSON body of /api/invoices."""
    records = frame.to_dict("records")  # once for both lists
    return {"facturas": invoice_rows(records), "proveedores": invoice_providers(records)}


def invoice_csv_rows(frame: pd.DataFrame) -> list[dict]:
    """Return one flat row per invoice: flags joined by `|`, items as their count."""
    return [
        {**row, "flags": FLAG_SEPARATOR.join(row["flags"]), "items": len(row["items"])}
        for row in invoice_rows(frame)
    ]


def price_body(report: PriceReport) -> dict:
    """Return the JSON body of /api/price-changes."""
    return {
        "mes_base": report.mes_base,
        "mes_actual": report.mes_actual,
        "mercado": report.mercado,
        "proveedores": [
            {name: asdict(change)[name] for name in PRICE_PROVIDER_FIELDS}
            for change in report.proveedores
        ],
        "indice": [dict(point) for point in report.indice],
    }


def price_csv_rows(report: PriceReport) -> list[dict]:
    """Return one flat row per provider: its top products' names joined by `|`."""
    body = price_body(report)
    extra = {
        "mes_base": report.mes_base,
        "mes_actual": report.mes_actual,
        "mercado": report.mercado,
    }
    return [
        {
            **row,
            **extra,
            "productos": FLAG_SEPARATOR.join(item["producto"] for item in row["productos"]),
        }
        for row in body["proveedores"]
    ]
