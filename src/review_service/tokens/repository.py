"""Queries on API tokens."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.models import ApiToken


def by_name(session: Session, name: str) -> ApiToken | None:
    """The token named `name`, if any (names are unique)."""
    return session.scalar(select(ApiToken).where(ApiToken.name == name))


def by_hash(session: Session, token_hash: str) -> ApiToken | None:
    """The token whose secret hashes to `token_hash`, if any."""
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))


def newest_first(session: Session) -> list[ApiToken]:
    """Every token, newest first."""
    return list(session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc())))


def name_is_taken(session: Session, name: str) -> bool:
    """True if a token already has this name."""
    return session.scalar(select(ApiToken.id).where(ApiToken.name == name)) is not None
