#!/usr/bin/env bash
# Read the dashboard's /metrics (Prometheus text format) and report requests, 5xx errors,
# error rate and p95 latency from the dashboard_request_duration_seconds histogram.
# Only curl and awk are needed. The key travels to curl on stdin, never on its command line.
set -euo pipefail

readonly EXIT_OK=0 EXIT_THRESHOLD=1 EXIT_USAGE=2 EXIT_UNREACHABLE=3 EXIT_AUTH=4 EXIT_RESPONSE=5

usage() {
  cat <<'EOF'
Uso: check_metrics_dashboard.sh -u URL [--host NOMBRE] [--key-stdin] [-t MAX_ERROR_PCT] [-p MAX_P95_MS] [-m SEG] [-q]

Lee GET URL/metrics del dashboard y muestra: solicitudes totales, errores 5xx, porcentaje de
error, solicitudes limitadas (429), uptime y la latencia p95 global y de las 5 rutas más lentas.

  -u URL   URL base del dashboard, p. ej. http://127.0.0.1:8080 (obligatoria)
  La clave se toma de DASHBOARD_API_KEY (con varias claves separadas por comas, la primera) o,
  con --key-stdin, de la primera línea de la entrada estándar. Nunca va en la línea de comandos.
  --host NOMBRE  encabezado Host a enviar (un nombre de DASHBOARD_ALLOWED_HOSTS)
  --key-stdin    leer la clave de la entrada estándar
  -k CLAVE obsoleta (queda visible en `ps`); se mantiene por compatibilidad
  -t PCT   porcentaje máximo de errores 5xx aceptado (por defecto 5)
  -p MS    latencia p95 global máxima en milisegundos (por defecto 1500)
  -m SEG   tiempo máximo de la solicitud HTTP (por defecto 10)
  -q       una sola línea de resumen
  -h       esta ayuda

El p95 se calcula como histogram_quantile de Prometheus: buckets acumulados `le` sumados entre
todas las series, y interpolación lineal dentro del bucket donde cae el 95 % de las solicitudes
(si cae en +Inf se informa el último límite finito). Los valores son acumulados desde el
arranque del servidor, no de una ventana de tiempo.

Códigos de salida:
  0  métricas dentro de los umbrales
  1  umbral superado (porcentaje de error o p95)
  2  uso incorrecto (opción desconocida, falta -u, valor no numérico)
  3  dashboard inaccesible (conexión rechazada, DNS, tiempo agotado)
  4  clave rechazada (401/403) o ninguna clave disponible
  5  respuesta inesperada (otro código HTTP, o sin métricas dashboard_*)
EOF
}

die() { # die CODE MESSAGE
  echo "check_metrics_dashboard: $2" >&2
  exit "$1"
}

is_number() { [[ $1 =~ ^[0-9]+([.][0-9]+)?$ ]]; }

url="" key="${DASHBOARD_API_KEY:-}" max_error_pct=5 max_p95_ms=1500 max_time=10 quiet=0
host="" key_stdin=0 short=()
while [ $# -gt 0 ]; do  # long options first; getopts reads the short ones below
  case "$1" in
    --host) [ $# -ge 2 ] || die "$EXIT_USAGE" "--host necesita un nombre"; host=$2; shift 2 ;;
    --key-stdin) key_stdin=1; shift ;;
    --help) usage; exit "$EXIT_OK" ;;
    --*) usage >&2; die "$EXIT_USAGE" "opción desconocida: $1" ;;
    *) short+=("$1"); shift ;;
  esac
done
set -- "${short[@]}"
while getopts ":u:k:t:p:m:qh" opt; do
  case "$opt" in
    u) url=$OPTARG ;;
    k) key=$OPTARG ;;
    t) max_error_pct=$OPTARG ;;
    p) max_p95_ms=$OPTARG ;;
    m) max_time=$OPTARG ;;
    q) quiet=1 ;;
    h) usage; exit "$EXIT_OK" ;;
    :) usage >&2; die "$EXIT_USAGE" "la opción -$OPTARG necesita un valor" ;;
    *) usage >&2; die "$EXIT_USAGE" "opción desconocida: -$OPTARG" ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || die "$EXIT_USAGE" "argumento de más: $1"
[ -n "$url" ] || { usage >&2; die "$EXIT_USAGE" "falta -u URL"; }
is_number "$max_error_pct" || die "$EXIT_USAGE" "-t debe ser un número, no '$max_error_pct'"
is_number "$max_p95_ms" || die "$EXIT_USAGE" "-p debe ser un número, no '$max_p95_ms'"
is_number "$max_time" || die "$EXIT_USAGE" "-m debe ser un número, no '$max_time'"
if [ "$key_stdin" = 1 ]; then
  IFS= read -r key || true
fi
key=${key%%,*}
key=${key//[[:space:]]/}
[ -n "$key" ] || die "$EXIT_AUTH" "no hay clave: defina DASHBOARD_API_KEY o use --key-stdin"
[[ $host =~ ^[A-Za-z0-9.:-]*$ ]] || die "$EXIT_USAGE" "--host inválido: '$host'"
url=${url%/}

body=$(mktemp) errors=$(mktemp)
trap 'rm -f "$body" "$errors"' EXIT

# curl reads the header from its config on stdin, so the key is not in the process list.
escaped=${key//\\/\\\\}
escaped=${escaped//\"/\\\"}
status=0
code=$({ printf 'header = "X-API-Key: %s"\n' "$escaped"
  [ -z "$host" ] || printf 'header = "Host: %s"\n' "$host"; } |
  curl -sS -K - -o "$body" -w '%{http_code}' --max-time "$max_time" "$url/metrics" 2>"$errors") ||
  status=$?
if [ "$status" -ne 0 ]; then
  die "$EXIT_UNREACHABLE" "no se pudo leer $url/metrics: $(head -c 300 "$errors") (curl $status)"
fi
case "$code" in
  200) ;;
  401 | 403) die "$EXIT_AUTH" "$url/metrics respondió $code: la clave fue rechazada" ;;
  *) die "$EXIT_RESPONSE" "$url/metrics respondió HTTP $code (se esperaba 200)" ;;
esac

status=0
awk -v url="$url" -v max_err="$max_error_pct" -v max_p95="$max_p95_ms" -v quiet="$quiet" '
function label(s, name,    at) {
  if (!match(s, "(^|,)" name "=\"[^\"]*\"")) return ""
  at = index(substr(s, RSTART, RLENGTH), "\"")
  return substr(s, RSTART + at, RLENGTH - at - 1)
}
function sort_bounds(list, n,    i, j, tmp) {   # insertion sort, +Inf last
  for (i = 2; i <= n; i++) {
    tmp = list[i]
    for (j = i - 1; j >= 1 && later(list[j], tmp); j--) list[j + 1] = list[j]
    list[j + 1] = tmp
  }
}
function later(a, b) {
  if (a == "+Inf") return b != "+Inf"
  if (b == "+Inf") return 0
  return a + 0 > b + 0
}
# Quantile q of the cumulative counts cnt[1..n] over upper bounds ub[1..n], as PromQL does.
function quantile(q, ub, cnt, n,    i, rank, lower, below) {
  if (n == 0 || cnt[n] <= 0) return -1
  rank = q * cnt[n]
  for (i = 1; i < n && cnt[i] < rank; i++) ;
  if (ub[i] == "+Inf") return (i > 1) ? ub[i - 1] + 0 : -1
  lower = (i > 1) ? ub[i - 1] + 0 : 0
  below = (i > 1) ? cnt[i - 1] : 0
  if (i == 1 && ub[1] + 0 <= 0) return ub[1] + 0
  if (cnt[i] == below) return ub[i] + 0
  return lower + (ub[i] + 0 - lower) * (rank - below) / (cnt[i] - below)
}
function route_p95(r,    i, n, ub, cnt) {
  n = 0
  for (i = 1; i <= nb; i++) if ((r, les[i]) in rbucket) { n++; ub[n] = les[i]; cnt[n] = rbucket[r, les[i]] }
  return quantile(0.95, ub, cnt, n)
}
function ms(seconds) { return (seconds < 0) ? "n/d" : sprintf("%.1f ms", seconds * 1000) }
/^#/ || NF == 0 { next }
{
  line = $0
  brace = index(line, "{")
  if (brace > 0 && brace < index(line, " ")) {
    name = substr(line, 1, brace - 1)
    match(line, /}[^}]*$/)
    labels = substr(line, brace + 1, RSTART - brace - 1)
    rest = substr(line, RSTART + 1)
  } else {
    name = $1; labels = ""; rest = substr(line, length($1) + 1)
  }
  split(rest, parts, " ")
  value = parts[1] + 0
  if (name ~ /^dashboard_/) seen = 1
  if (name == "dashboard_requests_total") { requests += value; has_requests = 1 }
  else if (name == "dashboard_errors_total") { errors += value; has_errors = 1 }
  else if (name == "dashboard_rate_limited_total") limited += value
  else if (name == "dashboard_uptime_seconds") { if (value > uptime) uptime = value }
  else if (name == "dashboard_request_duration_seconds_bucket") {
    le = label(labels, "le"); route = label(labels, "route")
    if (!(le in known)) { known[le] = 1; nb++; les[nb] = le }
    bucket[le] += value
    rbucket[route, le] += value
    routes[route] = 1
  } else if (name == "dashboard_request_duration_seconds_count") {
    observed += value
    rcount[label(labels, "route")] += value
    if (label(labels, "status") ~ /^5/) observed5xx += value
  }
}
END {
  if (!seen) { print "sin métricas dashboard_* en " url "/metrics" > "/dev/stderr"; exit 5 }
  if (!has_requests) requests = observed
  if (!has_errors) errors = observed5xx
  error_pct = (requests > 0) ? 100 * errors / requests : 0
  sort_bounds(les, nb)
  for (i = 1; i <= nb; i++) { ub[i] = les[i]; cnt[i] = bucket[les[i]] }
  p95 = quantile(0.95, ub, cnt, nb)
  nr = 0
  for (r in routes) { rp[r] = route_p95(r); if (rp[r] >= 0) { nr++; order[nr] = r } }
  for (i = 2; i <= nr; i++) {   # slowest first
    tmp = order[i]
    for (j = i - 1; j >= 1 && rp[order[j]] < rp[tmp]; j--) order[j + 1] = order[j]
    order[j + 1] = tmp
  }
  failed = 0; why = ""
  if (error_pct > max_err + 0) { failed = 1; why = why sprintf(" error %.2f %% > %s %%;", error_pct, max_err) }
  if (p95 >= 0 && p95 * 1000 > max_p95 + 0) { failed = 1; why = why sprintf(" p95 %s > %s ms;", ms(p95), max_p95) }
  verdict = failed ? "FALLA:" why : "OK"
  if (quiet) {
    printf "%s (solicitudes %d, errores 5xx %d = %.2f %% [máx %s], p95 %s [máx %s ms])\n", \
      verdict, requests, errors, error_pct, max_err, ms(p95), max_p95
    exit failed
  }
  printf "Métricas de %s/metrics\n", url
  printf "  solicitudes totales : %d\n", requests
  printf "  errores 5xx         : %d\n", errors
  printf "  porcentaje de error : %.2f %% (máximo %s %%)\n", error_pct, max_err
  printf "  limitadas (429)     : %d\n", limited
  printf "  uptime              : %d s\n", uptime
  printf "  latencia p95 global : %s (máximo %s ms)\n", ms(p95), max_p95
  if (nr > 0) print "  p95 de las rutas más lentas:"
  for (i = 1; i <= nr && i <= 5; i++)
    printf "    %-40s %12s  (%d solicitudes)\n", order[i], ms(rp[order[i]]), rcount[order[i]]
  print verdict
  exit failed
}' "$body" || status=$?
case "$status" in
  0) exit "$EXIT_OK" ;;
  1) exit "$EXIT_THRESHOLD" ;;
  *) exit "$EXIT_RESPONSE" ;;
esac
