"""Unique constraints decide between racing inserts; the loser answers 409, never 500.

A read-then-insert check gives a helpful message in the common case, but two transactions
can both pass it. The database's unique constraint is what actually refuses the second row;
this turns that refusal into the Conflict it means. The detail is the caller's own sentence:
the database's message (which quotes the key's values) is never shown or logged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from review_service.problems import Conflict

_UNIQUE_SQLSTATE = "23505"  # PostgreSQL unique_violation
_SQLITE_UNIQUE = frozenset({"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"})


def is_unique_violation(error: IntegrityError) -> bool:
    """True when the database refused a row for a duplicate key (not a foreign key, say)."""
    original = error.orig
    return (
        getattr(original, "sqlstate", None) == _UNIQUE_SQLSTATE
        or getattr(original, "sqlite_errorname", None) in _SQLITE_UNIQUE
    )


@contextmanager
def conflict_on_duplicate(session: Session, detail: str) -> Iterator[None]:
    """Flush the block's new rows in a savepoint; a duplicate key raises Conflict(detail).

    On PostgreSQL a racing insert waits for the first transaction to commit and then fails
    here; the savepoint keeps the request's transaction usable until the 409 rolls it back."""
    try:
        with session.begin_nested():
            yield
            session.flush()
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        raise Conflict(detail) from None
