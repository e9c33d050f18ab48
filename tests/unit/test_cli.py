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
    [
        ["serve", "--port", "abc"],
        ["serve", "--bogus"],
        ["seed", "--today", "2026-02-30"],
        ["seed", "--lines", "0"],
        ["nada"],
    ],
)
def test_bad_command_line_is_a_usage_error(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(argv)
    assert stop.value.code == 2
    assert "usage:" in capsys.readouterr().err


def _cli(*args: str, env: dict[str, str], cwd=PROJECT_ROOT, stdin: str | None = None):
    return subprocess.run(
        [sys.executable, "-m", "minimarket_dash.cli", *args],
        input=stdin,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_config_reads_the_env_file_and_says_where_each_value_came_from(tmp_path):
    env_file = tmp_path / "dashboard.env"
    env_file.write_text(
        "DASHBOARD_API_KEY=clave-del-archivo-0123456789\n"
        "DASHBOARD_ALLOWED_HOSTS=tablero.example.com\n"
        "DASHBOARD_RATELIMIT_STORAGE_URI=redis://:secreto@cache:6379/0\n"
    )
    done = _cli(
        "config",
        env={
            "DASHBOARD_ENV_FILE": str(env_file),
            "DASHBOARD_ALLOWED_HOSTS": "*",  # the file wins, as in gunicorn
            "DASHBOARD_CACHE_TTL": "30",
        },
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    origin = f"# archivo {env_file}"
    assert f"DASHBOARD_API_KEY=(1 clave(s) configurada(s))  {origin}" in lines
    assert f"DASHBOARD_ALLOWED_HOSTS=tablero.example.com  {origin}" in lines
    assert f"DASHBOARD_RATELIMIT_STORAGE_URI=redis://:***@cache:6379/0  {origin}" in lines
    assert "DASHBOARD_CACHE_TTL=30  # entorno" in lines
    assert f"DASHBOARD_ENV_FILE={env_file}  # entorno" in lines
    assert "DASHBOARD_RATELIMIT_MAX=120  # por defecto" in lines
    assert "secreto" not in done.stdout and "clave-del-archivo" not in done.stdout


def test_users_refresh_and_backup_read_the_env_file(tmp_path, tiny_sqlite_url):
    env_file = tmp_path / "dashboard.env"
    users_file, state = tmp_path / "cuentas" / "users.json", tmp_path / "estado"
    env_file.write_text(
        f"DASHBOARD_USERS_FILE={users_file}\nDASHBOARD_STATE_DIR={state}\n"
        f"DASHBOARD_DATABASE_URL={tiny_sqlite_url}\n"
    )
    env = {"DASHBOARD_ENV_FILE": str(env_file)}
    added = _cli(
        "users",
        "add",
        "ana",
        "--password-stdin",
        env=env,
        cwd=tmp_path,
        stdin="una-clave-larga-123\n",
    )
    assert added.returncode == 0, added.stderr
    assert users_file.exists() and not (tmp_path / "data").exists()
    refreshed = _cli("refresh", env=env, cwd=tmp_path)
    assert refreshed.returncode == 0, refreshed.stderr
    assert list(state.glob("resumenes-tiny-*.sqlite"))
    copied = _cli("backup", "--to", str(tmp_path / "copia.db"), env=env, cwd=tmp_path)
    assert copied.returncode == 0, copied.stderr
    assert (tmp_path / "copia.db").exists()


def test_an_unreadable_env_file_stops_every_command_with_one_line(tmp_path):
    missing = tmp_path / "no-existe.env"
    for command in (["config"], ["users", "list"], ["refresh"]):
        done = _cli(*command, env={"DASHBOARD_ENV_FILE": str(missing)}, cwd=tmp_path)
        assert done.returncode == 2
        assert done.stderr.splitlines() == [
            f"Error de configuración: DASHBOARD_ENV_FILE: no se puede leer {missing}: "
            "No such file or directory"
        ]
