"""A worker's SQLite memory is bounded: one connection per thread, each with a small cache."""

from __future__ import annotations

import threading

from minimarket_dash.config import load_settings
from minimarket_dash.db import make_engine


def pragma(connection, name: str) -> int:
    """Return the value of PRAGMA name on a SQLAlchemy connection."""
    return connection.exec_driver_sql(f"PRAGMA {name}").scalar_one()


def serving_engine(url: str, **overrides):
    return make_engine(load_settings({"database_url": url, **overrides}))


def test_default_connection_has_a_4_mb_cache_no_memory_map_and_reads_only(tiny_sqlite_url):
    engine = serving_engine(tiny_sqlite_url)
    try:
        with engine.connect() as conn:
            assert pragma(conn, "cache_size") == -4 * 1024  # negative: KiB
            assert pragma(conn, "mmap_size") == 0
            assert pragma(conn, "query_only") == 1
            assert pragma(conn, "temp_store") == 1  # FILE: big sorts spill to disk
    finally:
        engine.dispose()


def test_cache_and_memory_map_follow_the_settings(tiny_sqlite_url):
    engine = serving_engine(tiny_sqlite_url, sqlite_cache_mb=3, sqlite_mmap_mb=5)
    try:
        with engine.connect() as conn:
            assert pragma(conn, "cache_size") == -3 * 1024
            assert pragma(conn, "mmap_size") == 5 * 1024 * 1024
    finally:
        engine.dispose()


def test_a_worker_never_opens_more_connections_than_threads(tiny_sqlite_url):
    engine = serving_engine(tiny_sqlite_url, threads=3)
    held = [engine.connect() for _ in range(3)]
    got_one = threading.Event()

    def one_more():
        with engine.connect():
            got_one.set()

    waiting = threading.Thread(target=one_more, daemon=True)
    try:
        waiting.start()
        assert not got_one.wait(0.5), "a fourth connection opened beside three threads"
        assert engine.pool.checkedout() == 3
        held.pop().close()
        assert got_one.wait(5), "the waiting thread did not get the freed connection"
    finally:
        for connection in held:
            connection.close()
        waiting.join(5)
        engine.dispose()
    assert engine.pool.size() == 3
