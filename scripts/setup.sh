#!/usr/bin/env bash
# Create .venv and install the dashboard into it from the lock of exact versions
# (requirements/app.lock; with --test requirements/test.lock: also the test tools and the
# Debian packages the tests drive: chromium, chromium-driver, prometheus (with promtool), wrk,
# jq, redis-server (private servers stopped mid-test), systemd (systemd-analyze verify)).
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
  -h|--help)
    cat <<'AYUDA'
Uso: setup.sh [--test]

Crea .venv e instala las versiones exactas de requirements/app.lock y después el dashboard.
Con --test: requirements/test.lock (también las herramientas de prueba) y los paquetes de
Debian que usan las pruebas (necesita root).
AYUDA
    exit 0 ;;
esac
with_tests=0
[ "${1:-}" = "--test" ] && with_tests=1

if [ "$with_tests" = 1 ]; then
  missing=()
  for tool in chromium chromedriver prometheus promtool wrk jq redis-server systemd-analyze; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "Instalando paquetes de Debian: chromium chromium-driver prometheus wrk jq redis-server systemd" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium chromium-driver prometheus wrk jq \
      redis-server systemd >/dev/null
  fi
fi

# The exact versions the tests passed with come from the lock (bash scripts/lock.sh rewrites
# it); the project itself is installed on top without resolving anything again.
lock=requirements/app.lock
[ "$with_tests" = 1 ] && lock=requirements/test.lock

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q --require-hashes -r "$lock"
.venv/bin/python -m pip install -q --no-deps -e .
