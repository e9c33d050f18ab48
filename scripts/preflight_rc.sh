#!/usr/bin/env bash
# Release-candidate preflight: health, API key enforcement, a CSV export, metrics thresholds
# and security headers, one line per check, stopping at the first failure.
set -euo pipefail

readonly EXIT_OK=0 EXIT_FAILED=1 EXIT_USAGE=2 EXIT_UNREACHABLE=3 EXIT_AUTH=4
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)

usage() {
  cat <<'EOF'
Uso: preflight_rc.sh -u URL [--host NOMBRE] [--key-stdin] [--prod] [-t MAX_ERROR_PCT] [-p95 MAX_P95_MS] [-m SEG]

Verifica un entorno antes de etiquetar una versión (una línea por verificación; se detiene en
la primera falla):
  1. GET /health responde 200 con "status": "ok" (ni la caché ni los límites en Redis
     degradados, resúmenes al día)
  2. GET /api/summary sin clave responde 401
  3. GET /api/summary con la clave responde 200
  4. GET /api/export/summary.csv con la clave responde 200 (text/csv)
  5. métricas dentro de los umbrales (scripts/check_metrics_dashboard.sh)
  6. encabezados de seguridad (scripts/check_security_headers.sh; HSTS exigido con --prod)

  -u URL        URL base del entorno (obligatoria)
  --host NOMBRE encabezado Host a enviar (un nombre de DASHBOARD_ALLOWED_HOSTS) cuando la URL
                usa otro nombre o una IP
  La clave se toma de DASHBOARD_API_KEY (la primera si hay varias) o, con --key-stdin, de la
  primera línea de la entrada estándar; nunca de la línea de comandos.
  --key-stdin   leer la clave de la entrada estándar
  -k CLAVE      obsoleta (queda visible en `ps`); se mantiene por compatibilidad
  --prod        producción: exige Strict-Transport-Security
  -t PCT        porcentaje máximo de errores 5xx (por defecto 5)
  -p95 MS       latencia p95 máxima en milisegundos (por defecto 1500; también --p95)
  -m SEG        tiempo máximo de cada solicitud (por defecto 10)
  -h, --help    esta ayuda

Códigos de salida: 0 todo correcto; si algo falla, el de la primera verificación que falló:
  1  verificación fallida (código HTTP inesperado, umbral superado, encabezado incorrecto)
  2  uso incorrecto
  3  entorno inaccesible
  4  la clave fue rechazada (401/403 con clave en /api/summary o /metrics)
  5  respuesta inesperada de /metrics o de la página (de los scripts de métricas y encabezados)
EOF
}

die() { # die CODE MESSAGE
  echo "preflight_rc: $2" >&2
  exit "$1"
}

url="" key="${DASHBOARD_API_KEY:-}" prod=0 max_error_pct=5 max_p95_ms=1500 max_time=10
host="" key_stdin=0
while [ $# -gt 0 ]; do
  case "$1" in
    -u) [ $# -ge 2 ] || die "$EXIT_USAGE" "-u necesita una URL"; url=$2; shift 2 ;;
    -k) [ $# -ge 2 ] || die "$EXIT_USAGE" "-k necesita una clave"; key=$2; shift 2 ;;
    --host) [ $# -ge 2 ] || die "$EXIT_USAGE" "--host necesita un nombre"; host=$2; shift 2 ;;
    --key-stdin) key_stdin=1; shift ;;
    --prod) prod=1; shift ;;
    -t) [ $# -ge 2 ] || die "$EXIT_USAGE" "-t necesita un porcentaje"; max_error_pct=$2; shift 2 ;;
    -p95 | --p95) [ $# -ge 2 ] || die "$EXIT_USAGE" "$1 necesita milisegundos"; max_p95_ms=$2; shift 2 ;;
    -m) [ $# -ge 2 ] || die "$EXIT_USAGE" "-m necesita segundos"; max_time=$2; shift 2 ;;
    -h | --help) usage; exit "$EXIT_OK" ;;
    *) usage >&2; die "$EXIT_USAGE" "opción desconocida: $1" ;;
  esac
done
[ -n "$url" ] || { usage >&2; die "$EXIT_USAGE" "falta -u URL"; }
if [ "$key_stdin" = 1 ]; then
  IFS= read -r key || true
fi
[[ $host =~ ^[A-Za-z0-9.:-]*$ ]] || die "$EXIT_USAGE" "--host inválido: '$host'"
host_args=()
[ -z "$host" ] || host_args=(--host "$host")
key=${key%%,*}
key=${key//[[:space:]]/}
[ -n "$key" ] || die "$EXIT_USAGE" "falta la clave: DASHBOARD_API_KEY o --key-stdin"
for value in "$max_error_pct" "$max_p95_ms" "$max_time"; do
  [[ $value =~ ^[0-9]+([.][0-9]+)?$ ]] || die "$EXIT_USAGE" "valor no numérico: '$value'"
done
url=${url%/}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step=0 answer=""

pass() { echo "[OK]    $step. $1"; }
fail() { # fail CODE MESSAGE
  echo "[FALLA] $step. $2"
  echo "Preflight detenido en la verificación $step de 6." >&2
  exit "$1"
}

# request PATH [key]: leave "HTTP_CODE CONTENT_TYPE" in $answer; the key goes to curl on stdin.
request() {
  local status=0 escaped=""
  if [ "${2:-}" = key ]; then
    escaped=${key//\\/\\\\}
    escaped=${escaped//\"/\\\"}
    escaped="header = \"X-API-Key: $escaped\""
  fi
  answer=$({ printf '%s\n' "$escaped"; [ -z "$host" ] || printf 'header = "Host: %s"\n' "$host"; } |
    curl -sS -K - -o "$work/body" \
    -w '%{http_code} %{content_type}' --max-time "$max_time" "$url$1" 2>"$work/err") ||
    status=$?
  if [ "$status" -ne 0 ]; then
    fail "$EXIT_UNREACHABLE" "$url$1 inaccesible: $(head -c 200 "$work/err")"
  fi
}

expect() { # expect PATH WANTED_CODE [key]: fail unless GET PATH answers WANTED_CODE
  local got
  request "$1" "${3:-}"
  got=${answer%% *}
  [ "$got" != "$2" ] || return 0
  if [ "${3:-}" = key ] && { [ "$got" = 401 ] || [ "$got" = 403 ]; }; then
    fail "$EXIT_AUTH" "GET $1 con clave respondió $got: la clave fue rechazada"
  fi
  [ "$got" != 400 ] || fail "$EXIT_FAILED" \
    "GET $1 respondió 400: ¿Host fuera de DASHBOARD_ALLOWED_HOSTS? use --host NOMBRE"
  fail "$EXIT_FAILED" "GET $1 respondió $got (se esperaba $2)"
}

echo "Preflight de $url ($([ "$prod" = 1 ] && echo producción || echo staging))"

step=1
expect /health 200
# 200 with "status": "degraded" serves, but not as it should (a Redis down, old summaries).
health_status=$(awk 'match($0, /"status": *"[a-z]+"/) {
  value = substr($0, RSTART, RLENGTH); sub(/.*: *"/, "", value); sub(/"$/, "", value)
  print value; exit }' "$work/body")
if [ "$health_status" != ok ]; then
  detail=$(awk '{ while (match($0, /"(cache|ratelimit|summaries)": *"[a-z]+"/)) {
    pair = substr($0, RSTART, RLENGTH); gsub(/[" ]/, "", pair); out = out sep pair; sep = ", "
    $0 = substr($0, RSTART + RLENGTH) } } END { print out }' "$work/body")
  fail "$EXIT_FAILED" "/health responde 200 pero status=${health_status:-?} ($detail); ver RUNBOOK sección 4"
fi
pass "/health responde 200 (status ok)"

step=2
expect /api/summary 401
pass "/api/summary sin clave responde 401"

step=3
expect /api/summary 200 key
pass "/api/summary con clave responde 200"

step=4
request /api/export/summary.csv key
case "$answer" in
  "200 text/csv"*) pass "/api/export/summary.csv responde 200 (text/csv, $(wc -l <"$work/body") líneas)" ;;
  401* | 403*) fail "$EXIT_AUTH" "/api/export/summary.csv rechazó la clave (${answer%% *})" ;;
  *) fail "$EXIT_FAILED" "/api/export/summary.csv respondió '$answer' (se esperaba 200 text/csv)" ;;
esac

step=5
status=0
summary=$(DASHBOARD_API_KEY=$key "$here/check_metrics_dashboard.sh" -u "$url" -q "${host_args[@]}" \
  -t "$max_error_pct" -p "$max_p95_ms" -m "$max_time" 2>&1) || status=$?
[ "$status" -eq 0 ] || fail "$status" "métricas: $summary"
pass "métricas: $summary"

step=6
status=0
hsts=()
[ "$prod" = 1 ] && hsts=(--expect-hsts)
summary=$("$here/check_security_headers.sh" -u "$url" -q -m "${max_time%.*}" "${hsts[@]}" \
  "${host_args[@]}" 2>&1) ||
  status=$?
[ "$status" -eq 0 ] || fail "$status" "encabezados de seguridad: $summary"
pass "encabezados de seguridad${hsts:+ (con HSTS)}: ${summary#OK: }"

echo "Preflight OK: $url listo para etiquetar."
exit "$EXIT_OK"
