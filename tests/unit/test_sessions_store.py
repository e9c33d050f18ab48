"""The sessions and the failed-attempt counters in the store of what managers enter, on SQLite
and on a real PostgreSQL (schema mm_entradas): what a cookie opens, expiry, ending sessions,
and counters that stay exact when many threads count at once."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from minimarket_dash import lockout, sessions
from minimarket_dash.config import load_settings
from minimarket_dash.entries import EntriesStore, entries_engine
from minimarket_dash.lockout import MAX_FAILURES, Lockout, StoreCounters
from minimarket_dash.sessions import ABSOLUTE_LIFETIME_SECONDS, SessionStore, digest


@pytest.fixture
def entries(tiny_url, tmp_path):
    settings = load_settings({"database_url": tiny_url, "state_dir": str(tmp_path)}, environ={})
    store = EntriesStore(entries_engine(settings), settings.now)
    yield store
    store.engine.dispose()


def a_name() -> str:
    return f"u{uuid.uuid4().hex[:10]}"  # the PostgreSQL store is shared by the session's tests


def test_a_session_opens_only_for_its_user_until_it_ends(entries):
    store = SessionStore(entries, idle_seconds=3600)
    name = a_name()
    token = store.start(name, "203.0.113.7", "Firefox")
    assert store.check(token, name)
    assert not store.check(token, "otro")
    assert not store.check(token + "x", name)
    [row] = store.of_user(name)
    assert row.id == digest(token) and token not in row  # only the digest is kept
    assert (row.ip, row.agente, row.shown_id) == ("203.0.113.7", "Firefox", digest(token)[:8])
    store.end(token)
    assert not store.check(token, name) and store.of_user(name) == []


def test_ending_a_users_sessions_all_or_one(entries):
    store = SessionStore(entries, idle_seconds=3600)
    name, other = a_name(), a_name()
    first, second = store.start(name, "", ""), store.start(name, "", "")
    kept = store.start(other, "", "")
    assert store.end_user(name, digest(first)[:8].upper()) == 1
    assert not store.check(first, name) and store.check(second, name)
    assert store.end_user(name) == 1
    assert not store.check(second, name) and store.check(kept, other)


def test_idle_and_absolute_expiry(entries, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(sessions.time, "time", lambda: now[0])
    store = SessionStore(entries, idle_seconds=3600)
    name = a_name()
    token = store.start(name, "", "")
    now[0] += 3000
    assert store.check(token, name)  # used: last seen moves on (more than a minute later)
    now[0] += 3000
    assert store.check(token, name)
    now[0] += 3601
    assert not store.check(token, name)  # idle for over an hour
    token = store.start(name, "", "")
    for _ in range(ABSOLUTE_LIFETIME_SECONDS // 3000):
        now[0] += 3000
        assert store.check(token, name)
    now[0] += 3000
    assert not store.check(token, name)  # seven days after sign-in, used or not


def test_counters_stay_exact_when_thirty_count_at_once(entries):
    counters = Lockout(StoreCounters(entries))
    address, user = f"198.51.100.{uuid.uuid4().int % 250}", a_name()
    ready = threading.Barrier(30)

    def attempt(_number: int) -> int:
        ready.wait()
        return counters.begin(address, user).wait

    with ThreadPoolExecutor(max_workers=30) as pool:
        waits = list(pool.map(attempt, range(30)))
    assert sum(1 for wait in waits if wait == 0) == MAX_FAILURES
    assert all(0 < wait <= lockout.WINDOW_SECONDS for wait in waits if wait)
    assert counters.begin(address, a_name()).wait  # the address is locked for anyone
    counters.clear(f"ip:{address}")
    assert counters.begin(address, a_name()).wait == 0
    assert counters.begin("192.0.2.1", user).wait  # the user is locked from anywhere


def test_a_right_password_gives_its_slot_back(entries):
    counters = Lockout(StoreCounters(entries))
    user = a_name()
    for _ in range(3 * MAX_FAILURES):
        attempt = counters.begin("192.0.2.9", user)
        assert attempt.wait == 0
        counters.succeeded(attempt)
