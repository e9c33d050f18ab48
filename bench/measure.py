"""The measurements of `python -m bench`: floors, latencies, throughput, memory, pages."""

from __future__ import annotations

import http.client
import json
import os
import platform
import re
import statistics
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from urllib.parse import urlsplit

from bench import cases
from minimarket_dash import queries
from minimarket_dash.config import load_settings
from minimarket_dash.db import make_engine
from tests.live import LiveServer, start_live_server

CACHED_REQUESTS = 60


def machine() -> str:
    """Describe the machine in one line."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    python = platform.python_version()
    return f"{platform.machine()}, {os.cpu_count()} núcleos, {memory:.0f} GiB, Python {python}"


def stats(samples: list[float]) -> dict[str, float]:
    """Return p50 and p95 (nearest rank) of samples in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    return {"p50": statistics.median(ordered), "p95": p95, "n": len(ordered)}


def database_floor(url: str, today: date, requests: int) -> dict[str, dict[str, float]]:
    """Time each endpoint's aggregates run directly on the database, with the same filters."""
    engine = make_engine(load_settings({"database_url": url}))
    now = load_settings().now()
    result = {}
    for name, path_of in cases.endpoints(today).items():
        samples = []
        for i in range(requests):
            filters = cases.filters_of(path_of(i))
            started = time.perf_counter()
            with engine.connect() as conn:
                for metric in cases.METRICS_OF[name]:
                    queries.BY_NAME[metric].query(conn, filters, now)
            samples.append((time.perf_counter() - started) * 1000)
        result[name] = stats(samples)
    engine.dispose()
    return result


class Client:
    """One keep-alive HTTP connection that times each GET."""

    def __init__(self, base_url: str, api_key: str | None = None):
        parts = urlsplit(base_url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.headers = {"X-API-Key": api_key} if api_key else {}

    def get(self, path: str) -> float:
        """GET path and return the milliseconds until the whole body was read."""
        started = time.perf_counter()
        self.connection.request("GET", path, headers=self.headers)
        response = self.connection.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise RuntimeError(f"{path}: HTTP {response.status}")
        return elapsed


def uncached(env: dict, today: date, requests: int, workers: int, during: bool = True) -> dict:
    """First request after start, uncached p50/p95 with varied parameters (TTL 0), then every
    endpoint from parallel clients (every serving thread busy) and the workers' peak memory."""
    server = start_live_server({**env, "DASHBOARD_CACHE_TTL": "0"}, workers=workers)
    try:
        client = Client(server.url, env["DASHBOARD_API_KEY"])
        first_request = client.get("/api/summary")
        during = during_first_refresh(server, today, env["DASHBOARD_API_KEY"]) if during else {}
        store_ready = wait_for_summaries(server)
        client = Client(server.url, env["DASHBOARD_API_KEY"])
        endpoints = {}
        for name, path_of in cases.endpoints(today).items():
            try:
                first = client.get(path_of(0))
                samples = [client.get(path_of(i)) for i in range(1, requests + 1)]
            except TimeoutError:  # over a minute: recorded as NaN, the next endpoint goes on
                client = Client(server.url, env["DASHBOARD_API_KEY"])
                first, samples = float("nan"), [float("nan")]
            endpoints[name] = {"first": first, **stats(samples)}
            print(f"  {name:28} sin caché p50 {endpoints[name]['p50']:9.1f} ms", flush=True)
        try:
            parallel_load(server, today, env["DASHBOARD_API_KEY"])
        except TimeoutError:  # an endpoint over a minute: the peak so far is still measured
            print("  carga paralela: alguna solicitud pasó el minuto", flush=True)
        peak = worker_rss_mb(server, "VmHWM")
    finally:
        server.stop()
    return {
        "first_request": first_request,
        "endpoints": endpoints,
        "worker_peak_rss_mb": peak,
        "during_first_refresh": during,
        "store_ready_seconds": store_ready,
    }


def during_first_refresh(server: LiveServer, today: date, api_key: str) -> dict:
    """One request per endpoint while the refresher may still be building the store; a request
    slower than a minute is recorded as NaN (the database as found reads everything live)."""
    during = {}
    for name, path_of in cases.endpoints(today).items():
        try:
            during[name] = Client(server.url, api_key).get(path_of(0))
        except TimeoutError:
            during[name] = float("nan")
    return during


def wait_for_summaries(server: LiveServer, timeout: float = 900) -> float:
    """Wait until /health says the store of summaries is usable; return the seconds since the
    server answered (0 when it already was)."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        with urllib.request.urlopen(server.url + "/health", timeout=30) as answer:
            if json.loads(answer.read()).get("summaries") in ("ok", "off"):
                return round(time.perf_counter() - started, 1)
        time.sleep(0.5)
    raise RuntimeError("los resúmenes no estuvieron listos a tiempo")


def parallel_load(
    server: LiveServer, today: date, api_key: str, skip: tuple[str, ...] = ()
) -> float:
    """Send every endpoint (but `skip`) from as many clients as the server has threads.

    Returns the seconds it took. Every thread of every worker runs a query at once, so each
    holds its own database connection: the worst case for a worker's memory.
    """
    threads = int(server.env.get("DASHBOARD_THREADS", "4"))
    clients = threads * int(server.env["DASHBOARD_WORKERS"])
    paths = [
        path_of(i)
        for i in range(clients)
        for name, path_of in cases.endpoints(today).items()
        if name not in skip
    ]

    def run(offset: int) -> None:
        client = Client(server.url, api_key)
        for path in paths[offset::clients]:
            client.get(path)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(run, range(clients)))
    return time.perf_counter() - started


def cached(env: dict, today: date, workers: int, seconds: int, api_key: str) -> dict:
    """Cached p50/p95 per endpoint, wrk throughput, and worker memory after the load."""
    server = start_live_server({**env, "DASHBOARD_CACHE_TTL": "600"}, workers=workers)
    try:
        client = Client(server.url, api_key)
        endpoints = {}
        for name, path_of in cases.endpoints(today).items():
            path = path_of(0)
            for _ in range(4 * workers):  # every worker fills its own cache first
                client.get(path)
            endpoints[name] = stats([client.get(path) for _ in range(CACHED_REQUESTS)])
        paths = cases.endpoints(today)
        throughput = {
            "summary (caché)": wrk(server.url + paths["summary"](0), api_key, seconds),
            "top-products filtrado (caché)": wrk(
                server.url + paths["top-products 30 días+prov."](0), api_key, seconds
            ),
        }
        rss = worker_rss_mb(server)
    finally:
        server.stop()
    return {"endpoints": endpoints, "throughput": throughput, "worker_rss_mb": rss}


def scale_out(
    env: dict, today: date, workers: int, seconds: int, api_key: str, cache_url: str
) -> dict:
    """Cached summary throughput of one instance, then of two sharing the Redis cache."""
    shared = {**env, "DASHBOARD_CACHE_TTL": "600", "DASHBOARD_CACHE_URL": cache_url}
    path = cases.endpoints(today)["summary"](0)
    first = start_live_server(shared, workers=workers)
    try:
        second = start_live_server(shared, workers=workers)
        try:
            one = wrk(first.url + path, api_key, seconds)
            with ThreadPoolExecutor(2) as pool:
                both = sum(pool.map(lambda s: wrk(s.url + path, api_key, seconds), (first, second)))
        finally:
            second.stop()
    finally:
        first.stop()
    return {"one": one, "two": both}


def http_floor(env: dict, workers: int, seconds: int) -> dict:
    """Throughput and latency of a bare Flask view under the same gunicorn configuration."""
    server = start_live_server(env, workers=workers, app="bench.floor_app:app")
    try:
        client = Client(server.url)
        for _ in range(20):
            client.get("/api/summary")
        latency = stats([client.get("/api/summary") for _ in range(CACHED_REQUESTS)])
        rps = wrk(server.url + "/api/summary", None, seconds)
    finally:
        server.stop()
    return {"rps": rps, "p50": latency["p50"]}


def wrk(url: str, api_key: str | None, seconds: int) -> float:
    """Return requests per second of a bounded wrk load (1 thread, 8 connections)."""
    command = ["wrk", "-t1", "-c8", f"-d{seconds}s", url]
    if api_key:
        command[1:1] = ["-H", f"X-API-Key: {api_key}"]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30).stdout
    if "Non-2xx" in output:
        raise RuntimeError(f"wrk recibió respuestas no 2xx:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def worker_rss_mb(server: LiveServer, field: str = "VmRSS") -> list[float]:
    """Return the resident memory of each gunicorn worker in MB (VmHWM: its peak so far)."""
    children = open(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read()
    sizes = []
    for pid in children.split():
        status = open(f"/proc/{pid}/status").read()
        sizes.append(int(re.search(rf"{field}:\s+(\d+)", status).group(1)) / 1024)
    return sizes


def pages(env: dict, today: date, workers: int, runs: int = 5) -> dict:
    """Time every page from navigation to all charts drawn, in headless Chromium."""
    from bench import bench_pages

    server = start_live_server({**env, "DASHBOARD_CACHE_TTL": "600"}, workers=workers)
    try:
        measured = bench_pages.measure(server.url, today, runs)
    finally:
        server.stop()
    return {
        label: {
            "first": times[0] * 1000,
            "p50": statistics.median(times[1:]) * 1000,
            "max": max(times[1:]) * 1000,
        }
        for label, times in measured
    }


def visit(env: dict, workers: int, runs: int = 5) -> dict:
    """A first visit with an empty browser cache and Análisis' provider changes (bench_visit)."""
    from bench import bench_visit

    server = start_live_server({**env, "DASHBOARD_CACHE_TTL": "600"}, workers=workers)
    try:
        return bench_visit.measure(server.url, runs)
    finally:
        server.stop()
