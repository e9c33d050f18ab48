"""A demo database with a planted overcharge and providers due today, and a real SMTP server
(aiosmtpd) on a free localhost port that keeps every message it receives."""

from __future__ import annotations

import email
import email.policy
import logging
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from minimarket_dash.config import load_settings
from minimarket_dash.db import make_engine
from minimarket_dash.demo import seed_database
from tests.live import free_port

# Seed 7 with 60.000 lines ending on this Thursday plants one invoice charged above its order
# (14/03) in the report's last 7 days, and five providers whose usual day is Thursday.
DEMO_TODAY = date(2026, 3, 19)
REPORT_NOW = datetime(2026, 3, 19, 7, 0)
DEMO_LINES = 60_000
DEMO_SEED = 7
SMTP_USER = "informe@minimarket.com.ar"
SMTP_PASSWORD = "cl@ve:secreta/99"  # needs URL-encoding: @ : /


def seed_demo(url: str, today: date) -> str:
    engine = make_engine(load_settings({"database_url": url}), writer=True)
    seed_database(engine, lines=DEMO_LINES, seed=DEMO_SEED, today=today, progress=False)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def report_demo_url(tmp_path_factory) -> str:
    """The demo database the morning report of REPORT_NOW reads."""
    return seed_demo(f"sqlite:///{tmp_path_factory.mktemp('report') / 'demo.db'}", DEMO_TODAY)


@dataclass
class Inbox:
    """What the SMTP server received: one (envelope sender, recipients, message) per mail."""

    received: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        self.arrived.set()
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            login = (auth_data.login.decode(), auth_data.password.decode())
            self.logins.append(login)
            # handled=False: aiosmtpd itself answers 535 to a wrong password.
            return AuthResult(success=login == (SMTP_USER, SMTP_PASSWORD), handled=False)
        return AuthResult(success=False, handled=False)

    def only_message(self) -> EmailMessage:
        assert len(self.received) == 1, len(self.received)
        return self.received[0][2]


@dataclass
class SmtpServer:
    inbox: Inbox
    port: int

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


def _serve(**options) -> Iterator[SmtpServer]:
    # aiosmtpd's own warnings (e.g. «Session.login_data is deprecated» after every AUTH) come from
    # the server's thread: when the report's log handler is on they landed in the stderr the
    # tests compare, depending on timing.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    inbox = Inbox()
    port = free_port()
    authenticator = inbox.authenticate if options.pop("with_auth", False) else None
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=authenticator, **options
    )
    controller.start()
    try:
        yield SmtpServer(inbox, port)
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A plain SMTP server (no TLS, no AUTH) on a free port."""
    yield from _serve()


@pytest.fixture
def plain_login_server() -> Iterator[SmtpServer]:
    """A server without TLS that would take a login in clear text (which must never come)."""
    yield from _serve(with_auth=True, auth_require_tls=False)


@pytest.fixture(scope="session")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (its own CA) and its key, made by openssl."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


@pytest.fixture
def starttls_server(certificate) -> Iterator[SmtpServer]:
    """A server that refuses mail until STARTTLS and accepts only SMTP_USER's login over TLS."""
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, certificate))
    yield from _serve(
        tls_context=context, require_starttls=True, with_auth=True, auth_require_tls=True
    )
