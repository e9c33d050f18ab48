"""Throwaway databases for tests: a PostgreSQL database per use, filled from a hand fixture.

The databases live in the session's private cluster (tests/services.py), never on the host's
PostgreSQL. `PG_ADMIN_URL` (the cluster's superuser URL) is resolved on first use, which starts
the cluster.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator

from sqlalchemy import create_engine, text

from minimarket_dash.config import load_settings
from minimarket_dash.db import create_schema, make_engine
from tests import fixture_data
from tests.services import postgres_server


def admin_url() -> str:
    """The superuser URL of the session's private PostgreSQL cluster (started on first use)."""
    return postgres_server().admin_url


def __getattr__(name: str) -> str:
    # `from tests.databases import PG_ADMIN_URL` keeps working: the cluster starts only then.
    if name == "PG_ADMIN_URL":
        return admin_url()
    raise AttributeError(name)


@contextlib.contextmanager
def postgres_database(prefix: str = "mmdash_test") -> Iterator[str]:
    """Create a throwaway PostgreSQL database, yield its URL, and drop it afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    server_url = admin_url()
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
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
