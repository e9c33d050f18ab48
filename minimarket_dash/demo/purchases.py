"""Demo realism for «Qué pedir hoy»: usual order days, lead times, packs, phones and stock.

Each provider orders mostly on its own weekday and delivers after its own lead time; every
product is bought in its own pack (1, 6, 12 or 24); phones are written the ways Argentine
shops write them; stock follows each product's recent sales, with a few products out of
stock or under their minimum.
"""

from __future__ import annotations

import numpy as np

PACKS = np.array([1, 6, 12, 24])
PACK_PROBS = np.array([0.35, 0.25, 0.25, 0.15])
# Heaviest providers first get Monday, then Tuesday…: Monday stays the busiest order day.
USUAL_DAY_ORDER = np.array([0, 1, 2, 0, 3, 1, 4, 2, 5, 0, 3, 1, 4])
ON_USUAL_DAY = 0.75  # share of a provider's orders placed on its usual weekday
LEAD_DAYS = np.array([1, 1, 2, 2, 2, 3, 3, 4, 5])
DELAY = np.array([-1, 0, 0, 0, 0, 1, 2])
SALES_DAYS = 28
LOW_STOCK_SHARE = 0.08
PHONE_FORMS = (
    "0{area} {head}-{tail}",
    "+54 9 {area} {head}-{tail}",
    "(0{area}) 15-{head}-{tail}",
    "{area} {head} {tail}",
    "+54 {area} {head}-{tail}",
    "0{area} 15 {head}-{tail}",
)


def written_phone(rng: np.random.Generator, index: int, area: str) -> str:
    """Return a phone of the area in one of the usual written forms (one in 13: no area)."""
    digits = 10 - len(area)
    number = str(int(rng.integers(4 * 10 ** (digits - 1), 5 * 10 ** (digits - 1))))
    head, tail = number[:-4], number[-4:]
    if index % 13 == 12:
        return f"{head}-{tail}"  # written without the area code: cannot be sent by WhatsApp
    return PHONE_FORMS[index % len(PHONE_FORMS)].format(area=area, head=head, tail=tail)


def product_packs(rng: np.random.Generator, n: int) -> np.ndarray:
    """Return the pack each product is bought in."""
    return rng.choice(PACKS, size=n, p=PACK_PROBS)


def pack_quantities(rng: np.random.Generator, packs: np.ndarray) -> np.ndarray:
    """Return line quantities in whole packs (loose units for pack 1)."""
    loose = rng.geometric(0.13, size=len(packs))
    whole = packs * rng.geometric(0.45, size=len(packs))
    return np.where(packs == 1, loose, whole).astype(np.int64)


def usual_days(weights: np.ndarray) -> np.ndarray:
    """Return each provider's usual weekday (0 = Monday), the busiest providers first."""
    days = np.empty(len(weights), dtype=np.int64)
    ranks = np.argsort(-weights, kind="stable")
    days[ranks] = USUAL_DAY_ORDER[np.arange(len(weights)) % len(USUAL_DAY_ORDER)]
    return days


def on_usual_days(rng, stamps: np.ndarray, providers: np.ndarray, first: np.datetime64):
    """Move most orders back to their provider's usual weekday; return the new order."""
    usual = usual_days(np.bincount(providers, minlength=providers.max() + 1).astype(float))
    days = stamps.astype("datetime64[D]")
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    back = (weekday - usual[providers]) % 7
    # The last two days keep their orders where they are: today always has some activity.
    settled = days <= days.max() - np.timedelta64(2, "D")
    move = (rng.random(len(stamps)) < ON_USUAL_DAY) & (days - back >= first) & settled
    moved = stamps - np.where(move, back, 0).astype("timedelta64[D]")
    return np.argsort(moved, kind="stable"), moved


def lead_times(rng, days: np.ndarray, providers: np.ndarray, today: np.datetime64):
    """Return expected and real delivery days from each provider's own lead time."""
    lead = LEAD_DAYS[np.arange(providers.max() + 1) % len(LEAD_DAYS)]
    rng.shuffle(lead)
    expected = days + lead[providers].astype("timedelta64[D]")
    delay = rng.choice(DELAY, size=len(days)).astype("timedelta64[D]")
    real = np.minimum(np.maximum(expected + delay, days), today)
    return expected, real


def settle_stock(rng, columns: dict, movements: dict, today: np.datetime64) -> None:
    """Set stock_minimo and stock_actual from each product's sales of the last 28 days."""
    n = len(columns["id"])
    stamps = movements["fecha_movimiento"].astype("datetime64[s]")
    recent = (movements["tipo_movimiento"] == "salida") & (
        stamps >= (today - np.timedelta64(SALES_DAYS, "D")).astype("datetime64[s]")
    )
    sold = np.bincount(
        movements["producto_id"][recent] - 1, weights=movements["cantidad"][recent], minlength=n
    )
    daily = sold / SALES_DAYS
    selling = daily > 0
    minimum = columns["stock_minimo"].copy()
    minimum[selling] = np.maximum(2, np.ceil(daily[selling] * rng.uniform(2, 5, selling.sum())))
    current = np.rint(minimum + daily * rng.uniform(3, 30, n)).astype(np.int64)
    current[~selling] = columns["stock_actual"][~selling]
    # Products without recent sales keep the generator's stock (with its own low ones).
    low = (columns["activo"] == 1) & selling & (rng.random(n) < LOW_STOCK_SHARE)
    # Under the minimum: from none up to about four days of sales left.
    left = np.rint(daily[low] * rng.uniform(0.3, 4, low.sum())).astype(np.int64)
    current[low] = np.minimum(left, minimum[low] - 1)
    current[low & (rng.random(n) < 0.3)] = 0
    columns["stock_minimo"] = minimum.astype(np.int64)
    columns["stock_actual"] = current
