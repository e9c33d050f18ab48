"""The alert rules: promtool checks them and runs their unit tests; their metrics exist."""

from __future__ import annotations

import re
import shutil
import subprocess

import yaml

from tests.constants import API_KEY, AUTH
from tests.live import PROJECT_ROOT

PROMETHEUS_DIR = PROJECT_ROOT / "deploy" / "prometheus"
ALERTS = PROMETHEUS_DIR / "alerts.yml"
PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"

EXPECTED = {
    "DashboardCaido",
    "DashboardMetricasAusentes",
    "DashboardErrores5xx",
    "DashboardLatenciaP95",
    "DashboardMuchos429",
    "DashboardBaseCaida",
    "DashboardResumenesViejos",
    "DashboardRedisCaido",
}


def promtool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PROMTOOL, *args], capture_output=True, text=True, timeout=60, cwd=PROMETHEUS_DIR
    )


def test_promtool_check_rules_passes():
    result = promtool("check", "rules", str(ALERTS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(EXPECTED)} rules found" in result.stdout


def test_promtool_unit_tests_of_the_rules_pass():
    result = promtool("test", "rules", "alerts.test.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_promtool_fails_a_wrong_expectation(tmp_path):
    """The unit tests can fail: flip one expected instance and promtool must say so."""
    tests = (PROMETHEUS_DIR / "alerts.test.yml").read_text()
    broken = tests.replace(
        'instance: "b:8080"}\n            exp_annotations:\n'
        '              summary: "Más del 5% de respuestas 5xx en b:8080"',
        'instance: "a:8080"}\n            exp_annotations:\n'
        '              summary: "Más del 5% de respuestas 5xx en a:8080"',
    )
    assert broken != tests
    shutil.copy(ALERTS, tmp_path / "alerts.yml")
    (tmp_path / "alerts.test.yml").write_text(broken)
    result = subprocess.run(
        [PROMTOOL, "test", "rules", "alerts.test.yml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0


def test_every_alert_has_severity_summary_and_runbook():
    rules = yaml.safe_load(ALERTS.read_text())["groups"][0]["rules"]
    assert {rule["alert"] for rule in rules} == EXPECTED
    for rule in rules:
        assert rule["labels"]["severity"] in ("warning", "critical")
        assert rule["annotations"]["runbook"].startswith("RUNBOOK.md")


def test_every_metric_an_alert_reads_is_in_the_first_scrape(make_app, tiny_sqlite_url):
    app = make_app(database_url=tiny_sqlite_url, api_keys=(API_KEY,))
    text = app.test_client().get("/metrics", headers=AUTH).get_data(as_text=True)
    exposed = set(re.findall(r"^(dashboard_\w+?)(?:\{| )", text, re.MULTILINE))
    used = set(re.findall(r"\b(dashboard_\w+)\{", ALERTS.read_text()))
    assert used, "no dashboard_* metric in the rules"
    assert used <= exposed, used - exposed


def test_the_compose_prometheus_mounts_the_rules():
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.dashboard.yml").read_text())
    mount = "./deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro"
    assert mount in compose["services"]["prometheus"]["volumes"]
