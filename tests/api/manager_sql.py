"""The answers of /api/low-stock, /api/spending, /api/today and /api/products from plain SQL.

Written independently of minimarket_dash.queries: raw rows by hand-written SQL, then the
definitions of the issue applied in Python (windows, sums, orderings, folding).
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, text


def rows(engine: Engine, sql: str, **params) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql), params)]


def stamp(value) -> datetime:
    """SQLite gives text, PostgreSQL a datetime: normalise both."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def day(value) -> date:
    """SQLite gives text, PostgreSQL a date."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def expected_low_stock(engine: Engine) -> list[dict]:
    found = rows(
        engine,
        "SELECT p.id, p.nombre, pr.nombre, p.stock_actual, p.stock_minimo"
        " FROM productos p LEFT JOIN proveedores pr ON pr.id = p.proveedor_id"
        " WHERE p.activo = 1 AND p.stock_actual < p.stock_minimo",
    )
    items = [
        {
            "producto_id": pid,
            "producto": name,
            "proveedor": provider,
            "stock_actual": stock,
            "stock_minimo": minimum,
            "faltan": minimum - stock,
        }
        for pid, name, provider, stock, minimum in found
    ]
    return sorted(items, key=lambda r: (-r["faltan"], r["producto"], r["producto_id"]))


def matching_provider_ids(engine: Engine, word: str) -> set[int]:
    needle = fold(word)
    return {
        pid
        for pid, name, code in rows(engine, "SELECT id, nombre, codigo FROM proveedores")
        if needle in fold(name) or needle in fold(code)
    }


def expected_spending(
    engine: Engine,
    start: datetime | None,
    end: datetime | None,
    provider_ids: set[int] | None = None,
) -> dict:
    """[start, end) window; provider_ids None means no provider filter."""
    orders = rows(
        engine,
        "SELECT p.id, p.proveedor_id, pr.nombre, p.fecha_pedido, p.estado"
        " FROM pedidos p LEFT JOIN proveedores pr ON pr.id = p.proveedor_id",
    )
    money = dict(
        rows(
            engine,
            "SELECT pedido_id, SUM(cantidad * precio_unitario) FROM detalle_pedidos"
            " WHERE precio_unitario IS NOT NULL GROUP BY pedido_id",
        )
    )
    months, providers = defaultdict(lambda: [0.0, 0]), defaultdict(lambda: [0.0, 0])
    for oid, pid, name, when, estado in orders:
        when = stamp(when)
        if estado == "cancelado" or (start and when < start) or (end and when >= end):
            continue
        if provider_ids is not None and pid not in provider_ids:
            continue
        for bucket in (months[when.strftime("%Y-%m")], providers[(pid, name)]):
            bucket[0] += float(money.get(oid) or 0)
            bucket[1] += 1
    por_mes = [
        {"mes": m, "importe": round(v[0], 2), "pedidos": v[1]} for m, v in sorted(months.items())
    ]
    por_proveedor = [
        {"proveedor_id": pid, "proveedor": name, "importe": round(v[0], 2), "pedidos": v[1]}
        for (pid, name), v in providers.items()
    ]
    por_proveedor.sort(
        key=lambda r: (
            -r["importe"],
            r["proveedor"] is None,
            r["proveedor"] or "",
            r["proveedor_id"] or 0,
        )
    )
    return {"por_mes": por_mes, "por_proveedor": por_proveedor}


def default_spending_start(now: datetime) -> datetime:
    """The 1st of the month eleven months before now's month."""
    year, month = (now.year, now.month - 11) if now.month > 11 else (now.year - 1, now.month + 1)
    return datetime(year, month, 1)


def expected_today(engine: Engine, today: date) -> dict:
    found = rows(
        engine,
        "SELECT p.numero_pedido, pr.nombre, p.fecha_entrega_esperada, p.total, p.id"
        " FROM pedidos p LEFT JOIN proveedores pr ON pr.id = p.proveedor_id"
        " WHERE (p.estado IS NULL OR p.estado <> 'cancelado')"
        " AND p.fecha_entrega_real IS NULL AND p.fecha_entrega_esperada IS NOT NULL",
    )
    due, late = [], []
    for number, provider, expected, total, oid in found:
        expected = day(expected)
        row = {
            "numero_pedido": number,
            "proveedor": provider,
            "fecha_entrega_esperada": expected.isoformat(),
            "total": None if total is None else round(float(total), 2),
        }
        key = (expected, provider is None, provider or "", number or "", oid)
        if expected == today:
            due.append((key, row))
        elif expected < today:
            late.append((key, {**row, "dias_atraso": (today - expected).days}))
    ((pending,),) = rows(
        engine,
        "SELECT COUNT(*) FROM pedidos WHERE estado IS NULL"
        " OR estado NOT IN ('entregado', 'cancelado')",
    )
    ((invoices,),) = rows(engine, "SELECT COUNT(*) FROM facturas_ocr WHERE procesado = 0")
    return {
        "hoy": today.isoformat(),
        "entregas_hoy": [row for _, row in sorted(due, key=lambda kv: kv[0])],
        "atrasados": [row for _, row in sorted(late, key=lambda kv: kv[0])],
        "pendientes": pending,
        "facturas_sin_procesar": invoices,
    }


def products_containing(engine: Engine, word: str) -> list[dict]:
    """Every product whose folded name or barcode contains the folded word (any order)."""
    needle = fold(word)
    found = rows(
        engine,
        "SELECT p.id, p.nombre, p.codigo_barras, pr.nombre, p.stock_actual, p.stock_minimo,"
        " p.precio_compra, p.precio_venta"
        " FROM productos p LEFT JOIN proveedores pr ON pr.id = p.proveedor_id",
    )
    keys = (
        "producto_id",
        "nombre",
        "codigo_barras",
        "proveedor",
        "stock_actual",
        "stock_minimo",
        "precio_compra",
        "precio_venta",
    )
    return [
        dict(
            zip(
                keys,
                (*row[:6], *(None if v is None else round(float(v), 2) for v in row[6:])),
                strict=True,
            )
        )
        for row in found
        if needle in fold(row[1]) or needle in fold(row[2] or "")
    ]


def last_months_window(now: datetime) -> tuple[datetime, datetime]:
    return default_spending_start(now), now + timedelta(seconds=1)
