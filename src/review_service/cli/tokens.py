"""`review-service token create | list | revoke`: the API's tokens."""

from __future__ import annotations

import argparse
import sys

from review_service.auth import Scope, parse_lifetime, parse_scopes
from review_service.cli.base import Commands, open_session
from review_service.clock import SystemClock
from review_service.domain.authorities import canonical_authority_code
from review_service.settings import Settings


def add_token_commands(commands: Commands) -> None:
    """`token create`, `token list`, `token revoke`."""
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
    with open_session(settings) as session:
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
    with open_session(settings) as session:
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

    with open_session(settings) as session:
        try:
            revoke_token(session, name=args.name, now=SystemClock().now())
        except NotFound as exc:
            print(f"error: {exc.detail}", file=sys.stderr)
            return 1
        session.commit()
    print(f"revoked token {args.name!r}")
    return 0
