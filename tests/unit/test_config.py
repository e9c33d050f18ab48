"""Settings: precedence, parsing, and one clear line naming the variable on a bad value."""

from __future__ import annotations

import os

import pytest

from minimarket_dash.config import Settings, SettingsError, load_settings


def test_defaults_without_environment():
    settings = load_settings(environ={})
    assert settings == Settings()
    assert settings.api_keys == ()
    assert settings.allowed_hosts == ("*",)
    assert (settings.ratelimit_max, settings.ratelimit_window) == (120, 60)
    assert settings.log_rotate_when == "MIDNIGHT"
    assert settings.timezone == "America/Argentina/Buenos_Aires"


def test_environment_values_are_typed():
    settings = load_settings(
        environ={
            "DASHBOARD_API_KEY": " key-one-0123456789 , key-two-0123456789 ",
            "DASHBOARD_ALLOWED_HOSTS": "tablero.example.com, localhost",
            "DASHBOARD_FORCE_HTTPS": "TRUE",
            "DASHBOARD_TRUSTED_PROXIES": "1",
            "DASHBOARD_CORS_ORIGINS": "https://a.example.com/",
            "DASHBOARD_RATELIMIT_ENABLED": "false",
            "DASHBOARD_LOG_ROTATE_WHEN": "h",
            "DASHBOARD_DATABASE_URL": "postgresql://u:p@db:5432/mm",
        }
    )
    assert settings.api_keys == ("key-one-0123456789", "key-two-0123456789")
    assert settings.allowed_hosts == ("tablero.example.com", "localhost")
    assert settings.force_https is True
    assert settings.trusted_proxies == 1
    assert settings.cors_origins == ("https://a.example.com",)
    assert settings.ratelimit_enabled is False
    assert settings.log_rotate_when == "H"
    assert settings.database_url == "postgresql+psycopg://u:p@db:5432/mm"


def test_override_beats_environment():
    settings = load_settings({"ratelimit_max": 5}, environ={"DASHBOARD_RATELIMIT_MAX": "9"})
    assert settings.ratelimit_max == 5


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DASHBOARD_RATELIMIT_MAX", "abc"),
        ("DASHBOARD_RATELIMIT_MAX", "0"),
        ("DASHBOARD_RATELIMIT_WINDOW", "-1"),
        ("DASHBOARD_FORCE_HTTPS", "quizás"),
        ("DASHBOARD_ENABLE_HSTS", "2"),
        ("DASHBOARD_TRUSTED_PROXIES", "uno"),
        ("DASHBOARD_TIMEZONE", "Marte/Olympus"),
        ("DASHBOARD_LOG_LEVEL", "VERBOSE"),
        ("DASHBOARD_LOG_ROTATE_WHEN", "yearly"),
        ("DASHBOARD_LOG_BACKUP_COUNT", "x"),
        ("DASHBOARD_RATELIMIT_STORAGE_URI", "memcached://x"),
        ("DASHBOARD_DATABASE_URL", "mysql://x/y"),
        ("DASHBOARD_DATABASE_URL", "no es una url"),
        ("DASHBOARD_CORS_ORIGINS", "example.com"),
        ("DASHBOARD_ALLOWED_HOSTS", " , "),
        ("DASHBOARD_API_KEY", "corta"),
        ("DASHBOARD_CACHE_URL", "memory://"),
        ("DASHBOARD_BIND", "8080"),
        ("DASHBOARD_WORKERS", "0"),
        ("DASHBOARD_WORKER_CLASS", "eventlet"),
    ],
)
def test_invalid_value_names_the_variable_in_one_line(variable, value):
    with pytest.raises(SettingsError) as error:
        load_settings(environ={variable: value})
    message = str(error.value)
    assert message.startswith(f"{variable}: ")
    assert "\n" not in message
    assert "se acepta" in message


def test_secret_values_are_not_echoed_in_errors():
    with pytest.raises(SettingsError) as error:
        load_settings(environ={"DASHBOARD_API_KEY": "short-secret"})
    assert "short-secret" not in str(error.value)


def test_redacted_hides_secrets_and_lists_every_variable():
    settings = load_settings(
        environ={
            "DASHBOARD_API_KEY": "super-secret-key-0123456789",
            "DASHBOARD_DATABASE_URL": "postgresql://lector:clave-secreta@db/mm",
            "DASHBOARD_CACHE_URL": "redis://:otra-clave@cache:6379/0",
        }
    )
    shown = settings.redacted()
    text = "\n".join(f"{k}={v}" for k, v in shown.items())
    assert "super-secret-key" not in text
    assert "clave-secreta" not in text and "otra-clave" not in text
    assert "lector:***@db" in shown["DASHBOARD_DATABASE_URL"]
    assert shown["DASHBOARD_API_KEY"] == "(1 clave(s) configurada(s))"
    for name in (
        "DASHBOARD_ALLOWED_HOSTS",
        "DASHBOARD_RATELIMIT_STORAGE_URI",
        "DASHBOARD_LOG_BACKUP_COUNT",
        "DASHBOARD_TIMEZONE",
    ):
        assert name in shown


def test_unknown_override_is_refused():
    with pytest.raises(SettingsError):
        load_settings({"no_such_setting": 1}, environ={})


def test_settings_from_no_environment_keep_their_stores_out_of_the_checkout():
    # tests/conftest.py points Settings' default state_dir at the session's temp folder, so a
    # test's stores and marks never land in the checkout's data/.
    from pathlib import Path

    folder = Path(load_settings({}, environ={}).state_dir).resolve()
    assert folder != (Path(__file__).resolve().parents[2] / "data")
    assert folder == Path(os.environ["DASHBOARD_STATE_DIR"]).resolve()
