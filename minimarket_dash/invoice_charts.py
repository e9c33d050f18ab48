"""Figures of the Facturas page: price change bars with the market line, and the price index."""

from __future__ import annotations

from html import unescape

from .charts import PALETTE, Figure, _axis, _margin, _short, as_text, empty_figure, layout
from .formatting import fmt_number, month_label
from .queries.prices import PriceReport

NO_RANKED = "Ningún proveedor tiene 3 productos comparables en los dos meses"


def change_bars(report: PriceReport, selected: str | None = None) -> Figure:
    """Horizontal bars of change % per ranked provider (highest on top), market median as a line.

    Bars above the market are vermillion, the rest blue; the picked provider is outlined.
    Each bar carries the provider's name in customdata, so a click can filter the page.
    """
    ranked = [p for p in report.proveedores if p.estado == "ranked"]
    if not ranked:
        return empty_figure(NO_RANKED)
    names = [p.proveedor for p in ranked]
    values = [p.cambio_pct for p in ranked]
    colors = [PALETTE[3] if (p.diferencia_pp or 0) > 0 else PALETTE[0] for p in ranked]
    bar = {
        "type": "bar",
        "orientation": "h",
        "x": values,
        "y": names,
        "marker": {
            "color": colors,
            "line": {"width": [3 if n == selected else 0 for n in names], "color": "#000"},
        },
        "customdata": [
            [p.proveedor, fmt_number(p.cambio_pct, 1), fmt_number(p.diferencia_pp or 0, 1)]
            for p in ranked
        ],
        # The name as plotly text (never markup); customdata keeps it as stored, for a tap.
        "hovertext": [as_text(name) for name in names],
        "hovertemplate": "%{hovertext}<br>Aumento: %{customdata[1]} %"
        "<br>vs. mercado: %{customdata[2]} pp<extra></extra>",
        "name": "Aumento %",
    }
    ticktext = [_short(name) for name in names]
    left = 12 + 7 * max(len(unescape(text)) for text in ticktext)
    market, note = _market_line(report.mercado)
    return {
        "data": [bar],
        "layout": layout(
            max(240, 34 * len(names) + 60),
            yaxis=_axis(autorange="reversed", type="category", tickvals=names, ticktext=ticktext),
            xaxis=_axis(ticksuffix=" %", zeroline=True),
            margin=_margin(left=left, right=16, top=24),
            shapes=[market],
            annotations=[note],
        ),
    }


def _market_line(mercado: float) -> tuple[dict, dict]:
    """Return the dashed vertical line at the market median and its label."""
    line = {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": mercado,
        "x1": mercado,
        "y0": 0,
        "y1": 1,
        "line": {"color": "#000", "width": 2, "dash": "dash"},
    }
    note = {
        "text": f"Mercado {fmt_number(mercado, 1)} %",
        "x": mercado,
        "y": 1,
        "xref": "x",
        "yref": "paper",
        "showarrow": False,
        "yanchor": "bottom",
        "font": {"size": 11},
    }
    return line, note


def index_lines(report: PriceReport, provider_ids: list[int]) -> Figure:
    """One line per picked provider: its chained price index (100 at the first month)."""
    names = {p.proveedor_id: p.proveedor for p in report.proveedores}
    traces = []
    for number, provider_id in enumerate(provider_ids):
        points = [p for p in report.indice if p["proveedor_id"] == provider_id]
        if not points:
            continue
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _short(names[provider_id]),
                "x": [month_label(p["mes"], short=True) for p in points],
                "y": [p["indice"] for p in points],
                "line": {"color": PALETTE[number % len(PALETTE)], "width": 2},
                # The name goes in as data, never into the template (where `%{…}` is read).
                "hovertext": [as_text(names[provider_id])] * len(points),
                "hovertemplate": "%{hovertext}<br>%{x}: %{y:,.1f}<extra></extra>",
            }
        )
    if not traces:
        return empty_figure("Elegí uno o más proveedores")
    return {"data": traces, "layout": layout(320, legend=True, xaxis=_axis(type="category"))}
