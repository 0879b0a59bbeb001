"""Timers keep one index by subject, not two.

`ix_timers_subject (subject_type, subject_id)` repeated the leading columns of the unique
constraint `uq_timers_subject_type_subject_id_event_type_level`, which already serves every
lookup of a deadline's timers. Timers are the largest table (57% of the rows an import writes),
so the second index only cost writes.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_timers_subject", table_name="timers")


def downgrade() -> None:
    op.create_index("ix_timers_subject", "timers", ["subject_type", "subject_id"], unique=False)
