"""Per-authority policy overrides."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from review_service.models.base import Base


class PolicyOverride(Base):
    """A local authority's overrides of the default policy values."""

    __tablename__ = "policy_overrides"

    local_authority: Mapped[str] = mapped_column(String(20), primary_key=True)
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
