"""Container health probe: GET /health on the local gunicorn, no key; exit 0 only on 200.

Slim images have no curl, so this uses the standard library. The port comes from
DASHBOARD_BIND; the Host header is the first name of DASHBOARD_ALLOWED_HOSTS, because the
dashboard answers 400 to a Host outside that list, on /health too.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def probe_request(environ: dict[str, str]) -> urllib.request.Request:
    """Return the GET /health request for the server configured in `environ`."""
    port = environ.get("DASHBOARD_BIND", "127.0.0.1:8080").rpartition(":")[2] or "8080"
    hosts = [h.strip() for h in environ.get("DASHBOARD_ALLOWED_HOSTS", "*").split(",")]
    host = next((h for h in hosts if h and h != "*"), "")
    headers = {"Host": host} if host else {}
    return urllib.request.Request(f"http://127.0.0.1:{port}/health", headers=headers)


def main() -> int:
    """Probe once; print the failure reason for `docker inspect` and return 1 on any failure."""
    try:
        with urllib.request.urlopen(probe_request(dict(os.environ)), timeout=4) as answer:
            return 0 if answer.status == 200 else 1
    except urllib.error.HTTPError as exc:
        print(f"/health respondió {exc.code}", file=sys.stderr)
    except OSError as exc:
        print(f"/health inaccesible: {exc}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
