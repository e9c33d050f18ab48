"""The parameter rules of docs/api.md: clamping, strict dates, provider text."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from minimarket_dash.filters import (
    Filters,
    ParamError,
    clean_proveedor,
    fold_text,
    parse_filters,
    read_filters,
)

ALL = ("limit", "days", "months", "weeks", "start_date", "end_date", "proveedor")


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("limit", "5", 5),
        ("limit", "0", 1),
        ("limit", "-3", 1),
        ("limit", "1000", 100),
        ("limit", "99999999999999999999999", 100),
        ("days", "91", 90),
        ("days", " 3 ", 3),
        ("months", "25", 24),
        ("weeks", "0", 1),
        ("weeks", "52", 52),
    ],
)
def test_integers_are_clamped(name, raw, expected):
    assert getattr(parse_filters({name: raw}, ALL), name) == expected


@pytest.mark.parametrize("raw", ["abc", "1.5", "", "1e3", "0x10", "5 5", "٣"])
@pytest.mark.parametrize("name", ["limit", "days", "months", "weeks"])
def test_non_integers_are_refused_naming_the_parameter(name, raw):
    with pytest.raises(ParamError) as error:
        parse_filters({name: raw}, ALL)
    assert error.value.param == name
    assert name in error.value.message


def test_defaults():
    assert parse_filters({}, ALL) == Filters()
    assert Filters() == Filters(limit=10, days=7, months=6, weeks=8)


@pytest.mark.parametrize(
    "raw",
    [
        "2026-02-30",
        "2026-13-01",
        "26-01-01",
        "2026/01/01",
        "",
        "20260101",
        "2026-1-1",
        "2026-01-01T00:00",
        "hoy",
    ],
)
@pytest.mark.parametrize("name", ["start_date", "end_date"])
def test_bad_dates_are_refused_naming_the_parameter(name, raw):
    with pytest.raises(ParamError) as error:
        parse_filters({name: raw}, ALL)
    assert error.value.param == name


def test_start_after_end_is_refused():
    with pytest.raises(ParamError) as error:
        parse_filters({"start_date": "2026-03-02", "end_date": "2026-03-01"}, ALL)
    assert error.value.param == "start_date"


def test_end_date_bound_covers_the_whole_day():
    start, end = Filters(start_date=date(2026, 3, 1), end_date=date(2026, 3, 31)).date_bounds()
    assert start == datetime(2026, 3, 1)
    assert end == datetime(2026, 4, 1)


def test_parameters_not_allowed_are_ignored():
    assert parse_filters({"limit": "nope"}, ("days",)) == Filters()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Lácteos  ", "Lácteos"),
        ("'; DROP TABLE pedidos; --", "DROP TABLE pedidos --"),
        ("a<script>b", "ascriptb"),
        ("Coca-Cola S.A./Sur_1", "Coca-Cola S.A./Sur_1"),
        ("x" * 80, "x" * 60),
        ("%%%", None),
        ("", None),
        (None, None),
    ],
)
def test_provider_text_rule(raw, expected):
    assert clean_proveedor(raw) == expected


def test_fold_text_ignores_accents_and_case():
    assert fold_text("LÁCTEOS Ñandú") == fold_text("lacteos nandu")


def test_cache_key_is_the_same_for_equal_filters():
    a = parse_filters({"proveedor": "Lácteos", "limit": "500"}, ALL)
    b = parse_filters({"proveedor": "lacteos ", "limit": "100"}, ALL)
    assert a.cache_key() == b.cache_key()


@pytest.mark.parametrize(
    ("args", "param"),
    [
        ({"start_date": "0001-01-01"}, "start_date"),
        ({"end_date": "9999-12-31"}, "end_date"),
        ({"start_date": "1899-12-31", "end_date": "2200-01-01"}, "start_date"),
        ({"start_date": "2026-01-01", "end_date": "2200-01-01"}, "end_date"),
    ],
)
def test_dates_beyond_the_supported_range_are_refused_naming_them(args, param):
    with pytest.raises(ParamError) as caught:
        parse_filters(args, ALL)
    assert caught.value.param == param
    assert caught.value.message == (
        f"El parámetro '{param}' debe ser una fecha entre 1900-01-01 y 2199-12-31."
    )


def test_the_edges_of_the_range_have_valid_bounds():
    filters = parse_filters({"start_date": "1900-01-01", "end_date": "2199-12-31"}, ALL)
    start, end = filters.date_bounds()
    assert start == datetime(1900, 1, 1)
    assert end == datetime(2200, 1, 1)
    assert Filters(end_date=date.max).date_bounds() == (None, None)  # built by code, not parsed


# One parser, two policies: whatever the strict policy refuses with a 400 naming a parameter,
# the lenient one ignores (default kept) with one notice; whatever it accepts, both read alike.
POLICY_CASES = [
    ({"start_date": "2026-03-14", "end_date": "2026-03-01"}, "start_date"),
    ({"start_date": "2026-02-30"}, "start_date"),
    ({"end_date": "14/03/2026"}, "end_date"),
    ({"limit": "diez"}, "limit"),
    ({"tolerancia": "2.5.1"}, "tolerancia"),
    ({"solo_hoy": "quizas"}, "solo_hoy"),
    ({"start_date": "2026-03-01", "end_date": "2026-03-14", "limit": "500"}, None),
    ({"proveedor": "Lácteos", "dias": "3", "solo_hoy": "sí"}, None),
]
ALL_PARAMS = ("start_date", "end_date", "proveedor", "limit", "dias", "solo_hoy", "tolerancia")


@pytest.mark.parametrize(("query", "refused"), POLICY_CASES)
def test_strict_and_lenient_policies_share_one_rule(query, refused):
    reading = read_filters(query, ALL_PARAMS)
    if refused is None:
        assert parse_filters(query, ALL_PARAMS) == reading.filters
        assert reading.notices == []
        return
    with pytest.raises(ParamError) as error:
        parse_filters(query, ALL_PARAMS)
    assert error.value.param == refused
    assert len(reading.notices) == 1
    assert getattr(reading.filters, refused) == getattr(Filters(), refused)


def test_lenient_policy_drops_both_dates_of_a_backwards_range():
    reading = read_filters({"start_date": "2026-03-14", "end_date": "2026-03-01"})
    assert (reading.filters.start_date, reading.filters.end_date) == (None, None)
    assert "posterior" in reading.notices[0]
