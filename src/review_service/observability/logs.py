"""One JSON object per log line, for every logger of the process (the one place logging is
configured: `serve`, `scheduler`, every other command, and the app as uvicorn imports it).

Privacy (STYLE: a child's identifiers and date of birth never reach a log line): an
exception is written as its type and the code locations it passed through, never its
message, because database and validation messages quote the values that caused them.
"""

from __future__ import annotations

import json
import logging
import logging.config
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# The id of the request being served, set by the request middleware; every line logged while
# serving it carries it. Each request runs in a task of its own, so ids never leak across.
current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)

# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged.
_STANDARD_ATTRIBUTES = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys()
    | {"message", "asctime", "taskName", "color_message"}  # uvicorn's message with ANSI colours
)
_MAX_FRAMES = 30


def _frames(error: BaseException) -> list[str]:
    frames = []
    traceback = error.__traceback__
    while traceback is not None:
        code = traceback.tb_frame.f_code
        frames.append(f"{code.co_filename}:{traceback.tb_lineno} in {code.co_name}")
        traceback = traceback.tb_next
    return frames[-_MAX_FRAMES:]


def _causes(error: BaseException) -> list[str]:
    causes: list[str] = []
    seen = {id(error)}
    cause = error.__cause__ or error.__context__
    while cause is not None and id(cause) not in seen and len(causes) < 5:
        seen.add(id(cause))
        causes.append(error_type(cause))
        cause = cause.__cause__ or cause.__context__
    return causes


def error_type(error: BaseException) -> str:
    """An exception's qualified type: what may be logged of it (its message may not)."""
    kind = type(error)
    return f"{kind.__module__}.{kind.__qualname__}"


class JsonLineFormatter(logging.Formatter):
    """A record as one JSON object: ts, level, logger, msg, the request id and any `extra=`
    fields. A message that is itself a JSON object (the delivery worker's) is merged."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = current_request_id.get()
        if request_id is not None:
            line["request_id"] = request_id
        if line["msg"].startswith("{"):
            try:
                fields = json.loads(line["msg"])
            except ValueError:
                fields = None
            if isinstance(fields, dict):
                line.update({k: v for k, v in fields.items() if k not in line or k == "msg"})
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                line.setdefault(key, value)
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            line["error_type"] = error_type(error)
            line["stack"] = _frames(error)
            causes = _causes(error)
            if causes:
                line["caused_by"] = causes
        return json.dumps(line, default=str, ensure_ascii=True)


def logging_config(level: str) -> dict[str, Any]:
    """A `logging.config.dictConfig` dictionary: every logger to stderr as JSON lines.

    uvicorn takes it as `log_config`, so each worker process configures itself the same way.
    Its access logger is silenced: the request middleware writes the access line (with the
    route template, never the query string)."""
    level = level.upper()
    quiet = {"level": "WARNING", "handlers": [], "propagate": True}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonLineFormatter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            "uvicorn": {"level": level, "handlers": [], "propagate": True},
            "uvicorn.error": {"level": level, "handlers": [], "propagate": True},
            "uvicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
            # Their own per-request INFO lines name every URL they call.
            "httpx": quiet,
            "httpcore": quiet,
            # APScheduler logs every run of every job at INFO; the jobs log what matters.
            "apscheduler": quiet,
            "alembic": quiet,
            # Statements and their parameters: never, whatever the level.
            "sqlalchemy": quiet,
        },
    }


def configure_logging(level: str) -> None:
    """Configure the process's logging (JSON lines on stderr) at `level`."""
    logging.config.dictConfig(logging_config(level))
