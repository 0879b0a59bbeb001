"""Queries on policy overrides."""

from __future__ import annotations

from sqlalchemy.orm import Session

from review_service.models import PolicyOverride


def find_override(session: Session, local_authority: str) -> PolicyOverride | None:
    """The authority's overrides, if it has any."""
    return session.get(PolicyOverride, local_authority)
