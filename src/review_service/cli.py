"""The `review-service` command (API.md "Running it")."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from review_service.auth import Scope, parse_scopes
from review_service.clock import SystemClock
from review_service.observability.logs import configure_logging, logging_config
from review_service.settings import Settings, get_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

logger = logging.getLogger("review_service.cli")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level)
    handler = args.handler
    code: int = handler(args, settings)
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="review-service", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    migrate = commands.add_parser("migrate", help="bring the database to the newest revision")
    migrate.set_defaults(handler=_migrate)

    token = commands.add_parser("token", help="manage API tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    create = token_commands.add_parser("create", help="create a token; prints it last")
    create.add_argument("--name", required=True)
    create.add_argument("--scopes", required=True, help=f"comma-separated: {','.join(Scope)}")
    create.add_argument("--local-authority", default=None)
    create.set_defaults(handler=_token_create)
    listing = token_commands.add_parser("list", help="list tokens (never their secrets)")
    listing.set_defaults(handler=_token_list)
    revoke = token_commands.add_parser("revoke", help="revoke a token by name")
    revoke.add_argument("name")
    revoke.set_defaults(handler=_token_revoke)

    serve = commands.add_parser("serve", help="run the API (and the scheduler)")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
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
    receive.add_argument("--port", type=int, default=9000)
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

    try:
        scopes = parse_scopes(args.scopes)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with _session(settings) as session:
        created = create_token(
            session,
            name=args.name,
            scopes=scopes,
            local_authority=args.local_authority,
            now=SystemClock().now(),
        )
        session.commit()
    scope_text = ",".join(sorted(s.value for s in scopes))
    print(f"created token {args.name!r} with scopes {scope_text}; it is shown only once:")
    print(created.secret)
    return 0


def _token_list(_args: argparse.Namespace, settings: Settings) -> int:
    from review_service.tokens.service import list_tokens

    with _session(settings) as session:
        for record in list_tokens(session):
            state = "revoked" if record.revoked_at else "active"
            authority = record.local_authority or "-"
            print(
                f"{record.name}\t{record.scopes}\t{authority}\t{state}\t"
                f"{record.created_at.isoformat()}"
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

    host = args.host or settings.host
    port = args.port or settings.port
    if args.no_scheduler or args.workers > 1:
        # Several workers must not each run a scheduler: run `review-service scheduler` apart.
        import os

        os.environ["REVIEW_SERVICE_SCHEDULER_ENABLED"] = "false"
    uvicorn.run(
        "review_service.asgi:app",
        host=host,
        port=port,
        workers=args.workers,
        log_level=settings.log_level,
        # JSON lines in every worker; the app writes the access line (route template, no query).
        log_config=logging_config(settings.log_level),
        access_log=False,
        proxy_headers=True,
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
    from review_service.calendar.govuk import import_govuk_feed

    feed = json.loads(args.file.read_text(encoding="utf-8"))
    with _session(settings) as session:
        added = import_govuk_feed(session, feed, by="cli:import-govuk", now=SystemClock().now())
        session.commit()
    for item in added:
        print(f"declared {item.region} {item.day.isoformat()} {item.name}")
    print(f"{len(added)} non-working day(s) declared")
    return 0


def _receive(args: argparse.Namespace, _settings: Settings) -> int:
    from review_service.webhooks.receiver import serve_receiver

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
