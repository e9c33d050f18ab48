"""«Qué pedir hoy»: what to order from each provider today, from stock, sales and past orders.

The rule (README «Qué pedir hoy»): per active product of an active provider,
objetivo = consumo_diario × (plazo_dias + ciclo_dias) + stock_minimo and
sugerido = max(0, objetivo − stock_actual − en_camino), rounded to 6 decimals, then up to a
multiple of the pack. The database sums and groups; pandas finishes the small per-provider
medians and GCDs.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Date, Integer, cast, func, or_, select

from ..db import detalle_pedidos as lines
from ..db import movimientos_stock as moves
from ..db import pedidos, productos, proveedores
from ..filters import Filters
from ..formatting import WEEKDAYS
from ..metric import INT, NULLABLE_NUMBER, NUMBER, TEXT, Field, Metric, names
from ..phones import normalise_phone
from ..sqlparts import day_value, is_true
from ..summaries import CLOSED_ORDER_STATES, mm_pedidos_dia
from . import fields
from ._common import (
    frame,
    ints,
    last_days,
    narrower,
    provider_condition,
    provider_ids,
    stored_and_live,
    summary_state,
    window,
)

LEAD_WINDOW_DAYS = 180  # plazo_dias and pack look this far back
CYCLE_WINDOW_DAYS = 90  # ciclo_dias and dia_habitual
ON_THE_WAY_DAYS = 30  # en_camino counts open orders this recent
DEFAULT_CYCLE_DAYS = 7
MIN_ORDER_DATES = 3
URGENCY = ("agotado", "critico", "reponer")
MICRO = 1_000_000

PRODUCT = (
    fields.PRODUCTO_ID,
    fields.PRODUCTO,
    Field("proveedor_id", INT, "Id de su proveedor."),
    Field("proveedor", TEXT, "Nombre de su proveedor."),
    *fields.STOCK,
    Field("en_camino", INT, "Unidades de pedidos abiertos de los últimos 30 días."),
    Field("consumo_diario", NUMBER, "Salidas de los últimos `dias` días completos ÷ `dias`."),
    Field("cobertura_dias", NULLABLE_NUMBER, "Días que alcanza el stock (null sin consumo)."),
    Field("pack", INT, "MCD de las cantidades pedidas (180 días; 1 si no hay)."),
    Field("sugerido", INT, "Unidades a pedir, múltiplo de pack."),
    Field("urgencia", {"type": "string", "enum": list(URGENCY)}, "agotado, critico o reponer."),
    Field("precio_compra", NULLABLE_NUMBER, "Precio de compra en pesos."),
    Field("importe_estimado", NULLABLE_NUMBER, "sugerido × precio_compra."),
)
PROVIDER = (
    Field("proveedor_id", INT, "Id del proveedor."),
    Field("proveedor", TEXT, "Nombre del proveedor."),
    Field("plazo_dias", NUMBER, "Mediana de días entre pedido y entrega (180 días)."),
    Field("ciclo_dias", NUMBER, "Mediana de días entre fechas de pedido (90 días)."),
    Field(
        "dia_habitual",
        {"type": "string", "nullable": True, "enum": [*WEEKDAYS, None]},
        "Día de la semana en que más se le pide.",
    ),
    Field("pide_hoy", {"type": "boolean"}, "Hoy es su día habitual."),
    Field("lineas", INT, "Productos sugeridos."),
    Field("importe_estimado", NULLABLE_NUMBER, "Suma de los importes estimados."),
    Field(
        "whatsapp",
        {"type": "string", "nullable": True, "pattern": r"^549\d{10}$"},
        "Número de WhatsApp del vendedor (549 + 10 dígitos).",
    ),
)
PRODUCT_FIELDS = names(PRODUCT)
PROVIDER_FIELDS = names(PROVIDER)
SCHEDULE_FIELDS = ("proveedor_id", "plazo_dias", "ciclo_dias", "dia_habitual")
CONTACT_FIELDS = ("proveedor", "contacto", "telefono", "email", "whatsapp", "whatsapp_motivo")
ALL_COLUMNS = [*PRODUCT_FIELDS, *SCHEDULE_FIELDS[1:], "pide_hoy", *CONTACT_FIELDS[1:]]


def configured_lead_days() -> int:
    """Return DASHBOARD_DEFAULT_LEAD_DAYS of the running app (the setting's default outside one)."""
    from flask import current_app, has_app_context

    from ..config import Settings

    settings = current_app.config["SETTINGS"] if has_app_context() else Settings()
    return settings.default_lead_days


def reorder(
    conn: Connection,
    filters: Filters,
    now: datetime,
    lead_days: int | None = None,
    *,
    use_summaries: bool = True,
) -> pd.DataFrame:
    """Return the products to order today, most urgent first, with their provider's figures.

    Besides PRODUCT_FIELDS each row carries its provider's plazo_dias, ciclo_dias, dia_habitual,
    pide_hoy, contact and WhatsApp number, so the API and the page group it without more queries.
    `lead_days` (plazo_dias of a provider without deliveries) defaults to the app's setting.
    """
    lead_days = lead_days or configured_lead_days()
    ids = provider_ids(conn, filters.proveedor)
    items = _products(conn, ids)
    if items.empty:
        return pd.DataFrame(columns=ALL_COLUMNS)
    schedule = provider_schedule(conn, now, lead_days, ids, use_summaries=use_summaries)
    items = with_schedule(items, schedule, lead_days, now.date())
    items = _with_history(conn, items, filters, now)
    items = _suggest(items)
    if filters.solo_hoy:
        items = items[items["pide_hoy"]]
    return _tidy(_sorted(items[items["sugerido"] > 0]).reset_index(drop=True))


def reorder_schedule(
    conn: Connection, filters: Filters, now: datetime, lead_days: int | None = None
) -> pd.DataFrame:
    """Return every active provider (matching the filter) with its lead time, cycle and day."""
    lead_days = lead_days or configured_lead_days()
    ids = provider_ids(conn, filters.proveedor)
    statement = (
        select(proveedores.c.id.label("proveedor_id"), proveedores.c.nombre.label("proveedor"))
        .where(is_true(proveedores.c.activo), *provider_condition(proveedores.c.id, ids))
        .order_by(proveedores.c.id)
    )
    names = frame(conn, statement, ["proveedor_id", "proveedor"])
    schedule = provider_schedule(conn, now, lead_days, ids)
    return with_schedule(names, schedule, lead_days, now.date())


def with_schedule(
    items: pd.DataFrame, schedule: pd.DataFrame, lead_days: int, today: date
) -> pd.DataFrame:
    """Join each row's provider schedule; providers without recent orders get the defaults."""
    items = items.merge(schedule, on="proveedor_id", how="left")
    items["plazo_dias"] = [lead_days if _missing(v) else v for v in items["plazo_dias"]]
    items["ciclo_dias"] = [DEFAULT_CYCLE_DAYS if _missing(v) else v for v in items["ciclo_dias"]]
    items["dia_habitual"] = [None if _missing(v) else v for v in items["dia_habitual"]]
    items["pide_hoy"] = [day == WEEKDAYS[today.weekday()] for day in items["dia_habitual"]]
    return items


def providers_of(items: pd.DataFrame) -> pd.DataFrame:
    """Return one row per provider of the suggestions, in the order they first appear."""
    if items.empty:
        return pd.DataFrame(columns=[*PROVIDER_FIELDS, *CONTACT_FIELDS[1:]])
    grouped = items.groupby("proveedor_id", sort=False)
    first = items.drop_duplicates("proveedor_id").set_index("proveedor_id")
    result = pd.DataFrame(
        {
            **{name: first[name] for name in ("proveedor", "plazo_dias", "ciclo_dias")},
            "dia_habitual": first["dia_habitual"],
            "pide_hoy": first["pide_hoy"].astype(bool),
            "lineas": grouped.size(),
            "importe_estimado": grouped["importe_estimado"].sum(min_count=1).round(2),
            **{name: first[name] for name in CONTACT_FIELDS[1:]},
        }
    )
    return _tidy(result.reset_index())


def _tidy(items: pd.DataFrame) -> pd.DataFrame:
    """Keep whole days as int and put None (not NaN) in empty text columns."""
    for column in ("plazo_dias", "ciclo_dias"):
        items[column] = pd.Series(
            [_whole(v) for v in items[column]], dtype=object, index=items.index
        )
    for column in ("dia_habitual", *CONTACT_FIELDS[1:]):
        items[column] = pd.Series(
            [None if _missing(v) else v for v in items[column]], dtype=object, index=items.index
        )
    return items


# ---------------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------------


def _products(conn: Connection, ids: list[int] | None) -> pd.DataFrame:
    """Active products of active providers, with the provider's contact and WhatsApp number."""
    p, v = productos.c, proveedores.c
    statement = (
        select(
            p.id,
            p.nombre,
            p.proveedor_id,
            v.nombre,
            p.stock_actual,
            p.stock_minimo,
            p.precio_compra,
            v.contacto,
            v.telefono,
            v.email,
        )
        .join(proveedores, v.id == p.proveedor_id)
        .where(is_true(p.activo), is_true(v.activo), *provider_condition(v.id, ids))
    )
    columns = [
        "producto_id",
        "producto",
        "proveedor_id",
        "proveedor",
        "stock_actual",
        "stock_minimo",
        "precio_compra",
        "contacto",
        "telefono",
        "email",
    ]
    items = frame(conn, statement, columns)
    known = {raw: normalise_phone(raw) for raw in set(items["telefono"])}
    phones = [known[raw] for raw in items["telefono"]]
    items["whatsapp"] = [number for number, _ in phones]
    items["whatsapp_motivo"] = [reason for _, reason in phones]
    for column in ("stock_actual", "stock_minimo"):
        items[column] = items[column].fillna(0).astype("int64")
    items["precio_compra"] = items["precio_compra"].astype("float64")
    return items


def provider_schedule(
    conn: Connection,
    now: datetime,
    lead_days: int,
    ids: list[int] | None,
    *,
    use_summaries: bool = True,
) -> pd.DataFrame:
    """Return plazo_dias, ciclo_dias and dia_habitual of every provider with recent orders.

    Providers missing from the result have no orders in the windows: the caller's left join
    leaves NaN there and with_schedule applies the defaults.
    """
    days = _order_days(conn, now, ids, use_summaries)
    leads = _lead_times(conn, now, ids)
    # Plain numpy per provider: a few thousand rows, where pandas' per-group cost dominated.
    day_pid, day = days["proveedor_id"].to_numpy(), days["dia"].to_numpy()
    day_count = days["pedidos"].to_numpy()
    lead_pid, lead, lead_count = (leads[c].to_numpy() for c in ("proveedor_id", "dias", "pedidos"))
    rows = []
    for pid in sorted(set(day_pid.tolist()) | set(lead_pid.tolist())):
        mine, theirs = day_pid == pid, lead_pid == pid
        plazo = _median(np.repeat(lead[theirs], lead_count[theirs]), lead_days)
        rows.append((pid, plazo, *_cycle_and_day(day[mine], day_count[mine])))
    return pd.DataFrame(rows, columns=list(SCHEDULE_FIELDS)).astype(object)


def _order_days(conn: Connection, now: datetime, ids, use_summaries: bool) -> pd.DataFrame:
    """Orders per provider and calendar day in the last 90 days (any estado): closed days
    from the store's daily summary, the partial first day and today live."""
    day = day_value(pedidos.c.fecha_pedido, conn.dialect.name)
    start, end = last_days(now, CYCLE_WINDOW_DAYS)
    state = summary_state(conn, use_summaries)
    narrow = narrower(conn, state)

    def live(first, last):
        return (
            select(pedidos.c.proveedor_id, day.label("dia"), func.count().label("pedidos"))
            .where(
                *window(pedidos.c.fecha_pedido, first, last),
                *provider_condition(pedidos.c.proveedor_id, ids),
                *narrow(pedidos, first, last),
            )
            .group_by(pedidos.c.proveedor_id, day)
        )

    def stored(first, last):
        daily = mm_pedidos_dia.c
        return (
            select(daily.proveedor_id, daily.dia, func.sum(daily.pedidos).label("pedidos"))
            .where(
                daily.dia >= first.date(),
                daily.dia < last.date(),
                *provider_condition(daily.proveedor_id, ids),
            )
            .group_by(daily.proveedor_id, daily.dia)
        )

    both = stored_and_live(state, start, end, "day", live, stored)
    # A day comes from one part only: the partial first day live, whole days stored.
    statement = select(both.c.proveedor_id, both.c.dia, both.c.pedidos)
    result = frame(conn, statement, ["proveedor_id", "dia", "pedidos"])
    result = result[result["pedidos"].fillna(0) > 0]
    days = pd.to_datetime(result["dia"].astype(str), format="%Y-%m-%d").to_numpy()
    result = result.assign(dia=days.astype("datetime64[D]").astype(np.int64))  # since 1970
    return ints(result.reset_index(drop=True), ["pedidos"])


def _lead_times(conn: Connection, now: datetime, ids) -> pd.DataFrame:
    """Delivered orders of the last 180 days per provider and calendar days to delivery."""
    lead = _days_to_delivery(conn.dialect.name)
    start, end = last_days(now, LEAD_WINDOW_DAYS)
    statement = (
        select(pedidos.c.proveedor_id, lead, func.count())
        .where(
            pedidos.c.fecha_entrega_real.is_not(None),
            *window(pedidos.c.fecha_pedido, start, end),
            *provider_condition(pedidos.c.proveedor_id, ids),
            *_narrow(conn)(pedidos, start, end),
        )
        .group_by(pedidos.c.proveedor_id, lead)
    )
    result = frame(conn, statement, ["proveedor_id", "dias", "pedidos"])
    return ints(result, ["dias", "pedidos"])


def _days_to_delivery(dialect: str):
    """Calendar days from the day of fecha_pedido to fecha_entrega_real, in the database."""
    ordered, real = pedidos.c.fecha_pedido, pedidos.c.fecha_entrega_real
    if dialect == "sqlite":
        days = func.julianday(func.substr(real, 1, 10)) - func.julianday(
            func.substr(ordered, 1, 10)
        )
        return cast(func.round(days), Integer)
    return cast(real, Date) - cast(ordered, Date)


def _narrow(conn: Connection):
    """Id ranges from the store (queries/_common.id_narrowing): a database as found has no
    date index, and these windows would scan whole tables."""
    return narrower(conn, summary_state(conn, True))


def _median(values: np.ndarray, default):
    """Return the median of values (mean of the middle two when even), or default if none."""
    if len(values) == 0:
        return default
    return _whole(float(np.median(values)))


def _cycle_and_day(days: np.ndarray, counts: np.ndarray) -> tuple[object, str | None]:
    """Return (ciclo_dias, dia_habitual) from one provider's order days and orders per day."""
    if len(days) == 0:
        return DEFAULT_CYCLE_DAYS, None
    dates = np.unique(days)
    cycle = _median(np.diff(dates), DEFAULT_CYCLE_DAYS)
    if len(dates) < MIN_ORDER_DATES:
        cycle = DEFAULT_CYCLE_DAYS
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    per_weekday = np.bincount(weekday, weights=counts, minlength=7)
    return cycle, WEEKDAYS[int(np.argmax(per_weekday))]  # argmax: the first of equal counts


def _whole(value: float) -> int | float:
    """Return a whole float as int (medians of whole days are whole or end in .5)."""
    return int(value) if float(value).is_integer() else value


def _with_history(conn, items: pd.DataFrame, filters: Filters, now: datetime) -> pd.DataFrame:
    """Add consumo_diario (sales of the last `dias` full days), en_camino and pack.

    The pack only changes how far up a positive shortfall is rounded, so it is looked up for
    the products short of stock alone: on a year of lines that is most of the query's time.
    """
    sold = _sales(conn, now.date(), filters.dias)
    items = items.merge(sold, on="producto_id", how="left")
    items["consumo_diario"] = items["vendido"].fillna(0).astype("float64") / filters.dias
    items = _merge_lines(items, _on_the_way(conn, now), "en_camino")
    items["en_camino"] = items["en_camino"].fillna(0).astype("int64")
    short = items[np.round(_shortfall(items).to_numpy(), 6) > 0]
    items = _merge_lines(items, _packs(conn, now, list(short["producto"].unique())), "pack")
    items["pack"] = items["pack"].fillna(1).astype("int64")
    return items.drop(columns=["vendido"])


def _merge_lines(items: pd.DataFrame, found: pd.DataFrame, column: str) -> pd.DataFrame:
    """Join per (provider, exact product name) values of order lines onto the products."""
    found = found.rename(columns={"producto_nombre": "producto"})[
        ["proveedor_id", "producto", column]
    ]
    return items.merge(found, on=["proveedor_id", "producto"], how="left")


def _sales(conn: Connection, today: date, dias: int) -> pd.DataFrame:
    """Units out (`salida`) per product from today − dias 00:00 to today 00:00."""
    start = datetime.combine(today - timedelta(days=dias), time.min)
    end = datetime.combine(today, time.min)
    statement = (
        select(moves.c.producto_id, func.sum(moves.c.cantidad))
        .where(
            moves.c.tipo_movimiento == "salida",
            *window(moves.c.fecha_movimiento, start, end),
            *_narrow(conn)(moves, start, end),
        )
        .group_by(moves.c.producto_id)
    )
    sold = frame(conn, statement, ["producto_id", "vendido"])
    sold["vendido"] = sold["vendido"].astype("float64")
    return sold


def _on_the_way(conn: Connection, now: datetime) -> pd.DataFrame:
    """Units of open orders of the last 30 days, per provider and exact product name."""
    start, end = last_days(now, ON_THE_WAY_DAYS)
    narrow = _narrow(conn)
    statement = (
        select(pedidos.c.proveedor_id, lines.c.producto_nombre, func.sum(lines.c.cantidad))
        .select_from(lines)
        .join(pedidos, lines.c.pedido_id == pedidos.c.id)
        .where(
            *window(pedidos.c.fecha_pedido, start, end),
            *narrow(pedidos, start, end),
            *narrow(lines, start, end),
            pedidos.c.fecha_entrega_real.is_(None),
            or_(pedidos.c.estado.is_(None), pedidos.c.estado.not_in(CLOSED_ORDER_STATES)),
        )
        .group_by(pedidos.c.proveedor_id, lines.c.producto_nombre)
    )
    found = frame(conn, statement, ["proveedor_id", "producto_nombre", "en_camino"])
    found["en_camino"] = found["en_camino"].fillna(0).astype("int64")
    return found


def _packs(conn: Connection, now: datetime, names: list[str]) -> pd.DataFrame:
    """Pack (GCD of line quantities, 180 days) per provider and exact name, for `names`."""
    columns = ["proveedor_id", "producto_nombre", "cantidad"]
    if not names:
        return pd.DataFrame(columns=[*columns[:2], "pack"])
    start, end = last_days(now, LEAD_WINDOW_DAYS)
    narrow = _narrow(conn)
    in_window = [*window(pedidos.c.fecha_pedido, start, end), *narrow(pedidos, start, end)]
    first, last = conn.execute(
        select(func.min(pedidos.c.id), func.max(pedidos.c.id)).where(*in_window)
    ).one()
    statement = (
        select(pedidos.c.proveedor_id, lines.c.producto_nombre, lines.c.cantidad)
        .join(pedidos, pedidos.c.id == lines.c.pedido_id)
        # The id ranges only narrow the index scans; the date condition decides.
        .where(
            lines.c.producto_nombre.in_(names),
            lines.c.pedido_id.between(first, last),
            *in_window,
            *narrow(lines, start, end),
        )
        .group_by(pedidos.c.proveedor_id, lines.c.producto_nombre, lines.c.cantidad)
    )
    found = frame(conn, statement, columns)
    found["cantidad"] = found["cantidad"].fillna(0).astype("int64").abs()
    grouped = found.groupby(["proveedor_id", "producto_nombre"], sort=False)["cantidad"]
    result = grouped.agg(np.gcd.reduce).rename("pack").reset_index()
    result.loc[result["pack"] == 0, "pack"] = 1
    return result


# ---------------------------------------------------------------------------------------------
# The rule
# ---------------------------------------------------------------------------------------------


def _suggest(items: pd.DataFrame) -> pd.DataFrame:
    """Apply objetivo, sugerido, cobertura_dias, urgencia and importe_estimado."""
    plazo = items["plazo_dias"].astype("float64")
    consumo = items["consumo_diario"]
    missing = _shortfall(items).to_numpy()
    items["sugerido"] = round_up_to_pack(missing, items["pack"].to_numpy())
    coverage = (items["stock_actual"] / consumo).where(consumo > 0)
    items["urgencia"] = np.select(
        [items["stock_actual"] <= 0, coverage < plazo], ["agotado", "critico"], "reponer"
    )
    items["cobertura_dias"] = coverage.round(1)
    items["consumo_diario"] = consumo.round(2)
    items["importe_estimado"] = (items["sugerido"] * items["precio_compra"]).round(2)
    return items


def _shortfall(items: pd.DataFrame) -> pd.Series:
    """Return max(0, objetivo − stock_actual − en_camino), objetivo = consumo × días + mínimo."""
    days = items["plazo_dias"].astype("float64") + items["ciclo_dias"].astype("float64")
    objetivo = items["consumo_diario"] * days + items["stock_minimo"]
    return (objetivo - items["stock_actual"] - items["en_camino"]).clip(lower=0)


def round_up_to_pack(missing: np.ndarray, pack: np.ndarray) -> np.ndarray:
    """Round to 6 decimals, then up to a whole multiple of pack (exact, in millionths)."""
    micro = np.rint(np.round(missing.astype("float64"), 6) * MICRO).astype(np.int64)
    step = pack.astype(np.int64) * MICRO
    return (-(-micro // step) * pack).astype(np.int64)


def _sorted(items: pd.DataFrame) -> pd.DataFrame:
    """Order by urgency, then days of cover (unknown last), then product id."""
    rank = items["urgencia"].map({name: i for i, name in enumerate(URGENCY)})
    keyed = items.assign(_rank=rank, _nocover=items["cobertura_dias"].isna())
    keyed = keyed.sort_values(["_rank", "_nocover", "cobertura_dias", "producto_id"])
    return keyed.drop(columns=["_rank", "_nocover"])


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


# ---- Declarations (docs/architecture.md): /api/reorder's productos are REORDER's fields.
REORDER = Metric("reorder", reorder, PRODUCT, heavy=True)
REORDER_SCHEDULE = Metric("reorder_schedule", reorder_schedule)
