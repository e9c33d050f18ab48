"""Cost of the server-side session per request: a signed-in page request in `users` mode (the
gate looks the session up in the store, once per request) against the same request in `none`
mode (no gate, no lookup), median per request.

Run by hand: `.venv/bin/python bench/bench_sessions.py [--requests 3000]`. Both servers are
API-only apps (create_app(pages=False)) with one stand-in page behind every hook, over the same
empty SQLite database; the sessions live in the SQLite store under a temporary
DASHBOARD_STATE_DIR (WAL, as in production). Rounds alternate so drift hits both alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="mmdash-bench-prom-"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from minimarket_dash import create_app  # noqa: E402
from minimarket_dash.config import load_settings  # noqa: E402
from minimarket_dash.db import create_schema, make_engine  # noqa: E402
from minimarket_dash.users import UserStore  # noqa: E402

PASSWORD = "una frase de prueba para medir"
ROUNDS = 5


def build(mode: str, folder: Path, url: str):
    """Return a test client of an app in `mode`, signed in when there is sign-in."""
    settings = load_settings(
        {
            "database_url": url,
            "auth": mode,
            "users_file": str(folder / "users.json"),
            "state_dir": str(folder / "state"),
            "log_dir": str(folder / f"logs-{mode}"),
            "ratelimit_enabled": False,
            "log_level": "WARNING",
        },
        environ={},
    )
    app = create_app(settings, pages=False)
    app.add_url_rule("/pagina", "pagina", lambda: "ok")
    client = app.test_client()
    if mode == "users":
        import re

        html = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        answer = client.post(
            "/login",
            data={"username": "ana", "password": PASSWORD, "csrf_token": token, "next": "/pagina"},
        )
        assert answer.status_code == 303, answer.status_code
    assert client.get("/pagina").status_code == 200
    return client


def median_us(client, count: int) -> float:
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        client.get("/pagina")
        samples.append((time.perf_counter() - start) * 1e6)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="mmdash-bench-sessions-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    create_schema(make_engine(load_settings({"database_url": url}), writer=True))
    UserStore(folder / "users.json").add("ana", PASSWORD)
    clients = {mode: build(mode, folder, url) for mode in ("none", "users")}
    results: dict[str, list[float]] = {mode: [] for mode in clients}
    for _ in range(ROUNDS):
        for mode, client in clients.items():
            results[mode].append(median_us(client, args.requests // ROUNDS))
    none, users = (statistics.median(results[mode]) for mode in ("none", "users"))
    print(f"{'modo':<8}{'mediana µs/solicitud':>22}")
    print(f"{'none':<8}{none:>22.0f}")
    print(f"{'users':<8}{users:>22.0f}")
    print(f"sesión en el almacén: +{users - none:.0f} µs por solicitud ({users / none:.2f}×)")


if __name__ == "__main__":
    main()
