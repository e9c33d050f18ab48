"""The dashboard's own accounts file (hashed passwords, mode 0600) and its session signing key.

Accounts never live in the minimarket's database: serving only ever reads that one. The file is
JSON, `{"users": {name: {"hash", "created", "session_version"}}}`, rewritten atomically (a temp
file in the same folder, fsync, rename) so a worker never reads half of it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # hashing a megabyte of "password" is a denial of service
USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")
SECRET_KEY_FILE = "secret_key"
HASH_METHOD = "scrypt"  # memory-hard (werkzeug's scrypt: n=2**15, r=8, p=1)
# Checked against when the user does not exist, so both failures cost one scrypt run.
_DUMMY_HASH = generate_password_hash("dummy-password-for-timing", method=HASH_METHOD)


class UsersError(ValueError):
    """A users-file operation that cannot be done; the message is Spanish and one line."""


@dataclass(frozen=True)
class Account:
    """One account as stored: name, password hash, creation time and session version."""

    name: str
    password_hash: str
    created: str
    session_version: str


def normalise_username(raw: str) -> str:
    """Return the canonical (lower-case) username, or raise UsersError when it is not valid."""
    name = (raw or "").strip().lower()
    if not USERNAME_RE.fullmatch(name):
        raise UsersError(
            "nombre de usuario inválido: de 1 a 64 caracteres, letras minúsculas, números y . _ @ -"
        )
    return name


# zxcvbn's score (0-4): 3 = «safely unguessable» (about 10^8 guesses), the usual floor.
MIN_STRENGTH = 3
STRENGTH_MAX_CHARS = 72  # zxcvbn's own limit; a longer password is judged by its start
# Words a guesser tries first here; the username is added per account.
SITE_WORDS = (
    "minimarket",
    "mini market",
    "tablero",
    "dashboard",
    "almacen",
    "almacén",
    "proveedor",
    "proveedores",
    "pedidos",
    "stock",
    "clave",
    "contraseña",
)
# zxcvbn's warnings (English), in Spanish; an unknown one falls back to WEAK_DEFAULT.
WEAK_REASONS = {
    "Straight rows of keys are easy to guess.": "las filas seguidas del teclado se adivinan "
    "enseguida",
    "Short keyboard patterns are easy to guess.": "los dibujos cortos en el teclado se "
    "adivinan enseguida",
    'Repeats like "aaa" are easy to guess.': "las repeticiones como «aaa» se adivinan enseguida",
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': (
        "las repeticiones como «abcabcabc» son apenas más difíciles que «abc»"
    ),
    'Sequences like "abc" or "6543" are easy to guess.': "las secuencias como «abc» o «6543» "
    "se adivinan enseguida",
    "Recent years are easy to guess.": "los años recientes se adivinan enseguida",
    "Dates are often easy to guess.": "las fechas suelen adivinarse enseguida",
    "This is a top-10 common password.": "es una de las 10 claves más usadas",
    "This is a top-100 common password.": "es una de las 100 claves más usadas",
    "This is a very common password.": "es una clave muy usada",
    "This is similar to a commonly used password.": "se parece a una clave muy usada",
    "A word by itself is easy to guess.": "una palabra sola se adivina enseguida",
    "Names and surnames by themselves are easy to guess.": "un nombre o un apellido solo se "
    "adivina enseguida",
    "Common names and surnames are easy to guess.": "los nombres y apellidos comunes se "
    "adivinan enseguida",
}
WEAK_DEFAULT = "es fácil de adivinar"
_ZXCVBN = threading.Lock()
WEAK_ADVICE = "usá una frase de tres o cuatro palabras poco comunes, sin datos tuyos ni del negocio"


def check_password_rules(password: str, username: str = "") -> None:
    """Raise UsersError (with the reason, in Spanish) unless the password has 10 to 1024
    characters and zxcvbn finds it hard to guess (score 3 or more), counting the username and
    the shop's own words as the first guesses."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UsersError(f"la clave debe tener al menos {MIN_PASSWORD_LENGTH} caracteres")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UsersError(f"la clave no puede superar {MAX_PASSWORD_LENGTH} caracteres")
    reason = weakness(password, username)
    if reason is not None:
        raise UsersError(f"la clave es débil: {reason}; {WEAK_ADVICE}")


def weakness(password: str, username: str = "") -> str | None:
    """Return why zxcvbn finds the password easy to guess, in Spanish, or None when it is not."""
    from zxcvbn import zxcvbn

    words = [*SITE_WORDS, *(part for part in re.split(r"[._@-]", username) if part), username]
    with _ZXCVBN:  # it keeps the user inputs in a module-level dictionary while it runs
        result = zxcvbn(password[:STRENGTH_MAX_CHARS], user_inputs=[w for w in words if w])
    if result["score"] >= MIN_STRENGTH:
        return None
    warning = result["feedback"].get("warning") or ""
    if not warning and any(
        m.get("dictionary_name") == "user_inputs" for m in result.get("sequence", [])
    ):
        return "contiene tu nombre de usuario o palabras del negocio"
    return WEAK_REASONS.get(warning, WEAK_DEFAULT)


class UserStore:
    """Read and change the accounts file; reads are cached by the file's identity (stat)."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self._cached_stat: tuple | None = None
        self._cached: dict[str, Account] = {}

    def accounts(self) -> dict[str, Account]:
        """Return name -> Account as the file says now ({} when the file does not exist)."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return {}
        identity = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        if identity != self._cached_stat:
            self._cached = _parse_accounts(self.path.read_text(encoding="utf-8"), self.path)
            self._cached_stat = identity
        return self._cached

    def get(self, name: str) -> Account | None:
        """Return the account called `name` (case-insensitive), or None."""
        return self.accounts().get((name or "").strip().lower())

    def verify(self, name: str, password: str) -> Account | None:
        """Return the account when the password matches; same cost for unknown users."""
        account = self.get(name) if len(password) <= MAX_PASSWORD_LENGTH else None
        stored = account.password_hash if account else _DUMMY_HASH
        matched = check_password_hash(stored, password[:MAX_PASSWORD_LENGTH])
        return account if matched and account else None

    def add(self, raw_name: str, password: str) -> Account:
        """Create an account; refuse an existing name or a short or weak password."""
        name = normalise_username(raw_name)
        check_password_rules(password, name)
        accounts = dict(self.accounts())
        if name in accounts:
            raise UsersError(f"el usuario {name} ya existe (para cambiar su clave: users passwd)")
        accounts[name] = _new_account(name, password)
        self._write(accounts)
        return accounts[name]

    def set_password(self, raw_name: str, password: str) -> Account:
        """Change a password and the session version, which ends the user's open sessions."""
        name = normalise_username(raw_name)
        check_password_rules(password, name)
        accounts = dict(self.accounts())
        if name not in accounts:
            raise UsersError(f"el usuario {name} no existe")
        old = accounts[name]
        accounts[name] = _new_account(name, password, created=old.created)
        self._write(accounts)
        return accounts[name]

    def remove(self, raw_name: str) -> None:
        """Delete an account (its sessions end at their next request)."""
        name = normalise_username(raw_name)
        accounts = dict(self.accounts())
        if accounts.pop(name, None) is None:
            raise UsersError(f"el usuario {name} no existe")
        self._write(accounts)

    def _write(self, accounts: dict[str, Account]) -> None:
        document = {
            "users": {
                account.name: {
                    "hash": account.password_hash,
                    "created": account.created,
                    "session_version": account.session_version,
                }
                for account in sorted(accounts.values(), key=lambda a: a.name)
            }
        }
        write_private_file(self.path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        self._cached_stat = None


def _new_account(name: str, password: str, created: str | None = None) -> Account:
    return Account(
        name=name,
        password_hash=generate_password_hash(password, method=HASH_METHOD),
        created=created or datetime.now(UTC).isoformat(timespec="seconds"),
        session_version=secrets.token_hex(8),
    )


def _parse_accounts(text: str, path: Path) -> dict[str, Account]:
    try:
        users = json.loads(text)["users"]
        return {
            str(name): Account(
                str(name),
                str(entry["hash"]),
                str(entry.get("created", "")),
                str(entry["session_version"]),
            )
            for name, entry in users.items()
        }
    except (ValueError, KeyError, TypeError, AttributeError):
        raise UsersError(f"el archivo de usuarios {path} no es válido (JSON dañado)") from None


def write_private_file(path: Path, text: str) -> None:
    """Write `text` to `path` atomically with mode 0600 (temp file, fsync, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


def load_or_create_secret_key(folder: Path) -> str:
    """Return the signing key kept in `folder`, creating it once (0600) if it does not exist.

    O_EXCL makes the first of several starting workers the only writer; the others read it.
    """
    path = folder / SECRET_KEY_FILE
    folder.mkdir(parents=True, exist_ok=True)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret(path)
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(secrets.token_hex(32))
        stream.flush()
        os.fsync(stream.fileno())
    return _read_secret(path)


def _read_secret(path: Path) -> str:
    for _ in range(50):  # another worker may be between O_EXCL and its write
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value
        time.sleep(0.02)
    raise UsersError(f"la clave de sesión {path} está vacía: bórrela o defina DASHBOARD_SECRET_KEY")
