"""`review-service import | export`: an authority's DfE files in, its DfE returns out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from review_service.cli.base import Commands, open_session
from review_service.clock import SystemClock
from review_service.settings import Settings


def add_import_commands(commands: Commands) -> None:
    """`import ssda903`, `import cin-census`."""
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


def add_export_commands(commands: Commands) -> None:
    """`export ssda903-reviews`."""
    export = commands.add_parser("export", help="export a DfE return")
    export_commands = export.add_subparsers(dest="export_command", required=True)
    reviews_return = export_commands.add_parser(
        "ssda903-reviews", help="the SSDA903 REVIEWS table of a collection year (CSV)"
    )
    reviews_return.add_argument("--local-authority", required=True)
    reviews_return.add_argument("--collection-year", required=True, type=int)
    reviews_return.set_defaults(handler=_export_reviews)


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

    with open_session(settings) as session:
        body = reviews_return_csv(session, args.local_authority, args.collection_year)
    sys.stdout.write(body)
    return 0
