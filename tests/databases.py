"""Throwaway databases for tests: a PostgreSQL database per use, filled from a hand fixture."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator

from sqlalchemy import create_engine, text

from minimarket_dash.config import load_settings
from minimarket_dash.db import create_schema, make_engine
from tests import fixture_data

PG_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@contextlib.contextmanager
def postgres_database(prefix: str = "mmdash_test") -> Iterator[str]:
    """Create a throwaway PostgreSQL database, yield its URL, and drop it afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
                ),
                {"n": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def fill_database(url: str, insert_all: Callable = fixture_data.insert_all) -> None:
    """Create the schema at url and insert a hand-made fixture (the tiny one by default)."""
    engine = make_engine(load_settings({"database_url": url}), writer=True)
    create_schema(engine)
    with engine.begin() as conn:
        insert_all(conn)
    engine.dispose()
