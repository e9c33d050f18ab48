"""Issue 17's page helpers: the money format, es-AR table filters, partial periods, states."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from minimarket_dash import queries
from minimarket_dash.filters import Filters
from minimarket_dash.formatting import fmt_money, numeric_filter_query
from minimarket_dash.periods import is_short, last_30_days, periods, week_filters
from tests import fixture_data


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (544_123_456.78, "$ 544 M"),
        (5_430_000, "$ 5,4 M"),
        (12_500.4, "$ 12.500"),
        (-2_000_000, "-$ 2,0 M"),
        (None, "–"),
    ],
)
def test_fmt_money_short(value, text):
    assert fmt_money(value, short=True) == text


@pytest.mark.parametrize(
    ("query", "fixed"),
    [
        ("{n} s= 1.000", "{n} = 1000"),
        ("{n} > 1.234,5", "{n} > 1234.5"),
        ("{n} < 10", "{n} < 10"),
        ("{n} >= 12,5 && {t} icontains 1.000", "{n} >= 12.5 && {t} icontains 1.000"),
        ("{n} s= abc", "{n} s= abc"),
        (None, None),
    ],
)
def test_numeric_filter_query_reads_argentine_numbers(query, fixed):
    assert numeric_filter_query(query, {"n"}) == fixed


def test_periods_mark_cut_and_running_months():
    marked = periods(
        ["2026-01", "2026-02", "2026-03"], date(2026, 1, 10), date(2026, 3, 15), date(2026, 3, 15)
    )
    assert [(p.label, p.partial) for p in marked] == [
        ("ene 2026 (parcial)", True),
        ("feb 2026", False),
        ("mar 2026 (parcial)", True),
    ]
    closed = periods(["2026-02"], date(2026, 2, 1), date(2026, 2, 28), date(2026, 3, 15))
    assert not closed[0].partial


def test_short_ranges_split_into_clipped_weeks():
    march = Filters(start_date=date(2026, 3, 1), end_date=date(2026, 3, 14), proveedor="x")
    assert is_short(march) and not is_short(Filters())
    assert not is_short(Filters(start_date=date(2026, 1, 1), end_date=date(2026, 3, 14)))
    weeks = week_filters(march)
    assert [key for key, _ in weeks] == ["2026-W09", "2026-W10", "2026-W11"]
    assert [(f.start_date.day, f.end_date.day) for _, f in weeks] == [(1, 1), (2, 8), (9, 14)]
    assert all(f.proveedor == "x" for _, f in weeks)


def test_last_30_days_are_calendar_days_and_the_30_before():
    current, previous = last_30_days(date(2026, 3, 15))
    assert (current.start_date, current.end_date) == (date(2026, 2, 14), date(2026, 3, 15))
    assert (previous.start_date, previous.end_date) == (date(2026, 1, 15), date(2026, 2, 13))


def test_order_status_counts_every_state(tiny_engine):
    with tiny_engine.connect() as conn:
        every = queries.ORDER_STATUS.query(conn, Filters(), fixture_data.NOW)
        march = queries.ORDER_STATUS.query(
            conn,
            Filters(start_date=date(2026, 3, 1), end_date=date(2026, 3, 14), proveedor="lacteos"),
            fixture_data.NOW,
        )
    # The fixture files every order as «recibido».
    assert every.to_dict("records") == [{"estado": "recibido", "pedidos": len(fixture_data.ORDERS)}]
    by_hand = Counter(
        p for _, p, f in fixture_data.ORDERS if "2026-03-01" <= f[:10] <= "2026-03-14" and p == 1
    )
    assert march.to_dict("records") == [{"estado": "recibido", "pedidos": by_hand[1]}]
