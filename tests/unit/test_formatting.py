"""es-AR formats, Spanish calendar words and the page CSV files."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from minimarket_dash import formatting as fmt


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (999, "999"),
        (1234, "1.234"),
        (1234567, "1.234.567"),
        (-45210, "-45.210"),
        (1234.6, "1.235"),
        (None, "–"),
        (float("nan"), "–"),
    ],
)
def test_fmt_int(value, text):
    assert fmt.fmt_int(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(1234.56, "$ 1.234,56"), (0, "$ 0,00"), (1234567.891, "$ 1.234.567,89"), (-10.5, "-$ 10,50")],
)
def test_fmt_money(value, text):
    assert fmt.fmt_money(value) == text


def test_numbers_and_percentages():
    assert fmt.fmt_number(1234.5, 1) == "1.234,5"
    assert fmt.fmt_pct(12.345) == "12,3 %"
    assert fmt.pct_change(6, 1) == 500
    assert fmt.pct_change(5, 0) is None


def test_dates_times_and_months():
    assert fmt.fmt_date(date(2026, 3, 5)) == "05/03/2026"
    assert fmt.fmt_time(datetime(2026, 3, 15, 9, 7)) == "09:07"
    assert fmt.month_label("2026-03") == "marzo 2026"
    assert fmt.month_label("2025-12", short=True) == "dic 2025"
    assert fmt.day_label("2026-03-15") == "15/03"


def test_iso_weeks_start_on_monday():
    assert fmt.iso_week(date(2026, 3, 15)) == "2026-W11"  # Sunday ends W11
    assert fmt.iso_week(date(2026, 3, 16)) == "2026-W12"
    assert fmt.week_monday("2026-W11") == date(2026, 3, 9)
    assert fmt.week_label("2026-W11") == "Semana 11 (desde el lunes 09/03)"
    assert fmt.iso_weeks(date(2025, 12, 31), date(2026, 1, 12)) == [
        "2026-W01",
        "2026-W02",
        "2026-W03",
    ]  # Dec 31, 2025 is in 2026-W01


def test_days_until_is_oldest_first_and_inclusive():
    assert fmt.days_until(date(2026, 3, 2), 3) == [
        date(2026, 2, 28),
        date(2026, 3, 1),
        date(2026, 3, 2),
    ]
