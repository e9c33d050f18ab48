"""`minimarket-dash users add|passwd|remove|list|sessions`: the accounts of the built-in sign-in
and their open sessions.

Passwords are read from the terminal without echo (twice), or from stdin with
--password-stdin; never from the command line, where `ps` and the shell history would show them.
"""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys
from pathlib import Path

from .config import Settings, SettingsError, load_settings
from .entries import EntriesUnavailable
from .sessions import SessionStore
from .users import UsersError, UserStore, write_private_file

DEMO_USER = "demo"


def add_parser(commands) -> None:
    """Add the `users` command and its sub-commands to the CLI's sub-parsers."""
    users = commands.add_parser("users", help="administra los usuarios que ingresan a las páginas")
    actions = users.add_subparsers(dest="users_command", required=True, metavar="ACCIÓN")
    for name, text in (("add", "crea un usuario"), ("passwd", "cambia la clave de un usuario")):
        action = actions.add_parser(name, help=text)
        action.add_argument("name", metavar="NOMBRE")
        action.add_argument(
            "--password-stdin",
            action="store_true",
            help="lee la clave de la entrada estándar (una línea) en vez de la terminal",
        )
    remove = actions.add_parser("remove", help="borra un usuario (sus sesiones terminan)")
    remove.add_argument("name", metavar="NOMBRE")
    actions.add_parser("list", help="lista los usuarios")
    unlock = actions.add_parser(
        "unlock", help="borra los intentos fallidos de un usuario o de una IP (destraba /login)"
    )
    unlock.add_argument("name", metavar="NOMBRE|IP")
    sessions = actions.add_parser(
        "sessions", help="lista las sesiones abiertas de un usuario y las cierra (--cerrar)"
    )
    sessions.add_argument("name", metavar="NOMBRE")
    sessions.add_argument(
        "--cerrar",
        nargs="?",
        const="todas",
        default=None,
        metavar="ID",
        help="cierra todas sus sesiones, o sólo la del ID que muestra el listado",
    )


def run(args: argparse.Namespace) -> int:
    """Run one `users` action against DASHBOARD_USERS_FILE; errors print one line, exit 1."""
    from . import envfile

    try:
        envfile.apply()  # the service's own file: the same users file and store
    except envfile.EnvFileError as exc:
        raise SettingsError(str(exc)) from None
    settings = load_settings()
    store = UserStore(settings.users_file)
    try:
        return _ACTIONS[args.users_command](store, args, settings)
    except UsersError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except EntriesUnavailable:
        print(
            "Error: no se pudo abrir el almacén de sesiones (DASHBOARD_STATE_DIR o la base "
            "de PostgreSQL); ver el log",
            file=sys.stderr,
        )
        return 1
    except OSError as exc:
        print(f"Error: no se pudo escribir {settings.users_file} ({exc.strerror})", file=sys.stderr)
        return 1


def read_password(from_stdin: bool) -> str:
    """Return the new password from stdin (one line) or the terminal (asked twice, no echo)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UsersError("no hay terminal para pedir la clave: use --password-stdin")
    first = getpass.getpass("Clave nueva: ")
    if getpass.getpass("Repetila: ") != first:
        raise UsersError("las dos claves no coinciden")
    return first


def _add(store: UserStore, args, settings: Settings) -> int:
    account = store.add(args.name, read_password(args.password_stdin))
    print(f"Usuario {account.name} creado en {settings.users_file}.")
    return 0


def _passwd(store: UserStore, args, settings: Settings) -> int:
    account = store.set_password(args.name, read_password(args.password_stdin))
    _end_sessions(settings, account.name)
    print(f"Clave de {account.name} cambiada; sus sesiones abiertas terminaron.")
    return 0


def _remove(store: UserStore, args, settings: Settings) -> int:
    store.remove(args.name)
    name = args.name.strip().lower()
    _end_sessions(settings, name)
    print(f"Usuario {name} borrado; sus sesiones abiertas terminaron.")
    return 0


def session_store(settings: Settings) -> SessionStore:
    """Return the sessions of the store the server uses (same DASHBOARD_* settings)."""
    from .entries import EntriesStore, entries_engine

    return SessionStore(
        EntriesStore(entries_engine(settings), settings.now), settings.session_hours * 3600
    )


def _end_sessions(settings: Settings, name: str) -> None:
    """Delete the user's session rows. Their cookies already fail (the session version in the
    users file changed), so a store that cannot be reached now only leaves stale rows."""
    try:
        session_store(settings).end_user(name)
    except (EntriesUnavailable, OSError):
        print(
            "Aviso: no se pudo abrir el almacén de sesiones; las sesiones igual quedan "
            "cerradas por el cambio en el archivo de usuarios.",
            file=sys.stderr,
        )


def _sessions(store: UserStore, args, settings: Settings) -> int:
    """List a user's open sessions, or end them (all, or the one with the shown ID)."""
    from .users import normalise_username

    name = normalise_username(args.name)
    if name not in store.accounts():
        raise UsersError(f"el usuario {name} no existe")
    sessions = session_store(settings)
    if args.cerrar is not None:
        shown = None if args.cerrar == "todas" else args.cerrar.strip().lower()
        ended = sessions.end_user(name, shown)
        if shown and not ended:
            raise UsersError(f"{name} no tiene una sesión abierta con ID {shown}")
        print(f"Sesiones de {name} cerradas: {ended}.")
        return 0
    rows = sessions.of_user(name)
    if not rows:
        print(f"{name} no tiene sesiones abiertas.")
        return 0
    print("ID\tINICIO\tÚLTIMO USO\tIP\tNAVEGADOR")
    for row in rows:
        print(
            f"{row.shown_id}\t{_local(row.creada, settings)}\t{_local(row.vista, settings)}"
            f"\t{row.ip or '-'}\t{row.agente[:60] or '-'}"
        )
    print(f"Para cerrarlas: minimarket-dash users sessions {name} --cerrar [ID]")
    return 0


def _unlock(_store: UserStore, args, settings: Settings) -> int:
    """Forget the failed sign-in attempts of a username or a client address."""
    import ipaddress

    from .entries import EntriesStore, entries_engine
    from .lockout import lockout_for

    value = args.name.strip()
    try:
        key = f"ip:{ipaddress.ip_address(value)}"
    except ValueError:
        key = f"usuario:{value.lower()}"
    lockout = lockout_for(
        EntriesStore(entries_engine(settings), settings.now), settings.ratelimit_storage_uri
    )
    lockout.clear(key)
    print(f"Intentos fallidos de {key.split(':', 1)[1]} borrados: ya puede volver a ingresar.")
    return 0


def _local(epoch: float, settings: Settings) -> str:
    """Format an epoch time as dd/mm/aaaa hh:mm in DASHBOARD_TIMEZONE."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.fromtimestamp(epoch, ZoneInfo(settings.timezone)).strftime("%d/%m/%Y %H:%M")


def _list(store: UserStore, _args, settings: Settings) -> int:
    accounts = store.accounts()
    if not accounts:
        print(f"No hay usuarios en {settings.users_file}.")
        return 0
    for account in sorted(accounts.values(), key=lambda a: a.name):
        print(f"{account.name}\tcreado {account.created}")
    return 0


_ACTIONS = {
    "add": _add,
    "passwd": _passwd,
    "remove": _remove,
    "list": _list,
    "sessions": _sessions,
    "unlock": _unlock,
}


DEMO_PASSWORD_FILE = "demo-clave.txt"


def ensure_demo_user(settings: Settings) -> None:
    """With sign-in on and no account yet, create `demo` with a random password.

    The password goes to the terminal only when standard output is one; under systemd or
    Compose (a pipe kept in the journal or the container's log) it is written once to a 0600
    file beside the users file, and only that file's path is printed.
    """
    if settings.auth != "users":
        return
    store = UserStore(settings.users_file)
    if store.accounts():
        return
    password = secrets.token_urlsafe(12)
    store.add(DEMO_USER, password)
    change = f"Cambiala con 'minimarket-dash users passwd {DEMO_USER}'"
    if sys.stdout.isatty():
        print(
            "\nUsuario de demostración creado (se muestra una sola vez):\n"
            f"  usuario: {DEMO_USER}\n  clave:   {password}\n{change}.\n",
            flush=True,
        )
        return
    path = Path(settings.users_file).parent / DEMO_PASSWORD_FILE
    write_private_file(path, f"usuario: {DEMO_USER}\nclave: {password}\n")
    print(
        f"Usuario de demostración creado: {DEMO_USER}. Su clave está en {path.resolve()} "
        f"(sólo la lee el usuario del servicio). {change} y después borrá ese archivo.",
        flush=True,
    )
