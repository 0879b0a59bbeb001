"""The audit log: who changed what, when."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from review_service.models.base import Base, IdMixin


class AuditEntry(IdMixin, Base):
    """Who changed what, when (issue: every write is audited)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_resource_id_at", "resource_id", "at"),)

    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    resource_type: Mapped[str] = mapped_column(String(40))
    resource_id: Mapped[uuid.UUID]
    local_authority: Mapped[str | None] = mapped_column(String(20))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
