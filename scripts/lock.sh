#!/usr/bin/env bash
# Rewrite the locks of exact versions (with hashes) from pyproject.toml: requirements/test.lock
# (the app and the test extras) and requirements/app.lock (the app alone, pinned to the same
# versions). scripts/setup.sh, the Dockerfile and so CI install from them.
#
#   bash scripts/lock.sh                          # newest versions that pyproject.toml allows
#   bash scripts/lock.sh --upgrade-package dash   # extra options go to pip-compile (pip-tools)
#
# Needs .venv with the test extras (bash scripts/setup.sh --test), where pip-compile lives.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
  cat <<'AYUDA'
Uso: lock.sh [OPCIONES DE pip-compile]

Reescribe requirements/test.lock y requirements/app.lock (versiones exactas con hashes) desde
pyproject.toml. Sin opciones trae las versiones más nuevas que permite pyproject.toml; con
opciones (por ejemplo --upgrade-package dash) se las pasa a pip-compile. Necesita .venv de
pruebas (bash scripts/setup.sh --test).
AYUDA
  exit 0
fi
upgrade=(--upgrade)
[ "$#" -gt 0 ] && upgrade=("$@")

export CUSTOM_COMPILE_COMMAND="bash scripts/lock.sh"
compile=(.venv/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras
         --no-emit-index-url --no-emit-find-links --no-emit-trusted-host)
# Both locks are written in a folder of their own and moved in only when both are done: an
# interrupted or failed run leaves the two committed locks as they were, never one of them new.
work=$(mktemp -d requirements/.lock.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp requirements/test.lock requirements/app.lock "$work/"  # pip-compile keeps their pins
"${compile[@]}" "${upgrade[@]}" --extra test --output-file "$work/test.lock" pyproject.toml
# The app's lock takes its versions from the test lock, so both install the same ones.
"${compile[@]}" --upgrade --constraint "$work/test.lock" \
  --output-file "$work/app.lock" pyproject.toml
sed -i "s|$work/test.lock|requirements/test.lock|" "$work/app.lock"  # the path it will have
mv -f "$work/test.lock" requirements/test.lock
mv -f "$work/app.lock" requirements/app.lock
