"""Plans know whether their history is complete (issue 10: imported plans whose period of
care began before the files carry `history_complete = false` until an IRO confirms it or
earlier files complete it).

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.add_column(
            sa.Column("history_complete", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("history_complete")
