"""`review-service migrate | calendar import-govuk`: the database's schema and calendar."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from review_service.cli.base import Commands, UsageError, open_session
from review_service.clock import SystemClock
from review_service.settings import Settings


def add_migrate(commands: Commands) -> None:
    """`migrate`: bring the database to the newest revision."""
    migrate = commands.add_parser("migrate", help="bring the database to the newest revision")
    migrate.set_defaults(handler=_migrate)


def add_calendar_commands(commands: Commands) -> None:
    """`calendar import-govuk`: declare bank holidays from the GOV.UK feed."""
    calendar = commands.add_parser("calendar", help="calendar administration")
    calendar_commands = calendar.add_subparsers(dest="calendar_command", required=True)
    import_govuk = calendar_commands.add_parser(
        "import-govuk", help="declare GOV.UK feed bank holidays the holidays package lacks"
    )
    import_govuk.add_argument("file", type=Path)
    import_govuk.set_defaults(handler=_calendar_import)


def _migrate(_args: argparse.Namespace, settings: Settings) -> int:
    from review_service.migrations import upgrade_to_head

    upgrade_to_head(settings.database_url)
    print("database is at the newest revision")
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
    with open_session(settings) as session:
        try:
            added = import_govuk_feed(session, feed, by="cli:import-govuk", now=SystemClock().now())
        except MalformedFeed as exc:
            raise UsageError(f"{args.file} is not a GOV.UK bank-holidays feed: {exc}") from None
        session.commit()
    for item in added:
        print(f"declared {item.region} {item.day.isoformat()} {item.name}")
    print(f"{len(added)} non-working day(s) declared")
    return 0
