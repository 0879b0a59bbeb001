"""The `review-service` command (API.md "Running it")."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from pydantic import ValidationError
from sqlalchemy.exc import OperationalError

from review_service.cli import database, dfe, running, tokens
from review_service.cli.base import USAGE_ERROR, UsageError
from review_service.observability.logs import configure_logging
from review_service.problems import ProblemError
from review_service.settings import Settings, get_settings

# Commands that use the database's tables refuse one that is missing or not at the newest revision.
_NEEDS_SCHEMA = {"token", "serve", "scheduler", "calendar"}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = get_settings()
    except ValidationError as exc:
        return _fail(_settings_problem(exc))
    configure_logging(settings.log_level)
    handler = args.handler
    try:
        if args.command in _NEEDS_SCHEMA:
            _check_schema(settings)
        code: int = handler(args, settings)
    except UsageError as exc:
        return _fail(str(exc))
    except ProblemError as exc:  # e.g. a token name already taken
        return _fail(exc.detail)
    except OperationalError as exc:
        # The driver's first line says what failed (no such database, connection refused);
        # later lines can quote SQL and its values.
        reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else "failed"
        return _fail(f"cannot use the database: {reason}")
    return code


def _fail(message: str) -> int:
    print(f"review-service: error: {message}", file=sys.stderr)
    return USAGE_ERROR


def _settings_problem(exc: ValidationError) -> str:
    """`REVIEW_SERVICE_NAME: what is wrong` for each bad setting, on one line."""
    parts = []
    for error in exc.errors():
        name = "REVIEW_SERVICE_" + "_".join(str(part) for part in error["loc"]).upper()
        parts.append(f"{name}: {str(error['msg']).removeprefix('Value error, ')}")
    return "; ".join(parts)


def _check_schema(settings: Settings) -> None:
    """Raise UsageError unless the database exists and is at the newest revision."""
    from sqlalchemy.engine import make_url

    from review_service.database import create_database_engine
    from review_service.migrations import schema_state

    url = make_url(settings.database_url)
    on_disk = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
    # Connecting would create an empty SQLite file; say what is missing instead.
    if on_disk and not Path(str(url.database)).exists():
        raise UsageError(
            f"no database at {url.database}: run `review-service migrate` to create it"
        )
    engine = create_database_engine(settings)
    try:
        with engine.connect() as connection:
            state = schema_state(connection)
    finally:
        engine.dispose()
    if not state.at_head:
        raise UsageError(state.explain())


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="review-service", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    # In the order `--help` lists them.
    database.add_migrate(commands)
    tokens.add_token_commands(commands)
    running.add_serve(commands)
    running.add_scheduler(commands)
    database.add_calendar_commands(commands)
    running.add_receive(commands)
    dfe.add_import_commands(commands)
    dfe.add_export_commands(commands)
    running.add_openapi(commands)
    return parser
