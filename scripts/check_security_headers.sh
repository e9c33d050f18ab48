#!/usr/bin/env bash
# Check the security headers of the HTTP contract (docs/api.md) on a page, an API route and a
# static asset of the dashboard. Only curl and awk are needed; no key is sent.
set -euo pipefail

readonly EXIT_OK=0 EXIT_HEADERS=1 EXIT_USAGE=2 EXIT_UNREACHABLE=3 EXIT_RESPONSE=5

usage() {
  cat <<'EOF'
Uso: check_security_headers.sh -u URL [--host NOMBRE] [--expect-hsts] [--csp-prefix VALOR] [--asset RUTA] [-m SEG] [-q]

Pide una página (/), una ruta de la API (/api/summary, sin clave: alcanza la respuesta 401) y un
recurso estático (el primero que enlaza la página en /assets/ o /_dash-component-suites/, o
/_favicon.ico) y verifica en cada respuesta:
  Content-Security-Policy  empieza con el prefijo, sin 'unsafe-inline' en script-src,
                           con frame-ancestors 'none' y object-src 'none'
  X-Content-Type-Options   nosniff
  X-Frame-Options          DENY
  Referrer-Policy, Permissions-Policy, X-Request-ID   presentes
  Strict-Transport-Security  con --expect-hsts: presente con max-age > 0

  -u URL              URL base del dashboard (obligatoria)
  --host NOMBRE       encabezado Host a enviar (un nombre de DASHBOARD_ALLOWED_HOSTS) cuando la
                      URL usa otro nombre, p. ej. -u http://dashboard:8080 --host tablero.example.com
  --expect-hsts       falla si falta HSTS (producción detrás de HTTPS)
  --csp-prefix VALOR  prefijo exigido de la CSP (por defecto: default-src 'self')
  --asset RUTA        recurso estático a revisar en lugar del descubierto
  -m SEG              tiempo máximo de cada solicitud (por defecto 10)
  -q                  una sola línea de resumen
  -h, --help          esta ayuda

Códigos de salida:
  0  todos los encabezados correctos
  1  falta un encabezado o tiene un valor incorrecto (HSTS incluido con --expect-hsts)
  2  uso incorrecto
  3  dashboard inaccesible (conexión rechazada, DNS, tiempo agotado)
  5  respuesta inesperada: la página o el recurso respondió 4xx o 5xx (400 = Host fuera de
     DASHBOARD_ALLOWED_HOSTS: use --host), o la API respondió algo distinto de 401
EOF
}

die() { # die CODE MESSAGE
  echo "check_security_headers: $2" >&2
  exit "$1"
}

url="" host="" expect_hsts=0 csp_prefix="default-src 'self'" asset="" max_time=10 quiet=0
while [ $# -gt 0 ]; do
  case "$1" in
    -u) [ $# -ge 2 ] || die "$EXIT_USAGE" "-u necesita una URL"; url=$2; shift 2 ;;
    --host) [ $# -ge 2 ] || die "$EXIT_USAGE" "--host necesita un nombre"; host=$2; shift 2 ;;
    --expect-hsts) expect_hsts=1; shift ;;
    --csp-prefix) [ $# -ge 2 ] || die "$EXIT_USAGE" "--csp-prefix necesita un valor"; csp_prefix=$2; shift 2 ;;
    --asset) [ $# -ge 2 ] || die "$EXIT_USAGE" "--asset necesita una ruta"; asset=$2; shift 2 ;;
    -m) [ $# -ge 2 ] || die "$EXIT_USAGE" "-m necesita segundos"; max_time=$2; shift 2 ;;
    -q) quiet=1; shift ;;
    -h | --help) usage; exit "$EXIT_OK" ;;
    *) usage >&2; die "$EXIT_USAGE" "opción desconocida: $1" ;;
  esac
done
[ -n "$url" ] || { usage >&2; die "$EXIT_USAGE" "falta -u URL"; }
[[ $max_time =~ ^[0-9]+$ ]] || die "$EXIT_USAGE" "-m debe ser un entero, no '$max_time'"
url=${url%/}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0 problems=""

say() { [ "$quiet" = 1 ] || echo "$@"; }

# fetch NAME PATH: store headers in $work/NAME.h and body in $work/NAME.b; print the status.
fetch() {
  local status=0 code
  local host_header=()
  [ -z "$host" ] || host_header=(-H "Host: $host")
  code=$(curl -sS -o "$work/$1.b" -D "$work/$1.h" -w '%{http_code}' --max-time "$max_time" \
    "${host_header[@]}" "$url$2" 2>"$work/curl.err") || status=$?
  if [ "$status" -ne 0 ]; then
    die "$EXIT_UNREACHABLE" "no se pudo pedir $url$2: $(head -c 300 "$work/curl.err") (curl $status)"
  fi
  echo "$code"
}

# header FILE NAME: value of the header NAME (case-insensitive), empty when absent.
header() {
  awk -v want="$2" '{
    sub(/\r$/, "")
    at = index($0, ":")
    if (at > 1 && tolower(substr($0, 1, at - 1)) == tolower(want)) {
      value = substr($0, at + 1); sub(/^[ \t]+/, "", value); sub(/[ \t]+$/, "", value)
      print value; exit
    }
  }' "$1"
}

verdict() { # verdict TARGET CHECK PROBLEM(empty = ok)
  if [ -z "$3" ]; then
    say "  [OK]    $1: $2"
  else
    say "  [FALLA] $1: $2: $3"
    failures=$((failures + 1))
    problems+=" $1 $2: $3;"
  fi
}

# csp_problem VALUE: what is wrong with a Content-Security-Policy, empty when nothing.
csp_problem() {
  local csp=$1 script_src
  [ -n "$csp" ] || { echo "ausente"; return; }
  case "$csp" in "$csp_prefix"*) ;; *) echo "no empieza con \"$csp_prefix\""; return ;; esac
  script_src=$(printf '%s' "$csp" | awk 'BEGIN { RS = ";" } {
      sub(/^[ \t\n]+/, ""); if ($1 == "script-src") { print; exit } }')
  if [ -z "$script_src" ]; then
    script_src=$(printf '%s' "$csp" | awk 'BEGIN { RS = ";" } {
      sub(/^[ \t\n]+/, ""); if ($1 == "default-src") { print; exit } }')
  fi
  case "$script_src" in *"'unsafe-inline'"*) echo "script-src permite 'unsafe-inline'"; return ;; esac
  case "$csp" in *"frame-ancestors 'none'"*) ;; *) echo "falta frame-ancestors 'none'"; return ;; esac
  case "$csp" in *"object-src 'none'"*) ;; *) echo "falta object-src 'none'"; return ;; esac
}

hsts_problem() {
  local hsts=$1 age
  if [ -z "$hsts" ]; then
    [ "$expect_hsts" = 1 ] && echo "ausente (se pidió --expect-hsts)"
    return 0
  fi
  age=$(printf '%s' "$hsts" | awk '{ if (match(tolower($0), /max-age=[0-9]+/))
    print substr($0, RSTART + 8, RLENGTH - 8) }')
  [ "${age:-0}" -gt 0 ] || echo "max-age ausente o 0: '$hsts'"
}

check_target() { # check_target NAME
  local h="$work/$1.h" value problem
  verdict "$1" "Content-Security-Policy" "$(csp_problem "$(header "$h" Content-Security-Policy)")"
  value=$(header "$h" X-Content-Type-Options)
  [ "${value,,}" = "nosniff" ] && problem="" || problem="'${value:-ausente}' (se espera nosniff)"
  verdict "$1" "X-Content-Type-Options" "$problem"
  value=$(header "$h" X-Frame-Options)
  [ "${value^^}" = "DENY" ] && problem="" || problem="'${value:-ausente}' (se espera DENY)"
  verdict "$1" "X-Frame-Options" "$problem"
  for name in Referrer-Policy Permissions-Policy X-Request-ID; do
    [ -n "$(header "$h" "$name")" ] && problem="" || problem="ausente"
    verdict "$1" "$name" "$problem"
  done
  value=$(header "$h" Strict-Transport-Security)
  if [ -n "$value" ] || [ "$expect_hsts" = 1 ]; then
    verdict "$1" "Strict-Transport-Security" "$(hsts_problem "$value")"
  else
    say "  [--]    $1: Strict-Transport-Security ausente (no exigido sin --expect-hsts)"
  fi
}

host_hint() { # host_hint CODE: a hint for the usual cause of a 400
  [ "$1" != 400 ] || echo " (¿Host fuera de DASHBOARD_ALLOWED_HOSTS? use --host NOMBRE)"
}

# discover_asset: first static resource linked by the page, else Dash's favicon route.
discover_asset() {
  local found
  found=$(awk '{
      while (match($0, /(href|src)="[^"]+"/)) {
        link = substr($0, RSTART, RLENGTH); $0 = substr($0, RSTART + RLENGTH)
        sub(/^(href|src)="/, "", link); sub(/"$/, "", link)
        if (link ~ /\/assets\//) { print link; exit }
        if (!dash && link ~ /\/_dash-component-suites\//) dash = link
      }
    } END { if (dash != "") print dash }' "$work/page.b" | head -n 1)
  found=${found#"$url"}
  case "$found" in
    /*) echo "${found//&amp;/&}" ;;
    *) echo "/_favicon.ico" ;;
  esac
}

code=$(fetch page /)
say "Página / -> HTTP $code"
# Headers on an error page prove nothing about the real pages: a 4xx or 5xx is a failure.
case "$code" in 4* | 5*) die "$EXIT_RESPONSE" "la página / respondió HTTP $code$(host_hint "$code")" ;; esac
check_target page

code=$(fetch api /api/summary)
say "API /api/summary (sin clave) -> HTTP $code"
[ "$code" = 401 ] || die "$EXIT_RESPONSE" "/api/summary sin clave respondió HTTP $code (se esperaba 401)$(host_hint "$code")"
check_target api

[ -n "$asset" ] || asset=$(discover_asset)
code=$(fetch asset "$asset")
say "Recurso estático $asset -> HTTP $code"
case "$code" in 4* | 5*) die "$EXIT_RESPONSE" "el recurso $asset respondió HTTP $code" ;; esac
check_target asset

if [ "$failures" -gt 0 ]; then
  echo "FALLA: $failures encabezado(s) incorrecto(s) en $url:$problems"
  exit "$EXIT_HEADERS"
fi
echo "OK: encabezados correctos en página, API y recurso estático de $url"
exit "$EXIT_OK"
