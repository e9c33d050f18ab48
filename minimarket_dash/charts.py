"""Pure builders DataFrame -> plotly figure, in Spanish with es-AR number formats.

Figures are plain dicts in plotly's JSON shape (what dcc.Graph sends to the browser): building
them through plotly.graph_objects validates every property and costs ~30-100 ms a figure, which
a page of six charts pays on every load. Tests validate them with go.Figure(fig).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape, unescape

import pandas as pd

from .formatting import day_label, fmt_int, fmt_money, month_label, week_label, week_monday
from .periods import PARTIAL

Figure = dict
# Okabe-Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
KIND_COLORS = {"entrada": "#009E73", "salida": "#D55E00", "ajuste": "#0072B2"}
KIND_LABELS = {"entrada": "Entradas", "salida": "Salidas", "ajuste": "Ajustes"}
KIND_SYMBOLS = {"entrada": "circle", "salida": "square", "ajuste": "diamond"}
EMPTY_MESSAGE = "Sin datos para el período elegido"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
NO_PROVIDER = "—"  # a product bar whose product has no main provider
LABEL_MAX = 22  # longer category names are cut on the axis (the hover shows them whole)


def _axis(**extra) -> dict:
    # No automargin: it makes plotly draw every chart twice, and drawing is most of a
    # page's time on a phone. Margins are sized from the labels instead (see _margin).
    return {
        "fixedrange": True,
        "gridcolor": "#e6e9ee",
        "linecolor": "#c9ced6",
        "zerolinecolor": "#c9ced6",
        **extra,
    }


def _margin(left: int = 48, bottom: int = 28, right: int = 8, top: int = 8) -> dict:
    return {"l": left, "r": right, "t": top, "b": bottom, "pad": 2}


def layout(height: int = 320, legend: bool = False, **extra) -> dict:
    """Return the shared layout: es-AR separators, palette, compact margins, no drag."""
    margin = _margin(top=34 if legend else 8)
    return {
        "separators": ",.",
        "colorway": list(PALETTE),
        "font": {"family": FONT, "size": 12, "color": "#2a2f36"},
        "height": height,
        "margin": margin,
        "showlegend": legend,
        "legend": {
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.0,
            "x": 0,
            "traceorder": "normal",
        },
        "hoverlabel": {"font": {"family": FONT}},
        "dragmode": False,
        # Transparent: the chart sits on its card, light or dark (assets/50-theme.css).
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "xaxis": _axis(),
        "yaxis": _axis(),
        **extra,
    }


def nice_step(peak: float, ticks: int = 4) -> int:
    """Return a whole tick step (1, 2, 5, 10, 20, 50...) giving about `ticks` ticks to peak."""
    step = 1
    while step * ticks < peak:
        for factor in (2, 5 / 2, 2):
            step = round(step * factor)
            if step * ticks >= peak:
                break
    return step


def counts_axis(fig: Figure, peak: float, axis: str = "yaxis", ticks: int = 4) -> Figure:
    """Label a count axis with whole, round numbers only (no 2,5 pedidos, no 10,67)."""
    settings = fig["layout"].setdefault(axis, _axis())
    settings.update(
        {
            "tickformat": ",d",
            "rangemode": "tozero",
            "tick0": 0,
            "dtick": nice_step(float(peak), ticks),
        }
    )
    return fig


def empty_figure(message: str = EMPTY_MESSAGE, height: int = 320) -> Figure:
    """Return a figure that says there is nothing to draw, instead of blank axes."""
    note = {
        "text": message,
        "showarrow": False,
        "x": 0.5,
        "y": 0.5,
        "xref": "paper",
        "yref": "paper",
        "font": {"size": 15, "color": "#555"},
    }
    return {
        "data": [],
        "layout": layout(
            height, annotations=[note], xaxis=_axis(visible=False), yaxis=_axis(visible=False)
        ),
    }


def _ints(series) -> list[int]:
    return [int(value) for value in series]


def as_text(value) -> str:
    """Return a stored name as plotly text that shows it as written: plotly reads `<a href>`,
    `<b>`, `<br>`… in labels, hovers and legends as markup, and shows `&lt;` as `<`."""
    return escape(str(value), quote=False)


def _short(label: str) -> str:
    """Cut a name to LABEL_MAX characters, as plotly text (as_text)."""
    label = str(label)
    return as_text(label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1].rstrip() + "…")


def _two_lines(label: str) -> str:
    """Wrap a name in two axis lines of LABEL_MAX characters at most.

    The first line breaks at a space; a second line still too long keeps the name's end (brand
    and size tell similar products apart) after «…».
    """
    label = str(label)
    if len(label) <= LABEL_MAX:
        return as_text(label)
    cut = label.rfind(" ", 0, LABEL_MAX + 1)
    cut = cut if cut > 0 else LABEL_MAX
    first, rest = label[:cut].rstrip(), label[cut:].strip()
    if len(rest) > LABEL_MAX:
        rest = "…" + rest[-(LABEL_MAX - 1) :].lstrip()
    return f"{as_text(first)}<br>{as_text(rest)}"


def axis_labels(labels: Sequence[str]) -> list[str]:
    """Return each name's axis text, wrapped (see _two_lines) and never equal for two names."""
    texts = [_two_lines(label) for label in labels]
    seen: dict[str, int] = {}
    for index, text in enumerate(texts):
        seen[text] = seen.get(text, 0) + 1
        if seen[text] > 1:  # the same start and end: number the repeats
            texts[index] = f"{text} ({seen[text]})"
    return texts


def _hbar(labels: Sequence[str], values: Sequence[int], hover: str, **trace) -> Figure:
    """Return horizontal bars, the first label on top, long names cut on the axis.

    Each bar's name is its `hovertext` as plotly text (`%{hovertext}` in `hover`); customdata
    keeps the names as stored, for what a tap does with them.
    """
    labels, values = list(labels), _ints(values)
    bar = {
        "type": "bar",
        "orientation": "h",
        "x": values,
        "y": labels,
        "hovertemplate": hover,
        "hovertext": [as_text(label) for label in labels],
        **trace,
    }
    ticktext = axis_labels(labels)
    y_axis = _axis(autorange="reversed", type="category", tickvals=labels, ticktext=ticktext)
    lines = [unescape(line) for text in ticktext for line in text.split("<br>")]
    left = 12 + 7 * max((len(line) for line in lines), default=4)
    fig = {
        "data": [bar],
        "layout": layout(
            max(220, 38 * len(labels) + 40), yaxis=y_axis, margin=_margin(left=left, right=16)
        ),
    }
    peak = max((abs(v) for v in values), default=0)
    # Level value ticks (a slanted «20.000» was cut on phones); three of them when they are long.
    fig["layout"]["xaxis"]["tickangle"] = 0
    return counts_axis(fig, peak, "xaxis", ticks=3 if peak >= 10_000 else 4)


def _customdata(frame: pd.DataFrame, columns: list[str]) -> list[list]:
    return [[_plain(value) for value in row] for row in frame[columns].itertuples(index=False)]


def _plain(value):
    """Turn numpy scalars into Python ones so the figure is plain JSON."""
    return value.item() if hasattr(value, "item") else value


PARTIAL_OPACITY = 0.4


# Room under a period axis for its three tick lines: month, year, «parcial».
PERIOD_AXIS_BOTTOM = 56
PERIOD_TICK_SIZE = 10
# At most this many labelled ticks: seven «sep» or «23/02» fit a 390 px phone side by side
# (twelve do not; bars between two labels keep their tick mark and their hover).
PERIOD_LABELS_MAX = 7
BLANK_LINE = "\u00a0"  # keeps «parcial» on the third line under a label without a year


def _period_lines(period, year_shown: str | None) -> list[str]:
    """Return the lines of one labelled tick: «ene» over «2026» when the year changes, or «23/02».

    A partial period adds «parcial» below (on the third line under a month).
    """
    partial = [PARTIAL] if period.partial else []
    if "-W" in period.key:
        return [period.label.split(" ")[0], *partial]
    month, year = period.label.split(" ")[:2]
    if year != year_shown:
        return [month, year, *partial]
    return [month, BLANK_LINE, *partial] if partial else [month]


def period_ticks(marked: Sequence) -> list[str]:
    """Return the tick text of periods (periods.Period, oldest first), short enough for a phone.

    Every `step`-th bar counted back from the newest is labelled (all of them when there are
    at most PERIOD_LABELS_MAX), the others get an empty text. A month shows its full year on
    the first label of each year. The hover keeps the whole label.
    """
    step = -(-len(marked) // PERIOD_LABELS_MAX)
    texts, year_shown = [], None
    for index, period in enumerate(marked):
        if (len(marked) - 1 - index) % step:
            texts.append("")
            continue
        texts.append("<br>".join(_period_lines(period, year_shown)))
        year_shown = period.key[:4]
    return texts


def period_axis(marked: Sequence) -> dict:
    """A category axis of periods with level ticks that a phone never cuts (see period_ticks)."""
    labels = [period.label for period in marked]
    return _axis(
        type="category",
        tickvals=labels,
        ticktext=period_ticks(marked),
        tickangle=0,
        tickfont={"size": PERIOD_TICK_SIZE},
    )


def partial_marks(marked, color: str = PALETTE[0]) -> tuple[list[str], dict, list[str]]:
    """Return the x labels, the bar marker and the hover notes of periods (periods.Period).

    A partial period (cut by the range, or still running) is drawn lighter and says
    «parcial» in its label and its hover.
    """
    labels = [period.label for period in marked]
    opacity = [PARTIAL_OPACITY if period.partial else 1.0 for period in marked]
    notes = [" (parcial)" if period.partial else "" for period in marked]
    return labels, {"color": color, "opacity": opacity}, notes


def orders_per_week(
    frame: pd.DataFrame, weeks: Sequence[str] | None = None, marked: Sequence | None = None
) -> Figure:
    """Bars of orders per ISO week (weekly_sales rows), oldest first; `weeks` fills gaps.

    `marked` (periods.Period of each week, in order) draws partial weeks lighter.
    """
    if frame.empty:
        return empty_figure()
    if weeks:
        frame = frame.set_index("semana").reindex(list(weeks)).fillna(0).reset_index()
    x = [day_label(week_monday(week)) for week in frame["semana"]]
    marker, notes = {"color": PALETTE[0]}, [""] * len(frame)
    if marked:
        x, marker, notes = partial_marks(marked)
    frame = frame.assign(
        etiqueta=[
            week_label(week) + note for week, note in zip(frame["semana"], notes, strict=True)
        ]
    )
    bar = {
        "type": "bar",
        "x": x,
        "y": _ints(frame["pedidos"]),
        "marker": marker,
        "customdata": _customdata(frame.astype({"productos": "int64"}), ["etiqueta", "productos"]),
        "hovertemplate": "%{customdata[0]}<br>Pedidos: %{y:,d}"
        "<br>Unidades: %{customdata[1]:,d}<extra></extra>",
    }
    # A «(parcial)» label is longer: room below and on the right for its slant.
    fig = {
        "data": [bar],
        "layout": layout(
            xaxis=_axis(type="category", title={"text": "Semana (desde el lunes)"}),
            margin=_margin(bottom=84, right=64) if marked else _margin(bottom=64),
        ),
    }
    return counts_axis(fig, frame["pedidos"].max())


def _by_kind(frame: pd.DataFrame, value: str, index: list[str]) -> pd.DataFrame:
    """Pivot rows of (index key, tipo, value) into one column per movement kind, gaps as 0."""
    key = frame.columns[0]
    frame = frame.assign(tipo=frame["tipo"].str.lower())
    wide = frame.pivot_table(index=key, columns="tipo", values=value, aggfunc="sum")
    return wide.reindex(index=index, columns=list(KIND_COLORS)).fillna(0).astype("int64")


def _kind_bars(wide: pd.DataFrame, labels: list[str]) -> list[dict]:
    return [
        {
            "type": "bar",
            "x": labels,
            "y": _ints(wide[kind]),
            "name": KIND_LABELS[kind],
            "marker": {"color": KIND_COLORS[kind]},
            "hovertemplate": f"%{{x}} · {KIND_LABELS[kind]}: %{{y:,d}}<extra></extra>",
        }
        for kind in KIND_COLORS
    ]


def movements_per_day(frame: pd.DataFrame, days: Sequence[date] | None = None) -> Figure:
    """Stacked bars of stock movements per day and kind (stock_timeline rows), gap-free."""
    if frame.empty:
        return empty_figure()
    index = [d.isoformat() for d in days] if days else sorted(frame["fecha"].unique())
    wide = _by_kind(frame, "movimientos", index)
    fig = {
        "data": _kind_bars(wide, [day_label(day) for day in index]),
        "layout": layout(
            legend=True,
            barmode="stack",
            xaxis=_axis(type="category"),
            margin=_margin(bottom=50, top=34),
        ),
    }
    return counts_axis(fig, wide.sum(axis=1).max())


def top_providers(frame: pd.DataFrame) -> Figure:
    """Horizontal bars of orders per provider (orders_by_provider rows)."""
    if frame.empty:
        return empty_figure()
    return _hbar(
        frame["nombre"],
        frame["pedidos"],
        "%{hovertext}<br>Pedidos: %{x:,d}<extra></extra>",
        marker={"color": PALETTE[0]},
        customdata=_customdata(frame, ["nombre"]),
    )


def provider_orders(frame: pd.DataFrame, limit: int = 15) -> Figure:
    """Horizontal bars of total orders for the providers with most orders (providers rows)."""
    shown = frame[frame["total_pedidos"] > 0].head(limit)
    if shown.empty:
        return empty_figure()
    return _hbar(
        shown["nombre"],
        shown["total_pedidos"],
        "%{hovertext}<br>Pedidos: %{x:,d}<br>Últimos 30 días: %{customdata[1]:,d}<extra></extra>",
        marker={"color": PALETTE[0]},
        customdata=_customdata(shown, ["nombre", "pedidos_mes"]),
    )


def top_products(frame: pd.DataFrame, limit: int = 10) -> Figure:
    """Horizontal bars of units per product (top_products rows); customdata names the provider."""
    shown = frame.head(limit)
    if shown.empty:
        return empty_figure()
    return _hbar(
        shown["producto"],
        shown["cantidad_total"],
        "%{hovertext}<br>Unidades: %{x:,d}<br>Pedidos: %{customdata[0]:,d}"
        "<br>Proveedor principal: %{text}<extra></extra>",
        marker={"color": PALETTE[1]},
        customdata=_customdata(
            shown.fillna({"proveedor": NO_PROVIDER}), ["pedidos", "proveedor", "producto"]
        ),
        # The provider's name as plotly text, for the hover only (not drawn on the bar).
        text=[as_text(name) for name in shown["proveedor"].fillna(NO_PROVIDER)],
        textposition="none",
    )


def monthly_orders(frame: pd.DataFrame) -> Figure:
    """Lines of orders and of ordering providers per month (monthly_orders rows)."""
    if frame.empty:
        return empty_figure()
    labels = [month_label(month, short=True) for month in frame["mes"]]
    orders = {
        "type": "scatter",
        "x": labels,
        "y": _ints(frame["pedidos"]),
        "name": "Pedidos",
        "mode": "lines+markers",
        "line": {"color": PALETTE[0], "width": 3},
        "hovertemplate": "%{x}<br>Pedidos: %{y:,d}<extra></extra>",
    }
    providers = {
        "type": "scatter",
        "x": labels,
        "y": _ints(frame["proveedores_activos"]),
        "name": "Proveedores activos",
        "mode": "lines+markers",
        "yaxis": "y2",
        "line": {"color": PALETTE[1], "dash": "dot"},
        "marker": {"symbol": "diamond"},
        "hovertemplate": "%{x}<br>Proveedores activos: %{y:,d}<extra></extra>",
    }
    fig = {
        "data": [orders, providers],
        "layout": layout(
            legend=True,
            xaxis=_axis(type="category"),
            yaxis=_axis(title={"text": "Pedidos"}),
            yaxis2=_axis(
                title={"text": "Proveedores"}, overlaying="y", side="right", showgrid=False
            ),
            margin=_margin(left=64, right=56, top=34, bottom=64),
        ),
    }
    counts_axis(fig, frame["proveedores_activos"].max(), "yaxis2")
    return counts_axis(fig, frame["pedidos"].max())


def monthly_movements(frame: pd.DataFrame) -> Figure:
    """Grouped bars of movements per month and kind (monthly_movements rows)."""
    if frame.empty:
        return empty_figure()
    months = sorted(frame["mes"].unique())
    wide = _by_kind(frame, "movimientos", months)
    labels = [month_label(month, short=True) for month in months]
    fig = {
        "data": _kind_bars(wide, labels),
        "layout": layout(
            legend=True,
            barmode="group",
            xaxis=_axis(type="category"),
            margin=_margin(top=34, bottom=64),
        ),
    }
    return counts_axis(fig, wide.max().max())


def stock_by_provider(frame: pd.DataFrame, selected: str | None = None) -> Figure:
    """Horizontal bars of net stock per provider (stock_by_provider rows); negatives stand out."""
    if frame.empty:
        return empty_figure()
    colors = [PALETTE[3] if value < 0 else PALETTE[2] for value in frame["stock_total"]]
    outline = [3 if name == selected else 0 for name in frame["nombre"]]
    return _hbar(
        frame["nombre"],
        frame["stock_total"],
        "%{hovertext}<br>Stock neto: %{x:,d} u.<extra></extra>",
        marker={"color": colors, "line": {"color": "#000", "width": outline}},
        customdata=_customdata(frame, ["nombre"]),
    )


def stock_timeline(frame: pd.DataFrame) -> Figure:
    """Lines of units moved per day and kind (stock_timeline rows), oldest day first."""
    if frame.empty:
        return empty_figure()
    days = sorted(frame["fecha"].unique())
    wide = _by_kind(frame, "productos", days)
    labels = [day_label(day) for day in days]
    lines = [
        {
            "type": "scatter",
            "x": labels,
            "y": _ints(wide[kind]),
            "name": KIND_LABELS[kind],
            "mode": "lines+markers",
            "line": {"color": KIND_COLORS[kind]},
            "marker": {"symbol": KIND_SYMBOLS[kind]},
            "hovertemplate": f"%{{x}} · {KIND_LABELS[kind]}: %{{y:,d}} u.<extra></extra>",
        }
        for kind in KIND_COLORS
    ]
    fig = {
        "data": lines,
        "layout": layout(
            legend=True, xaxis=_axis(type="category"), margin=_margin(bottom=50, top=34)
        ),
    }
    return counts_axis(fig, wide.abs().max().max())


# ---- Issue 17: money, order states, and monthly charts that mark their partial periods.

STATE_ORDER = ("pendiente", "enviado", "entregado", "cancelado")
STATE_COLORS = {
    "pendiente": PALETTE[1],
    "enviado": PALETTE[0],
    "entregado": PALETTE[2],
    "cancelado": PALETTE[3],
}
MONEY_AXIS = {"tickprefix": "$ ", "tickformat": "~s", "rangemode": "tozero"}


def money_per_period(frame: pd.DataFrame, marked: Sequence) -> Figure:
    """Bars of money per month or week (`importe`, `pedidos` per key of `marked`), es-AR $.

    `marked` (periods.Period, oldest first) gives the bars, their labels and partial marks;
    a period without orders is drawn as $ 0.
    """
    if frame.empty or not marked:
        return empty_figure()
    keyed = frame.set_index(frame.columns[0]).reindex([p.key for p in marked]).fillna(0)
    labels, marker, notes = partial_marks(marked, PALETTE[2])
    amounts = [float(value) for value in keyed["importe"]]
    hover = [
        [f"{label}{note}", fmt_money(amount), fmt_int(orders)]
        for label, note, amount, orders in zip(
            labels, notes, amounts, keyed["pedidos"], strict=True
        )
    ]
    bar = {
        "type": "bar",
        "x": labels,
        "y": amounts,
        "marker": marker,
        "text": [fmt_money(amount, short=True) for amount in amounts],
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": hover,
        "hovertemplate": "%{customdata[0]}<br>Compras: %{customdata[1]}"
        "<br>Pedidos no cancelados: %{customdata[2]}<extra></extra>",
    }
    return {
        "data": [bar],
        "layout": layout(
            xaxis=period_axis(marked),
            yaxis=_axis(**MONEY_AXIS),
            # Bar texts too small to read (thirteen bars on a phone) are left out; the hover stays.
            uniformtext={"minsize": 9, "mode": "hide"},
            margin=_margin(left=64, bottom=PERIOD_AXIS_BOTTOM, top=24, right=40),
        ),
    }


def money_per_provider(frame: pd.DataFrame, limit: int = 10) -> Figure:
    """Horizontal bars of money per provider (spending.by_provider rows), most first."""
    shown = frame.head(limit).fillna({"proveedor": "Sin proveedor"})
    if shown.empty:
        return empty_figure()
    names = list(shown["proveedor"])
    fig = _hbar(
        names,
        [round(float(v)) for v in shown["importe"]],
        "%{hovertext}<br>Compras: %{customdata[1]}"
        "<br>Pedidos no cancelados: %{customdata[2]}<extra></extra>",
        marker={"color": PALETTE[2]},
        customdata=[
            [name, fmt_money(float(amount)), fmt_int(orders)]
            for name, amount, orders in zip(names, shown["importe"], shown["pedidos"], strict=True)
        ],
        text=[fmt_money(float(v), short=True) for v in shown["importe"]],
        textposition="auto",
    )
    fig["layout"]["xaxis"].update({**MONEY_AXIS, "dtick": None})
    return fig


def order_states(frame: pd.DataFrame) -> Figure:
    """Horizontal bars of orders per state (order_status rows): the four known states first."""
    if frame.empty:
        return empty_figure()
    counts = dict(zip(frame["estado"], frame["pedidos"], strict=True))
    others = sorted(state for state in counts if state not in STATE_ORDER)
    states = [*STATE_ORDER, *others]
    return _hbar(
        states,
        [counts.get(state, 0) for state in states],
        "%{hovertext}: %{x:,d} pedidos<extra></extra>",
        marker={"color": [STATE_COLORS.get(state, "#6c757d") for state in states]},
    )


def orders_per_period(frame: pd.DataFrame, marked: Sequence) -> Figure:
    """Orders (and ordering providers, when per month) per period, partial ones marked.

    `frame`'s first column holds the keys of `marked`; `proveedores_activos` is optional
    (weekly rows do not have it).
    """
    if frame.empty or not marked:
        return empty_figure()
    keyed = frame.set_index(frame.columns[0]).reindex([p.key for p in marked]).fillna(0)
    labels, marker, notes = partial_marks(marked)
    orders = {
        "type": "bar",
        "x": labels,
        "y": _ints(keyed["pedidos"]),
        "name": "Pedidos",
        "marker": marker,
        "customdata": notes,
        "hovertemplate": "%{x}<br>Pedidos: %{y:,d}<extra></extra>",
    }
    data = [orders]
    if "proveedores_activos" in keyed:
        data.append(
            {
                "type": "scatter",
                "x": labels,
                "y": _ints(keyed["proveedores_activos"]),
                "name": "Proveedores con pedidos",
                "mode": "lines+markers",
                "yaxis": "y2",
                "line": {"color": PALETTE[1], "dash": "dot"},
                "marker": {"symbol": "diamond"},
                "hovertemplate": "%{x}<br>Proveedores con pedidos: %{y:,d}<extra></extra>",
            }
        )
    fig = {
        "data": data,
        "layout": layout(
            legend=True,
            xaxis=period_axis(marked),
            yaxis=_axis(title={"text": "Pedidos"}),
            yaxis2=_axis(
                title={"text": "Proveedores"}, overlaying="y", side="right", showgrid=False
            ),
            margin=_margin(left=64, right=56, top=34, bottom=PERIOD_AXIS_BOTTOM),
        ),
    }
    if "proveedores_activos" in keyed:
        counts_axis(fig, keyed["proveedores_activos"].max(), "yaxis2")
    return counts_axis(fig, keyed["pedidos"].max())


def movements_per_period(frame: pd.DataFrame, marked: Sequence) -> Figure:
    """Grouped bars of movements per period and kind (key, tipo, movimientos rows), marked."""
    if frame.empty or not marked:
        return empty_figure()
    wide = _by_kind(frame, "movimientos", [p.key for p in marked])
    labels, marker, _ = partial_marks(marked)
    bars = _kind_bars(wide, labels)
    for bar in bars:
        bar["marker"]["opacity"] = marker["opacity"]
    fig = {
        "data": bars,
        "layout": layout(
            legend=True,
            barmode="group",
            xaxis=period_axis(marked),
            margin=_margin(top=34, bottom=PERIOD_AXIS_BOTTOM, right=40),
        ),
    }
    return counts_axis(fig, wide.max().max())


def _month_axis(labels: Sequence[str]) -> dict:
    """A month category axis whose ticks break «mar 2026» in two lines (never cut on phones)."""
    ticks = [label.replace(" ", "<br>", 1) for label in labels]
    return _axis(type="category", tickvals=list(labels), ticktext=ticks, tickangle=0)


def product_prices(frame: pd.DataFrame) -> Figure:
    """Line of a product's weighted unit purchase price per month (product_prices rows)."""
    if frame.empty:
        return empty_figure("Sin compras en 12 meses")
    labels = [month_label(month, short=True) for month in frame["mes"]]
    line = {
        "type": "scatter",
        "x": labels,
        "y": [float(v) for v in frame["precio"]],
        "mode": "lines+markers",
        "line": {"color": PALETTE[0], "width": 3},
        "customdata": _ints(frame["cantidad"]),
        "hovertemplate": "%{x}<br>Precio: $ %{y:,.2f}<br>Unidades: %{customdata:,d}<extra></extra>",
    }
    return {
        "data": [line],
        "layout": layout(
            xaxis=_month_axis(labels),
            yaxis=_axis(tickprefix="$ ", tickformat=",.2f", rangemode="tozero"),
            margin=_margin(left=80, bottom=44),
        ),
    }


def product_movements(frame: pd.DataFrame) -> Figure:
    """Grouped bars of a product's units moved per month and kind (product_movements rows)."""
    if frame.empty:
        return empty_figure("Sin movimientos en 12 meses")
    months = sorted(frame["mes"].unique())
    wide = _by_kind(frame[["mes", "tipo", "unidades"]], "unidades", months)
    labels = [month_label(month, short=True) for month in months]
    bars = _kind_bars(wide, labels)
    for bar in bars:
        bar["hovertemplate"] = bar["hovertemplate"].replace("<extra>", " u.<extra>")
    fig = {
        "data": bars,
        "layout": layout(
            legend=True,
            barmode="group",
            xaxis=_month_axis(labels),
            margin=_margin(top=34, bottom=44),
        ),
    }
    return counts_axis(fig, wide.abs().max().max())
