"""Bearer tokens and scopes (API.md "Conventions")."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

TOKEN_PREFIX = "rs_"  # noqa: S105 - a marker that makes leaked tokens greppable, not a secret


class Scope(StrEnum):
    """What a token may do."""

    ADMIN = "admin"
    WRITE = "write"
    READ = "read"
    EVENTS = "events"
    WEBHOOKS = "webhooks"
    METRICS = "metrics"


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller behind a valid token."""

    token_name: str
    scopes: frozenset[Scope]
    local_authority: str | None

    def has(self, scope: Scope) -> bool:
        """True when the token grants `scope`: admin grants all, write grants read."""
        if Scope.ADMIN in self.scopes or scope in self.scopes:
            return True
        return scope is Scope.READ and Scope.WRITE in self.scopes

    def can_see(self, local_authority: str | None) -> bool:
        """True when the token may see a resource of `local_authority`."""
        return self.local_authority is None or self.local_authority == local_authority

    def authority_for_new(self, requested: str | None) -> str | None:
        """The authority a new record belongs to: the token's own, or for an unbound token the
        one requested. None when an unbound token names none (the caller refuses that)."""
        if self.local_authority is not None:
            return self.local_authority if requested in (None, self.local_authority) else None
        return requested


def generate_token() -> str:
    """A new random token: 256 bits of entropy, shown once."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The stored form of a token. Tokens are random, so a fast hash cannot be brute-forced."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def parse_scopes(text: str) -> frozenset[Scope]:
    """Scopes from `a,b,c`; raises ValueError on an unknown one."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise ValueError("at least one scope is needed")
    try:
        return frozenset(Scope(name) for name in names)
    except ValueError as exc:
        allowed = ", ".join(scope.value for scope in Scope)
        raise ValueError(f"unknown scope in {text!r}; allowed: {allowed}") from exc


# `token create --expires-in`: whole hours or days, from an hour to two years.
MAX_TOKEN_LIFETIME = timedelta(days=730)
_LIFETIME = re.compile(r"([0-9]{1,6})([hd])")


def parse_lifetime(text: str) -> timedelta:
    """A token lifetime from `12h` or `90d`; raises ValueError outside 1h..730d."""
    match = _LIFETIME.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"--expires-in {text!r} is not a number of hours or days, e.g. 12h or 90d")
    count, unit = int(match.group(1)), match.group(2)
    lifetime = timedelta(hours=count) if unit == "h" else timedelta(days=count)
    if not timedelta(hours=1) <= lifetime <= MAX_TOKEN_LIFETIME:
        raise ValueError(
            f"--expires-in must be between 1h and {MAX_TOKEN_LIFETIME.days}d, not {text!r}"
        )
    return lifetime
