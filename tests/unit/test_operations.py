"""Issue 16 and the ops items of issue 10 (second round), through the factory and client."""

from __future__ import annotations

import logging
import re
import sqlite3
import subprocess
import sys
from importlib.metadata import version

import pytest

from minimarket_dash import cachestore, cli, dbfile, envfile
from minimarket_dash.masking import mask_url
from tests.app_process import HttpClient
from tests.constants import API_KEY, AUTH


@pytest.fixture
def app(make_app, tiny_sqlite_url):
    return make_app(database_url=tiny_sqlite_url, api_keys=(AUTH["X-API-Key"],))


def scrape(client) -> str:
    response = client.get("/metrics", headers=AUTH)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def series(text: str, name: str) -> dict[str, float]:
    """Return labels-text -> value of every sample of metric `name`."""
    found = {}
    for line in text.splitlines():
        match = re.fullmatch(rf"{name}(\{{.*\}})? (\S+)", line)
        if match:
            found[match.group(1) or ""] = float(match.group(2))
    return found


# --- metrics: zero series and a bounded method label -----------------------------------------


def test_first_scrape_has_every_counter_at_zero_before_any_request(app_server):
    # With the pages: the callback route has its zero series too. A server no test used.
    text = scrape(HttpClient(app_server(api_keys=(API_KEY,), fresh=True)))
    errors = series(text, "dashboard_errors_total")
    limited = series(text, "dashboard_rate_limited_total")
    requests_ = series(text, "dashboard_requests_total")
    for found in (errors, limited, requests_):
        assert found, text
        assert set(found.values()) == {0.0}
    assert any('route="/api/summary"' in labels for labels in errors)
    assert any('route="/_dash-update-component"' in labels for labels in limited)


def test_an_invented_method_is_counted_as_other(app):
    client = app.test_client()
    for method in ("QWERTY", "ASDFG", "BREW"):
        client.open("/health", method=method)
    text = scrape(client)
    assert "QWERTY" not in text and "BREW" not in text
    other = [v for k, v in series(text, "dashboard_requests_total").items() if "OTHER" in k]
    assert sum(other) == 3


# --- /health fields ----------------------------------------------------------------------


def test_health_reports_cache_and_ratelimit_ok(app):
    body = app.test_client().get("/health").get_json()
    assert body["cache"] == "ok" and body["ratelimit"] == "ok"
    assert body["summaries_age_seconds"] is None  # the tiny fixture was never optimized


def test_health_stays_200_with_a_dead_redis_and_says_degraded(make_app, tiny_sqlite_url):
    dead = "redis://127.0.0.1:1/5"  # port 1: connection refused at once
    app = make_app(
        database_url=tiny_sqlite_url,
        api_keys=(AUTH["X-API-Key"],),
        cache_url=dead,
        ratelimit_storage_uri=dead,
    )
    client = app.test_client()
    for _ in range(3):
        assert client.get("/api/summary", headers=AUTH).status_code == 200
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json()["cache"] == "degraded"
    assert response.get_json()["ratelimit"] == "degraded"


# --- the resilient cache --------------------------------------------------------------------


class FlakyBackend:
    """A cache backend that fails while `down` is True."""

    def __init__(self):
        self.down = False
        self.data = {}

    def get(self, key):
        if self.down:
            raise ConnectionError("down")
        return self.data.get(key)

    def set(self, key, value):
        if self.down:
            raise ConnectionError("down")
        self.data[key] = value

    def clear(self):
        self.data.clear()


def test_cache_falls_back_warns_once_and_recovers(monkeypatch, caplog):
    clock = [1000.0]
    monkeypatch.setattr(cachestore.time, "monotonic", lambda: clock[0])
    backend = FlakyBackend()
    cache = cachestore.ResilientCache(backend, timeout=60, shared=True)
    cache.set("a", 1)
    backend.down = True
    caplog.set_level(logging.WARNING, "minimarket_dash.cache")
    for step in range(50):  # 50 requests in 25 s: one warning
        clock[0] += 0.5
        cache.set(f"k{step}", step)
        assert cache.get(f"k{step}") == step  # served from memory
    assert cache.status == "degraded"
    assert len([r for r in caplog.records if "inaccesible" in r.message]) == 1
    clock[0] += 61
    cache.get("x")
    assert len([r for r in caplog.records if "inaccesible" in r.message]) == 2
    backend.down = False
    clock[0] += cachestore.RETRY_SECONDS
    assert cache.get("a") == 1
    assert cache.status == "ok"
    assert any("recuperada" in r.message for r in caplog.records)


# --- the SQLite file watch --------------------------------------------------------------------


def test_file_watch_sees_a_replaced_file_once(tmp_path, monkeypatch):
    clock = [0.0]
    monkeypatch.setattr(dbfile.time, "monotonic", lambda: clock[0])
    target = tmp_path / "db.sqlite"
    target.write_bytes(b"one")
    watch = dbfile.FileWatch(target)
    clock[0] += 2
    assert not watch.replaced()
    fresh = tmp_path / "new.sqlite"
    fresh.write_bytes(b"two")
    fresh.replace(target)
    assert not watch.replaced()  # checked less than a second ago
    clock[0] += 2
    assert watch.replaced()
    clock[0] += 2
    assert not watch.replaced()


# --- config masks every URL credential --------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("postgresql://lector:s3cr3t@db:5432/minimarket", "s3cr3t"),
        ("postgresql://lector@db:5432/minimarket?password=s3cr3t&sslmode=require", "s3cr3t"),
        ("postgresql://lector:p@ssw0rd@db:5432/minimarket", "ssw0rd"),
        ("postgresql://lector:p%40ssw0rd@db:5432/minimarket", "ssw0rd"),
        ("redis://:redispass@redis:6379/0", "redispass"),
        ("redis://default:redispass@redis:6379/0", "redispass"),
    ],
)
def test_mask_url_hides_the_secret(url, secret):
    masked = mask_url(url)
    assert secret not in masked
    assert "***" in masked


def test_config_command_masks_every_url_setting(monkeypatch, capsys):
    monkeypatch.setenv(
        "DASHBOARD_DATABASE_URL",
        "postgresql://lector@db:5432/mm?password=pgsecret1&sslmode=require",
    )
    monkeypatch.setenv("DASHBOARD_RATELIMIT_STORAGE_URI", "redis://:limitsecret@redis:6379/0")
    monkeypatch.setenv("DASHBOARD_CACHE_URL", "redis://default:cache@secret@redis:6379/1")
    assert cli.main(["config"]) == 0
    out = capsys.readouterr().out
    for secret in ("pgsecret1", "limitsecret", "cache@secret", "secret@redis"):
        assert secret not in out
    assert "sslmode=require" in out and "@redis:6379/1" in out


# --- env file -------------------------------------------------------------------------------


def test_env_file_applies_and_undoes_removed_lines(tmp_path):
    env_file = tmp_path / "env"
    env_file.write_text("# comentario\nDASHBOARD_WORKERS=3\nexport DASHBOARD_API_KEY='k'\nX=1\n")
    environ = {"DASHBOARD_ENV_FILE": str(env_file), "DASHBOARD_WORKERS": "2"}
    assert envfile.apply(environ) == ["DASHBOARD_API_KEY", "DASHBOARD_WORKERS"]
    assert environ["DASHBOARD_WORKERS"] == "3" and environ["DASHBOARD_API_KEY"] == "k"
    assert "X" not in environ
    env_file.write_text("DASHBOARD_API_KEY=k2\n")  # the WORKERS line is gone
    envfile.apply(environ)
    assert environ["DASHBOARD_WORKERS"] == "2" and environ["DASHBOARD_API_KEY"] == "k2"


def test_env_file_with_a_bad_line_names_the_variable(tmp_path):
    env_file = tmp_path / "env"
    env_file.write_text("DASHBOARD_WORKERS\n")
    with pytest.raises(envfile.EnvFileError, match="DASHBOARD_ENV_FILE"):
        envfile.apply({"DASHBOARD_ENV_FILE": str(env_file)})


# --- backup and version -----------------------------------------------------------------------


def test_backup_copies_rows_still_in_the_wal(tmp_path, monkeypatch, capsys):
    source = tmp_path / "live.db"
    writer = sqlite3.connect(source)
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("PRAGMA wal_autocheckpoint = 0")  # keep the rows in the -wal file
    writer.execute("CREATE TABLE t (n INTEGER)")
    writer.executemany("INSERT INTO t VALUES (?)", [(n,) for n in range(1000)])
    writer.commit()
    plain_copy = tmp_path / "plain.db"
    plain_copy.write_bytes(source.read_bytes())  # what `cp` would give: the WAL is missing
    with pytest.raises(sqlite3.Error):
        sqlite3.connect(plain_copy).execute("SELECT COUNT(*) FROM t").fetchone()
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", f"sqlite:///{source}")
    target = tmp_path / "backup.db"
    assert cli.main(["backup", "--to", str(target)]) == 0
    writer.close()
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT COUNT(*), SUM(n) FROM t").fetchone() == (1000, sum(range(1000)))
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert target.stat().st_mode & 0o777 == 0o600
    assert "integrity_check ok" in capsys.readouterr().out
    assert cli.main(["backup", "--to", str(target)]) == 1  # never overwrites


def test_backup_on_postgres_prints_pg_dump_without_the_password(monkeypatch, capsys):
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", "postgresql://lector:pw123@db:5433/mm")
    assert cli.main(["backup", "--print", "--to", "/tmp/mm.dump"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:] == [
        "pg_dump --format=custom --no-owner --exclude-schema=mm_dashboard "
        "--exclude-schema=mm_entradas --file=/tmp/mm.dump --host=db --port=5433 "
        "--username=lector mm",
        "pg_dump --format=custom --no-owner --schema=mm_entradas --file=/tmp/mm.marcas.dump "
        "--host=db --port=5433 --username=lector mm",
    ]


def test_version_comes_from_the_installed_metadata(app):
    expected = version("minimarket-dash")
    out = subprocess.run(
        [sys.executable, "-m", "minimarket_dash.cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == f"minimarket-dash {expected}"
    assert app.test_client().get("/health").get_json()["version"] == expected
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", expected)


# --- log size cap and file mode -------------------------------------------------------------


def test_the_log_file_rotates_at_its_size_cap_and_is_0640(make_app, tiny_sqlite_url, tmp_path):
    app = make_app(database_url=tiny_sqlite_url, log_dir=str(tmp_path), log_max_mb=1)
    log = logging.getLogger("minimarket_dash.test")
    line = "x" * 1000
    for _ in range(2500):  # ~2.6 MB of JSON lines: at least two rotations at 1 MB
        log.warning(line)
    for handler in logging.getLogger().handlers:
        handler.flush()
    files = sorted(p.name for p in tmp_path.glob("dashboard.log*"))
    # Rotated by size on the same day: dashboard.log.<date>, dashboard.log.<date>.1, ...
    assert "dashboard.log" in files and len(files) >= 3, files
    for path in tmp_path.glob("dashboard.log*"):
        assert path.stat().st_size <= 1024 * 1024 + 2048
        assert path.stat().st_mode & 0o777 == 0o640
    assert app  # built with the cap


def test_flask_limiter_errors_are_throttled_and_lose_their_traceback(make_app, tiny_sqlite_url):
    from minimarket_dash.logs import ThrottledWithoutTraceback

    make_app(database_url=tiny_sqlite_url)
    limiter_log = logging.getLogger("flask-limiter")
    (throttle,) = [f for f in limiter_log.filters if isinstance(f, ThrottledWithoutTraceback)]
    records = []
    for _ in range(20):
        try:
            raise ConnectionError("redis down")
        except ConnectionError:
            record = limiter_log.makeRecord(
                "flask-limiter",
                logging.ERROR,
                __file__,
                1,
                "Failed to rate limit",
                (),
                sys.exc_info(),
            )
        if throttle.filter(record):
            records.append(record)
    assert len(records) == 1  # 20 failing requests in a burst: one line
    assert records[0].exc_info is None and "ConnectionError" in records[0].getMessage()


def test_writes_to_a_rollback_journal_file_are_not_a_replacement(
    tmp_path, monkeypatch, caplog, make_app, tiny_sqlite_url
):
    from minimarket_dash import data

    clock = [0.0]
    monkeypatch.setattr(dbfile.time, "monotonic", lambda: clock[0])
    target = tmp_path / "pos.db"
    with (
        sqlite3.connect(tiny_sqlite_url.removeprefix("sqlite:///")) as source,
        sqlite3.connect(target) as copy,
    ):
        source.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")  # SQLite's default: a rollback journal
    app = make_app(database_url=f"sqlite:///{target}", api_keys=(API_KEY,), cache_ttl=300)
    client = app.test_client()
    caplog.set_level(logging.WARNING, "minimarket_dash.dbfile")
    first = client.get("/api/summary", headers=AUTH).get_json()
    writer = sqlite3.connect(target)
    for number in range(6):  # a sale and a stock movement, as a point of sale writes them
        before = target.stat()
        writer.execute(
            "INSERT INTO proveedores (codigo, nombre, activo) VALUES (?, 'Nuevo', 1)",
            (f"W{number}",),
        )
        writer.commit()
        after = target.stat()
        assert (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns)
        clock[0] += 2
        with app.app_context():
            data.state_of()  # where a replacement would be noticed
        # Cached: the same answer, not reopened nor recomputed.
        assert client.get("/api/summary", headers=AUTH).get_json() == first
    writer.close()
    assert [r for r in caplog.records if "cambió" in r.message] == []
    fresh = tmp_path / "restaurada.db"  # a restore by rename still is one
    fresh.write_bytes(target.read_bytes())
    fresh.replace(target)
    clock[0] += 2
    assert client.get("/api/summary", headers=AUTH).get_json()["total_proveedores"] == (
        first["total_proveedores"] + 6
    )
    assert len([r for r in caplog.records if "cambió" in r.message]) == 1
