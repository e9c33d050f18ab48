"""Heavy metrics (Metric.heavy) run one at a time per process; light ones do not wait; requests
that waited for the same heavy answer get it from the cache; a heavy metric that runs another
inside it does not wait for itself."""

from __future__ import annotations

import threading
import time

import pandas as pd

from minimarket_dash import data
from minimarket_dash.metric import Metric

THREADS = 4


class Overlap:
    """Counts how many queries run at once, and the most at any moment."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = self.most = 0

    def query(self, conn, filters, now) -> pd.DataFrame:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        time.sleep(0.1)
        with self.lock:
            self.now -= 1
        return pd.DataFrame({"x": [1]})


def run_in_threads(app, metric: Metric, use_cache: bool = False) -> None:
    def fetch():
        with app.app_context():
            data.fetch(metric, use_cache=use_cache)

    threads = [threading.Thread(target=fetch) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
        assert not thread.is_alive()


def test_heavy_metrics_run_one_at_a_time_and_light_ones_together(make_app, tiny_sqlite_url):
    app = make_app(database_url=tiny_sqlite_url)
    heavy, light = Overlap(), Overlap()
    run_in_threads(app, Metric("heavy_test", heavy.query, heavy=True))
    run_in_threads(app, Metric("light_test", light.query))
    assert heavy.most == 1
    assert light.most > 1  # 4 threads sleeping 0.1 s each overlap


def test_a_heavy_metric_inside_another_does_not_wait_for_itself(make_app, tiny_sqlite_url):
    app = make_app(database_url=tiny_sqlite_url)
    inner = Metric("inner_test", lambda conn, filters, now: pd.DataFrame({"x": [2]}), heavy=True)

    def outer(conn, filters, now):
        return data.fetch(inner, use_cache=False)

    done = []

    def fetch():
        with app.app_context():
            done.append(data.fetch(Metric("outer_test", outer, heavy=True), use_cache=False))

    thread = threading.Thread(target=fetch)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert done[0]["x"].tolist() == [2]


def test_requests_waiting_for_the_same_heavy_answer_compute_it_once(make_app, tiny_sqlite_url):
    app = make_app(database_url=tiny_sqlite_url, cache_ttl=60)
    heavy, light = Overlap(), Overlap()
    calls = []

    def counted(overlap):
        def query(conn, filters, now):
            calls.append(overlap)
            return overlap.query(conn, filters, now)

        return query

    run_in_threads(app, Metric("heavy_cached_test", counted(heavy), heavy=True), use_cache=True)
    run_in_threads(app, Metric("light_cached_test", counted(light)), use_cache=True)
    assert calls.count(heavy) == 1  # the three others found its answer once it was done
    assert calls.count(light) > 1  # light ones start together, before any answer is cached
