"""The text alternative of a chart: what it draws as a table, and a one-line summary.

Both are read from the figure itself (plotly's JSON shape, as minimarket_dash.charts builds it),
so the table always holds exactly the bars, points and labels the chart shows, with es-AR
number formats; no page has to pass its data twice.

The table's cells travel as one JSON attribute and the browser builds the table when
«Ver como tabla» is opened (assets/60-accessibility.js): as Dash components, nine charts'
tables were thousands of components in every answer of Análisis, and drawing them tripled
the time of a filter change (389 -> 1,473 ms, bench/bench_visit.py).
"""

from __future__ import annotations

import json

from dash import html

from .formatting import fmt_int, fmt_money, fmt_number

ROWS_SHOWN = 400  # a year of days; a longer chart's table says where the rest is
SUMMARY_LABEL = "Ver como tabla"
KINDS = {"bar": "barras", "scatter": "líneas"}


def _traces(figure: dict) -> list[dict]:
    """Return the traces that draw data (x and y both given)."""
    return [
        t for t in figure.get("data") or [] if t.get("x") is not None and t.get("y") is not None
    ]


def _horizontal(trace: dict) -> bool:
    return trace.get("orientation") == "h"


def _axis(figure: dict, trace: dict, letter: str) -> dict:
    """Return the layout of the trace's x or y axis (`yaxis2` for a trace on "y2")."""
    name = trace.get(f"{letter}axis", letter)
    return (figure.get("layout") or {}).get(f"{letter}axis{name[1:]}") or {}


def _title(axis: dict) -> str | None:
    title = axis.get("title")
    text = title.get("text") if isinstance(title, dict) else title
    return text or None


def _value_axis(figure: dict, trace: dict) -> dict:
    return _axis(figure, trace, "x" if _horizontal(trace) else "y")


def _format(value, axis: dict) -> str:
    """Write one value as its axis shows it: pesos, percent, whole or decimal number."""
    if value is None or value != value:  # None or NaN
        return "–"
    if str(axis.get("tickprefix", "")).startswith("$"):
        return fmt_money(float(value))
    number = float(value)
    text = fmt_int(number) if number.is_integer() else fmt_number(number)
    return f"{text} %" if str(axis.get("ticksuffix", "")).strip() == "%" else text


def _column_name(figure: dict, trace: dict) -> str:
    return trace.get("name") or _title(_value_axis(figure, trace)) or "Valor"


def table_rows(figure: dict, category: str | None = None) -> tuple[list[str], list[list[str]]]:
    """Return (headers, rows) of what the figure draws: one row per bar or point label, one
    column per trace; an empty pair when it draws nothing."""
    traces = _traces(figure)
    if not traces:
        return [], []
    first = traces[0]
    label_axis = _axis(figure, first, "y" if _horizontal(first) else "x")
    headers = [
        category or _title(label_axis) or "Dato",
        *(_column_name(figure, trace) for trace in traces),
    ]
    labels: dict = {}  # in order of first appearance
    values: list[dict] = []
    for trace in traces:
        keys, points = (trace["y"], trace["x"]) if _horizontal(trace) else (trace["x"], trace["y"])
        axis = _value_axis(figure, trace)
        values.append({key: _format(point, axis) for key, point in zip(keys, points, strict=False)})
        labels.update(dict.fromkeys(keys))
    rows = [[str(label), *(column.get(label, "–") for column in values)] for label in labels]
    return headers, rows


def summary(figure: dict) -> str:
    """Return one sentence naming the chart's kind and series, or its empty-state note."""
    traces = _traces(figure)
    if not traces:
        notes = (figure.get("layout") or {}).get("annotations") or [{}]
        return notes[0].get("text") or "Gráfico sin datos"
    kinds = sorted({KINDS.get(t.get("type"), "puntos") for t in traces})
    named = [t["name"] for t in traces if t.get("name")]
    series = f" ({', '.join(named)})" if named else ""
    return f"Gráfico de {' y '.join(kinds)}{series}: sus datos están en «{SUMMARY_LABEL}»."


def details(graph_id: str, figure: dict, category: str | None = None) -> html.Details | None:
    """Return «Ver como tabla» (a disclosure: a mouse, a finger or the keyboard open it, no
    callback) holding the chart's table as data, or None for an empty chart.

    Its body carries `data-table`: {"headers": [...], "rows": [[...], ...], "note": "..."}
    with the first ROWS_SHOWN rows, which the browser turns into a <table> when opened.
    """
    headers, rows = table_rows(figure, category)
    if not rows:
        return None
    note = ""
    if len(rows) > ROWS_SHOWN:
        note = (
            f"Se muestran las primeras {fmt_int(ROWS_SHOWN)} filas de {fmt_int(len(rows))}; "
            "la descarga tiene todas."
        )
    table = {"headers": headers, "rows": rows[:ROWS_SHOWN], "note": note}
    body = html.Div(
        className="table-responsive chart-data-body",
        **{"data-table": json.dumps(table, ensure_ascii=False)},
    )
    return html.Details(
        [html.Summary(SUMMARY_LABEL), body], id=f"{graph_id}-datos", className="chart-data small"
    )
