"""Password strength (zxcvbn, reasons in Spanish), the demo password kept off non-terminal
output, and the modes of the dashboard's own files."""

from __future__ import annotations

import io

import pytest

from minimarket_dash import users_cli
from minimarket_dash.config import load_settings
from minimarket_dash.private import OWNER_AND_GROUP, ensure_mode
from minimarket_dash.users import UsersError, UserStore, check_password_rules, weakness

ADVICE = "usá una frase de tres o cuatro palabras poco comunes, sin datos tuyos ni del negocio"


@pytest.mark.parametrize(
    ("password", "username", "reason"),
    [
        (" " * 10, "", "las repeticiones como «aaa» se adivinan enseguida"),
        ("password123", "", "es una clave muy usada"),
        ("qwertyuiop", "", "es una de las 100 claves más usadas"),
        ("1234567890", "", "es una de las 100 claves más usadas"),
        ("Ana12345678", "ana", "se parece a una clave muy usada"),
        ("minimarket2026", "", "contiene tu nombre de usuario o palabras del negocio"),
        ("beto.sosa2026", "beto.sosa", "contiene tu nombre de usuario o palabras del negocio"),
        (
            "abcabcabcabc",
            "",
            "las repeticiones como «abcabcabc» son apenas más difíciles que «abc»",
        ),
    ],
)
def test_weak_and_common_passwords_are_refused_with_a_spanish_reason(password, username, reason):
    with pytest.raises(UsersError) as caught:
        check_password_rules(password, username)
    assert str(caught.value) == f"la clave es débil: {reason}; {ADVICE}"


@pytest.mark.parametrize(
    "password",
    [
        "clave-de-prueba-123",
        "correct horse battery staple",
        "yerba mate con bizcochitos",
        # Long: judged by its first 72 characters.
        "la yerba del almacén de la esquina se terminó otra vez el jueves por la tarde temprano",
    ],
)
def test_strong_passwords_pass(password):
    assert weakness(password) is None
    check_password_rules(password, "ana")


def test_length_rules_come_first():
    with pytest.raises(UsersError, match="al menos 10 caracteres"):
        check_password_rules("corta")
    with pytest.raises(UsersError, match="no puede superar 1024"):
        check_password_rules("y" * 1025)


def test_the_store_refuses_a_weak_password_and_keeps_the_file(tmp_path):
    store = UserStore(tmp_path / "users.json")
    store.add("ana", "clave-de-prueba-123")
    before = (tmp_path / "users.json").read_text()
    with pytest.raises(UsersError, match="la clave es débil"):
        store.set_password("ana", "ana123456789")
    with pytest.raises(UsersError, match="la clave es débil"):
        store.add("beto", "password1234")
    assert (tmp_path / "users.json").read_text() == before


class FakeOutput(io.StringIO):
    """Standard output that says whether it is a terminal."""

    def __init__(self, terminal: bool) -> None:
        super().__init__()
        self.terminal = terminal

    def isatty(self) -> bool:
        return self.terminal


def demo_settings(tmp_path):
    return load_settings({"users_file": str(tmp_path / "data" / "users.json")}, environ={})


def test_the_demo_password_goes_to_a_private_file_when_output_is_not_a_terminal(
    tmp_path, monkeypatch
):
    output = FakeOutput(terminal=False)
    monkeypatch.setattr("sys.stdout", output)
    users_cli.ensure_demo_user(demo_settings(tmp_path))
    secret = tmp_path / "data" / "demo-clave.txt"
    assert secret.stat().st_mode & 0o777 == 0o600
    password = secret.read_text().split("clave: ", 1)[1].strip()
    printed = output.getvalue()
    assert password not in printed and str(secret.resolve()) in printed
    assert UserStore(tmp_path / "data" / "users.json").verify("demo", password) is not None
    users_cli.ensure_demo_user(demo_settings(tmp_path))  # an account exists: nothing again
    assert output.getvalue() == printed


def test_the_demo_password_is_shown_on_a_terminal_only(tmp_path, monkeypatch):
    output = FakeOutput(terminal=True)
    monkeypatch.setattr("sys.stdout", output)
    users_cli.ensure_demo_user(demo_settings(tmp_path))
    password = output.getvalue().split("clave:", 1)[1].split()[0]
    assert UserStore(tmp_path / "data" / "users.json").verify("demo", password) is not None
    assert not (tmp_path / "data" / "demo-clave.txt").exists()


def test_a_wider_file_is_narrowed_and_a_new_one_made_private(tmp_path):
    old = tmp_path / "resumenes.sqlite"
    old.write_text("")
    old.chmod(0o644)
    ensure_mode(old)
    assert old.stat().st_mode & 0o777 == 0o600
    database = tmp_path / "minimarket.db"
    ensure_mode(database, OWNER_AND_GROUP)
    assert database.stat().st_mode & 0o777 == 0o640
    narrow = tmp_path / "ya-privado"
    narrow.write_text("x")
    narrow.chmod(0o400)
    ensure_mode(narrow)
    assert narrow.stat().st_mode & 0o777 == 0o400  # never widened
