"""Demo orders the invoice matching must tell apart (issue 24), planted before prices are set.

- Near names: one delivered order holds both products of each NEAR_NAMES pair (`1.5 kg` and
  `15 kg`, `500 g` and `5 kg`); its invoice, billed at the order's prices, must be `ok`.
- Same day: two orders of one provider delivered the same day with the same products (or, when
  no two such orders have as many lines, the products of one among the other's); each one's
  invoice must get it. The first invoiced is the one of the higher id, which the older rule
  (same names, same day: the lower id) gave the other.
- Exact and superset: a small order and a larger one of its provider delivered the same day
  holding all its products (with a lower id when there is such a pair: the older rule took it);
  only the small one is invoiced, and its invoice must get it.

The planted orders of a plant get products that no other order of the provider delivered within
MATCH_DAYS has, so no other order is a candidate for their invoices. They are delivered 5 to 80
days before today: inside the Facturas page's default 90 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from .catalogue import ESTADOS, NEAR_NAMES
from .generate import Columns, _OrderInfo, _Products

DELIVERED = int(np.flatnonzero(ESTADOS == "entregado")[0])
MATCH_DAYS = 3  # as minimarket_dash.invoicecheck: candidates are delivered within 3 days
PLANT_DAYS = range(5, 81)  # days before today a planted order may be delivered


@dataclass(frozen=True)
class PlantedOrders:
    """0-based orders of each plant (None: the data had no room for it)."""

    near_names: int | None = None
    same_day: tuple[int, int] | None = None  # invoiced in this order
    exact: tuple[int, int] | None = None  # (exact, superset): only the exact one is invoiced

    def invoiced(self) -> list[int]:
        """The planted orders that get an invoice, in the order they are invoiced."""
        orders = [] if self.near_names is None else [self.near_names]
        orders += list(self.same_day or ())
        return orders + ([self.exact[0]] if self.exact else [])

    def involved(self) -> set[int]:
        """Every planted order: none of them is copied by a random invoice."""
        return set(self.invoiced()) | ({self.exact[1]} if self.exact else set())


class Book:
    """The orders' lines and the delivered orders by (provider, delivery day)."""

    def __init__(self, products: _Products, lines: Columns, info: _OrderInfo) -> None:
        self.products, self.lines, self.info = products, lines, info
        ids = np.arange(len(info.state))
        self.start = np.searchsorted(info.line_order, ids)
        self.end = np.searchsorted(info.line_order, ids, side="right")
        delivered = np.flatnonzero(info.state == DELIVERED)
        self.day = np.zeros(len(ids), dtype=np.int64)
        self.day[delivered] = info.delivered[delivered].astype("datetime64[D]").astype(np.int64)
        self._room: dict[tuple[int, int], int] = {}
        self.by_key: dict[tuple[int, int], list[int]] = {}
        for order in delivered.tolist():
            key = (int(info.provider_idx[order]), int(self.day[order]))
            self.by_key.setdefault(key, []).append(order)

    def size(self, order: int) -> int:
        return int(self.end[order] - self.start[order])

    def names(self, order: int) -> frozenset[str]:
        return frozenset(
            self.lines["producto_nombre"][self.start[order] : self.end[order]].tolist()
        )

    def near(self, provider: int, day: int, days: int = MATCH_DAYS) -> list[int]:
        """Delivered orders of the provider within `days` of `day` (days since 1970)."""
        return [
            order
            for shift in range(-days, days + 1)
            for order in self.by_key.get((provider, day + shift), ())
        ]

    def set_products(self, order: int, chosen: list[int]) -> None:
        """Give the first lines of `order` these products (prices are set later)."""
        first = int(self.start[order])
        self.info.line_product[first : first + len(chosen)] = chosen
        self.lines["producto_nombre"][first : first + len(chosen)] = self.products.names[chosen]

    def room(self, provider: int, day: int) -> int:
        """How many of the provider's products at most two orders delivered within
        MATCH_DAYS of `day` hold: an upper bound of fresh() for any two orders leaving, known
        once per (provider, day). On a large database every product is in many near orders,
        and fresh() for each of the thousands of same-day pairs took hours at 10M lines."""
        key = (provider, day)
        if key not in self._room:
            holding: dict[str, int] = {}
            for order in self.near(provider, day):
                for name in self.names(order):
                    holding[name] = holding.get(name, 0) + 1
            own = self.products.names[self.products.provider_idx == provider].tolist()
            self._room[key] = sum(1 for name in own if holding.get(name, 0) <= 2)
        return self._room[key]

    def fresh(self, provider: int, day: int, leaving: set[int]) -> list[int]:
        """The provider's products in no order delivered within MATCH_DAYS of `day`, except
        the orders in `leaving` (whose lines are about to change)."""
        taken = set().union(
            *(self.names(order) for order in self.near(provider, day) if order not in leaving)
        )
        own = np.flatnonzero(self.products.provider_idx == provider)
        return [int(p) for p in own if self.products.names[p] not in taken]


def plant_orders(
    today: np.datetime64, products: _Products, lines: Columns, info: _OrderInfo
) -> PlantedOrders:
    """Change the products of a few delivered orders to plant the three cases (module doc)."""
    book = Book(products, lines, info)
    last = int(today.astype("datetime64[D]").astype(np.int64))
    days = [last - back for back in PLANT_DAYS]
    near = _near_names(book, days)
    used = set() if near is None else {near}
    same = _same_day(book, days, used)
    used |= set(same or ())
    exact = _exact(book, days, used)
    return PlantedOrders(near, same, exact)


def _near_names(book: Book, days: list[int]) -> int | None:
    """An order of the near names' provider that takes all of them (its other lines kept)."""
    names = book.products.names
    forced = [
        int(np.flatnonzero(names == name)[0])
        for pair in NEAR_NAMES
        for name in pair
        if (names == name).any()
    ]
    if len(forced) != 2 * len(NEAR_NAMES):
        return None
    wanted = frozenset(names[forced].tolist())
    provider = int(book.products.provider_idx[forced[0]])
    for day in days:
        for order in book.by_key.get((provider, day), ()):
            if book.size(order) < len(forced):
                continue
            rest = frozenset(
                book.lines["producto_nombre"][
                    book.start[order] + len(forced) : book.end[order]
                ].tolist()
            )
            whole = wanted | rest
            if rest & wanted or any(
                whole <= book.names(other) for other in book.near(provider, day) if other != order
            ):
                continue
            book.set_products(order, forced)
            return order
    return None


def _pairs(book: Book, days: list[int], used: set[int]):
    """(day, provider, a, b) for every two free orders of a provider delivered the same day."""
    providers = int(book.info.provider_idx.max()) + 1 if len(book.info.provider_idx) else 0
    for day in days:
        for provider in range(providers):
            free = [order for order in book.by_key.get((provider, day), ()) if order not in used]
            for a, b in combinations(free, 2):
                yield day, provider, a, b


def _same_day(book: Book, days: list[int], used: set[int]) -> tuple[int, int] | None:
    for equal in (True, False):
        for day, provider, a, b in _pairs(book, days, used):
            if (book.size(a) == book.size(b)) != equal or min(book.size(a), book.size(b)) < 2:
                continue
            if book.room(provider, day) < max(book.size(a), book.size(b)):
                continue
            fresh = book.fresh(provider, day, {a, b})
            if len(fresh) < max(book.size(a), book.size(b)):
                continue
            book.set_products(a, fresh[: book.size(a)])
            book.set_products(b, fresh[: book.size(b)])
            if equal:
                _differ(book, a, b)
                return max(a, b), min(a, b)
            return (a, b) if book.size(a) < book.size(b) else (b, a)
    return None


def _differ(book: Book, a: int, b: int) -> None:
    """Make two orders with the same products differ in quantity (so in total)."""
    quantity = book.lines["cantidad"]
    first_a, first_b, size = int(book.start[a]), int(book.start[b]), book.size(a)
    if (quantity[first_a : first_a + size] == quantity[first_b : first_b + size]).all():
        quantity[first_b] += 1


def _exact(book: Book, days: list[int], used: set[int]) -> tuple[int, int] | None:
    for older_superset in (True, False):
        for day, provider, a, b in _pairs(book, days, used):
            small, large = (a, b) if book.size(a) < book.size(b) else (b, a)
            if book.size(small) == book.size(large) or (older_superset and large > small):
                continue
            if book.room(provider, day) < book.size(large):
                continue
            fresh = book.fresh(provider, day, {small, large})
            if len(fresh) < book.size(large):
                continue
            book.set_products(small, fresh[: book.size(small)])
            book.set_products(large, fresh[: book.size(large)])
            return small, large
    return None
