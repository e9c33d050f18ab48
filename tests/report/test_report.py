"""`minimarket-dash report`: the morning report reaches a real SMTP server (aiosmtpd) with the
demo's planted figures, `--dry-run` prints it, and a server that fails is one line, exit 2."""

from __future__ import annotations

import email
import email.policy
import re
import subprocess
from datetime import date, datetime, time, timedelta
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from sqlalchemy import text

from minimarket_dash import cli
from minimarket_dash.config import Settings, load_settings
from minimarket_dash.db import make_engine
from minimarket_dash.filters import Filters
from minimarket_dash.formatting import fmt_date, fmt_int, fmt_money
from minimarket_dash.queries import provider_ids
from minimarket_dash.queries.invoices import invoice_check
from minimarket_dash.queries.reorder import providers_of, reorder
from minimarket_dash.report import seconds_until
from tests.live import PROJECT_ROOT, free_port
from tests.report.conftest import (
    DEMO_TODAY,
    REPORT_NOW,
    SMTP_PASSWORD,
    SMTP_USER,
    seed_demo,
)

PUBLIC_URL = "https://tablero.minimarket.example"
PROGRAM = str(PROJECT_ROOT / ".venv" / "bin" / "minimarket-dash")
URL_RE = re.compile(r"https?://[^\s\"<>]+")


@pytest.fixture
def at_report_time(monkeypatch):
    """The report's "now": 07:00 of the demo's last day (Settings.now is the one clock)."""
    monkeypatch.setattr(Settings, "now", lambda self: REPORT_NOW)


def report(monkeypatch, capsys, argv: list[str], **env: str) -> tuple[int, str, str]:
    """Run `minimarket-dash report ARGV` in-process with these DASHBOARD_* variables."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code = cli.main(["report", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def scalar(url: str, sql: str, **params):
    engine = make_engine(load_settings({"database_url": url}))
    with engine.connect() as conn:
        value = conn.execute(text(sql), params).scalar()
    engine.dispose()
    return value


def day_counts(url: str, day: date) -> tuple[int, int, int]:
    """Orders, units and movements of a day, counted straight from the tables."""
    bounds = {"start": f"{day} 00:00:00", "end": f"{day + timedelta(days=1)} 00:00:00"}
    orders = scalar(
        url,
        "SELECT COUNT(*) FROM pedidos WHERE fecha_pedido >= :start AND fecha_pedido < :end",
        **bounds,
    )
    units = scalar(
        url,
        "SELECT SUM(d.cantidad) FROM detalle_pedidos d JOIN pedidos p"
        " ON p.id = d.pedido_id WHERE p.fecha_pedido >= :start"
        " AND p.fecha_pedido < :end",
        **bounds,
    )
    moves = scalar(
        url,
        "SELECT COUNT(*) FROM movimientos_stock WHERE fecha_movimiento >= :start"
        " AND fecha_movimiento < :end",
        **bounds,
    )
    return orders, units or 0, moves


def parts(message) -> tuple[str, str]:
    assert message.get_content_type() == "multipart/alternative"
    kinds = [part.get_content_type() for part in message.iter_parts()]
    assert kinds == ["text/plain", "text/html"]
    return (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content())


def test_the_report_reaches_a_real_smtp_server_with_the_demo_figures(
    monkeypatch, capsys, smtp_server, report_demo_url, at_report_time
):
    code, out, err = report(
        monkeypatch,
        capsys,
        ["--database-url", report_demo_url],
        DASHBOARD_SMTP_URL=smtp_server.url,
        DASHBOARD_REPORT_FROM="Informe <informe@mm.example>",
        DASHBOARD_REPORT_TO="ana@mm.example,beto@mm.example",
        DASHBOARD_PUBLIC_URL=PUBLIC_URL,
    )
    assert (code, err) == (0, "")
    assert out == (
        f"Informe enviado a ana@mm.example, beto@mm.example por 127.0.0.1:{smtp_server.port}.\n"
    )
    sender, recipients, message = smtp_server.inbox.received[0]
    assert len(smtp_server.inbox.received) == 1
    assert (sender, recipients) == ("informe@mm.example", ["ana@mm.example", "beto@mm.example"])
    assert message["Subject"].startswith("Informe de la mañana · jueves 19/03/2026 · ")
    assert message["From"] == "Informe <informe@mm.example>"
    assert (
        message["Date"].datetime == REPORT_NOW.replace(tzinfo=message["Date"].datetime.tzinfo)
        and message["Message-ID"]
    )
    assert message["Date"].datetime.utcoffset() == timedelta(hours=-3)
    plain, html = parts(message)

    # Yesterday (Wednesday) against the Wednesday before, counted from the tables.
    now, before = (
        day_counts(report_demo_url, date(2026, 3, 18)),
        day_counts(report_demo_url, date(2026, 3, 11)),
    )
    assert now[0] > 0 and now != before
    for label, current, previous in zip(
        ("Pedidos", "Unidades pedidas", "Movimientos de stock"), now, before, strict=True
    ):
        line = next(ln for ln in plain.splitlines() if ln.strip().startswith(label + ":"))
        assert f"{label}: {fmt_int(current)} (antes {fmt_int(previous)})" in line
        assert ("▲" in line) == (current > previous) and ("▼" in line) == (current < previous)

    # The providers due today: «Qué pedir hoy»'s figures, each with its lines and total.
    engine = make_engine(load_settings({"database_url": report_demo_url}))
    with engine.connect() as conn:
        providers = providers_of(reorder(conn, Filters(), REPORT_NOW, lead_days=2))
    due = providers[providers["pide_hoy"]]
    assert len(due) >= 1
    assert message["Subject"].endswith(f"{len(due)} proveedores para pedir hoy")
    for row in due.itertuples():
        words = "producto" if row.lineas == 1 else "productos"
        heading = (
            f"  {row.proveedor}: {row.lineas} {words}, total estimado "
            f"{fmt_money(row.importe_estimado)}"
        )
        assert heading in plain.splitlines(), heading
        assert row.proveedor.replace('"', "&quot;") in html
        assert fmt_money(row.importe_estimado) in html

    # The planted overcharge, as the Facturas query finds it in the same 7 days.
    with engine.connect() as conn:
        invoices = invoice_check(
            conn, Filters(start_date=date(2026, 3, 13), end_date=date(2026, 3, 19)), REPORT_NOW
        )
    engine.dispose()
    overcharged = invoices[invoices["cobrado_de_mas"] > 0]
    assert len(overcharged) >= 1
    for row in overcharged.itertuples():
        amount = fmt_money(row.cobrado_de_mas)
        assert (
            f"{row.numero_factura} del {fmt_date(date.fromisoformat(row.fecha_factura))}" in plain
        )
        assert f"cobrado de más {amount}" in plain and amount in html
    total = round(float(invoices["cobrado_de_mas"].sum()), 2)
    assert total > 0 and f"cobrado de más {fmt_money(total)}" in plain

    # Every link points into the dashboard's public address.
    links = URL_RE.findall(plain) + re.findall(r'href="([^"]+)"', html)
    assert len(links) > len(due) + 2
    assert all(link.startswith(PUBLIC_URL + "/") for link in links), links


def test_each_provider_link_opens_qué_pedir_filtered_to_that_provider_alone(
    monkeypatch, capsys, report_demo_url, at_report_time
):
    code, out, _ = report(monkeypatch, capsys, ["--dry-run", "--database-url", report_demo_url])
    assert code == 0
    plain, _ = parts(email.message_from_string(out, policy=email.policy.default))
    lines = plain.splitlines()
    engine = make_engine(load_settings({"database_url": report_demo_url}))
    checked = 0
    with engine.connect() as conn:
        names = dict(conn.execute(text("SELECT nombre, id FROM proveedores")).tuples().all())
        for at, line in enumerate(lines):
            match = re.match(r"  (\S.*): \d+ productos?, total estimado ", line)
            if not match:
                continue
            link = next(ln.strip() for ln in lines[at + 1 :] if "/compras?" in ln)
            assert link.startswith("http://localhost:8080/compras?")  # the default public URL
            (wanted,) = parse_qs(urlsplit(link).query)["proveedor"]
            assert provider_ids(conn, wanted) == [names[match.group(1)]], (line, wanted)
            checked += 1
    engine.dispose()
    assert checked >= 1


def test_dry_run_prints_an_rfc5322_message_and_sends_nothing(
    monkeypatch, capsys, smtp_server, report_demo_url, at_report_time
):
    code, out, err = report(
        monkeypatch,
        capsys,
        ["--dry-run", "--to", "ana@mm.example", "--database-url", report_demo_url],
        DASHBOARD_SMTP_URL=smtp_server.url,
        DASHBOARD_REPORT_FROM="informe@mm.example",
    )
    assert (code, err) == (0, "")
    message = email.message_from_string(out, policy=email.policy.default)
    assert message["To"] == "ana@mm.example" and message["From"] == "informe@mm.example"
    assert message["MIME-Version"] == "1.0"
    plain, html = parts(message)
    assert plain.startswith("Informe de la mañana · jueves 19/03/2026")
    assert html.startswith("<!DOCTYPE html>") and 'lang="es-AR"' in html
    assert smtp_server.inbox.received == []


def test_the_command_run_as_a_program_sends_today_s_report(smtp_server, tmp_path):
    """The installed console script, the real clock: the demo ends today (DASHBOARD_TIMEZONE)."""
    today = load_settings(environ={}).now().date()
    url = seed_demo(f"sqlite:///{tmp_path / 'hoy.db'}", today)
    done = subprocess.run(
        [PROGRAM, "report", "--to", "ana@mm.example"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={
            "PATH": "/usr/bin:/bin",
            "DASHBOARD_DATABASE_URL": url,
            "DASHBOARD_STATE_DIR": str(tmp_path),
            "DASHBOARD_SMTP_URL": smtp_server.url,
            "DASHBOARD_REPORT_FROM": "informe@mm.example",
        },
    )
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    message = smtp_server.inbox.only_message()
    # The report is dated by its own clock: read the day from its subject, then count.
    day = datetime.strptime(message["Subject"].split(" · ")[1].split()[1], "%d/%m/%Y").date()
    assert day in (today, today + timedelta(days=1))  # run across midnight
    plain, _ = parts(message)
    orders = day_counts(url, day - timedelta(days=1))[0]
    assert f"  Pedidos: {fmt_int(orders)} (antes " in plain


def test_a_server_that_is_down_is_one_line_and_exit_code_2(report_demo_url, tmp_path):
    port = free_port()  # nothing listens there
    done = subprocess.run(
        [PROGRAM, "report", "--database-url", report_demo_url],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={
            "PATH": "/usr/bin:/bin",
            "DASHBOARD_STATE_DIR": str(tmp_path),
            "DASHBOARD_SMTP_URL": f"smtp://{quote(SMTP_USER, safe='')}:"
            f"{quote(SMTP_PASSWORD, safe='')}@127.0.0.1:{port}",
            "DASHBOARD_REPORT_FROM": "informe@mm.example",
            "DASHBOARD_REPORT_TO": "ana@mm.example",
        },
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"No se pudo enviar el informe por 127.0.0.1:{port}: conexión rechazada"
    ]
    assert done.stdout == ""
    for secret in (SMTP_PASSWORD, quote(SMTP_PASSWORD, safe=""), "Traceback"):
        assert secret not in done.stderr


def test_starttls_with_a_verified_certificate_and_a_login(
    monkeypatch, capsys, starttls_server, certificate, report_demo_url, at_report_time
):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # the self-signed CA
    user, password = quote(SMTP_USER, safe=""), quote(SMTP_PASSWORD, safe="")
    code, out, err = report(
        monkeypatch,
        capsys,
        ["--database-url", report_demo_url],
        DASHBOARD_SMTP_URL=f"smtp://{user}:{password}@127.0.0.1:{starttls_server.port}",
        DASHBOARD_REPORT_FROM="informe@mm.example",
        DASHBOARD_REPORT_TO="ana@mm.example",
    )
    assert (code, err) == (0, ""), err
    assert starttls_server.inbox.logins == [(SMTP_USER, SMTP_PASSWORD)]  # URL-decoded
    assert starttls_server.inbox.only_message()["Subject"].startswith("Informe de la mañana")


def test_starttls_with_an_untrusted_certificate_is_refused(
    monkeypatch, capsys, starttls_server, report_demo_url, at_report_time
):
    code, out, err = report(
        monkeypatch,
        capsys,
        ["--database-url", report_demo_url],
        DASHBOARD_SMTP_URL=f"smtp://ana:{quote(SMTP_PASSWORD, safe='')}@127.0.0.1:"
        f"{starttls_server.port}",
        DASHBOARD_REPORT_FROM="informe@mm.example",
        DASHBOARD_REPORT_TO="ana@mm.example",
    )
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"No se pudo enviar el informe por 127.0.0.1:{starttls_server.port}: su certificado "
        "TLS no es válido para este nombre o no es de confianza"
    ]
    assert starttls_server.inbox.received == [] and starttls_server.inbox.logins == []


def test_a_wrong_password_is_one_line_without_it(
    monkeypatch, capsys, starttls_server, certificate, report_demo_url, at_report_time
):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    code, _, err = report(
        monkeypatch,
        capsys,
        ["--database-url", report_demo_url],
        DASHBOARD_SMTP_URL=f"smtp://{quote(SMTP_USER, safe='')}:otra-clave-mala@127.0.0.1:"
        f"{starttls_server.port}",
        DASHBOARD_REPORT_FROM="informe@mm.example",
        DASHBOARD_REPORT_TO="ana@mm.example",
    )
    assert code == 2
    assert err.splitlines() == [
        f"No se pudo enviar el informe por 127.0.0.1:{starttls_server.port}: usuario o clave "
        "rechazados (código 535)"
    ]
    assert "otra-clave-mala" not in err and starttls_server.inbox.received == []


def test_a_login_is_never_sent_over_a_connection_without_tls(
    monkeypatch, capsys, plain_login_server, report_demo_url, at_report_time
):
    """A server that offers neither STARTTLS nor TLS gets no password and no mail."""
    plain = plain_login_server
    code, out, err = report(
        monkeypatch,
        capsys,
        ["--database-url", report_demo_url],
        DASHBOARD_SMTP_URL=f"smtp://{quote(SMTP_USER, safe='')}:"
        f"{quote(SMTP_PASSWORD, safe='')}@127.0.0.1:{plain.port}",
        DASHBOARD_REPORT_FROM="informe@mm.example",
        DASHBOARD_REPORT_TO="ana@mm.example",
    )
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"No se pudo enviar el informe por 127.0.0.1:{plain.port}: el servidor no ofrece "
        "STARTTLS y la clave no se manda sin cifrar (usá smtps:// o un servidor con STARTTLS)"
    ]
    assert plain.inbox.logins == [] and plain.inbox.received == []


def test_sending_without_its_settings_names_what_is_missing(monkeypatch, capsys, report_demo_url):
    code, out, err = report(monkeypatch, capsys, ["--database-url", report_demo_url])
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "Error de configuración: para enviar el informe falta DASHBOARD_SMTP_URL, "
        "DASHBOARD_REPORT_FROM, DASHBOARD_REPORT_TO o --to (o use --dry-run)"
    ]


@pytest.mark.parametrize(
    "value",
    ["http://mail.example.com", "smtp://", "smtps://a:b@:25", "smtp://mail.example.com:puerto"],
)
def test_a_wrong_smtp_url_stops_naming_the_variable_and_hiding_the_value(
    monkeypatch, capsys, value
):
    code, _, err = report(monkeypatch, capsys, ["--dry-run"], DASHBOARD_SMTP_URL=value)
    assert code == 2
    assert err.splitlines() == [
        "Error de configuración: DASHBOARD_SMTP_URL: valor inválido ***; se acepta "
        "smtp://host:puerto o smtps://usuario:clave@host:puerto (vacío: sin envío)"
    ]


def test_config_shows_the_smtp_url_without_its_password(monkeypatch, capsys):
    monkeypatch.setenv(
        "DASHBOARD_SMTP_URL", f"smtps://ana:{quote(SMTP_PASSWORD, safe='')}@mail.example.com:465"
    )
    monkeypatch.setenv("DASHBOARD_REPORT_TO", "ana@mm.example, beto@mm.example")
    assert cli.main(["config"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "DASHBOARD_SMTP_URL=smtps://ana:***@mail.example.com:465  # entorno" in lines
    assert "DASHBOARD_REPORT_TO=ana@mm.example,beto@mm.example  # entorno" in lines
    assert "DASHBOARD_PUBLIC_URL=http://localhost:8080  # por defecto" in lines
    assert "secreta" not in out and "cl%40ve" not in out


@pytest.mark.parametrize(
    "variable, value",
    [
        ("DASHBOARD_REPORT_TO", "ana@mm.example,sin-arroba"),
        ("DASHBOARD_REPORT_FROM", "Informe <informe>"),
        ("DASHBOARD_PUBLIC_URL", "tablero.example.com"),
    ],
)
def test_wrong_addresses_stop_naming_the_variable(monkeypatch, capsys, variable, value):
    code, _, err = report(monkeypatch, capsys, ["--dry-run"], **{variable: value})
    assert code == 2 and err.startswith(f"Error de configuración: {variable}: valor inválido")
    assert len(err.splitlines()) == 1


def test_a_bad_to_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.build_parser().parse_args(["report", "--to", "ana@mm.example,nadie"])
    assert stop.value.code == 2
    assert "direcciones de correo separadas por comas (no 'nadie')" in capsys.readouterr().err


def test_a_database_that_does_not_answer_is_one_line_and_exit_code_1(monkeypatch, capsys, tmp_path):
    url = f"postgresql://lector:{quote(SMTP_PASSWORD, safe='')}@127.0.0.1:{free_port()}/nada"
    code, out, err = report(monkeypatch, capsys, ["--dry-run", "--database-url", url])
    assert (code, out) == (1, "")
    assert err.splitlines() == ["No se pudo leer la base para el informe (OperationalError)."]


@pytest.mark.postgres
def test_the_same_report_on_postgresql(monkeypatch, capsys, report_demo_url, at_report_time):
    from tests.databases import postgres_database

    texts = []
    with postgres_database("mmdash_report") as pg_url:
        seed_demo(pg_url, DEMO_TODAY)
        for url in (report_demo_url, pg_url):
            code, out, _ = report(monkeypatch, capsys, ["--dry-run", "--database-url", url])
            assert code == 0
            texts.append(parts(email.message_from_string(out, policy=email.policy.default)))
    assert texts[0] == texts[1]


@pytest.mark.parametrize(
    "now, zone, seconds",
    [
        (datetime(2026, 3, 19, 9, 0), "America/Argentina/Buenos_Aires", 3600),  # 06:00 there
        (datetime(2026, 3, 19, 10, 0), "America/Argentina/Buenos_Aires", 24 * 3600),  # 07:00
        (datetime(2026, 3, 19, 10, 0, 30), "America/Argentina/Buenos_Aires", 24 * 3600 - 30),
        # Madrid moves its clocks forward on 29/03/2026: from 08:00 of the day before, the next
        # 07:00 is 22 hours away, not 23.
        (datetime(2026, 3, 28, 7, 0), "Europe/Madrid", 22 * 3600),
    ],
)
def test_seconds_until_the_next_seven_o_clock(now, zone, seconds):
    from datetime import UTC

    at = now.replace(tzinfo=UTC)
    assert seconds_until(time(7, 0), zone, at) == seconds


def test_a_figure_that_was_zero_is_new_not_antes_0_again():
    # The report's line already reads «Pedidos: 5 (antes 0)»; the change said «antes 0» again.
    from minimarket_dash.report import change_text

    assert change_text(5, 0) == "▲ nuevo"
    assert change_text(0, 4) == "▼ 100,0 %"
    assert change_text(3, 3) == "= igual"
