"""`minimarket-dash users add|passwd|remove|list`: the accounts of the built-in sign-in.

Passwords are read from the terminal without echo (twice), or from stdin with
--password-stdin; never from the command line, where `ps` and the shell history would show them.
"""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys

from .config import Settings, load_settings
from .users import UsersError, UserStore

DEMO_USER = "demo"


def add_parser(commands) -> None:
    """Add the `users` command and its sub-commands to the CLI's sub-parsers."""
    users = commands.add_parser("users", help="administra los usuarios que ingresan a las páginas")
    actions = users.add_subparsers(dest="users_command", required=True, metavar="ACCIÓN")
    for name, text in (("add", "crea un usuario"), ("passwd", "cambia la clave de un usuario")):
        action = actions.add_parser(name, help=text)
        action.add_argument("name", metavar="NOMBRE")
        action.add_argument(
            "--password-stdin", action="store_true",
            help="lee la clave de la entrada estándar (una línea) en vez de la terminal",
        )
    remove = actions.add_parser("remove", help="borra un usuario (sus sesiones terminan)")
    remove.add_argument("name", metavar="NOMBRE")
    actions.add_parser("list", help="lista los usuarios")


def run(args: argparse.Namespace) -> int:
    """Run one `users` action against DASHBOARD_USERS_FILE; errors print one line, exit 1."""
    settings = load_settings()
    store = UserStore(settings.users_file)
    try:
        return _ACTIONS[args.users_command](store, args, settings)
    except UsersError as exc:
        print(f"Error: {exc}", file=sys.stderr)
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


def _passwd(store: UserStore, args, _settings) -> int:
    account = store.set_password(args.name, read_password(args.password_stdin))
    print(f"Clave de {account.name} cambiada; sus sesiones abiertas terminaron.")
    return 0


def _remove(store: UserStore, args, _settings) -> int:
    store.remove(args.name)
    print(f"Usuario {args.name.strip().lower()} borrado; sus sesiones abiertas terminaron.")
    return 0


def _list(store: UserStore, _args, settings: Settings) -> int:
    accounts = store.accounts()
    if not accounts:
        print(f"No hay usuarios en {settings.users_file}.")
        return 0
    for account in sorted(accounts.values(), key=lambda a: a.name):
        print(f"{account.name}\tcreado {account.created}")
    return 0


_ACTIONS = {"add": _add, "passwd": _passwd, "remove": _remove, "list": _list}


def ensure_demo_user(settings: Settings) -> None:
    """With sign-in on and no account yet, create `demo` with a random password and print both."""
    if settings.auth != "users":
        return
    store = UserStore(settings.users_file)
    if store.accounts():
        return
    password = secrets.token_urlsafe(12)
    store.add(DEMO_USER, password)
    print(
        "\nUsuario de demostración creado (se muestra una sola vez):\n"
        f"  usuario: {DEMO_USER}\n  clave:   {password}\n"
        f"Cambiala con 'minimarket-dash users passwd {DEMO_USER}'.\n",
        flush=True,
    )
