"""API tokens: stored only as a hash of the secret."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from review_service.models.base import Base, IdMixin


class ApiToken(IdMixin, Base):
    """A bearer token's record; the token itself is never stored."""

    __tablename__ = "api_tokens"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(200))  # comma-separated Scope values
    local_authority: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    # None: the token does not expire (until revoked).
    expires_at: Mapped[datetime | None]
