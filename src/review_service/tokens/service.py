"""Token lifecycle; each function runs inside the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from review_service.auth import Principal, Scope, generate_token, hash_token
from review_service.domain.authorities import canonical_authority_code
from review_service.models import ApiToken
from review_service.problems import Conflict, NotFound, Unauthenticated
from review_service.tokens import repository


@dataclass(frozen=True, slots=True)
class CreatedToken:
    """A new token's record and its secret, which is never available again."""

    record: ApiToken
    secret: str


def create_token(
    session: Session,
    *,
    name: str,
    scopes: frozenset[Scope],
    local_authority: str | None,
    now: datetime,
    expires_at: datetime | None = None,
) -> CreatedToken:
    """Create a token; its name must be unused. The authority code is stored in its
    canonical form (ValueError if it is not a code); the token is refused from `expires_at`
    on, when given."""
    if local_authority is not None:
        local_authority = canonical_authority_code(local_authority)
    if repository.name_is_taken(session, name):
        raise Conflict(f"a token named {name!r} already exists")
    secret = generate_token()
    record = ApiToken(
        name=name,
        token_hash=hash_token(secret),
        scopes=",".join(sorted(scope.value for scope in scopes)),
        local_authority=local_authority,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(record)
    session.flush()
    return CreatedToken(record=record, secret=secret)


def list_tokens(session: Session) -> list[ApiToken]:
    """Every token, newest first."""
    return repository.newest_first(session)


def revoke_token(session: Session, *, name: str, now: datetime) -> ApiToken:
    """Revoke the named token; it stops working at once."""
    record = repository.by_name(session, name)
    if record is None:
        raise NotFound(f"no token named {name!r}")
    if record.revoked_at is None:
        record.revoked_at = now
    return record


def is_expired(record: ApiToken, now: datetime) -> bool:
    """True from the token's expiry instant on."""
    return record.expires_at is not None and now >= record.expires_at


def authenticate(session: Session, secret: str | None, now: datetime) -> Principal:
    """The principal behind a bearer token; Unauthenticated for a missing, unknown, revoked
    or expired one."""
    challenge = {"WWW-Authenticate": 'Bearer realm="review-service"'}
    if not secret:
        raise Unauthenticated(
            "an `Authorization: Bearer <token>` header is required", headers=challenge
        )
    record = repository.by_hash(session, hash_token(secret))
    if record is None or record.revoked_at is not None:
        raise Unauthenticated("the bearer token is unknown or revoked", headers=challenge)
    if is_expired(record, now):
        raise Unauthenticated("the bearer token has expired", headers=challenge)
    return Principal(
        token_name=record.name,
        scopes=frozenset(Scope(name) for name in record.scopes.split(",")),
        local_authority=record.local_authority,
    )
