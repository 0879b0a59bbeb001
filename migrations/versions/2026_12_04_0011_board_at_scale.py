"""The board at national scale (issue 12: one authority's board under 300 ms at 500,000 plans).

- `milestones.local_authority`: its plan's authority, copied as reviews copy it. Without it
  the board's overdue-milestone query read every overdue milestone in the country (a sequential
  scan of milestones, ~1.3 s of a 1.9 s render) to keep one authority's; and reaching them
  through the authority's plans touches one scattered page per milestone. Backfilled here.
- `ix_milestones_la_status_due`: one authority's open milestones by date, next to each other,
  with (on PostgreSQL) what the board reads of them, so it reads the index and not the table.
- `ix_plans_la_status_chair`: an authority's open plans by chair (the board's caseloads, and
  the plans the board and the timeliness report join to), likewise covering.
- `ix_reviews_la_statutory_due`: the timeliness report counts by statutory due date in one
  authority (issue 10: under 1 s at 500,000 plans), likewise covering.

Cost: the backfill rewrites every milestone. On the 500,000-plan benchmark (7.6M milestones)
this migration took 8 min 10 s on a busy 2-core machine and left the table twice its size;
run `VACUUM (ANALYZE) milestones` afterwards (it cannot run inside the migration's
transaction) so the new indexes are read without visiting the table.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("milestones") as batch_op:
        batch_op.add_column(sa.Column("local_authority", sa.String(length=20), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        # One join, not one plan lookup per milestone (millions at national scale).
        op.execute(
            "UPDATE milestones SET local_authority = plans.local_authority"
            " FROM plans WHERE plans.id = milestones.plan_id"
        )
    else:
        op.execute(
            "UPDATE milestones SET local_authority ="
            " (SELECT plans.local_authority FROM plans WHERE plans.id = milestones.plan_id)"
        )
    with op.batch_alter_table("milestones") as batch_op:
        batch_op.alter_column("local_authority", existing_type=sa.String(20), nullable=False)
    op.create_index(
        "ix_milestones_la_status_due",
        "milestones",
        ["local_authority", "status", "due_by", "id"],
        postgresql_include=["plan_id", "review_id", "kind"],
    )
    op.create_index(
        "ix_plans_la_status_chair",
        "plans",
        ["local_authority", "status", "chair_id", "child_id"],
        postgresql_include=["id", "type"],
    )
    op.create_index(
        "ix_reviews_la_statutory_due",
        "reviews",
        ["local_authority", "statutory_due_by"],
        postgresql_include=["status", "held_on", "plan_id", "plan_type", "chair_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_reviews_la_statutory_due", table_name="reviews")
    op.drop_index("ix_plans_la_status_chair", table_name="plans")
    op.drop_index("ix_milestones_la_status_due", table_name="milestones")
    with op.batch_alter_table("milestones") as batch_op:
        batch_op.drop_column("local_authority")
