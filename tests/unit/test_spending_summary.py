"""mm_importe_mes: /api/spending reads closed months from it and gives the raw tables' numbers."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import inspect, text, update

from minimarket_dash.config import load_settings
from minimarket_dash.db import make_engine, pedidos
from minimarket_dash.demo import seed_database
from minimarket_dash.filters import Filters
from minimarket_dash.optimize import optimize
from minimarket_dash.queries.spending import by_month, by_provider, spending_cells
from minimarket_dash.summaries import mm_importe_mes, read_state
from tests.api import manager_sql
from tests.databases import postgres_database

TODAY = date(2026, 3, 18)
NOW = datetime(2026, 3, 18, 12, 30)
FILTERS = [
    Filters(),
    Filters(start_date=date(2025, 1, 1), end_date=date(2026, 3, 31)),
    Filters(start_date=date(2025, 6, 15), end_date=date(2025, 9, 14)),
    Filters(start_date=date(2025, 2, 1)),
    Filters(end_date=date(2025, 12, 31), proveedor="s"),
    Filters(proveedor="la"),
]


def _answer(engine, filters: Filters, use_summaries: bool) -> dict:
    with engine.connect() as conn:
        cells = spending_cells(conn, filters, NOW, use_summaries=use_summaries)
    return {
        "por_mes": by_month(cells).to_dict("records"),
        "por_proveedor": by_provider(cells).astype(object).to_dict("records"),
    }


def _optimized(url: str):
    settings = load_settings({"database_url": url})
    writer = make_engine(settings, writer=True)
    seed_database(writer, lines=20_000, seed=5, today=TODAY, progress=False)
    optimize(writer, NOW)
    return writer, make_engine(settings)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def engines(request, tmp_path_factory):
    """(writer, reader) over a seeded database after `optimize`."""
    if request.param == "sqlite":
        writer, reader = _optimized(f"sqlite:///{tmp_path_factory.mktemp('spend') / 's.db'}")
        yield writer, reader
        return
    with postgres_database("mmdash_spend") as url:
        writer, reader = _optimized(url)
        yield writer, reader
        reader.dispose()
        writer.dispose()


def _normalise(answer: dict) -> dict:
    """Ids as plain ints or None (pandas gives NA for a missing provider)."""
    for row in answer["por_proveedor"]:
        row["proveedor_id"] = (
            None
            if row["proveedor_id"] is None or str(row["proveedor_id"]) == "<NA>"
            else int(row["proveedor_id"])
        )
        row["proveedor"] = None if not isinstance(row["proveedor"], str) else row["proveedor"]
    return answer


@pytest.mark.parametrize("filters", FILTERS)
def test_summary_gives_the_raw_numbers(engines, filters):
    _, reader = engines
    with reader.connect() as conn:
        assert read_state(conn).hasta == datetime(2026, 3, 1)
        ((stored,),) = conn.execute(text(f"SELECT COUNT(*) FROM {mm_importe_mes.fullname}")).all()
    assert stored > 0
    fast, slow = _answer(reader, filters, True), _answer(reader, filters, False)
    assert _normalise(fast) == _normalise(slow)
    assert fast["por_mes"] or filters.proveedor


def test_order_cancelled_after_optimize_is_excluded_at_once(engines):
    writer, reader = engines
    sql = (
        "SELECT id, estado FROM pedidos WHERE estado <> 'cancelado' AND fecha_pedido >= :a"
        " AND fecha_pedido < :b ORDER BY id LIMIT 3"
    )
    states = dict(manager_sql.rows(reader, sql, a=datetime(2025, 11, 1), b=datetime(2025, 12, 1)))
    chosen = list(states)
    before = _answer(reader, Filters(), True)
    with writer.begin() as conn:
        conn.execute(update(pedidos).where(pedidos.c.id.in_(chosen)).values(estado="cancelado"))
    try:
        after = _answer(reader, Filters(), True)
        expected = manager_sql.expected_spending(reader, *manager_sql.last_months_window(NOW))
        assert _normalise(after) == expected
        november = [row for row in after["por_mes"] if row["mes"] == "2025-11"][0]
        old = [row for row in before["por_mes"] if row["mes"] == "2025-11"][0]
        assert november["pedidos"] == old["pedidos"] - 3
    finally:
        with writer.begin() as conn:
            for order, estado in states.items():
                conn.execute(update(pedidos).where(pedidos.c.id == order).values(estado=estado))


def test_store_built_before_the_table_existed(tmp_path):
    writer, reader = _optimized(f"sqlite:///{tmp_path / 'old.db'}")
    with writer.begin() as conn:
        conn.execute(text(f"DROP TABLE {mm_importe_mes.fullname}"))
    live = _answer(reader, Filters(), True)  # summaries of other tables exist: read live
    assert _normalise(live) == _normalise(_answer(reader, Filters(), False))
    optimize(writer, NOW)  # incremental run: the new table is filled for every closed month
    assert inspect(reader).has_table(mm_importe_mes.name, mm_importe_mes.schema)
    ((months,),) = manager_sql.rows(
        reader, f"SELECT COUNT(DISTINCT mes) FROM {mm_importe_mes.fullname}"
    )
    assert months >= 24
    assert _normalise(_answer(reader, Filters(), True)) == _normalise(live)
