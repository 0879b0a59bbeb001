"""A recompute request may be scoped to one authority: a policy change queues its recompute
in `calendar_recomputes` like a calendar change, and the scheduler's recompute job applies it.

Revision ID: 0007
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calendar_recomputes") as batch:
        batch.add_column(sa.Column("local_authority", sa.String(20), nullable=True))
    op.create_index(
        "ix_calendar_recomputes_local_authority_requested_at",
        "calendar_recomputes",
        ["local_authority", "requested_at"],
    )


def downgrade() -> None:
    op.drop_index(
        "ix_calendar_recomputes_local_authority_requested_at", table_name="calendar_recomputes"
    )
    with op.batch_alter_table("calendar_recomputes") as batch:
        batch.drop_column("local_authority")
