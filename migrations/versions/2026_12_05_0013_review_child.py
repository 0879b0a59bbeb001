"""Reviews carry their child (issue 10: the timeliness report for every authority under 1 s).

- `reviews.child_id`: its plan's child, copied as the authority, plan type and chair already
  are. The report counts the children all of whose reviews were in timescale; without the
  column it joined every counted review to its plan (every authority at once: 0.7-2 s at
  500,000 plans). Backfilled here, then NOT NULL.
- `uq_plans_id_child_id` and the foreign key (plan_id, child_id) -> plans (id, child_id):
  a review's child can never disagree with its plan's, whichever code writes the row.
- `ix_reviews_la_statutory_due` covers `child_id` instead of `plan_id` (no reader of that
  index reads the plan any more): one authority's report reads the index alone.
- `ix_reviews_child_statutory_due`: every review by child, with what the report reads, so
  the report for every authority reads the reviews child by child from one index, already
  in the order its per-child counts need, without visiting the table.

Cost: the backfill rewrites every review. On the 500,000-plan benchmark (1.5M reviews) this
migration took 7 min 3 s on a busy 2-core machine (load 6-10) and left the table twice its
size. Afterwards, outside the migration's transaction, run `VACUUM (ANALYZE) reviews` (so
the new indexes are read without visiting the table), then `REINDEX TABLE CONCURRENTLY
reviews`: every index of reviews took the backfill's new row versions beside the old ones,
and the two built here were built while the old versions still stood, so all came out about
twice their size (the child index 243 MB, 130 MB rebuilt; pk_reviews 90 MB).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# What the timeliness report reads of a review besides the indexed columns (PostgreSQL only:
# SQLite has no covering columns).
_LA_INCLUDE = ["status", "held_on", "plan_type", "chair_id", "child_id"]
_CHILD_INCLUDE = ["status", "held_on", "plan_type", "chair_id", "local_authority"]


def upgrade() -> None:
    with op.batch_alter_table("reviews") as batch_op:
        batch_op.add_column(sa.Column("child_id", sa.Uuid(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        # One join, not one plan lookup per review (millions at national scale).
        op.execute(
            "UPDATE reviews SET child_id = plans.child_id"
            " FROM plans WHERE plans.id = reviews.plan_id"
        )
    else:
        op.execute(
            "UPDATE reviews SET child_id ="
            " (SELECT plans.child_id FROM plans WHERE plans.id = reviews.plan_id)"
        )
    op.create_index("uq_plans_id_child_id", "plans", ["id", "child_id"], unique=True)
    with op.batch_alter_table("reviews") as batch_op:
        batch_op.alter_column("child_id", existing_type=sa.Uuid(), nullable=False)
        batch_op.create_foreign_key(
            "fk_reviews_plan_id_child_id_plans",
            "plans",
            ["plan_id", "child_id"],
            ["id", "child_id"],
        )
    op.drop_index("ix_reviews_la_statutory_due", table_name="reviews")
    op.create_index(
        "ix_reviews_la_statutory_due",
        "reviews",
        ["local_authority", "statutory_due_by"],
        postgresql_include=_LA_INCLUDE,
    )
    op.create_index(
        "ix_reviews_child_statutory_due",
        "reviews",
        ["child_id", "statutory_due_by"],
        postgresql_include=_CHILD_INCLUDE,
    )


def downgrade() -> None:
    op.drop_index("ix_reviews_child_statutory_due", table_name="reviews")
    op.drop_index("ix_reviews_la_statutory_due", table_name="reviews")
    op.create_index(
        "ix_reviews_la_statutory_due",
        "reviews",
        ["local_authority", "statutory_due_by"],
        postgresql_include=["status", "held_on", "plan_id", "plan_type", "chair_id"],
    )
    with op.batch_alter_table("reviews") as batch_op:
        batch_op.drop_constraint("fk_reviews_plan_id_child_id_plans", type_="foreignkey")
        batch_op.drop_column("child_id")
    op.drop_index("uq_plans_id_child_id", table_name="plans")
