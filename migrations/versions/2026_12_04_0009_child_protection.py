"""The child protection timeline and the child's own review (issue 11).

Enquiries from a strategy discussion (their initial conference is a deadline); a child
protection review's outcome; the child's wishes as data. The prose `child_wishes` column is
kept, renamed `child_wishes_recorded`, so nothing recorded is lost.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "child_protection_enquiries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("local_authority", sa.String(20), nullable=False),
        sa.Column("child_id", sa.Uuid(), nullable=False),
        sa.Column("strategy_discussion_on", sa.Date(), nullable=False),
        sa.Column("due_by", sa.Date(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("chair_id", sa.String(100), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["children.id"],
            name=op.f("fk_child_protection_enquiries_child_id_children"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_child_protection_enquiries_plan_id_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_protection_enquiries")),
    )
    op.create_index(
        "ix_cp_enquiries_la_status_due",
        "child_protection_enquiries",
        ["local_authority", "status", "due_by", "id"],
    )
    op.create_index(
        "ix_cp_enquiries_chair_status_due",
        "child_protection_enquiries",
        ["chair_id", "status", "due_by", "id"],
    )
    op.create_index("ix_cp_enquiries_child_id", "child_protection_enquiries", ["child_id"])
    with op.batch_alter_table("reviews") as batch:
        batch.alter_column("child_wishes", new_column_name="child_wishes_recorded")
    with op.batch_alter_table("reviews") as batch:
        batch.add_column(sa.Column("child_wishes", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("outcome", sa.String(20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reviews") as batch:
        batch.drop_column("outcome")
        batch.drop_column("child_wishes")
    with op.batch_alter_table("reviews") as batch:
        batch.alter_column("child_wishes_recorded", new_column_name="child_wishes")
    op.drop_table("child_protection_enquiries")
