#!/usr/bin/env bash
# Install everything the test suite needs, then run ruff and the whole pytest suite (SQLite,
# PostgreSQL, Redis, browser and live-server tests). The tests start private PostgreSQL and
# Redis servers of their own on free ports (tests/services.py): this script neither starts nor
# uses the host's services, so it is safe on a machine that also runs the shop.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
  -h|--help)
    cat <<'AYUDA'
Uso: test.sh [OPCIONES DE PYTEST...]

Instala lo que usan las pruebas (scripts/setup.sh --test: .venv, paquetes de Python y de
Debian), corre ruff (reglas y formato) y después pytest con las opciones dadas, midiendo la
cobertura del código (al final, el porcentaje de líneas de cada módulo y el total), p. ej.:
  bash scripts/test.sh -q tests/unit/test_config.py
  bash scripts/test.sh -m "not browser"

Las pruebas arrancan sus propios PostgreSQL y Redis en puertos libres y carpetas temporales;
nunca usan ni modifican los de la máquina (127.0.0.1:5432 y 6379).
AYUDA
    exit 0 ;;
esac

bash scripts/setup.sh --test

.venv/bin/ruff check .
.venv/bin/ruff format --check .
# Coverage of the dashboard's code by the tests that ran, printed at the end (pyproject.toml).
.venv/bin/python -m pytest --cov --cov-report=term "$@"
