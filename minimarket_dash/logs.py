"""JSON logs to stdout and a rotated file (time and size), a request id, one access line each."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

from concurrent_log_handler import ConcurrentTimedRotatingFileHandler
from flask import Flask, Response, g, has_request_context, request

from .config import Settings
from .routes import route

LOG_FILE = "dashboard.log"
REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._-]{1,128}")
REQUEST_FIELDS = (
    "request_id",
    "method",
    "route",
    "path",
    "status",
    "duration_ms",
    "client_ip",
    "user_agent",
    "key_id",
    "user",
)
LOG_FILE_MODE = 0o640  # client IPs are personal data: not world-readable
USER_AGENT_MAX = 256
WRITE_WARNING_EVERY_SECONDS = 60.0
_FORMATTED = "_minimarket_dash_json"  # the line, kept on the record for the second handler
_OWNED = "_minimarket_dash_handler"  # marks the handlers this module installed on the root logger

access_log = logging.getLogger("minimarket_dash.access")


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object per line, with the request's fields and no secrets."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def format(self, record: logging.LogRecord) -> str:
        """Return the JSON line of `record` (no trailing newline), built once for all handlers."""
        cached = record.__dict__.get(_FORMATTED)
        if cached is None:
            cached = record.__dict__[_FORMATTED] = self.render(record)
        return cached

    def render(self, record: logging.LogRecord) -> str:
        """Build the JSON line of `record`."""
        line = {
            "ts": iso_time(record.created),
            "level": record.levelname,
            "logger": record.name,
            "msg": self.redact(record.getMessage()),
        }
        line.update(request_fields(record))
        if record.exc_info:
            line["exc"] = self.redact(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)

    def redact(self, text: str) -> str:
        """Hide any configured API key that found its way into a message."""
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, "***")
        return text


def iso_time(created: float) -> str:
    """Return an ISO-8601 local timestamp with milliseconds and the UTC offset."""
    return datetime.fromtimestamp(created).astimezone().isoformat("T", "milliseconds")


def request_fields(record: logging.LogRecord) -> dict:
    """Return the request fields of a log line: from `extra`, else from the current request."""
    fields = dict.fromkeys(REQUEST_FIELDS)
    if has_request_context():
        fields.update(
            request_id=g.get("request_id"),
            method=request.method,
            route=route_of_request(),
            path=request.path,
            client_ip=request.remote_addr,
            user_agent=(request.headers.get("User-Agent") or "")[:USER_AGENT_MAX] or None,
            key_id=key_id(),
            # Filled by the sign-in (flask.g.user); None for API clients and open pages.
            user=g.get("user"),
        )
    for name in REQUEST_FIELDS:
        if name in record.__dict__:
            fields[name] = record.__dict__[name]
    return fields


def key_id() -> str | None:
    """Return the first 8 hex of the SHA-256 of the presented API key (never the key), or None."""
    from .auth import presented_key

    key = presented_key()
    return fingerprint(key) if key else None


def fingerprint(key: str) -> str:
    """Return the key's id in logs: the first 8 hex digits of its SHA-256."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]


def route_of_request() -> str:
    """Return the route label of the current request (the same one the metrics use)."""
    return route(request)


def incoming_request_id() -> str | None:
    """Return the client's X-Request-ID when it is 1-128 characters of [A-Za-z0-9._-]."""
    value = request.headers.get(REQUEST_ID_HEADER)
    if value and REQUEST_ID_RE.fullmatch(value):
        return value
    return None


def start_request() -> None:
    """Give the request its id and start its clock (first hook of every request)."""
    g.request_started = time.perf_counter()
    g.request_id = incoming_request_id() or uuid.uuid4().hex


def finish_request(response: Response) -> Response:
    """Echo the request id and write the access line (last after_request hook)."""
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers[REQUEST_ID_HEADER] = request_id
    started = g.get("request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 2) if started else None
    access_log.info(
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={"status": response.status_code, "duration_ms": duration_ms},
    )
    return response


class QuietOnFailure:
    """Mixin: when a line cannot be written (full disk), warn once a minute, no traceback per line.

    logging.Handler.handleError prints a whole traceback to stderr for every failed line; on a
    full disk that is one traceback per request. The service keeps answering either way.
    """

    last_warning = float("-inf")

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        now = time.monotonic()
        if now - self.last_warning < WRITE_WARNING_EVERY_SECONDS:
            return
        self.last_warning = now
        error = sys.exc_info()[1]
        try:
            sys.stderr.write(
                f"WARNING minimarket_dash.logs: no se pudo escribir el log "
                f"({getattr(self, 'baseFilename', 'stdout')}): {error!r}; se descartan líneas "
                f"(se avisa una vez por minuto)\n"
            )
            sys.stderr.flush()
        except OSError:
            pass


class ThrottledWithoutTraceback(logging.Filter):
    """Let each distinct message of a logger through once a minute, without its traceback.

    flask-limiter logs "Failed to ... Swallowing error" with a full traceback on every request
    that races its switch to the in-memory fallback when Redis dies; one line says it all.
    """

    def __init__(self, every_seconds: float = WRITE_WARNING_EVERY_SECONDS) -> None:
        super().__init__()
        self.every = every_seconds
        self.last_seen: dict[str, float] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        if now - self.last_seen.get(record.msg, float("-inf")) < self.every:
            return False
        self.last_seen[record.msg] = now
        if record.exc_info:
            error = record.exc_info[1]
            record.msg = f"{record.msg} ({type(error).__name__})"
            record.exc_info = record.exc_text = None
        return True


class SafeStreamHandler(QuietOnFailure, logging.StreamHandler):
    """stdout handler that survives a full disk or a closed pipe."""


class SafeFileHandler(QuietOnFailure, ConcurrentTimedRotatingFileHandler):
    """Multi-process-safe file handler rotated by time and by size, created 0640."""


def build_handlers(settings: Settings) -> list[logging.Handler]:
    """Return the stdout handler and the multi-process-safe, rotated file handler."""
    folder = Path(settings.log_dir)
    folder.mkdir(parents=True, exist_ok=True)
    file_handler = SafeFileHandler(
        str(folder / LOG_FILE),
        when=settings.log_rotate_when,
        backupCount=settings.log_backup_count,
        maxBytes=settings.log_max_mb * 1024 * 1024,
        encoding="utf-8",
        chmod=LOG_FILE_MODE,
    )
    handlers: list[logging.Handler] = [SafeStreamHandler(sys.stdout), file_handler]
    formatter = JsonFormatter(settings.api_keys)
    for handler in handlers:
        handler.setFormatter(formatter)
        setattr(handler, _OWNED, True)
    return handlers


def log_once(settings: Settings, level: int, logger: str, message: str) -> None:
    """Append one JSON line to the log file of `settings` from a process that has no logging
    of its own (gunicorn's master: a rejected reload); a log that cannot be written is
    skipped, as for any other line."""
    try:
        handler = build_handlers(settings)[1]
    except OSError:
        return
    try:
        handler.handle(logging.LogRecord(logger, level, __file__, 0, message, None, None))
    finally:
        handler.close()


def configure_logging(settings: Settings) -> None:
    """Install this module's handlers on the root logger, replacing any earlier ones."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _OWNED, False)]:
        root.removeHandler(handler)
        handler.close()
    for handler in build_handlers(settings):
        root.addHandler(handler)
    root.setLevel(settings.log_level)


def init_app(server: Flask) -> None:
    """Configure JSON logging (idempotent) and the request id and access-line hooks."""
    configure_logging(server.config["SETTINGS"])
    server.before_request(start_request)
    server.after_request(finish_request)
