"""Matching and flags as pure functions: tie-breaks, one order per invoice, repeated names."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minimarket_dash.invoicecheck import (
    Invoice,
    Line,
    Order,
    OrderLines,
    check_invoices,
    check_matched,
    match_orders,
    match_orders_read,
    merge_lines,
    price_above,
)
from minimarket_dash.invoices import Item

DAY = date(2026, 3, 10)


def item(name: str, qty: float = 1, price: float = 100) -> Item:
    return Item(name, name, qty, price, qty * price)


def invoice(
    inv_id: int, items, day=DAY, provider=1, numero=None, procesado=True, total=None
) -> Invoice:
    return Invoice(inv_id, numero, day, provider, procesado, total, items)


def order(order_id: int, day: int, names, provider=1, qty=1, price=100, total=None) -> Order:
    lines = {name: Line(qty, price) for name in names}
    return Order(order_id, f"P{order_id}", provider, date(2026, 3, day), lines, total=total)


def matched(results) -> dict[int, str | None]:
    return {r.invoice.id: (r.order.numero_pedido if r.order else None) for r in results}


def test_most_shared_names_then_closest_then_lower_id():
    orders = [
        order(9, 10, ["a"]),
        order(8, 13, ["a", "b"]),
        order(7, 12, ["a", "b"]),
        order(6, 8, ["a", "b"]),
        order(5, 14, ["a", "b", "c"]),
    ]
    results = check_invoices(
        [
            invoice(1, [item("a"), item("b"), item("c")]),
            invoice(2, [item("a"), item("b")]),
            invoice(3, [item("a"), item("b")]),
            invoice(4, [item("a"), item("b")]),
        ],
        orders,
        2,
    )
    # 1: order 5 shares 3 names but is 4 days away; 8, 7 and 6 share 2: 7 and 6 are 2 days
    # away (after and before), 8 is 3: the lower id of the closest, 6. Then 7, 8, and 9.
    assert matched(results) == {1: "P6", 2: "P7", 3: "P8", 4: "P9"}


# The ranking, one step at a time (README § Facturas y precios): each case is decided by its
# step although every later step points the other way. The invoice is dated March 10.
AB = [item("a"), item("b")]


def picked(orders, items=AB, total=1000.0) -> str:
    (result,) = check_invoices([invoice(1, items, total=total)], orders, 2)
    return result.order.numero_pedido


def test_rank_1_most_shared_names():
    # P2 shares one name and has nothing else, same day, exact total, lower id; P9 shares two.
    assert (
        picked(
            [order(9, 13, ["a", "b", "c", "d", "e"], total=50.0), order(2, 10, ["a"], total=1000.0)]
        )
        == "P9"
    )


def test_rank_2_fewest_order_names_absent_from_the_invoice():
    # The issue's case: a 13-line order beside the 2-line order with the exact items and total.
    # Both share a and b; P1 has 11 lines the invoice lacks (closer, lower id): P8 has none.
    thirteen = ["a", "b", *(f"x{n}" for n in range(11))]
    assert (
        picked(
            [
                order(1, 10, thirteen, total=1000.0),
                order(8, 12, ["a", "b"], total=9e9),
            ]
        )
        == "P8"
    )
    # Absent means among the order's names: c on the invoice but not the order costs nothing.
    assert (
        picked([order(3, 10, ["a", "b", "z"]), order(4, 13, ["a", "b"])], items=[*AB, item("c")])
        == "P4"
    )


def test_rank_3_smallest_total_difference():
    # Same names; |total − 1000|: P7 200 (3 days, higher id) beats P5 300 (same day).
    assert (
        picked([order(5, 10, ["a", "b"], total=700.0), order(7, 13, ["a", "b"], total=1200.0)])
        == "P7"
    )
    # Differences are absolute: below the invoice counts like above it.
    assert (
        picked([order(5, 10, ["a", "b"], total=1000.5), order(7, 13, ["a", "b"], total=999.75)])
        == "P7"
    )


def test_rank_3_an_unknown_total_ranks_after_any_known_difference():
    # P2's total is NULL (same day, lower id): any known difference, however big, beats it.
    assert (
        picked([order(2, 10, ["a", "b"], total=None), order(6, 13, ["a", "b"], total=1e9)]) == "P6"
    )
    # An invoice without total: no difference is known, the next step (closest) decides.
    assert (
        picked(
            [order(2, 7, ["a", "b"], total=1000.0), order(6, 11, ["a", "b"], total=5.0)], total=None
        )
        == "P6"
    )


def test_rank_4_closest_delivery_then_rank_5_lower_id():
    assert (
        picked([order(2, 7, ["a", "b"], total=1000.0), order(6, 11, ["a", "b"], total=1000.0)])
        == "P6"
    )
    assert (
        picked([order(6, 9, ["a", "b"], total=1000.0), order(4, 11, ["a", "b"], total=1000.0)])
        == "P4"
    )  # 1 day before and after


def test_each_invoice_gets_its_own_same_day_order():
    # Two same-day orders with the same names: the invoice processed first (lower id) takes the
    # order with its total, the other the one left, though the older rule gave the first the
    # lower id.
    orders = [order(3, 10, ["a", "b"], total=1000.0), order(4, 10, ["a", "b"], total=1200.0)]
    results = check_invoices(
        [invoice(2, AB, total=1000.0), invoice(1, AB, total=1200.0)], orders, 2
    )
    assert matched(results) == {1: "P4", 2: "P3"}


def test_processing_order_is_date_then_id():
    orders = [order(1, 10, ["a"])]
    later = invoice(1, [item("a")], day=date(2026, 3, 11))
    first = invoice(2, [item("a")], day=date(2026, 3, 9))
    same_day_low = invoice(0, [item("a")], day=date(2026, 3, 9))
    assert matched(check_invoices([later, first, same_day_low], orders, 2)) == {
        1: None,
        2: None,
        0: "P1",
    }


def test_other_provider_and_far_orders_are_not_candidates():
    orders = [order(1, 10, ["a"], provider=2), order(2, 14, ["a"]), order(3, 6, ["a"])]
    (result,) = check_invoices([invoice(1, [item("a")])], orders, 2)
    assert result.order is None and result.flags == ["sin_pedido"]
    (result,) = check_invoices([invoice(1, [item("a")])], [order(4, 7, ["a"])], 2)
    assert result.order.id == 4  # exactly 3 days: still a candidate


@pytest.mark.parametrize(
    ("invoiced", "ordered", "tolerancia", "above"),
    [
        (102, 100, 2, False),
        (102.01, 100, 2, True),
        (100, 100, 0, False),
        (100.01, 100, 0, True),
        (1, 0, 50, True),
        (0, 0, 0, False),
        (5, None, 0, False),
        (10.2, 10, 2, False),
    ],
)
def test_price_above(invoiced, ordered, tolerancia, above):
    assert price_above(invoiced, ordered, tolerancia) is above


def test_repeated_names_sum_quantities_but_prices_count_per_item():
    lines = merge_lines([("leche", 6, 100.0), ("leche", 6, 110.0), ("pan", 2, None)])
    assert lines == {"leche": Line(12, 105.0), "pan": Line(2, None)}
    the_order = Order(1, "P1", 1, DAY, lines)
    split = [item("leche", 6, 105), item("leche", 6, 110)]  # 110 is 4,76 % above 105
    (result,) = check_invoices([invoice(1, split)], [the_order], 2)
    assert result.flags == ["precio_mayor"]  # 6 + 6 = 12 units: no quantity difference
    assert result.cobrado_de_mas == 30.0  # (110 − 105) × 6


def test_flags_keep_the_issue_order_and_ok_alone():
    the_order = order(1, 10, ["a"], qty=2, price=100)
    items = [item("a", 1, 150), item("z")]
    (result,) = check_invoices(
        [invoice(1, items, numero="N", procesado=False)], [the_order], 2, seen_before=[(1, "N")]
    )
    assert result.flags == [
        "precio_mayor",
        "cantidad_distinta",
        "no_pedido",
        "pendiente",
        "duplicada",
    ]
    (result,) = check_invoices([invoice(2, [item("a", 2)])], [the_order], 2)
    assert result.flags == ["ok"]


def test_duplicates_need_a_provider_and_a_number():
    invoices = [
        invoice(1, None, provider=None, numero="N"),
        invoice(2, None, provider=None, numero="N"),
        invoice(3, None, numero=""),
        invoice(4, None, numero=""),
        invoice(5, None, numero="M"),
        invoice(6, None, numero="M", provider=2),
        invoice(7, None, numero="M"),
    ]
    dup = {r.invoice.id for r in check_invoices(invoices, [], 2) if "duplicada" in r.flags}
    assert dup == {7}


def test_orders_known_by_names_match_alike_and_are_read_only_once_picked():
    """The query matches candidates by their line names alone and loads the picked orders'
    lines afterwards (queries/invoices.py): the verdicts equal those of fully read orders."""
    rows = {
        9: [("a", 2.0, 100.0)],
        8: [("a", 1.0, 100.0), ("b", 3.0, 90.0), ("a", 1.0, 120.0)],
        7: [("c", 1.0, 100.0)],
    }
    invoices = [
        invoice(1, [item("a", 2, 110), item("b", 3, 90)]),
        invoice(2, [item("c", 1, 100)], provider=1),
    ]
    full = [Order(oid, f"P{oid}", 1, DAY, OrderLines.of(lines)) for oid, lines in rows.items()]
    lazy = [
        Order(oid, f"P{oid}", 1, DAY, OrderLines(key for key, _, _ in lines))
        for oid, lines in rows.items()
    ]
    pairs = match_orders(invoices, lazy)
    with pytest.raises(LookupError):
        pairs[0][1].lines.get("a")  # picked by names, lines not read yet
    for _, picked in pairs:
        picked.lines.load(rows[picked.id])
    expected = check_invoices(invoices, full, 2)
    got = check_matched(pairs, 2)
    assert [(r.invoice.id, r.order.id, r.flags, r.cobrado_de_mas) for r in got] == [
        (r.invoice.id, r.order.id, r.flags, r.cobrado_de_mas) for r in expected
    ]
    # Invoice 1 took order 8 (two shared names); «a» merged: 2 units at (100 + 120) / 2 = 110.
    assert got[0].order.id == 8 and got[0].order.lines["a"] == Line(2.0, 110.0)
    assert got[0].flags == ["ok"] and got[1].order.id == 7


@settings(max_examples=60, deadline=None)
@given(
    orders=st.lists(
        st.tuples(
            st.integers(1, 3),
            st.integers(0, 40),
            st.sets(st.sampled_from("abcde"), min_size=1, max_size=4),
        ),
        max_size=40,
    ),
    invoices=st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(1, 3)),
            st.integers(0, 40),
            st.sets(st.sampled_from("abcdef"), max_size=4),
        ),
        max_size=25,
    ),
    read_days=st.sampled_from([None, 0, 1, 5, 14]),
)
def test_reading_candidates_as_dates_advance_matches_as_reading_them_all(
    orders, invoices, read_days
):
    """queries/invoices.py reads the candidates a few weeks at a time (match_orders_read): the
    pairs equal those of all candidates at once, and the reads ask for ascending days that
    never overlap."""
    start = date(2026, 1, 1)
    candidates = [
        Order(n, f"P{n}", provider, start + timedelta(days=day), dict.fromkeys(names))
        for n, (provider, day, names) in enumerate(orders)
    ]
    bills = [
        invoice(
            n,
            [item(name) for name in sorted(names)] or None,
            day=start + timedelta(days=day),
            provider=provider,
        )
        for n, (provider, day, names) in enumerate(invoices)
    ]
    asked: list[tuple[date, date]] = []

    def read(first: date, last: date) -> list[Order]:
        asked.append((first, last))
        return [o for o in candidates if first <= o.entrega <= last]

    got = match_orders_read(bills, read, read_days)
    expected = match_orders(bills, candidates)
    assert [(i.id, o.id if o else None) for i, o in got] == [
        (i.id, o.id if o else None) for i, o in expected
    ]
    assert all(first <= last for first, last in asked)
    assert all(earlier[1] < later[0] for earlier, later in zip(asked, asked[1:], strict=False))
