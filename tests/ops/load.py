"""A small load generator for live tests: threads requesting paths, counting every outcome."""

from __future__ import annotations

import collections
import threading
import time
from dataclasses import dataclass, field

import requests


@dataclass
class Load:
    """Run `threads` loops over `paths` against `url` until stopped; one new connection each."""

    url: str
    paths: tuple[str, ...]
    headers: dict[str, str] = field(default_factory=dict)
    threads: int = 4
    statuses: collections.Counter = field(default_factory=collections.Counter)
    refused: int = 0
    other_errors: list[str] = field(default_factory=list)
    stop_event: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    workers: list[threading.Thread] = field(default_factory=list)
    durations: list[float] = field(default_factory=list)  # seconds of each 2xx answer

    def __enter__(self) -> Load:
        for number in range(self.threads):
            thread = threading.Thread(target=self.run, args=(number,), daemon=True)
            thread.start()
            self.workers.append(thread)
        return self

    def __exit__(self, *exc) -> None:
        self.stop_event.set()
        for thread in self.workers:
            thread.join(timeout=30)

    def run(self, number: int) -> None:
        step = number
        while not self.stop_event.is_set():
            path = self.paths[step % len(self.paths)]
            step += 1
            self.one(path)
            time.sleep(0.01)

    def one(self, path: str) -> None:
        headers = {**self.headers, "Connection": "close"}
        started = time.perf_counter()
        try:
            response = requests.get(self.url + path, headers=headers, timeout=30)
        except requests.ConnectionError as exc:
            with self.lock:
                if "refused" in str(exc).lower():
                    self.refused += 1
                else:
                    self.other_errors.append(repr(exc))
            return
        with self.lock:
            self.statuses[response.status_code] += 1
            if response.status_code < 300:
                self.durations.append(time.perf_counter() - started)

    @property
    def total(self) -> int:
        """Return how many requests got an HTTP answer."""
        return sum(self.statuses.values())

    def server_errors(self) -> dict[int, int]:
        """Return the 5xx statuses seen, with their counts."""
        return {status: n for status, n in self.statuses.items() if status >= 500}
