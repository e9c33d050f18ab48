"""Seeded, optimized benchmark databases, made once per size and day and reused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text

from minimarket_dash.config import load_settings
from minimarket_dash.db import make_engine
from minimarket_dash.demo import seed_database
from minimarket_dash.optimize import advice, optimize

DATA_DIR = Path(__file__).resolve().parent / ".data"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def ensure_dataset(
    kind: str, lines: int, today: date, *, optimized: bool = True, every_delivery: bool = False
) -> str:
    """Return the URL of a database seeded with `lines` order lines up to `today`;
    `every_delivery`: with an invoice for every delivered order (demo: every fifth)."""
    suffix = ("opt" if optimized else "raw") + ("-fact" if every_delivery else "")
    if kind == "sqlite":
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path = DATA_DIR / f"bench-{lines}-{today.isoformat()}-{suffix}.db"
        url = f"sqlite:///{path}"
        if not path.exists():
            for old in DATA_DIR.glob(f"bench-{lines}-*-{suffix}.db*"):
                old.unlink()
            _fill(url, lines, today, optimized, every_delivery)
        elif optimized:
            _finish_optimize(url)
        return url
    name = f"mmbench_{lines}_{today:%Y%m%d}_{suffix.replace('-', '_')}"
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    if not _pg_exists(name):
        _pg_create(name)
        _fill(url, lines, today, optimized, every_delivery)
    elif optimized:
        _finish_optimize(url)
    return url


def _finish_optimize(url: str) -> None:
    """Complete an optimize that an earlier run did not finish."""
    settings = load_settings({"database_url": url})
    engine = make_engine(settings, writer=True)
    if advice(engine):
        result = optimize(engine, settings.now())
        print(f"  optimize en {result.seconds:.1f} s")
    engine.dispose()


def _fill(url: str, lines: int, today: date, optimized: bool, every_delivery: bool) -> None:
    settings = load_settings({"database_url": url})
    engine = make_engine(settings, writer=True)
    report = seed_database(
        engine, lines=lines, seed=42, today=today, force=True, every_delivery=every_delivery
    )
    print(f"  sembrado {lines:,} líneas en {report.seconds:.1f} s")
    if optimized:
        result = optimize(engine, settings.now())
        print(f"  optimize en {result.seconds:.1f} s")
    engine.dispose()


def _pg_exists(name: str) -> bool:
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        found = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).first()
    admin.dispose()
    return found is not None


def _pg_create(name: str) -> None:
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
