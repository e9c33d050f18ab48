"""Product metrics: every product under its minimum, and the product search of /api/products."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, select

from ..db import productos, proveedores
from ..filters import Filters, fold_text
from ..metric import INT, NULLABLE_TEXT, TEXT, Field, Metric, names
from ..sqlparts import is_true, sort_text
from . import fields
from ._common import frame, ints

LOW_STOCK = (
    fields.PRODUCTO_ID,
    fields.PRODUCTO,
    fields.PROVEEDOR_NOMBRE,
    *fields.STOCK,
    Field("faltan", INT, "stock_minimo − stock_actual."),
)
PRODUCT = (
    fields.PRODUCTO_ID,
    Field("nombre", TEXT, "Nombre del producto."),
    Field("codigo_barras", NULLABLE_TEXT, "Código de barras."),
    fields.PROVEEDOR_NOMBRE,
    *fields.STOCK,
    *fields.PRECIOS,
)
LOW_STOCK_FIELDS = names(LOW_STOCK)
PRODUCT_FIELDS = names(PRODUCT)


def low_stock_all(conn: Connection, filters: Filters, now: datetime) -> pd.DataFrame:
    """Return every active product with stock_actual < stock_minimo, largest shortfall first.

    `proveedor` is the name of the product's provider (active or not); null when the product
    has no provider or its provider row does not exist.
    """
    dialect = conn.dialect.name
    faltan = (productos.c.stock_minimo - productos.c.stock_actual).label("faltan")
    statement = (
        select(
            productos.c.id.label("producto_id"),
            productos.c.nombre.label("producto"),
            proveedores.c.nombre.label("proveedor"),
            productos.c.stock_actual,
            productos.c.stock_minimo,
            faltan,
        )
        .outerjoin(proveedores, proveedores.c.id == productos.c.proveedor_id)
        .where(productos.c.stock_actual < productos.c.stock_minimo, is_true(productos.c.activo))
        .order_by(faltan.desc(), sort_text(productos.c.nombre, dialect), productos.c.id)
    )
    columns = list(LOW_STOCK_FIELDS)
    return ints(frame(conn, statement, columns), ["producto_id", *columns[3:]])


LOW_STOCK_ALL = Metric("low_stock_all", low_stock_all, LOW_STOCK)


def search_products(conn: Connection, text: str | None, limit: int) -> pd.DataFrame:
    """Return up to `limit` products (active or not) whose name or barcode contains `text`.

    Matching folds case and accents (`yogur` finds `Yógur`), so it runs in Python over the
    names and barcodes, which are few (thousands), identically on SQLite and PostgreSQL. Order:
    exact name or barcode first, then names or barcodes that start with the text, then names
    with a word that starts with it, then the rest; ties by name (code point) and id. Without
    text: the first `limit` products by name.
    """
    needle = fold_text(text or "")
    names = conn.execute(select(productos.c.id, productos.c.nombre, productos.c.codigo_barras))
    ranked = []
    for pid, name, code in names:
        name, code = name or "", _text_or_none(code)
        rank = _rank(needle, name, code)
        if rank >= 0:
            ranked.append((rank, name, pid))
    chosen = [pid for _, _, pid in sorted(ranked)[:limit]]
    found = _products(conn, chosen).set_index("producto_id", drop=False)
    return found.loc[chosen].reset_index(drop=True)


def _products(conn: Connection, ids: list[int]) -> pd.DataFrame:
    """Return the answer rows of the given products (any order)."""
    statement = (
        select(
            productos.c.id.label("producto_id"),
            productos.c.nombre,
            productos.c.codigo_barras,
            proveedores.c.nombre.label("proveedor"),
            productos.c.stock_actual,
            productos.c.stock_minimo,
            productos.c.precio_compra,
            productos.c.precio_venta,
        )
        .outerjoin(proveedores, proveedores.c.id == productos.c.proveedor_id)
        .where(productos.c.id.in_(ids))
    )
    data = frame(conn, statement, list(PRODUCT_FIELDS))
    # A barcode may be stored as a number by other tools: answer it as text.
    data["codigo_barras"] = pd.Series(
        [_text_or_none(code) for code in data["codigo_barras"]], dtype=object, index=data.index
    )
    for column in ("precio_compra", "precio_venta"):
        data[column] = pd.to_numeric(data[column], errors="coerce").astype("float64").round(2)
    return ints(data, ["producto_id", "stock_actual", "stock_minimo"])


def _text_or_none(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return str(value)


def _fold(value: str) -> str:
    """fold_text, with a fast path for plain ASCII (most names, every barcode)."""
    return value.casefold() if value.isascii() else fold_text(value)


def _rank(needle: str, name: str, code: str | None) -> int:
    """Return 0 (exact) to 3 (contained) for a match of needle, -1 for no match."""
    if not needle:
        return 0
    folded, barcode = _fold(name), _fold(code or "")
    if needle in (folded, barcode):
        return 0
    if folded.startswith(needle) or barcode.startswith(needle):
        return 1
    if f" {needle}" in f" {folded}":
        return 2
    return 3 if needle in folded or needle in barcode else -1


def provider_contacts(conn: Connection, _filters: Filters, _now) -> pd.DataFrame:
    """Return every provider's id, name, contact, phone and e-mail (who a claim goes to)."""
    columns = ["proveedor_id", "proveedor", "contacto", "telefono", "email"]
    c = proveedores.c
    rows = conn.execute(select(c.id, c.nombre, c.contacto, c.telefono, c.email)).fetchall()
    return pd.DataFrame([tuple(row) for row in rows], columns=columns, dtype=object)


PROVIDER_CONTACTS = Metric("provider_contacts", provider_contacts)
