"""ETag / If-Match optimistic concurrency (API.md "Conventions")."""

from __future__ import annotations

from review_service.problems import PreconditionFailed


def etag_for(version: int) -> str:
    """The strong ETag of a resource at `version`."""
    return f'"{version}"'


def check_if_match(if_match: str | None, version: int) -> None:
    """Refuse a change sent with a stale `If-Match`; a missing header is accepted so that record
    systems that cannot send one are not locked out."""
    if if_match is None:
        return
    # RFC 9110 §13.1.1: If-Match compares strongly, so a weak tag (`W/"1"`) never matches.
    candidates = {tag.strip() for tag in if_match.split(",")}
    if "*" in candidates or etag_for(version) in candidates:
        return
    raise PreconditionFailed(
        f"If-Match {if_match} does not match the current ETag {etag_for(version)}; "
        "read the resource again and retry"
    )
