"""Pure builders DataFrame -> plotly Figure, in Spanish with es-AR number formats."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from .formatting import day_label, month_label, week_label

# Okabe-Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
KIND_COLORS = {"entrada": "#009E73", "salida": "#D55E00", "ajuste": "#0072B2"}
KIND_LABELS = {"entrada": "Entradas", "salida": "Salidas", "ajuste": "Ajustes"}
EMPTY_MESSAGE = "Sin datos para el período elegido"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
_GRID = {"gridcolor": "#e6e9ee", "linecolor": "#c9ced6", "zerolinecolor": "#c9ced6",
         "ticks": "", "title": {"standoff": 8}}
# A small template of our own: plotly_white would add ~10 KB of JSON to every figure.
TEMPLATE = {"layout": {"paper_bgcolor": "#fff", "plot_bgcolor": "#fff", "xaxis": _GRID,
                       "yaxis": _GRID, "font": {"color": "#2a2f36"}}}


def style(fig: go.Figure, height: int = 320, legend: bool = False) -> go.Figure:
    """Apply the shared look: es-AR separators, palette, compact margins, Spanish hover."""
    fig.update_layout(
        separators=",.",
        template=TEMPLATE,
        colorway=list(PALETTE),
        font={"family": FONT, "size": 12},
        height=height,
        margin={"l": 8, "r": 8, "t": 8, "b": 8},
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        hoverlabel={"font": {"family": FONT}},
        dragmode=False,
    )
    fig.update_xaxes(automargin=True, fixedrange=True)
    fig.update_yaxes(automargin=True, fixedrange=True, separatethousands=True)
    return fig


def counts_axis(fig: go.Figure, peak: float, axis: str = "yaxis") -> go.Figure:
    """Label a count axis with whole numbers only (no 2,5 pedidos on small ranges)."""
    settings = {"tickformat": ",d", "rangemode": "tozero"}
    if peak < 8:
        settings["dtick"] = 1
    fig.update_layout({axis: settings})
    return fig


def empty_figure(message: str = EMPTY_MESSAGE, height: int = 320) -> go.Figure:
    """Return a figure that says there is nothing to draw, instead of blank axes."""
    fig = go.Figure()
    fig.add_annotation(
        text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
        font={"size": 15, "color": "#555"},
    )
    style(fig, height)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _hbar(labels: Sequence, values: Sequence, hover: str, **trace) -> go.Figure:
    """Return horizontal bars, the first label on top."""
    fig = go.Figure(
        go.Bar(x=list(values), y=list(labels), orientation="h", hovertemplate=hover, **trace)
    )
    height = max(220, 34 * len(labels) + 40)
    style(fig, height)
    fig.update_yaxes(autorange="reversed", type="category")
    return counts_axis(fig, max((abs(v) for v in values), default=0), "xaxis")


def orders_per_week(frame: pd.DataFrame, weeks: Sequence[str] | None = None) -> go.Figure:
    """Bars of orders per ISO week (weekly_sales rows), oldest first; `weeks` fills gaps."""
    if frame.empty:
        return empty_figure()
    if weeks:
        frame = frame.set_index("semana").reindex(list(weeks)).fillna(0).reset_index()
    labels = [week_label(week) for week in frame["semana"]]
    fig = go.Figure(
        go.Bar(
            x=labels, y=frame["pedidos"], marker_color=PALETTE[0],
            customdata=frame[["semana", "productos"]].to_numpy(),
            hovertemplate="%{customdata[0]} · %{x}<br>Pedidos: %{y:,d}"
            "<br>Unidades: %{customdata[1]:,d}<extra></extra>",
        )
    )
    style(fig)
    fig.update_xaxes(type="category", tickangle=-45)
    return counts_axis(fig, frame["pedidos"].max())


def _by_kind(frame: pd.DataFrame, value: str, index: list[str]) -> pd.DataFrame:
    """Pivot rows of (index key, tipo, value) into one column per movement kind, gaps as 0."""
    key = frame.columns[0]
    frame = frame.assign(tipo=frame["tipo"].str.lower())
    wide = frame.pivot_table(index=key, columns="tipo", values=value, aggfunc="sum")
    return wide.reindex(index=index, columns=list(KIND_COLORS)).fillna(0).astype("int64")


def movements_per_day(frame: pd.DataFrame, days: Sequence[date] | None = None) -> go.Figure:
    """Stacked bars of stock movements per day and kind (stock_timeline rows), gap-free."""
    if frame.empty:
        return empty_figure()
    index = [d.isoformat() for d in days] if days else sorted(frame["fecha"].unique())
    wide = _by_kind(frame, "movimientos", index)
    labels = [day_label(day) for day in index]
    fig = go.Figure(
        [
            go.Bar(
                x=labels, y=wide[kind], name=KIND_LABELS[kind], marker_color=KIND_COLORS[kind],
                hovertemplate=f"%{{x}} · {KIND_LABELS[kind]}: %{{y:,d}}<extra></extra>",
            )
            for kind in KIND_COLORS
        ]
    )
    style(fig, legend=True)
    fig.update_layout(barmode="stack", margin={"t": 30})
    fig.update_xaxes(type="category", tickangle=-45)
    return counts_axis(fig, wide.sum(axis=1).max())


def top_providers(frame: pd.DataFrame) -> go.Figure:
    """Horizontal bars of orders per provider (orders_by_provider rows)."""
    if frame.empty:
        return empty_figure()
    return _hbar(
        frame["nombre"], frame["pedidos"], "%{y}<br>Pedidos: %{x:,d}<extra></extra>",
        marker_color=PALETTE[0], customdata=frame[["nombre"]].to_numpy(),
    )


def provider_orders(frame: pd.DataFrame, limit: int = 15) -> go.Figure:
    """Horizontal bars of total orders for the providers with most orders (providers rows)."""
    shown = frame[frame["total_pedidos"] > 0].head(limit)
    if shown.empty:
        return empty_figure()
    return _hbar(
        shown["nombre"], shown["total_pedidos"],
        "%{y}<br>Pedidos: %{x:,d}<br>Últimos 30 días: %{customdata[1]:,d}"
        "<br>Clic para analizar<extra></extra>",
        marker_color=PALETTE[0], customdata=shown[["nombre", "pedidos_mes"]].to_numpy(),
    )


def top_products(frame: pd.DataFrame, limit: int = 10) -> go.Figure:
    """Horizontal bars of units per product (top_products rows); customdata names the provider."""
    shown = frame.head(limit)
    if shown.empty:
        return empty_figure()
    return _hbar(
        shown["producto"], shown["cantidad_total"],
        "%{y}<br>Unidades: %{x:,d}<br>Pedidos: %{customdata[0]:,d}"
        "<br>Proveedor principal: %{customdata[1]}<extra></extra>",
        marker_color=PALETTE[1], customdata=shown[["pedidos", "proveedor"]].to_numpy(),
    )


def monthly_orders(frame: pd.DataFrame) -> go.Figure:
    """Lines of orders and of ordering providers per month (monthly_orders rows)."""
    if frame.empty:
        return empty_figure()
    labels = [month_label(month, short=True) for month in frame["mes"]]
    fig = go.Figure(
        [
            go.Scatter(
                x=labels, y=frame["pedidos"], name="Pedidos", mode="lines+markers",
                line={"color": PALETTE[0], "width": 3},
                hovertemplate="%{x}<br>Pedidos: %{y:,d}<extra></extra>",
            ),
            go.Scatter(
                x=labels, y=frame["proveedores_activos"], name="Proveedores activos",
                mode="lines+markers", yaxis="y2", line={"color": PALETTE[1], "dash": "dot"},
                marker={"symbol": "diamond"},
                hovertemplate="%{x}<br>Proveedores activos: %{y:,d}<extra></extra>",
            ),
        ]
    )
    style(fig, legend=True)
    fig.update_layout(
        margin={"t": 30},
        yaxis={"title": {"text": "Pedidos"}},
        yaxis2={"title": {"text": "Proveedores"}, "overlaying": "y", "side": "right",
                "showgrid": False},
    )
    fig.update_xaxes(type="category")
    counts_axis(fig, frame["proveedores_activos"].max(), "yaxis2")
    return counts_axis(fig, frame["pedidos"].max())


def monthly_movements(frame: pd.DataFrame) -> go.Figure:
    """Grouped bars of movements per month and kind (monthly_movements rows)."""
    if frame.empty:
        return empty_figure()
    months = sorted(frame["mes"].unique())
    wide = _by_kind(frame, "movimientos", months)
    labels = [month_label(month, short=True) for month in months]
    fig = go.Figure(
        [
            go.Bar(
                x=labels, y=wide[kind], name=KIND_LABELS[kind], marker_color=KIND_COLORS[kind],
                hovertemplate=f"%{{x}} · {KIND_LABELS[kind]}: %{{y:,d}}<extra></extra>",
            )
            for kind in KIND_COLORS
        ]
    )
    style(fig, legend=True)
    fig.update_layout(barmode="group", margin={"t": 30})
    fig.update_xaxes(type="category")
    return counts_axis(fig, wide.max().max())


def stock_by_provider(frame: pd.DataFrame, selected: str | None = None) -> go.Figure:
    """Horizontal bars of net stock per provider (stock_by_provider rows); negatives stand out."""
    if frame.empty:
        return empty_figure()
    colors = [PALETTE[3] if value < 0 else PALETTE[2] for value in frame["stock_total"]]
    fig = _hbar(
        frame["nombre"], frame["stock_total"],
        "%{y}<br>Stock neto: %{x:,d} u.<br>Clic para filtrar<extra></extra>",
        marker_color=colors, customdata=frame[["nombre"]].to_numpy(),
    )
    if selected:
        fig.update_traces(
            marker_line_color="#000", marker_line_width=[
                3 if name == selected else 0 for name in frame["nombre"]
            ],
        )
    return fig


def stock_timeline(frame: pd.DataFrame) -> go.Figure:
    """Lines of units moved per day and kind (stock_timeline rows), oldest day first."""
    if frame.empty:
        return empty_figure()
    days = sorted(frame["fecha"].unique())
    wide = _by_kind(frame, "productos", days)
    labels = [day_label(day) for day in days]
    symbols = {"entrada": "circle", "salida": "square", "ajuste": "diamond"}
    fig = go.Figure(
        [
            go.Scatter(
                x=labels, y=wide[kind], name=KIND_LABELS[kind], mode="lines+markers",
                line={"color": KIND_COLORS[kind]}, marker={"symbol": symbols[kind]},
                hovertemplate=f"%{{x}} · {KIND_LABELS[kind]}: %{{y:,d}} u.<extra></extra>",
            )
            for kind in KIND_COLORS
        ]
    )
    style(fig, legend=True)
    fig.update_layout(margin={"t": 30})
    fig.update_xaxes(type="category", tickangle=-45)
    return fig
