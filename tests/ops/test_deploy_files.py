"""The deployment files (compose, Dockerfile, env example, Prometheus, Grafana, RUNBOOK) agree
with the code: services, health checks, ports, and only variables that Settings knows."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from minimarket_dash.cli import build_parser
from minimarket_dash.config import Settings, load_settings
from tests.live import PROJECT_ROOT, free_port, start_live_server
from tests.ops import dockerfile
from tests.ops.helpers import RUNBOOK, runbook_commands

COMPOSE = PROJECT_ROOT / "docker-compose.dashboard.yml"
SSO_OVERRIDE = PROJECT_ROOT / "deploy" / "compose.sso.yml"
ENV_EXAMPLE = PROJECT_ROOT / ".env.dashboard.example"
DOCKERFILE = dockerfile.DOCKERFILE
DEPLOY = PROJECT_ROOT / "deploy"
GRAFANA_JSON = DEPLOY / "grafana" / "dashboards" / "minimarket-dashboard.json"
DATASOURCES = DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yml"
PROVIDERS = DEPLOY / "grafana" / "provisioning" / "dashboards" / "minimarket.yml"
SERVICES = {"dashboard", "postgres", "redis", "prometheus", "grafana"}
NAME = re.compile(r"\bDASHBOARD_[A-Z0-9_]+")


def setting_names() -> set[str]:
    """Every environment variable Settings reads (from each field's metadata)."""
    return {
        item.metadata["spec"].env
        for item in dataclasses.fields(Settings)
        if "spec" in item.metadata
    }


def names_in(text: str) -> set[str]:
    """DASHBOARD_* names in a text; `DASHBOARD_LOG_*`-style prefixes are left out."""
    return {name for name in NAME.findall(text) if not name.endswith("_")}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def grafana() -> dict:
    return json.loads(GRAFANA_JSON.read_text())


def test_compose_has_every_service_with_a_health_check(compose):
    services = compose["services"]
    assert SERVICES <= set(services)
    for name in SERVICES:
        test = services[name]["healthcheck"]["test"]
        assert test and test[0] in ("CMD", "CMD-SHELL"), name


def test_compose_dashboard_service(compose):
    dashboard = compose["services"]["dashboard"]
    assert "${IMAGE_TAG" in dashboard["image"]
    assert dashboard["env_file"] in (".env.dashboard", [".env.dashboard"])
    assert dashboard["build"]["context"] == "."
    assert any(str(port).endswith(":8080") for port in dashboard["ports"])
    env = dashboard["environment"]
    assert env["DASHBOARD_BIND"] == "0.0.0.0:8080"
    for name in ("DASHBOARD_RATELIMIT_STORAGE_URI", "DASHBOARD_CACHE_URL"):
        # Redis with a password (issue 10, second round): the URL carries it from the shell.
        assert env[name].startswith("redis://:${REDIS_PASSWORD:?"), name
        assert "@redis:6379/" in env[name], name
    # Published on loopback unless MINIMARKET_HTTP_ADDR says otherwise (a proxy in front).
    (port,) = dashboard["ports"]
    assert port == "${MINIMARKET_HTTP_ADDR:-127.0.0.1}:${MINIMARKET_HTTP_PORT:-8080}:8080"
    redis = compose["services"]["redis"]
    assert "--requirepass" in redis["command"]
    assert redis["environment"]["REDISCLI_AUTH"].startswith("${REDIS_PASSWORD")
    load_settings(environ=env)  # every fixed value is valid for the app
    assert dashboard["healthcheck"]["test"][-1] == "/app/deploy/healthcheck.py"
    assert set(dashboard["depends_on"]) == {"postgres", "redis"}


class _ComposeLoader(yaml.SafeLoader):
    """YAML as Compose reads it: `!reset` marks a value that replaces the base file's."""


RESET = "!reset"


def _reset(loader: yaml.SafeLoader, node: yaml.Node) -> tuple:
    """Read `!reset []` as (RESET, []), so a test can tell it from a plain empty list."""
    return RESET, loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else None


_ComposeLoader.add_constructor(RESET, _reset)


def test_compose_trusts_forwarded_headers_only_from_its_gateway(compose):
    import ipaddress

    subnet = ipaddress.ip_network(compose["networks"]["default"]["ipam"]["config"][0]["subnet"])
    trusted = compose["services"]["dashboard"]["environment"]["DASHBOARD_TRUSTED_PROXY_IPS"]
    assert ipaddress.ip_address(trusted) == next(subnet.hosts())  # the bridge's gateway


def test_sso_override_hides_the_dashboard_behind_oauth2_proxy(compose):
    import ipaddress

    sso = yaml.load(SSO_OVERRIDE.read_text(), Loader=_ComposeLoader)
    dashboard, proxy = sso["services"]["dashboard"], sso["services"]["oauth2-proxy"]
    assert dashboard["ports"] == (RESET, [])  # the dashboard's port is not published
    address = proxy["networks"]["default"]["ipv4_address"]
    subnet = compose["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(address) in ipaddress.ip_network(subnet)
    env = {**compose["services"]["dashboard"]["environment"], **dashboard["environment"]}
    assert env["DASHBOARD_TRUSTED_PROXY_IPS"] == address  # only oauth2-proxy is believed
    settings = load_settings(environ=env)
    assert settings.auth == "proxy" and settings.auth_proxy_header == "X-Forwarded-Email"
    assert "--upstream=http://dashboard:8080/" in proxy["command"]
    assert all(str(port).startswith("127.0.0.1:") for port in proxy["ports"])
    assert names_in(SSO_OVERRIDE.read_text()) <= setting_names()


def test_compose_uses_only_known_dashboard_variables():
    assert names_in(COMPOSE.read_text()) <= setting_names()


def test_compose_host_paths_exist(compose):
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (PROJECT_ROOT / source).exists(), f"{name}: {source}"
    for secret in compose["secrets"].values():
        assert (PROJECT_ROOT / secret["file"]).parent.is_dir()


def test_compose_prometheus_reads_the_key_secret_the_config_names(compose):
    prometheus = compose["services"]["prometheus"]
    config = yaml.safe_load((DEPLOY / "prometheus.yml").read_text())
    job = config["scrape_configs"][0]
    assert job["authorization"]["type"] == "Bearer"
    (secret,) = prometheus["secrets"]
    assert job["authorization"]["credentials_file"] == f"/run/secrets/{secret}"
    assert secret in compose["secrets"]
    assert any(
        "deploy/prometheus.yml:/etc/prometheus/prometheus.yml" in v for v in prometheus["volumes"]
    )
    assert job["static_configs"][0]["targets"] == ["dashboard:8080"]
    assert job["metrics_path"] == "/metrics"


@pytest.mark.skipif(not shutil.which("promtool"), reason="promtool (Debian prometheus) missing")
def test_prometheus_config_passes_promtool(tmp_path):
    config = yaml.safe_load((DEPLOY / "prometheus.yml").read_text())
    key_file = tmp_path / "key"
    key_file.write_text("x" * 32)
    config["scrape_configs"][0]["authorization"]["credentials_file"] = str(key_file)
    assert config["rule_files"] == ["/etc/prometheus/alerts.yml"]  # mounted by the compose
    config["rule_files"] = [str(DEPLOY / "prometheus" / "alerts.yml")]
    path = tmp_path / "prometheus.yml"
    path.write_text(yaml.safe_dump(config))
    done = subprocess.run(
        ["promtool", "check", "config", str(path)], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_grafana_provisioning_matches_compose(compose, grafana):
    grafana_service = compose["services"]["grafana"]
    mounts = dict(v.split(":")[:2] for v in grafana_service["volumes"] if v.startswith("./"))
    (source,) = yaml.safe_load(DATASOURCES.read_text())["datasources"]
    assert source["type"] == "prometheus"
    assert source["url"] == "http://prometheus:9090"
    assert "9090:9090" in compose["services"]["prometheus"]["ports"][0]
    (provider,) = yaml.safe_load(PROVIDERS.read_text())["providers"]
    assert mounts["./deploy/grafana/dashboards"] == provider["options"]["path"]
    assert mounts["./deploy/grafana/provisioning"] == "/etc/grafana/provisioning"
    uids = {panel["datasource"]["uid"] for panel in grafana["panels"]}
    uids |= {t["datasource"]["uid"] for p in grafana["panels"] for t in p["targets"]}
    assert uids == {source["uid"]}


def test_grafana_dashboard_has_the_required_panels(grafana):
    panels = grafana["panels"]
    assert len({p["id"] for p in panels}) == len(panels)
    exprs = [t["expr"] for p in panels for t in p["targets"]]
    joined = "\n".join(exprs)
    for needed in (
        "rate(dashboard_requests_total",
        "rate(dashboard_errors_total",
        "dashboard_uptime_seconds",
        "rate(dashboard_rate_limited_total",
        "histogram_quantile(0.5, sum by (le, route) (rate(dashboard_request_duration_seconds",
        "histogram_quantile(0.95, sum by (le, route) (rate(dashboard_request_duration_seconds",
    ):
        assert needed in joined, needed
    for panel in panels:
        assert panel["targets"] and panel["type"] in ("stat", "timeseries"), panel["title"]
        assert {"x", "y", "w", "h"} <= set(panel["gridPos"])


def test_env_example_documents_every_setting_and_is_valid():
    text = ENV_EXAMPLE.read_text()
    assert names_in(text) == setting_names()
    assigned = dict(
        line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#")
    )
    assigned["DASHBOARD_API_KEY"] = "example-key-0123456789"
    settings = load_settings(environ=assigned)
    assert settings.database_url.startswith("postgresql+psycopg://")


def test_dockerfile():
    text = DOCKERFILE.read_text()
    build, final = dockerfile.stages_of(dockerfile.instructions())
    assert build[0] == ("FROM", "python:3.11-slim AS build")
    assert final[0] == ("FROM", "python:3.11-slim")
    users = [args for word, args in final if word == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert (
        'ENTRYPOINT ["gunicorn", "-c", "python:minimarket_dash.gunicorn_conf", '
        '"minimarket_dash.wsgi:server"]' in text
    )
    assert "DASHBOARD_BIND=0.0.0.0:8080" in text
    assert "HEALTHCHECK" in text and "/app/deploy/healthcheck.py" in text
    assert ("WORKDIR", "/app") in final
    assert 'SETUPTOOLS_SCM_PRETEND_VERSION="${VERSION#v}" pip wheel --no-deps' in text
    runs = " && ".join(args for word, args in final if word == "RUN")
    # The locked versions, then the wheel alone: nothing resolved again, nothing editable.
    assert "pip install --require-hashes -r /tmp/app.lock" in runs
    assert "pip install --no-deps /tmp/dist/minimarket_dash-" in runs and "-e " not in runs
    assert names_in(text) <= setting_names()


def test_dockerfile_copies_what_the_app_needs_and_dockerignore_keeps_it():
    build, final = dockerfile.stages_of(dockerfile.instructions())
    from_context = [
        args.split()[:-1]
        for word, args in build + final
        if word == "COPY" and not args.startswith("--from=")
    ]
    sources = {source for group in from_context for source in group}
    assert {
        "minimarket_dash",
        "pages",
        "assets",
        "pyproject.toml",
        "requirements/app.lock",
        "deploy/healthcheck.py",
    } <= sources
    final_sources = {args.split()[0] for word, args in final if word == "COPY"}
    assert not {"minimarket_dash", "pages", "assets"} & final_sources  # only in the wheel
    ignored = {
        line.strip()
        for line in (PROJECT_ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for source in sources:
        assert (PROJECT_ROOT / source).exists(), source
        assert source not in ignored and source.split("/")[0] not in ignored, source
    assert {".venv", ".git", "data", "logs", ".env.*", "deploy/secrets"} <= ignored


def test_secrets_folder_is_ignored_by_git():
    ignore = (DEPLOY / "secrets" / ".gitignore").read_text().splitlines()
    assert "*" in ignore


# --- deploy/healthcheck.py -------------------------------------------------------------------


def _healthcheck_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("healthcheck", DEPLOY / "healthcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("environ", "url", "host"),
    [
        ({}, "http://127.0.0.1:8080/health", None),
        ({"DASHBOARD_BIND": "0.0.0.0:9000"}, "http://127.0.0.1:9000/health", None),
        ({"DASHBOARD_ALLOWED_HOSTS": "*"}, "http://127.0.0.1:8080/health", None),
        ({"DASHBOARD_ALLOWED_HOSTS": "tablero.example.com, otro"}, None, "tablero.example.com"),
    ],
)
def test_healthcheck_request(environ, url, host):
    request = _healthcheck_module().probe_request(environ)
    if url:
        assert request.full_url == url
    assert request.get_header("Host") == host


@pytest.mark.live
def test_healthcheck_probe_passes_where_plain_requests_get_400(tiny_sqlite_url):
    env = {"DASHBOARD_DATABASE_URL": tiny_sqlite_url, "DASHBOARD_ALLOWED_HOSTS": "tablero.local"}
    server = start_live_server(env, workers=1)
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(server.url + "/health", timeout=5)
        assert refused.value.code == 400
        probe_env = {**os.environ, **env, "DASHBOARD_BIND": server.env["DASHBOARD_BIND"]}
        done = subprocess.run(
            [sys.executable, str(DEPLOY / "healthcheck.py")],
            env=probe_env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 0, done.stderr
    finally:
        server.stop()


@pytest.mark.live
def test_image_played_from_the_dockerfile_serves_pages_assets_and_health(tmp_path, tiny_sqlite_url):
    """Without a Docker engine: play the Dockerfile (tests/ops/dockerfile.py: the wheel built
    in one stage, the lock and the wheel installed in a clean Python in the next), run its
    ENTRYPOINT from its WORKDIR with its ENV, and probe it with its HEALTHCHECK command."""
    image = dockerfile.play(tmp_path / "image")
    app = image.path("/app")
    assert sorted(item.name for item in app.iterdir()) == ["data", "deploy", "logs"]
    steps = dockerfile.instructions()
    assert image.env["DASHBOARD_BIND"] == "0.0.0.0:8080"
    port = free_port()
    env = {
        **image.env,
        "DASHBOARD_BIND": f"127.0.0.1:{port}",
        "DASHBOARD_LOG_DIR": str(tmp_path),
        "DASHBOARD_DATABASE_URL": tiny_sqlite_url,
        "DASHBOARD_WORKERS": "1",
    }
    python = str(image.bin / "python")
    folder = subprocess.run(
        [python, "-c", "from minimarket_dash.config import app_folder; print(app_folder('pages'))"],
        cwd=app,
        env=env,
        text=True,
        capture_output=True,
        check=True,
    ).stdout.strip()
    assert Path(folder).is_relative_to(image.python_home)  # pages from the installed wheel
    entrypoint = json.loads(next(args for word, args in steps if word == "ENTRYPOINT"))
    server = subprocess.Popen(
        dockerfile.image_command(image, entrypoint),
        cwd=app,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        probe = next(args for word, args in steps if word == "HEALTHCHECK")
        command = dockerfile.image_command(image, json.loads(probe.split(" CMD ", 1)[1]))
        deadline = time.monotonic() + 60
        while subprocess.run(command, env=env, capture_output=True).returncode != 0:
            assert server.poll() is None and time.monotonic() < deadline, "never healthy"
            time.sleep(0.5)
        html = _first_user_then_home(python, app, env, f"http://127.0.0.1:{port}")
        asset = re.search(r'href="(/assets/[^"]+)"', html).group(1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{asset}", timeout=10) as answer:
            assert answer.status == 200
    finally:
        server.terminate()
        server.wait(timeout=40)


def _first_user_then_home(python: str, app: Path, env: dict, base: str) -> str:
    """Do what an operator does on a new image (users add), sign in, and return the home page."""
    import requests

    from tests.signin.helpers import PASSWORD, sign_in_live

    assert requests.get(f"{base}/", allow_redirects=False).status_code == 503  # no user yet
    subprocess.run(
        [python, "-m", "minimarket_dash.cli", "users", "add", "encargada", "--password-stdin"],
        cwd=app,
        env=env,
        input=PASSWORD,
        text=True,
        check=True,
        capture_output=True,
    )
    browser = requests.Session()
    assert sign_in_live(browser, base, "encargada").status_code == 303
    page = browser.get(f"{base}/")
    assert page.status_code == 200
    return page.text


# --- RUNBOOK.md --------------------------------------------------------------------------------


def test_runbook_names_every_setting_and_only_real_ones():
    text = RUNBOOK.read_text()
    assert names_in(text) <= setting_names()
    missing = {name for name in setting_names() if name not in text}
    assert not missing


def script_help(name: str) -> str:
    done = subprocess.run(
        [str(PROJECT_ROOT / "scripts" / name), "-h"], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, name
    return done.stdout


def test_runbook_script_invocations_use_existing_scripts_and_options():
    used: dict[str, set[str]] = {}
    for tokens in runbook_commands():
        for at, token in enumerate(tokens):
            match = re.search(r"scripts/([a-z_]+\.sh)$", token)
            if match:
                options = {t for t in tokens[at + 1 :] if re.fullmatch(r"--?[a-z0-9][a-z0-9-]*", t)}
                used.setdefault(match.group(1), set()).update(options)
    assert {
        "check_metrics_dashboard.sh",
        "check_security_headers.sh",
        "rotate_dashboard_api_key.sh",
        "preflight_rc.sh",
    } <= set(used)
    for name, options in used.items():
        script = PROJECT_ROOT / "scripts" / name
        assert script.is_file() and os.access(script, os.X_OK), name
        help_text = script_help(name)
        for option in options:
            assert re.search(rf"(^|[\s\[|,]){re.escape(option)}\b", help_text), (name, option)


def test_runbook_cli_commands_exist():
    parser = build_parser()
    commands = set(parser._subparsers._group_actions[0].choices)  # noqa: SLF001
    seen = set()
    for tokens in runbook_commands():
        for at, token in enumerate(tokens[:-1]):
            after_flag = at > 0 and tokens[at - 1] == "--entrypoint"
            program = token == "minimarket-dash" or token.endswith("bin/minimarket-dash")
            if program and not after_flag and tokens[at + 1][0] != "-":
                assert tokens[at + 1] in commands, tokens
                seen.add(tokens[at + 1])
    assert {"serve", "config"} <= seen


def test_runbook_compose_commands_name_real_services(compose):
    services = set(compose["services"])
    takes_services = {"up", "pull", "logs", "restart", "ps", "build", "stop", "push"}
    for tokens in runbook_commands():
        if "compose" not in tokens:
            continue
        assert tokens[tokens.index("compose") + 1 :][:2] == ["-f", "docker-compose.dashboard.yml"]
        rest = tokens[tokens.index("compose") + 3 :]
        if rest and rest[0] in takes_services:
            names = [t for t in rest[1:] if re.fullmatch(r"[a-z][a-z-]*", t)]
            assert set(names) <= services, tokens


def test_werkzeug_is_pinned_for_its_host_checks():
    from importlib.metadata import version

    from packaging.version import Version

    text = (PROJECT_ROOT / "pyproject.toml").read_text()
    assert '"werkzeug>=3.1.7"' in text
    assert Version(version("werkzeug")) >= Version("3.1.7")


def test_runbook_never_puts_a_key_on_a_command_line():
    text = RUNBOOK.read_text()
    for pattern in (r'-k "\$', r"-k \$", r"X-API-Key: \$", r"Bearer \$", r"DASHBOARD_API_KEY=\$"):
        assert not re.search(pattern, text), pattern
    assert "curl -s -K -" in text and "--key-stdin" in text


def test_env_example_and_compose_list_the_monitoring_host_names():
    example = ENV_EXAMPLE.read_text()
    hosts = (
        next(line for line in example.splitlines() if line.startswith("DASHBOARD_ALLOWED_HOSTS="))
        .split("=", 1)[1]
        .split(",")
    )
    assert {"dashboard", "localhost", "127.0.0.1"} <= set(hosts) and "*" not in hosts
    assert "DASHBOARD_ALLOWED_HOSTS" in COMPOSE.read_text() and "`dashboard`" in COMPOSE.read_text()
    assert "postgresql://minimarket_lector:" in example
