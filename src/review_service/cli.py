"""The `review-service` command (API.md "Running it")."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import socket
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from pydantic import ValidationError
from sqlalchemy.exc import OperationalError

from review_service.auth import Scope, parse_lifetime, parse_scopes
from review_service.clock import SystemClock
from review_service.domain.authorities import canonical_authority_code
from review_service.observability.logs import configure_logging, logging_config
from review_service.problems import ProblemError
from review_service.settings import Settings, get_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

logger = logging.getLogger("review_service.cli")

# A user's mistake ends the command with one line on stderr and this status, never a traceback.
USAGE_ERROR = 2
# Commands that use the database's tables refuse one that is missing or not at the newest revision.
_NEEDS_SCHEMA = {"token", "serve", "scheduler", "calendar"}


class UsageError(Exception):
    """A mistake the user can put right; its message is the one line they see."""


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


def _port(text: str) -> int:
    """An argparse type: a TCP port number, 1-65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is out of range (1-65535)")
    return port


def _check_can_listen(host: str, port: int) -> None:
    """Raise UsageError when host:port cannot be listened on (in use, or no such address)."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            # As uvicorn and http.server bind: only a live listener makes the port busy.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="review-service", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    migrate = commands.add_parser("migrate", help="bring the database to the newest revision")
    migrate.set_defaults(handler=_migrate)

    token = commands.add_parser("token", help="manage API tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    create = token_commands.add_parser("create", help="create a token; prints it last")
    create.add_argument("--name", required=True)
    create.add_argument("--scopes", required=True, help=f"comma-separated: {','.join(Scope)}")
    create.add_argument(
        "--local-authority", default=None, help="bind the token to one authority, e.g. LA1"
    )
    create.add_argument(
        "--expires-in", default=None, help="lifetime, e.g. 12h or 90d (at most 730d); default never"
    )
    create.set_defaults(handler=_token_create)
    listing = token_commands.add_parser("list", help="list tokens (never their secrets)")
    listing.set_defaults(handler=_token_list)
    revoke = token_commands.add_parser("revoke", help="revoke a token by name")
    revoke.add_argument("name")
    revoke.set_defaults(handler=_token_revoke)

    serve = commands.add_parser("serve", help="run the API (and the scheduler)")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=_port, default=None)
    serve.add_argument("--no-scheduler", action="store_true", help="API only")
    serve.add_argument("--workers", type=int, default=1, help="API worker processes")
    serve.set_defaults(handler=_serve)

    scheduler = commands.add_parser("scheduler", help="run the scheduler alone")
    scheduler.set_defaults(handler=_scheduler)

    calendar = commands.add_parser("calendar", help="calendar administration")
    calendar_commands = calendar.add_subparsers(dest="calendar_command", required=True)
    import_govuk = calendar_commands.add_parser(
        "import-govuk", help="declare GOV.UK feed bank holidays the holidays package lacks"
    )
    import_govuk.add_argument("file", type=Path)
    import_govuk.set_defaults(handler=_calendar_import)

    receive = commands.add_parser("receive", help="print webhooks sent to a local port")
    receive.add_argument("--host", default="127.0.0.1")
    receive.add_argument("--port", type=_port, default=9000)
    receive.add_argument("--secret", default=None, help="whsec_... to verify signatures")
    receive.set_defaults(handler=_receive)

    imports = commands.add_parser("import", help="import an authority's DfE files")
    import_commands = imports.add_subparsers(dest="import_command", required=True)
    ssda903 = import_commands.add_parser("ssda903", help="SSDA903 HEADER, EPISODES, REVIEWS")
    ssda903.add_argument("--local-authority", required=True)
    ssda903.add_argument("--header", required=True, type=Path)
    ssda903.add_argument("--episodes", required=True, type=Path)
    ssda903.add_argument("--reviews", required=True, type=Path)
    cin_census = import_commands.add_parser("cin-census", help="the CIN census XML")
    cin_census.add_argument("--local-authority", required=True)
    cin_census.add_argument("file", type=Path)
    for command in (ssda903, cin_census):
        command.add_argument("--dry-run", action="store_true", help="report, write nothing")
        command.add_argument("--report", type=Path, default=None, help="also write it here")
        command.set_defaults(handler=_import)

    export = commands.add_parser("export", help="export a DfE return")
    export_commands = export.add_subparsers(dest="export_command", required=True)
    reviews_return = export_commands.add_parser(
        "ssda903-reviews", help="the SSDA903 REVIEWS table of a collection year (CSV)"
    )
    reviews_return.add_argument("--local-authority", required=True)
    reviews_return.add_argument("--collection-year", required=True, type=int)
    reviews_return.set_defaults(handler=_export_reviews)

    openapi = commands.add_parser("openapi", help="print the OpenAPI document")
    openapi.set_defaults(handler=_openapi)
    return parser


def _migrate(_args: argparse.Namespace, settings: Settings) -> int:
    from review_service.migrations import upgrade_to_head

    upgrade_to_head(settings.database_url)
    print("database is at the newest revision")
    return 0


def _token_create(args: argparse.Namespace, settings: Settings) -> int:
    from review_service.tokens.service import create_token

    now = SystemClock().now()
    try:
        scopes = parse_scopes(args.scopes)
        authority = (
            canonical_authority_code(args.local_authority)
            if args.local_authority is not None
            else None
        )
        expires_at = now + parse_lifetime(args.expires_in) if args.expires_in else None
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with _session(settings) as session:
        created = create_token(
            session,
            name=args.name,
            scopes=scopes,
            local_authority=authority,
            now=now,
            expires_at=expires_at,
        )
        session.commit()
    scope_text = ",".join(sorted(s.value for s in scopes))
    print(f"created token {args.name!r} with scopes {scope_text}; it is shown only once:")
    print(created.secret)
    return 0


def _token_list(_args: argparse.Namespace, settings: Settings) -> int:
    from review_service.tokens.service import is_expired, list_tokens

    now = SystemClock().now()
    print("NAME\tSCOPES\tLOCAL_AUTHORITY\tSTATE\tCREATED_AT\tEXPIRES_AT")
    with _session(settings) as session:
        for record in list_tokens(session):
            if record.revoked_at:
                state = "revoked"
            elif is_expired(record, now):
                state = "expired"
            else:
                state = "active"
            authority = record.local_authority or "-"
            expires = record.expires_at.isoformat() if record.expires_at else "-"
            print(
                f"{record.name}\t{record.scopes}\t{authority}\t{state}\t"
                f"{record.created_at.isoformat()}\t{expires}"
            )
    return 0


def _token_revoke(args: argparse.Namespace, settings: Settings) -> int:
    from review_service.problems import NotFound
    from review_service.tokens.service import revoke_token

    with _session(settings) as session:
        try:
            revoke_token(session, name=args.name, now=SystemClock().now())
        except NotFound as exc:
            print(f"error: {exc.detail}", file=sys.stderr)
            return 1
        session.commit()
    print(f"revoked token {args.name!r}")
    return 0


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn
    from starlette.types import ASGIApp

    from review_service.app import create_app
    from review_service.server_protocol import server_options

    host = args.host or settings.host
    port = args.port or settings.port
    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    _check_can_listen(host, port)
    app: ASGIApp | str
    if args.workers == 1:
        # The app is built here, from these settings: the flag cannot be lost to a cached copy.
        app = create_app(
            settings, run_scheduler=settings.scheduler_enabled and not args.no_scheduler
        )
    else:
        # Each worker process imports the app anew and reads its settings from the environment.
        # Several workers must not each run a scheduler: run `review-service scheduler` apart.
        import os

        os.environ["REVIEW_SERVICE_SCHEDULER_ENABLED"] = "false"
        app = "review_service.asgi:app"
    trusted_proxies = settings.forwarded_allow_ips.strip()
    uvicorn.run(
        app,
        host=host,
        port=port,
        workers=args.workers,
        log_level=settings.log_level,
        # JSON lines in every worker; the app writes the access line (route template, no query).
        log_config=logging_config(settings.log_level),
        access_log=False,
        # X-Forwarded-For/-Proto only from the proxies configured, none when empty.
        proxy_headers=bool(trusted_proxies),
        forwarded_allow_ips=trusted_proxies or None,
        **server_options(settings),
    )
    return 0


def _scheduler(_args: argparse.Namespace, settings: Settings) -> int:
    from review_service.database import create_database_engine, create_session_factory
    from review_service.scheduler.runner import SchedulerRunner

    engine = create_database_engine(settings)
    clock = SystemClock()
    runner = SchedulerRunner(settings, engine, create_session_factory(engine, clock), clock)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    runner.start()
    logger.info("scheduler running; Ctrl-C or SIGTERM stops it")
    stop.wait()
    runner.shutdown()
    engine.dispose()
    logger.info("scheduler stopped")
    return 0


def _calendar_import(args: argparse.Namespace, settings: Settings) -> int:
    from review_service.calendar.govuk import MalformedFeed, import_govuk_feed

    try:
        feed = json.loads(args.file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read {args.file}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{args.file} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{args.file} is not JSON: {exc.msg} at line {exc.lineno}") from None
    with _session(settings) as session:
        try:
            added = import_govuk_feed(session, feed, by="cli:import-govuk", now=SystemClock().now())
        except MalformedFeed as exc:
            raise UsageError(f"{args.file} is not a GOV.UK bank-holidays feed: {exc}") from None
        session.commit()
    for item in added:
        print(f"declared {item.region} {item.day.isoformat()} {item.name}")
    print(f"{len(added)} non-working day(s) declared")
    return 0


def _receive(args: argparse.Namespace, _settings: Settings) -> int:
    from standardwebhooks import Webhook

    from review_service.webhooks.receiver import serve_receiver

    if args.secret is not None:
        try:
            Webhook(args.secret)
        except Exception:  # empty, or not base64: the library raises several kinds
            raise UsageError(
                "--secret must be a subscription's signing secret (whsec_...), not empty"
            ) from None
    _check_can_listen(args.host, args.port)
    serve_receiver(args.host, args.port, args.secret)
    return 0


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from review_service.database import create_database_engine, create_session_factory
    from review_service.deadlines.unit_of_work import unit_of_work
    from review_service.imports import service
    from review_service.imports.file_errors import ImportFileError

    clock = SystemClock()
    engine = create_database_engine(settings)
    try:
        with unit_of_work(create_session_factory(engine, clock), clock) as unit:
            if args.import_command == "ssda903":
                with (
                    args.header.open("rb") as header,
                    args.episodes.open("rb") as episodes,
                    args.reviews.open("rb") as reviews,
                ):
                    report = service.import_ssda903(
                        unit.session,
                        args.local_authority,
                        (header, episodes, reviews),
                        dry_run=args.dry_run,
                        now=unit.now,
                        max_bytes=settings.import_max_file_bytes,
                    )
            else:
                with args.file.open("rb") as census:
                    report = service.import_cin_census(
                        unit.session,
                        args.local_authority,
                        census,
                        dry_run=args.dry_run,
                        now=unit.now,
                        max_bytes=settings.import_max_file_bytes,
                    )
    except (ImportFileError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    text = report.model_dump_json(indent=2)
    if args.report is not None:
        args.report.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


def _export_reviews(args: argparse.Namespace, settings: Settings) -> int:
    from review_service.returns.service import reviews_return_csv

    with _session(settings) as session:
        body = reviews_return_csv(session, args.local_authority, args.collection_year)
    sys.stdout.write(body)
    return 0


def _openapi(_args: argparse.Namespace, settings: Settings) -> int:
    from review_service.app import create_app

    app = create_app(settings, run_scheduler=False)
    print(json.dumps(app.openapi(), indent=2, sort_keys=True))
    return 0


def _session(settings: Settings) -> Session:
    from review_service.database import create_database_engine, create_session_factory

    return create_session_factory(create_database_engine(settings), SystemClock())()


if __name__ == "__main__":
    raise SystemExit(main())
