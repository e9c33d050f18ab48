"""The RUNBOOK's cron line and the Compose service `informe` run the report as written."""

from __future__ import annotations

import email
import email.policy
import re
import shlex
import subprocess

import yaml

from tests.live import PROJECT_ROOT

RUNBOOK = PROJECT_ROOT / "RUNBOOK.md"
COMPOSE = PROJECT_ROOT / "docker-compose.dashboard.yml"
VENV = PROJECT_ROOT / ".venv" / "bin"
INSTALLED = "/srv/minimarket-dash/.venv/bin/"  # where the RUNBOOK's section 14 installs it


def cron_block() -> list[str]:
    (block,) = re.findall(r"```cron\n(.*?)```", RUNBOOK.read_text(), re.DOTALL)
    return [line for line in block.splitlines() if line.strip()]


def test_the_cron_line_runs_at_seven_buenos_aires_time():
    zone, line = cron_block()
    assert zone == "CRON_TZ=America/Argentina/Buenos_Aires"
    assert line.split()[:5] == ["0", "7", "*", "*", "*"]
    assert f"{INSTALLED}minimarket-dash report" in line


def test_the_cron_line_sends_with_the_service_s_env_file(tmp_path, report_demo_url):
    """The line as written, with the checkout's venv, a temp env file and --dry-run."""
    _, line = cron_block()
    command = " ".join(line.split()[5:])
    env_file = tmp_path / "dashboard.env"
    env_file.write_text(
        f"DASHBOARD_DATABASE_URL={report_demo_url}\n"
        f"DASHBOARD_STATE_DIR={tmp_path}\n"
        "DASHBOARD_REPORT_FROM=Informe Mini Market <informe@mm.example>\n"
        "DASHBOARD_REPORT_TO=compras@mm.example\n"
    )
    log = tmp_path / "informe.log"
    command = (
        command.replace("/etc/minimarket-dash/dashboard.env", str(env_file))
        .replace(INSTALLED, f"{VENV}/")
        .replace("/srv/minimarket-dash/logs/informe.log", str(log))
        .replace(" report ", " report --dry-run ")
    )
    assert str(env_file) in command and str(log) in command and "--dry-run" in command
    done = subprocess.run(
        ["sh", "-c", command],
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, log.read_text()
    message = email.message_from_string(log.read_text(), policy=email.policy.default)
    assert message["From"] == "Informe Mini Market <informe@mm.example>"
    assert message["To"] == "compras@mm.example"
    assert message["Subject"].startswith("Informe de la mañana · ")


def test_the_compose_service_sleeps_until_seven_then_sends():
    service = yaml.safe_load(COMPOSE.read_text())["services"]["informe"]
    assert service["entrypoint"] == ["sh", "-c"]
    assert service["env_file"] == ".env.dashboard"
    assert service["image"] == yaml.safe_load(COMPOSE.read_text())["services"]["dashboard"]["image"]
    (loop,) = service["command"]
    script = loop.replace("$$", "$")  # Compose's escape of a literal $
    wait = re.search(r"\$\((python -m minimarket_dash\.report [^)]*)\)", script).group(1)
    assert wait.endswith("--seconds-until 07:00")
    assert re.search(r"; minimarket-dash report \|\|", script)
    tokens = shlex.split(wait)
    done = subprocess.run(
        [str(VENV / "python"), *tokens[1:]],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin"},
        cwd=PROJECT_ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert 1 <= int(done.stdout) <= 24 * 3600
