"""Structured JSON logs: one access line per request; message text only when asked, PII masked.

Every string a log line carries, other than the fields the server makes itself, passes through
`mask_pii` (phones, e-mails, card numbers), so a text logged by mistake — in a message, a field,
a traceback — is masked too.
"""

import json
import logging
import sys
import time
from datetime import datetime, timezone

from nlp.pii import mask_pii
from serve.api.request_ids import request_id as make_request_id

ACCESS = logging.getLogger("triage.access")
MESSAGES = logging.getLogger("triage.messages")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        masked = {key: value if key in SERVER_MADE else _masked(value) for key, value in entry.items()}
        return json.dumps(masked, ensure_ascii=False)


SERVER_MADE = frozenset({"time", "level", "logger", "method", "route", "status", "duration_ms"})
"""Fields the server writes itself; every other string (path, ids, messages, texts) is masked."""


def _masked(value: object) -> object:
    if isinstance(value, str):
        return mask_pii(value)
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


def configure_logging(level: str = "INFO") -> None:
    """JSON lines on stderr for the service's loggers (idempotent: apps may be created repeatedly)."""
    logger = logging.getLogger("triage")
    logger.setLevel(level.upper())
    logger.propagate = False
    if not any(isinstance(handler.formatter, JsonFormatter) for handler in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)


UVICORN_LOG_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": JsonFormatter}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    },
    "loggers": {"uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False}},
}
"""uvicorn's own lines (start-up, errors) as JSON too; its access log is replaced by ours."""


def log_messages(texts: list[str], records: list) -> None:
    """One line per classified message with its (masked) text: only when TRIAGE_LOG_TEXT is on."""
    for text, record in zip(texts, records, strict=True):
        fields = {"id": record.id, "text": text, "labels": record.labels, "urgency": record.urgency}
        MESSAGES.info("classified", extra={"fields": fields})


class AccessLog:
    """ASGI middleware: an access log line and the request metrics for every HTTP request."""

    def __init__(self, app, metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500
        request_id = make_request_id(dict(scope["headers"]).get(b"x-request-id"))

        async def send_with_status(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode("latin-1")))
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            seconds = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", "unmatched")
            self.metrics.observe_request(scope["method"], route, status, seconds)
            fields = {
                "method": scope["method"], "route": route, "path": scope["path"], "status": status,
                "duration_ms": round(seconds * 1000, 2), "client": (scope.get("client") or ("",))[0],
                "request_id": request_id,
            }  # fmt: skip
            ACCESS.info("request", extra={"fields": fields})
