#!/usr/bin/env bash
# Create .venv and install the dashboard into it from the lock of exact versions
# (requirements/app.lock; with --test requirements/test.lock: also the test tools and the
# Debian packages the tests drive: chromium, chromium-driver, prometheus (with promtool), wrk,
# jq, redis-server and postgresql (the tests start private servers of their own, never the
# host's), iproute2 (a test runs them in a network namespace of its own), systemd
# (systemd-analyze verify)). It never starts or stops a service of the host.
set -euo pipefail

# Another apt-get or dpkg may hold the locks (an unattended upgrade, a second setup): wait for
# it instead of failing. apt-get install waits by itself with DPkg::Lock::Timeout; apt-get
# update does not know that option for its lists lock, so it is tried again.
APT_WAIT_SECONDS=${APT_WAIT_SECONDS:-600}
apt_update() {
  local waited=0
  until apt-get -o DPkg::Lock::Timeout="$APT_WAIT_SECONDS" update -qq; do
    [ "$waited" -lt "$APT_WAIT_SECONDS" ] || return 1
    echo "apt-get update falló (¿otro apt-get en curso?): se reintenta en 5 s" >&2
    sleep 5
    waited=$((waited + 5))
  done
}
apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$APT_WAIT_SECONDS" \
    install -y -qq --no-install-recommends "$@" >/dev/null
}

# Sourced (tests/ops/test_setup_scripts.py): only the functions above.
[ "${BASH_SOURCE[0]}" = "$0" ] || return 0
cd "$(dirname "$0")/.."

case "${1:-}" in
  -h|--help)
    cat <<'AYUDA'
Uso: setup.sh [--test]

Crea .venv e instala las versiones exactas de requirements/app.lock y después el dashboard.
Con --test: requirements/test.lock (también las herramientas de prueba) y los paquetes de
Debian que usan las pruebas (necesita root). Si otro apt-get o dpkg está instalando, espera
(hasta 10 minutos) a que termine.
AYUDA
    exit 0 ;;
esac
with_tests=0
[ "${1:-}" = "--test" ] && with_tests=1

if [ "$with_tests" = 1 ]; then
  missing=()
  for tool in chromium chromedriver prometheus promtool wrk jq redis-server systemd-analyze ip; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
  if [ "${#missing[@]}" -gt 0 ]; then
    packages=(chromium chromium-driver prometheus wrk jq redis-server postgresql iproute2 systemd)
    echo "Instalando paquetes de Debian (faltan: ${missing[*]}): ${packages[*]}" >&2
    apt_update
    # policy-rc.d: installing redis-server or postgresql must not start the host's services.
    no_start=/usr/sbin/policy-rc.d
    if [ ! -e "$no_start" ]; then
      printf '#!/bin/sh\nexit 101\n' >"$no_start" && chmod 755 "$no_start"
      trap 'rm -f "$no_start"' EXIT
    fi
    apt_install "${packages[@]}"
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
