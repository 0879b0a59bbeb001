"""A chair's calendar feeds (issue 12): capability URLs whose keys are stored as hashes.

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("chair_id", sa.String(length=100), nullable=False),
        sa.Column("local_authority", sa.String(length=20), nullable=True),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
    )
    op.create_index(
        op.f("ix_calendar_feeds_local_authority"), "calendar_feeds", ["local_authority"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_calendar_feeds_local_authority"), table_name="calendar_feeds")
    op.drop_table("calendar_feeds")
