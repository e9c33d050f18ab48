"""A real Prometheus (Debian's 2.42) scrapes live servers with the Bearer key, and every PromQL
expression of the provisioned Grafana dashboard returns data from it."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.constants import DOWN_DATABASE
from tests.live import PROJECT_ROOT, free_port, start_live_server
from tests.ops.helpers import get

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        not Path("/usr/bin/prometheus").exists() and not shutil.which("prometheus"),
        reason="Debian's prometheus is not installed (scripts/setup.sh --test)",
    ),
]

KEY = "prometheus-scrape-key-0123456789"
JOB = "minimarket-dashboard"
DASHBOARD_JSON = PROJECT_ROOT / "deploy" / "grafana" / "dashboards" / "minimarket-dashboard.json"
ALERTS = PROJECT_ROOT / "deploy" / "prometheus" / "alerts.yml"
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$instance": ".*"}


def api(base: str, path: str, **params: str) -> dict:
    """Call the Prometheus HTTP API and return its `data`."""
    url = f"{base}/api/v1/{path}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=10) as answer:
        body = json.load(answer)
    assert body["status"] == "success", body
    return body["data"]


def dashboard_expressions() -> list[str]:
    """Every PromQL expression of the Grafana dashboard, with its variables filled in."""
    panels = json.loads(DASHBOARD_JSON.read_text())["panels"]
    exprs = [target["expr"] for panel in panels for target in panel["targets"]]
    filled = []
    for expr in exprs:
        for variable, value in GRAFANA_VARIABLES.items():
            expr = expr.replace(variable, value)
        assert "$" not in expr, expr
        filled.append(expr)
    return filled


def scrape_config(targets: list[str], key_file: Path, wrong_key_file: Path) -> dict:
    """deploy/prometheus.yml with the live targets, the key files and a 1 s interval."""
    config = yaml.safe_load((PROJECT_ROOT / "deploy" / "prometheus.yml").read_text())
    config["global"] = {"scrape_interval": "1s", "evaluation_interval": "1s"}
    assert config["rule_files"] == ["/etc/prometheus/alerts.yml"]
    config["rule_files"] = [str(ALERTS)]
    (job,) = config["scrape_configs"]
    assert job["job_name"] == JOB and job["authorization"]["type"] == "Bearer"
    job["authorization"]["credentials_file"] = str(key_file)
    job["static_configs"][0]["targets"] = targets
    wrong = json.loads(json.dumps(job))
    wrong["job_name"] = "wrong-key"
    wrong["authorization"]["credentials_file"] = str(wrong_key_file)
    wrong["static_configs"][0]["targets"] = targets[:1]
    config["scrape_configs"] = [job, wrong]
    return config


@pytest.fixture(scope="module")
def servers(tiny_sqlite_url, tmp_path_factory):
    """A healthy server with a low rate limit (real 429s) and one without database (real 503s)."""
    healthy = start_live_server(
        {
            "DASHBOARD_DATABASE_URL": tiny_sqlite_url,
            "DASHBOARD_API_KEY": KEY,
            "DASHBOARD_RATELIMIT_MAX": "5",
        }
    )
    try:
        # A PostgreSQL that refuses connections (port 1): the server starts, answers 503.
        degraded = start_live_server(
            {"DASHBOARD_DATABASE_URL": DOWN_DATABASE, "DASHBOARD_API_KEY": KEY}, workers=1
        )
    except Exception:
        healthy.stop()
        raise
    try:
        yield healthy, degraded
    finally:
        healthy.stop()
        degraded.stop()


def traffic(healthy, degraded) -> None:
    """Pages, API calls past the rate limit, and API calls on the server without database."""
    codes = set()
    for path in ("/", "/providers", "/health"):
        codes.add(get(healthy.url + path))
    for _ in range(16):  # 5 per worker and window: the rest get 429
        codes.add(get(healthy.url + "/api/summary", KEY))
    for _ in range(4):
        codes.add(get(degraded.url + "/api/summary", KEY))
    assert {200, 429, 503} <= codes, codes


@pytest.fixture(scope="module")
def prometheus(servers, tmp_path_factory):
    """Debian's Prometheus scraping both servers every second; yields its base URL."""
    healthy, degraded = servers
    folder = tmp_path_factory.mktemp("prometheus")
    key_file, wrong_file = folder / "dashboard_key", folder / "wrong_key"
    key_file.write_text(KEY + "\n")
    wrong_file.write_text("not-the-dashboard-key-0123456789")
    for path in (key_file, wrong_file):
        path.chmod(0o600)
    targets = [url.removeprefix("http://") for url in (healthy.url, degraded.url)]
    config = folder / "prometheus.yml"
    config.write_text(yaml.safe_dump(scrape_config(targets, key_file, wrong_file)))
    port = free_port()
    output = open(folder / "prometheus.log", "wb")  # closed in the finally below
    process = subprocess.Popen(
        [
            shutil.which("prometheus") or "/usr/bin/prometheus",
            f"--config.file={config}",
            f"--storage.tsdb.path={folder / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, process, folder / "prometheus.log")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        output.close()


def wait_ready(base: str, process: subprocess.Popen, log: Path, wait: float = 30) -> None:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"prometheus exited:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(base + "/-/ready", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"prometheus not ready:\n{log.read_text(errors='replace')}")


def targets_by_job(base: str) -> dict[str, list[dict]]:
    jobs: dict[str, list[dict]] = {}
    for target in api(base, "targets")["activeTargets"]:
        jobs.setdefault(target["labels"]["job"], []).append(target)
    return jobs


def wait_for(check, wait: float = 30, step: float = 0.5):
    """Call check() until it returns something truthy; return it (or the last failure)."""
    deadline = time.monotonic() + wait
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(step)


@pytest.fixture(scope="module")
def scraped(prometheus, servers):
    """Prometheus after both targets are up and have scraped traffic several times."""
    healthy, degraded = servers
    traffic(healthy, degraded)

    def both_up():
        jobs = targets_by_job(prometheus)
        dashboard = jobs.get(JOB, [])
        return len(dashboard) == 2 and all(t["health"] == "up" for t in dashboard) and jobs

    jobs = wait_for(both_up)
    assert jobs, targets_by_job(prometheus)
    traffic(healthy, degraded)  # after the first scrape, so rate() sees an increase
    time.sleep(3)
    return prometheus


def test_targets_are_scraped_with_the_bearer_key(scraped):
    jobs = targets_by_job(scraped)
    assert [t["health"] for t in jobs[JOB]] == ["up", "up"]
    assert all(t["scrapeUrl"].endswith("/metrics") for t in jobs[JOB])
    (wrong,) = wait_for(
        lambda: [t for t in targets_by_job(scraped)["wrong-key"] if t["health"] == "down"]
    )
    assert "401" in wrong["lastError"]


@pytest.mark.parametrize("expr", dashboard_expressions())
def test_every_grafana_expression_returns_data(scraped, expr):
    def finite_samples():
        result = api(scraped, "query", query=expr)["result"]
        return [s for s in result if math.isfinite(float(s["value"][1]))]

    assert wait_for(finite_samples, wait=20), f"no data for {expr}"


def test_every_grafana_variable_query_returns_values(scraped):
    templating = json.loads(DASHBOARD_JSON.read_text())["templating"]["list"]
    for variable in templating:
        metric, label = (
            variable["definition"].removeprefix("label_values(").rstrip(")").rsplit(", ", 1)
        )
        values = api(scraped, f"label/{label}/values", **{"match[]": metric})
        assert len(values) == 2, (variable["name"], values)


def test_rates_see_the_traffic(scraped):
    def value(expr: str) -> float:
        result = api(scraped, "query", query=expr)["result"]
        return sum(float(sample["value"][1]) for sample in result)

    assert wait_for(lambda: value("sum(rate(dashboard_requests_total[1m]))") > 0)
    assert wait_for(lambda: value("sum(rate(dashboard_errors_total[1m]))") > 0)
    assert wait_for(lambda: value("sum(rate(dashboard_rate_limited_total[1m]))") > 0)
    assert value("max(dashboard_uptime_seconds)") > 0


def test_alert_rules_load_and_see_the_server_without_database(scraped, servers):
    _healthy, degraded = servers
    groups = api(scraped, "rules")["groups"]
    names = {rule["name"] for group in groups for rule in group["rules"]}
    assert {"DashboardCaido", "DashboardErrores5xx", "DashboardBaseCaida"} <= names
    assert all(rule["health"] == "ok" for group in groups for rule in group["rules"])
    instance = degraded.url.removeprefix("http://")

    def base_alert():
        alerts = api(scraped, "alerts")["alerts"]
        return [
            a
            for a in alerts
            if a["labels"]["alertname"] == "DashboardBaseCaida"
            and a["labels"]["instance"] == instance
        ]

    (alert,) = wait_for(base_alert, wait=20)
    assert alert["state"] == "pending"  # `for: 2m` not yet over; only the degraded server


def test_the_runbook_target_check_prints_health_and_last_error(scraped):
    """RUNBOOK section 7's check, as written, against this Prometheus."""
    from tests.ops.helpers import block_with

    check = next(
        line
        for line in block_with("curl -s http://127.0.0.1:9090/api/v1/targets").splitlines()
        if line.startswith("curl -s http://127.0.0.1:9090/api/v1/targets")
    )
    check = check.replace("http://127.0.0.1:9090", scraped)
    done = subprocess.run(["bash", "-c", check], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    assert sum(row[1] == "up" for row in rows) == 2
    assert any(row[1] == "down" and "401" in row[2] for row in rows)
