"""Read every DASHBOARD_* setting once, typed and validated (override > environment > default)."""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
DEFAULT_DATABASE_PATH = Path("data") / "minimarket.db"  # relative to the working directory
ROTATE_WHEN_VALUES = ("S", "M", "H", "D", "MIDNIGHT", "W0", "W1", "W2", "W3", "W4", "W5", "W6")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
AUTH_MODES = ("users", "proxy", "none")
HEADER_NAME_RE = re.compile(r"[A-Za-z0-9-]{1,64}")


class SettingsError(ValueError):
    """A setting has a value the program cannot run with; the message names the variable."""


def _split_list(raw: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def _parse_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on", "si", "sí"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("un booleano: true o false")


def _int_parser(minimum: int, maximum: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise ValueError(f"un entero entre {minimum} y {maximum}") from None
        if not minimum <= value <= maximum:
            raise ValueError(f"un entero entre {minimum} y {maximum}")
        return value

    return parse


def _parse_database_url(raw: str) -> str:
    try:
        url = make_url(raw.strip())
    except ArgumentError:
        raise ValueError("una URL de SQLAlchemy (sqlite:///ruta.db o postgresql://...)") from None
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError("una URL sqlite:// o postgresql://")
    if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def _parse_timezone(raw: str) -> str:
    try:
        ZoneInfo(raw.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("una zona horaria IANA, p. ej. America/Argentina/Buenos_Aires") from None
    return raw.strip()


def _parse_storage_uri(raw: str) -> str:
    value = raw.strip()
    if not value.startswith(("memory://", "redis://", "rediss://")):
        raise ValueError("memory:// o redis://host:puerto/db")
    return value


def _parse_optional_redis(raw: str) -> str | None:
    value = raw.strip()
    if not value:
        return None
    if not value.startswith(("redis://", "rediss://")):
        raise ValueError("vacío o una URL redis://host:puerto/db")
    return value


def _parse_choice(choices: tuple[str, ...]) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip().upper()
        if value not in choices:
            raise ValueError("uno de " + ", ".join(choices))
        return value

    return parse


def _parse_hosts(raw: str) -> tuple[str, ...]:
    hosts = _split_list(raw)
    if not hosts:
        raise ValueError("una lista de hosts separada por comas, o *")
    return hosts


def _parse_origins(raw: str) -> tuple[str, ...]:
    origins = _split_list(raw)
    for origin in origins:
        if origin != "*" and not origin.startswith(("http://", "https://")):
            raise ValueError("orígenes http(s)://host[:puerto] separados por comas")
    return tuple(origin.rstrip("/") for origin in origins)


def _parse_keys(raw: str) -> tuple[str, ...]:
    keys = _split_list(raw)
    for key in keys:
        if len(key) < 16:
            raise ValueError("claves de al menos 16 caracteres, separadas por comas")
    return keys


def _parse_bind(raw: str) -> str:
    host, sep, port = raw.strip().rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError("host:puerto, p. ej. 127.0.0.1:8080 o 0.0.0.0:8080")
    return raw.strip()


def _parse_networks(raw: str) -> tuple[str, ...]:
    """Addresses or CIDR networks, comma separated (what gunicorn's forwarded_allow_ips takes:
    a network with host bits set, 10.0.0.1/24, is refused there too)."""
    items = _split_list(raw)
    for item in items:
        try:
            ipaddress.ip_network(item)
        except ValueError:
            raise ValueError(
                f"direcciones IP o redes CIDR separadas por comas, p. ej. 127.0.0.1,10.0.0.0/24 "
                f"(no {item!r})"
            ) from None
    return items


def _parse_auth(raw: str) -> str:
    value = raw.strip().lower()
    if value not in AUTH_MODES:
        raise ValueError("users, proxy o none")
    return value


def _parse_secret_key(raw: str) -> str | None:
    value = raw.strip()
    if not value:
        return None
    if len(value) < 32:
        raise ValueError("una clave aleatoria de al menos 32 caracteres, o vacío")
    return value


def _parse_header_name(raw: str) -> str | None:
    value = raw.strip()
    if not value:
        return None
    if not HEADER_NAME_RE.fullmatch(value):
        raise ValueError("un nombre de encabezado HTTP, p. ej. X-Forwarded-Email")
    return value


def _parse_user_list(raw: str) -> tuple[str, ...]:
    return tuple(name.lower() for name in _split_list(raw))


def _minutes_parser(raw: str) -> float:
    """Minutes from 0 to 1440; fractions allowed (0.5 = every 30 s), 0 turns it off."""
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        raise ValueError("minutos entre 0 y 1440 (0 lo apaga)") from None
    if not 0 <= value <= 1440 or value != value:
        raise ValueError("minutos entre 0 y 1440 (0 lo apaga)")
    return value


def _parse_folder(raw: str) -> str:
    if not raw.strip():
        raise ValueError("una carpeta (p. ej. ./data)")
    return raw.strip()


def _parse_worker_class(raw: str) -> str:
    value = raw.strip().lower()
    if value not in ("sync", "gthread"):
        raise ValueError("sync o gthread")
    return value


# A plain address (no display name): what the report's recipients and --to take.
EMAIL_RE = re.compile(r"[^@\s<>()\[\],;:\"]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")
SMTP_URL_HELP = "smtp://host:puerto o smtps://usuario:clave@host:puerto (vacío: sin envío)"


def _parse_smtp_url(raw: str) -> str | None:
    """The morning report's SMTP server; user and password, if any, URL-encoded."""
    value = raw.strip()
    if not value:
        return None
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018  (raises ValueError on a port that is not a number)
    except ValueError:
        raise ValueError(SMTP_URL_HELP) from None
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname or parts.path not in ("", "/"):
        raise ValueError(SMTP_URL_HELP)
    return value


def parse_addresses(raw: str) -> tuple[str, ...]:
    """A comma-separated list of plain e-mail addresses (a@x.com,b@y.com)."""
    addresses = _split_list(raw)
    for address in addresses:
        if not EMAIL_RE.fullmatch(address):
            raise ValueError(f"direcciones de correo separadas por comas (no {address!r})")
    return addresses


def _parse_sender(raw: str) -> str | None:
    """One address, optionally with a display name: Informe <informe@minimarket.com.ar>."""
    from email.utils import parseaddr

    value = raw.strip()
    if not value:
        return None
    _name, address = parseaddr(value)
    if not EMAIL_RE.fullmatch(address):
        raise ValueError("una dirección de correo, p. ej. Informe <informe@minimarket.com.ar>")
    return value


def _parse_public_url(raw: str) -> str:
    value = raw.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise ValueError("la dirección pública del dashboard, p. ej. https://tablero.example.com")
    return value


@dataclass(frozen=True)
class _Spec:
    env: str
    parse: Callable[[str], Any]
    secret: bool = False


def _spec(env: str, parse: Callable[[str], Any], *, secret: bool = False) -> dict:
    return {"metadata": {"spec": _Spec(env, parse, secret)}}


@dataclass(frozen=True)
class Settings:
    """Effective configuration of one app; build it with load_settings()."""

    database_url: str = field(
        default=f"sqlite:///{DEFAULT_DATABASE_PATH}",
        **_spec("DASHBOARD_DATABASE_URL", _parse_database_url, secret=True),
    )
    api_keys: tuple[str, ...] = field(
        default=(), **_spec("DASHBOARD_API_KEY", _parse_keys, secret=True)
    )
    allowed_hosts: tuple[str, ...] = field(
        default=("*",), **_spec("DASHBOARD_ALLOWED_HOSTS", _parse_hosts)
    )
    force_https: bool = field(default=False, **_spec("DASHBOARD_FORCE_HTTPS", _parse_bool))
    trusted_proxies: int = field(
        default=0, **_spec("DASHBOARD_TRUSTED_PROXIES", _int_parser(0, 10))
    )
    # Only a peer in this list may set X-Forwarded-* and the sign-in proxy's user header.
    trusted_proxy_ips: tuple[str, ...] = field(
        default=("127.0.0.1", "::1"), **_spec("DASHBOARD_TRUSTED_PROXY_IPS", _parse_networks)
    )
    enable_hsts: bool = field(default=False, **_spec("DASHBOARD_ENABLE_HSTS", _parse_bool))
    cors_origins: tuple[str, ...] = field(
        default=(), **_spec("DASHBOARD_CORS_ORIGINS", _parse_origins)
    )
    ratelimit_enabled: bool = field(
        default=True, **_spec("DASHBOARD_RATELIMIT_ENABLED", _parse_bool)
    )
    ratelimit_max: int = field(
        default=120, **_spec("DASHBOARD_RATELIMIT_MAX", _int_parser(1, 1_000_000))
    )
    ratelimit_window: int = field(
        default=60, **_spec("DASHBOARD_RATELIMIT_WINDOW", _int_parser(1, 86_400))
    )
    # The heavy endpoints (heavy.py: invoices, reorder, price changes and their exports): this
    # many per DASHBOARD_RATELIMIT_WINDOW per API key, besides the general limit.
    ratelimit_heavy_max: int = field(
        default=20, **_spec("DASHBOARD_RATELIMIT_HEAVY_MAX", _int_parser(1, 1_000_000))
    )
    ratelimit_storage_uri: str = field(
        default="memory://",
        **_spec("DASHBOARD_RATELIMIT_STORAGE_URI", _parse_storage_uri, secret=True),
    )
    log_dir: str = field(default="./logs", **_spec("DASHBOARD_LOG_DIR", str.strip))
    log_level: str = field(
        default="INFO", **_spec("DASHBOARD_LOG_LEVEL", _parse_choice(LOG_LEVELS))
    )
    log_rotate_when: str = field(
        default="MIDNIGHT",
        **_spec("DASHBOARD_LOG_ROTATE_WHEN", _parse_choice(ROTATE_WHEN_VALUES)),
    )
    log_backup_count: int = field(
        default=7, **_spec("DASHBOARD_LOG_BACKUP_COUNT", _int_parser(0, 1000))
    )
    timezone: str = field(
        default="America/Argentina/Buenos_Aires",
        **_spec("DASHBOARD_TIMEZONE", _parse_timezone),
    )
    cache_ttl: int = field(default=60, **_spec("DASHBOARD_CACHE_TTL", _int_parser(0, 86_400)))
    cache_url: str | None = field(
        default=None, **_spec("DASHBOARD_CACHE_URL", _parse_optional_redis, secret=True)
    )
    statement_timeout_ms: int = field(
        default=15_000, **_spec("DASHBOARD_STATEMENT_TIMEOUT_MS", _int_parser(100, 600_000))
    )
    bind: str = field(default="127.0.0.1:8080", **_spec("DASHBOARD_BIND", _parse_bind))
    workers: int = field(default=2, **_spec("DASHBOARD_WORKERS", _int_parser(1, 64)))
    threads: int = field(default=4, **_spec("DASHBOARD_THREADS", _int_parser(1, 64)))
    worker_class: str = field(
        default="gthread", **_spec("DASHBOARD_WORKER_CLASS", _parse_worker_class)
    )
    # SQLite page cache and memory map of each connection, in MB. A worker keeps at most
    # DASHBOARD_THREADS connections, so these bound its memory (figures in bench/NOTES.md).
    sqlite_cache_mb: int = field(
        default=4, **_spec("DASHBOARD_SQLITE_CACHE_MB", _int_parser(0, 4096))
    )
    sqlite_mmap_mb: int = field(
        default=0, **_spec("DASHBOARD_SQLITE_MMAP_MB", _int_parser(0, 65_536))
    )
    # Who may see the pages (sign-in); /api/* and /metrics keep the API key whatever the mode.
    auth: str = field(default="users", **_spec("DASHBOARD_AUTH", _parse_auth))
    users_file: str = field(
        default=str(Path("data") / "users.json"), **_spec("DASHBOARD_USERS_FILE", str.strip)
    )
    secret_key: str | None = field(
        default=None, **_spec("DASHBOARD_SECRET_KEY", _parse_secret_key, secret=True)
    )
    session_hours: int = field(default=12, **_spec("DASHBOARD_SESSION_HOURS", _int_parser(1, 168)))
    auth_proxy_header: str | None = field(
        default=None, **_spec("DASHBOARD_AUTH_PROXY_HEADER", _parse_header_name)
    )
    auth_proxy_users: tuple[str, ...] = field(
        default=(), **_spec("DASHBOARD_AUTH_PROXY_USERS", _parse_user_list)
    )
    max_body_kb: int = field(
        default=1024, **_spec("DASHBOARD_MAX_BODY_KB", _int_parser(1, 1_048_576))
    )
    # «Qué pedir hoy»: lead time of a provider with no delivery in the last 180 days.
    default_lead_days: int = field(
        default=2, **_spec("DASHBOARD_DEFAULT_LEAD_DAYS", _int_parser(0, 60))
    )
    # Operations (issue 16): log size cap; the env file gunicorn re-reads on HUP/USR2.
    log_max_mb: int = field(default=100, **_spec("DASHBOARD_LOG_MAX_MB", _int_parser(0, 100_000)))
    env_file: str | None = field(
        default=None, **_spec("DASHBOARD_ENV_FILE", lambda raw: raw.strip() or None)
    )
    # The dashboard's own store of summaries (minimarket_dash/store.py): a SQLite file per
    # database in this folder (SQLite), or the schema mm_dashboard (PostgreSQL); refreshed
    # every DASHBOARD_REFRESH_MINUTES by one worker per host (0: only `refresh`/`optimize`).
    state_dir: str = field(default="data", **_spec("DASHBOARD_STATE_DIR", _parse_folder))
    refresh_minutes: float = field(
        default=15, **_spec("DASHBOARD_REFRESH_MINUTES", _minutes_parser)
    )
    # The morning report (`minimarket-dash report`, minimarket_dash/report.py): SMTP server,
    # sender, recipients, and the dashboard's address its links point to.
    smtp_url: str | None = field(
        default=None, **_spec("DASHBOARD_SMTP_URL", _parse_smtp_url, secret=True)
    )
    report_from: str | None = field(default=None, **_spec("DASHBOARD_REPORT_FROM", _parse_sender))
    report_to: tuple[str, ...] = field(default=(), **_spec("DASHBOARD_REPORT_TO", parse_addresses))
    public_url: str = field(
        default="http://localhost:8080", **_spec("DASHBOARD_PUBLIC_URL", _parse_public_url)
    )
    # Override-only (never from the environment): pins "now" for tests and reproducible demos.
    fixed_now: datetime | None = None

    def now(self) -> datetime:
        """Return the current local time in the configured zone, naive like the stored data."""
        if self.fixed_now is not None:
            return self.fixed_now
        return datetime.now(ZoneInfo(self.timezone)).replace(tzinfo=None, microsecond=0)

    def redacted(self) -> dict[str, str]:
        """Return env name -> printable value, with every secret hidden."""
        shown = {}
        for item in dataclasses.fields(self):
            spec = item.metadata.get("spec")
            if spec is None:
                continue
            value = getattr(self, item.name)
            shown[spec.env] = _redact(item.name, value) if spec.secret else _show(value)
        return shown


def _show(value: Any) -> str:
    if isinstance(value, str) and "://" in value:
        from .masking import mask_url

        return mask_url(value)
    if isinstance(value, tuple):
        return ",".join(value) if value else "(vacío)"
    if value is None:
        return "(vacío)"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _redact(name: str, value: Any) -> str:
    if name == "api_keys":
        return f"({len(value)} clave(s) configurada(s))" if value else "(sin clave: API cerrada)"
    if not value:
        return "(vacío)"
    from .masking import mask_url

    return mask_url(value) if "://" in str(value) else "***"


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Build Settings from overrides (field names), then DASHBOARD_* variables, then defaults."""
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    values: dict[str, Any] = {}
    for item in dataclasses.fields(Settings):
        spec = item.metadata.get("spec")
        if item.name in overrides:
            raw = overrides.pop(item.name)
            values[item.name] = _parse_override(spec, raw)
        elif spec is not None and spec.env in environ:
            values[item.name] = _parse_env(spec, environ[spec.env])
    if overrides:
        raise SettingsError(f"ajustes desconocidos: {', '.join(sorted(overrides))}")
    settings = Settings(**values)
    check_combinations(settings)
    return settings


def check_combinations(settings: Settings) -> None:
    """Refuse settings that are each valid but unsafe together; the message names them all."""
    if settings.auth == "proxy" and settings.trusted_proxies < 1:
        raise SettingsError(
            "DASHBOARD_AUTH=proxy exige DASHBOARD_TRUSTED_PROXIES >= 1: el encabezado del "
            "usuario sólo se cree si viene de un proxy de confianza"
        )
    if settings.auth == "proxy" and not settings.trusted_proxy_ips:
        raise SettingsError(
            "DASHBOARD_AUTH=proxy exige DASHBOARD_TRUSTED_PROXY_IPS con la dirección del proxy "
            "de inicio de sesión"
        )
    if settings.auth == "proxy" and not settings.auth_proxy_header:
        raise SettingsError(
            "DASHBOARD_AUTH=proxy exige DASHBOARD_AUTH_PROXY_HEADER (p. ej. X-Forwarded-Email)"
        )
    if settings.force_https and "*" in settings.allowed_hosts:
        raise SettingsError(
            "DASHBOARD_FORCE_HTTPS=true exige DASHBOARD_ALLOWED_HOSTS con nombres concretos "
            "(no *): la redirección a HTTPS va al primer host permitido"
        )


def _parse_env(spec: _Spec, raw: str) -> Any:
    try:
        return spec.parse(raw)
    except ValueError as exc:
        shown = "***" if spec.secret else repr(raw)
        raise SettingsError(f"{spec.env}: valor inválido {shown}; se acepta {exc}") from None


def _parse_override(spec: _Spec | None, raw: Any) -> Any:
    if spec is None or not isinstance(raw, str):
        return tuple(raw) if isinstance(raw, list) else raw
    return _parse_env(spec, raw)


def app_folder(name: str) -> Path:
    """Return the folder `pages` or `assets`: inside the installed package (a wheel carries
    them there), else at the top of the checkout (an editable install or the source tree)."""
    installed = PACKAGE_DIR / name
    return installed if installed.is_dir() else PROJECT_ROOT / name


def sqlite_path(database_url: str) -> Path | None:
    """Return the file behind a sqlite URL, or None for other databases and in-memory ones."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)
