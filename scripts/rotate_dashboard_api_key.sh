#!/usr/bin/env bash
# Generate a strong DASHBOARD_API_KEY and rotate it with an overlap: in an env file (new key
# first, old key kept until --finish) and/or in a GitHub Actions secret through the gh CLI.
# Keys never reach a log: they are passed on stdin or in the environment, never on a command
# line, and only --print-only writes one to stdout.
set -euo pipefail

readonly EXIT_OK=0 EXIT_STATE=1 EXIT_USAGE=2 EXIT_GH=6
readonly VAR=DASHBOARD_API_KEY

usage() {
  cat <<'EOF'
Uso: rotate_dashboard_api_key.sh [--len N] [--hex] [--print-only]
                                 [--env-file ARCHIVO [--finish]] [-r dueño/repo [--prod]]

Genera una clave fuerte para DASHBOARD_API_KEY y la rota sin cortar el servicio.

  --len N             largo de la clave (por defecto 48; entre 32 y 256)
  --hex               sólo dígitos hexadecimales (por defecto letras y dígitos, [A-Za-z0-9])
  --print-only        imprime una clave nueva y no cambia nada más
  --env-file ARCHIVO  rota en el archivo de entorno: DASHBOARD_API_KEY=nueva,anterior
                      (las dos valen a la vez). Se reescribe de forma atómica, conservando
                      dueño, grupo y permisos (sin permisos para otros; nuevo: 600); si es un
                      enlace simbólico se reescribe el archivo al que apunta
  --finish            con --env-file: termina la rotación dejando sólo la primera clave
  -r dueño/repo       guarda la clave nueva en el secreto STAGING_DASHBOARD_API_KEY del
                      repositorio de GitHub con `gh secret set` (la misma que va al archivo)
  --prod              con -r: usa el secreto PROD_DASHBOARD_API_KEY
  -h, --help          esta ayuda

Procedimiento: (1) --env-file ARCHIVO [-r ...] y reiniciar el servicio: valen la nueva y la
anterior; (2) pasar la nueva clave a los clientes (Prometheus, integraciones); (3) --env-file
ARCHIVO --finish y reiniciar: la anterior recibe 401. La clave nueva nunca se imprime: se lee
del archivo (primera clave de DASHBOARD_API_KEY).

Códigos de salida:
  0  hecho
  1  estado del archivo que impide seguir (rotación anterior sin --finish, no hay clave que
     terminar, o el archivo no se puede escribir)
  2  uso incorrecto
  6  gh no está instalado o `gh secret set` falló (con -r se verifica antes de cambiar nada)
EOF
}

die() { # die CODE MESSAGE
  echo "rotate_dashboard_api_key: $2" >&2
  exit "$1"
}

length=48 hex=0 print_only=0 env_file="" finish=0 repo="" prod=0 tmp_file="" kept_mode=600
# The temporary copy of the env file holds keys: remove it whatever way the script ends.
trap 'rm -f -- "${tmp_file:-}"' EXIT
trap 'exit 130' INT TERM
while [ $# -gt 0 ]; do
  case "$1" in
    --len) [ $# -ge 2 ] || die "$EXIT_USAGE" "--len necesita un número"; length=$2; shift 2 ;;
    --hex) hex=1; shift ;;
    --print-only) print_only=1; shift ;;
    --env-file) [ $# -ge 2 ] || die "$EXIT_USAGE" "--env-file necesita un archivo"; env_file=$2; shift 2 ;;
    --finish) finish=1; shift ;;
    -r) [ $# -ge 2 ] || die "$EXIT_USAGE" "-r necesita dueño/repo"; repo=$2; shift 2 ;;
    --prod) prod=1; shift ;;
    -h | --help) usage; exit "$EXIT_OK" ;;
    *) usage >&2; die "$EXIT_USAGE" "opción desconocida: $1" ;;
  esac
done

if ! [[ $length =~ ^[0-9]{2,3}$ ]] || [ "$length" -lt 32 ] || [ "$length" -gt 256 ]; then
  die "$EXIT_USAGE" "--len debe ser un entero entre 32 y 256, no '$length'"
fi
[ -z "$repo" ] || [[ $repo =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] ||
  die "$EXIT_USAGE" "-r espera dueño/repo, no '$repo'"
[ "$prod" = 0 ] || [ -n "$repo" ] || die "$EXIT_USAGE" "--prod sólo tiene sentido con -r"
[ "$finish" = 0 ] || [ -n "$env_file" ] || die "$EXIT_USAGE" "--finish necesita --env-file"
[ "$finish" = 0 ] || [ "$print_only" = 0 ] ||
  die "$EXIT_USAGE" "--finish no genera clave: no se combina con --print-only"
[ "$finish" = 0 ] || [ -z "$repo" ] || die "$EXIT_USAGE" "--finish no se combina con -r"
if [ "$print_only" = 0 ] && [ -z "$env_file" ] && [ -z "$repo" ]; then
  usage >&2
  die "$EXIT_USAGE" "indique --print-only, --env-file o -r"
fi

# new_key: a random key of $length characters from the kernel's CSPRNG.
new_key() {
  local alphabet='A-Za-z0-9' key=""
  [ "$hex" = 1 ] && alphabet='0-9a-f'
  while [ "${#key}" -lt "$length" ]; do
    key+=$(head -c 1024 /dev/urandom | LC_ALL=C tr -dc "$alphabet")
  done
  printf '%s' "${key:0:$length}"
}

# current_keys FILE: the value of DASHBOARD_API_KEY in FILE (last assignment wins, quotes off).
current_keys() {
  [ -f "$1" ] || return 0
  awk -v var="$VAR" '
    { line = $0; sub(/\r$/, "", line); sub(/^[ \t]*(export[ \t]+)?/, "", line) }
    index(line, var "=") == 1 {
      value = substr(line, length(var) + 2)
      if (value ~ /^".*"$/ || value ~ /^\047.*\047$/) value = substr(value, 2, length(value) - 2)
      found = value
    }
    END { printf "%s", found }' "$1"
}

# write_keys FILE: replace (or add) DASHBOARD_API_KEY with $NEW_VALUE, atomically. A symlink
# is followed (the target is rewritten, the link stays); the owner, group and mode of the file
# are kept (a service user may read it through its group), minus any permission for others.
write_keys() {
  local file dir mode
  file=$(readlink -f -- "$1") || die "$EXIT_STATE" "no se puede resolver $1"
  dir=$(dirname -- "$file")
  tmp_file=$(mktemp "$dir/.$(basename -- "$file").XXXXXX") ||
    die "$EXIT_STATE" "no se puede escribir en $dir"
  chmod 600 "$tmp_file"
  if ! awk -v var="$VAR" '
      BEGIN { value = ENVIRON["NEW_VALUE"] }
      { line = $0; sub(/^[ \t]*(export[ \t]+)?/, "", line) }
      index(line, var "=") == 1 { if (!done) print var "=" value; done = 1; next }
      { print }
      END { if (!done) print var "=" value }' "$file" >"$tmp_file" 2>/dev/null; then
    die "$EXIT_STATE" "no se pudo reescribir $file"
  fi
  mode=$(stat -c '%a' -- "$file")
  chown --reference="$file" -- "$tmp_file" 2>/dev/null || true  # only root can give it away
  chmod "$mode" -- "$tmp_file" && chmod o-rwx -- "$tmp_file"
  mv -f -- "$tmp_file" "$file"
  tmp_file=""
  kept_mode=$(stat -c '%a' -- "$file")
}

# count_keys LIST: how many non-empty keys a comma-separated list holds (no temp files).
count_keys() (
  set -f
  IFS=,
  n=0
  for item in $1; do [ -z "${item//[[:space:]]/}" ] || n=$((n + 1)); done
  echo "$n"
)

# The same 8 hex digits the access log writes as key_id (first 8 of the key's SHA-256).
fingerprint() { printf '%s' "$1" | sha256sum | cut -c1-8; }

finish_rotation() {
  local keys first
  keys=$(current_keys "$env_file")
  [ -n "$keys" ] || die "$EXIT_STATE" "$env_file no tiene $VAR: no hay rotación que terminar"
  if [ "$(count_keys "$keys")" -le 1 ]; then
    echo "Nada que terminar: $env_file ya tiene una sola clave (huella $(fingerprint "${keys// /}"))."
    return 0
  fi
  first=${keys%%,*}
  first=${first//[[:space:]]/}
  NEW_VALUE=$first write_keys "$env_file"
  echo "Rotación terminada en $env_file: queda sólo la clave nueva (huella $(fingerprint "$first"))."
  echo "Reinicie el servicio para que la clave anterior deje de valer (401)."
}

# check_can_start: refuse to stack a rotation on one that was not finished.
check_can_start() {
  local keys
  [ ! -e "$env_file" ] || [ -r "$env_file" ] || die "$EXIT_STATE" "no se puede leer $env_file"
  keys=$(current_keys "$env_file")
  if [ -n "$keys" ] && [ "$(count_keys "$keys")" -gt 1 ]; then
    die "$EXIT_STATE" "$env_file ya tiene $(count_keys "$keys") claves: termine la rotación anterior con --finish"
  fi
}

start_rotation() { # start_rotation KEY
  local keys value
  keys=$(current_keys "$env_file")
  keys=${keys//[[:space:]]/}
  value=$1${keys:+,$keys}
  if [ ! -e "$env_file" ]; then
    (umask 077 && : >"$env_file") || die "$EXIT_STATE" "no se puede crear $env_file"
  fi
  NEW_VALUE=$value write_keys "$env_file"
  if [ -n "$keys" ]; then
    echo "Clave nueva (huella $(fingerprint "$1")) agregada primera en $env_file; la anterior" \
      "(huella $(fingerprint "$keys")) sigue valiendo hasta --finish."
  else
    echo "Clave nueva (huella $(fingerprint "$1")) escrita en $env_file."
  fi
  echo "Reinicie el servicio para aplicarla (el archivo quedó con permisos $kept_mode)."
}

set_secret() { # set_secret KEY
  local name=STAGING_$VAR
  [ "$prod" = 1 ] && name=PROD_$VAR
  if ! printf '%s' "$1" | gh secret set "$name" --repo "$repo" >/dev/null; then
    die "$EXIT_GH" "gh secret set $name --repo $repo falló (¿gh auth login?)"
  fi
  echo "Secreto $name actualizado en $repo (huella $(fingerprint "$1"))."
}

if [ -n "$repo" ] && [ "$print_only" = 0 ] && ! command -v gh >/dev/null 2>&1; then
  die "$EXIT_GH" "gh (GitHub CLI) no está instalado: no se cambió nada. Use --print-only y cargue el secreto a mano, o instale gh."
fi

if [ "$finish" = 1 ]; then
  [ -r "$env_file" ] || die "$EXIT_STATE" "no se puede leer $env_file"
  finish_rotation
  exit "$EXIT_OK"
fi

key=$(new_key)
if [ "$print_only" = 1 ]; then
  printf '%s\n' "$key"
  exit "$EXIT_OK"
fi
# Check everything that can fail before the first change: a half-done rotation is worse.
[ -z "$env_file" ] || check_can_start
[ -z "$repo" ] || set_secret "$key"
[ -z "$env_file" ] || start_rotation "$key"
exit "$EXIT_OK"
