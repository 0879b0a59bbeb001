"""The board's session cookie and form tokens.

The cookie holds only the API token's record id and when the session began, signed with
HMAC-SHA256: no secret and no hash of one. Every request looks the token up again, so revoking
the token ends its sessions at once. The secret is `REVIEW_SERVICE_BOARD_SESSION_SECRET`, or
a random one per process when unset: then a restart signs everyone out, and several API
processes behind one address need the setting (each would refuse the others' cookies).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.auth import Principal, Scope
from review_service.models import ApiToken
from review_service.tokens.service import is_expired

SESSION_COOKIE = "board_session"
LOGIN_COOKIE = "board_login"
SESSION_LIFETIME = timedelta(hours=8)


def new_secret() -> str:
    """A signing secret for a process that was given none."""
    return secrets.token_urlsafe(32)


def _sign(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def session_value(secret: str, token_id: uuid.UUID, now: datetime) -> str:
    """The signed cookie value of a new session."""
    message = f"{token_id}.{int(now.timestamp())}"
    return f"{message}.{_sign(secret, message)}"


def _token_id(secret: str, value: str, now: datetime) -> uuid.UUID | None:
    parts = value.split(".")
    if len(parts) != 3 or len(value) > 200:
        return None
    token_id, issued, signature = parts
    if not hmac.compare_digest(signature, _sign(secret, f"{token_id}.{issued}")):
        return None
    try:
        started = int(issued)
        parsed = uuid.UUID(token_id)
    except ValueError:
        return None
    if now.timestamp() - started > SESSION_LIFETIME.total_seconds():
        return None
    return parsed


def session_principal(
    session: Session, secret: str, value: str | None, now: datetime
) -> Principal | None:
    """The read-only principal of a live session, or None. A session never writes: whatever
    the token may do, the board only reads."""
    token_id = _token_id(secret, value, now) if value else None
    if token_id is None:
        return None
    record = session.scalar(select(ApiToken).where(ApiToken.id == token_id))
    if record is None or record.revoked_at is not None or is_expired(record, now):
        return None
    full = Principal(
        record.name,
        frozenset(Scope(s) for s in record.scopes.split(",")),
        record.local_authority,
    )
    if not full.has(Scope.READ):
        return None
    return Principal(record.name, frozenset({Scope.READ}), record.local_authority)


def form_token(secret: str, purpose: str, bound_to: str) -> str:
    """A CSRF token for a form: tied to the cookie it travels with (`bound_to`)."""
    return _sign(secret, f"form:{purpose}:{bound_to}")


def form_token_ok(secret: str, purpose: str, bound_to: str | None, sent: str | None) -> bool:
    """True when `sent` is the form token of `purpose` for the cookie `bound_to`."""
    if not bound_to or not sent:
        return False
    return hmac.compare_digest(form_token(secret, purpose, bound_to), sent)
