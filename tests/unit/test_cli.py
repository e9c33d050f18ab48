"""The command line: settings output and usage errors (servers: tests/ops/test_cli_live.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from minimarket_dash.cli import build_parser, main
from tests.live import PROJECT_ROOT


def test_config_prints_every_variable_without_secrets(capsys, monkeypatch):
    monkeypatch.setenv("DASHBOARD_API_KEY", "una-clave-muy-secreta-123")
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "DASHBOARD_API_KEY=(1 clave(s) configurada(s))" in out
    assert "una-clave-muy-secreta" not in out
    assert "DASHBOARD_RATELIMIT_MAX=120" in out


def test_invalid_setting_stops_with_one_line():
    result = subprocess.run(
        [sys.executable, "-m", "minimarket_dash.cli", "config"],
        env={"DASHBOARD_TRUSTED_PROXIES": "muchos", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Error de configuración: DASHBOARD_TRUSTED_PROXIES: valor inválido 'muchos'; "
        "se acepta un entero entre 0 y 10"
    ]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "argv",
    [["serve", "--port", "abc"], ["serve", "--bogus"], ["seed", "--today", "2026-02-30"],
     ["seed", "--lines", "0"], ["nada"]],
)
def test_bad_command_line_is_a_usage_error(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(argv)
    assert stop.value.code == 2
    assert "usage:" in capsys.readouterr().err
