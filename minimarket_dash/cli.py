"""`minimarket-dash` command line: serve, seed, optimize, refresh, config, backup, restore,
report, users; --version."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from . import users_cli
from .config import SettingsError, load_settings, sqlite_path

GUNICORN_CONF = Path(__file__).resolve().parent / "gunicorn_conf.py"
DEMO_LINES = 200_000


def _iso_date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"fecha inválida {raw!r}: use AAAA-MM-DD") from None


def _positive(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"se esperaba un entero, no {raw!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("debe ser mayor que cero")
    return value


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="minimarket-dash", description="Dashboard de proveedores y stock del Mini Market."
    )
    parser.add_argument("--version", action="version", version=_version_line())
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMANDO")
    serve = commands.add_parser("serve", help="sirve el dashboard con gunicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_positive, default=8080)
    serve.add_argument("--workers", type=_positive, default=None)
    serve.add_argument(
        "--demo", action="store_true", help="carga datos de demostración si la base está vacía"
    )
    seed = commands.add_parser("seed", help="crea el esquema y carga datos de demostración")
    seed.add_argument("--database-url", default=None)
    seed.add_argument("--lines", type=_positive, default=1_000_000)
    seed.add_argument("--seed", type=int, default=42)
    seed.add_argument("--today", type=_iso_date, default=None)
    seed.add_argument("--force", action="store_true", help="reemplaza los datos existentes")
    optimize = commands.add_parser(
        "optimize",
        help="agrega índices a la base del minimarket (requiere escritura) y actualiza los "
        "resúmenes",
    )
    optimize.add_argument("--database-url", default=None)
    optimize.add_argument(
        "--full", action="store_true", help="reconstruye los resúmenes desde cero"
    )
    optimize.add_argument(
        "--no-summaries", action="store_true", help="sólo índices, sin actualizar los resúmenes"
    )
    refresh = commands.add_parser(
        "refresh",
        help="actualiza ya los resúmenes del dashboard (sólo lee la base del minimarket)",
    )
    refresh.add_argument("--database-url", default=None)
    refresh.add_argument("--full", action="store_true", help="los reconstruye desde cero")
    commands.add_parser("config", help="muestra la configuración efectiva (sin secretos)")
    backup = commands.add_parser(
        "backup",
        help="respalda la base y las marcas de los encargados (SQLite: copia "
        "consistente; PostgreSQL: pg_dump), sin los resúmenes",
    )
    backup.add_argument("--to", type=Path, required=True, metavar="ARCHIVO")
    backup.add_argument(
        "--print",
        action="store_true",
        dest="print_only",
        help="PostgreSQL: sólo muestra los pg_dump, sin correrlos",
    )
    restore = commands.add_parser(
        "restore",
        help="SQLite: pone un respaldo en lugar de la base (o, con --marcas, del "
        "archivo de marcas) con el dueño, los permisos y el journal_mode del actual; "
        "PostgreSQL: muestra los pg_restore",
    )
    restore.add_argument("--from", type=Path, required=True, dest="source", metavar="ARCHIVO")
    restore.add_argument(
        "--marcas",
        action="store_true",
        help="restaura el archivo de marcas de los encargados (con el dashboard detenido)",
    )
    report = commands.add_parser(
        "report", help="envía por correo el informe de la mañana (o lo muestra con --dry-run)"
    )
    report.add_argument(
        "--to",
        type=_addresses,
        default=None,
        metavar="A@X,B@Y",
        help="destinatarios (por defecto DASHBOARD_REPORT_TO)",
    )
    report.add_argument(
        "--dry-run",
        action="store_true",
        help="escribe el mensaje (RFC 5322) en la salida en vez de enviarlo",
    )
    report.add_argument("--database-url", default=None)
    users_cli.add_parser(commands)
    return parser


def _version_line() -> str:
    from . import __version__

    return f"minimarket-dash {__version__}"


def main(argv: list[str] | None = None) -> int:
    """Run one command with the settings the server reads (DASHBOARD_ENV_FILE included);
    configuration errors print one line and exit with 2."""
    args = build_parser().parse_args(argv)
    try:
        args.from_env_file = apply_env_file()
        handler = {
            "serve": _serve,
            "seed": _seed,
            "config": _config,
            "optimize": _optimize,
            "refresh": _refresh,
            "backup": _backup,
            "restore": _restore,
            "report": _report,
            "users": users_cli.run,
        }[args.command]
        return handler(args)
    except SettingsError as exc:
        print(f"Error de configuración: {exc}", file=sys.stderr)
        return 2


def apply_env_file() -> list[str]:
    """Apply DASHBOARD_ENV_FILE to this process like gunicorn does (its values win over the
    environment); return the names it set. An unreadable file is a SettingsError."""
    from . import envfile

    try:
        return envfile.apply()
    except envfile.EnvFileError as exc:
        raise SettingsError(str(exc)) from None


def _config(args) -> int:
    """Print every setting (secrets hidden) and where its value came from."""
    from .envfile import ENV_FILE_VARIABLE

    settings = load_settings()
    from_file = set(args.from_env_file)
    for name, value in settings.redacted().items():
        if name in from_file:
            origin = f"archivo {os.environ[ENV_FILE_VARIABLE].strip()}"
        elif name in os.environ:
            origin = "entorno"
        else:
            origin = "por defecto"
        print(f"{name}={value}  # {origin}")
    return 0


def _addresses(raw: str) -> tuple[str, ...]:
    from .config import parse_addresses

    try:
        addresses = parse_addresses(raw)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"se esperan {exc}") from None
    if not addresses:
        raise argparse.ArgumentTypeError("falta al menos una dirección")
    return addresses


def _report(args) -> int:
    """`minimarket-dash report`: 0 sent or printed, 1 database down, 2 configuration or SMTP."""
    from .report import run_report

    settings = load_settings({"database_url": args.database_url} if args.database_url else {})
    return run_report(settings, recipients=args.to, dry_run=args.dry_run)


def _backup(args) -> int:
    """`minimarket-dash backup`: 0 done (or printed), 1 failed (nothing left behind)."""
    from .backup import BackupError, backup, pg_dump_command

    settings = load_settings()
    if args.print_only and sqlite_path(settings.database_url) is None:
        print("PostgreSQL: respalde con pg_dump (la clave va en PGPASSWORD o ~/.pgpass):")
        print(pg_dump_command(settings.database_url, args.to))
        return 0
    try:
        for report in backup(settings, args.to):
            print(report.summary())
    except BackupError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    return 0


def _restore(args) -> int:
    """`minimarket-dash restore`: 0 restored (or printed), 1 refused or failed."""
    from .backup import BackupError, pg_restore_commands, restore_sqlite
    from .entries import entries_file

    settings = load_settings()
    database = sqlite_path(settings.database_url)
    if database is None:
        print("PostgreSQL: restaure con pg_restore (RUNBOOK, sección 15):")
        print(pg_restore_commands(settings.database_url, args.source))
        return 0
    target = entries_file(settings) if args.marcas else database
    try:
        print(restore_sqlite(args.source, target, in_use_check=args.marcas))
    except BackupError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    return 0


def _seed(args) -> int:
    return seed(
        args.database_url,
        lines=args.lines,
        seed_value=args.seed,
        today=args.today,
        force=args.force,
    )


def seed(
    database_url: str | None,
    *,
    lines: int,
    seed_value: int = 42,
    today: date | None = None,
    force: bool = False,
) -> int:
    """Load demo data (`minimarket-dash seed`); print the report; return the exit code."""
    from .db import make_engine
    from .demo import SeedError, seed_database

    settings = load_settings({"database_url": database_url} if database_url else {})
    _ensure_sqlite_folder(settings.database_url)
    _narrow_demo_database(settings.database_url)
    try:
        report = seed_database(
            make_engine(settings, writer=True),
            lines=lines,
            seed=seed_value,
            today=today,
            force=force,
        )
    except SeedError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    print(
        f"Listo: {_miles(report.lines)} líneas, {_miles(report.orders)} pedidos, "
        f"{_miles(report.products)} productos, {report.providers} proveedores, "
        f"{_miles(report.movements)} movimientos, {_miles(report.invoices)} facturas "
        f"en {report.seconds:.1f} s"
    )
    return 0


def _miles(number: int) -> str:
    """Format an integer with es-AR thousands separators (1.234.567)."""
    return f"{number:,}".replace(",", ".")


def _optimize(args) -> int:
    return optimize(args.database_url, full=args.full, with_summaries=not args.no_summaries)


def optimize(database_url: str | None, *, full: bool = False, with_summaries: bool = True) -> int:
    """Add indexes and refresh the store (`minimarket-dash optimize`); print what was done."""
    from sqlalchemy.exc import SQLAlchemyError

    from . import optimize as optimizer
    from .db import make_engine
    from .refresher import build_lock

    settings = load_settings({"database_url": database_url} if database_url else {})
    try:
        with build_lock(settings):
            report = optimizer.optimize(
                make_engine(settings, writer=True),
                settings.now(),
                full=full,
                with_summaries=with_summaries,
            )
    except SQLAlchemyError as exc:
        print(f"Error: no se pudo optimizar la base ({type(exc).__name__}).", file=sys.stderr)
        return 1
    created = ", ".join(report.indexes_created) or "ninguno (ya estaban)"
    print(f"Índices creados: {created}")
    if report.current:
        _print_summaries(report.current)
    print(f"Listo en {report.seconds:.1f} s")
    if settings.refresh_minutes:
        print(
            f"Los resúmenes se actualizan solos cada {settings.refresh_minutes:g} min mientras "
            "el dashboard corre: optimize sólo hace falta una vez, por los índices."
        )
    return 0


def _refresh(args) -> int:
    """`minimarket-dash refresh`: one build of the store now, reading the database only."""
    from sqlalchemy.exc import SQLAlchemyError

    from .refresher import refresh
    from .store import store_engine, store_file

    settings = load_settings({"database_url": args.database_url} if args.database_url else {})
    try:
        outcome = refresh(settings, store_engine(settings), full=True if args.full else None)
    except (SQLAlchemyError, OSError) as exc:
        print(
            f"Error: no se pudieron actualizar los resúmenes ({type(exc).__name__}).",
            file=sys.stderr,
        )
        return 1
    where = store_file(settings) or "el esquema mm_dashboard de la base"
    print(f"Resúmenes {'reconstruidos' if outcome.full else 'actualizados'} en {where}")
    if outcome.state:
        _print_summaries(outcome.state)
    print(f"Listo en {outcome.seconds:.1f} s")
    return 0


def _print_summaries(state) -> None:
    print(
        f"Resúmenes: meses antes del {state.hasta:%d/%m/%Y}, "
        f"días antes del {state.hasta_dia:%d/%m/%Y}"
    )


def _ensure_sqlite_folder(database_url: str) -> None:
    path = sqlite_path(database_url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def _narrow_demo_database(database_url: str) -> None:
    """The demo's SQLite file (and so its -wal and -shm) is 0640: not for every local user."""
    from .private import OWNER_AND_GROUP, ensure_mode

    path = sqlite_path(database_url)
    if path is not None:
        ensure_mode(path, OWNER_AND_GROUP)


def _serve(args) -> int:
    settings = load_settings()
    if args.demo and _needs_demo_data(settings.database_url):
        print("Cargando datos de demostración (primera vez)...", file=sys.stderr)
        code = seed(None, lines=DEMO_LINES) or optimize(None)
        if code:
            return code
    if args.demo:
        _narrow_demo_database(settings.database_url)  # one an older version left 0644
        users_cli.ensure_demo_user(settings)
    os.environ["DASHBOARD_BIND"] = f"{args.host}:{args.port}"
    if args.workers:
        os.environ["DASHBOARD_WORKERS"] = str(args.workers)
    load_settings()  # fail here, in one line, before gunicorn starts
    command = [*_gunicorn(), "-c", str(GUNICORN_CONF), "minimarket_dash.wsgi:server"]
    sys.stdout.flush()  # exec discards unflushed output (lost when stdout is a pipe or file)
    sys.stderr.flush()
    os.execv(command[0], command)
    return 0  # not reached


def _gunicorn() -> list[str]:
    """Return gunicorn's console script beside this Python, else `python -m gunicorn`.

    The script matters: on USR2 gunicorn re-executes its own argv, and `python -m gunicorn`
    becomes `python .../gunicorn/__main__.py`, where gunicorn's `http` package shadows the
    standard library's and the new master dies (RUNBOOK, "Reinicio sin cortes").
    """
    script = Path(sys.executable).parent / "gunicorn"
    return [str(script)] if script.exists() else [sys.executable, "-m", "gunicorn"]


def _needs_demo_data(database_url: str) -> bool:
    """True when the URL is a SQLite file that is missing or has no orders."""
    path = sqlite_path(database_url)
    if path is None:
        return False
    if not path.exists() or path.stat().st_size == 0:
        return True
    import sqlite3

    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT COUNT(*) FROM detalle_pedidos").fetchone()[0] == 0
    except sqlite3.Error:
        return True


if __name__ == "__main__":
    sys.exit(main())
