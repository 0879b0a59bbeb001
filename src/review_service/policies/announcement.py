"""Announcing a policy change, as a calendar change is announced: subscribers hear which
values changed and how many open deadlines the recompute moved."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from review_service.webhooks.outbox import publish


def announce_policy_change(
    session: Session, local_authority: str, changed: list[str], moved: int, now: datetime
) -> None:
    """Publish `policy.changed` to the authority's subscribers."""
    publish(
        session,
        "policy.changed",
        {"local_authority": local_authority, "changed": changed, "deadlines_moved": moved},
        local_authority,
        now,
    )
