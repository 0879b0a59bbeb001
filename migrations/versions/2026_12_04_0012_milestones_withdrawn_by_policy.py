"""Milestones remember whether their authority's policy withdrew them (issue 11).

Turning a milestone kind off withdraws its open milestones (`not_applicable`); turning it back
on must bring back those, and only those: not one a chair marked not applicable by hand. Rows
withdrawn before this revision cannot be told apart and stay withdrawn.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "milestones",
        sa.Column(
            "withdrawn_by_policy", sa.Boolean(), nullable=False, server_default=sa.false()
        ),
    )


def downgrade() -> None:
    with op.batch_alter_table("milestones") as batch:
        batch.drop_column("withdrawn_by_policy")
