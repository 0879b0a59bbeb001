"""Children, plans, reviews, milestones, attendees, actions, audit log and policy overrides.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 12:58:00.923111
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "audit_log",
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("resource_type", sa.String(length=40), nullable=False),
        sa.Column("resource_id", sa.Uuid(), nullable=False),
        sa.Column("local_authority", sa.String(length=20), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_resource_id_at", ["resource_id", "at"], unique=False)

    op.create_table(
        "children",
        sa.Column("local_authority", sa.String(length=20), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("parents_with_parental_responsibility", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_children")),
        sa.UniqueConstraint(
            "local_authority", "external_id", name=op.f("uq_children_local_authority_external_id")
        ),
    )
    op.create_table(
        "policy_overrides",
        sa.Column("local_authority", sa.String(length=20), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("local_authority", name=op.f("pk_policy_overrides")),
    )
    op.create_table(
        "plans",
        sa.Column("child_id", sa.Uuid(), nullable=False),
        sa.Column("local_authority", sa.String(length=20), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("review_interval_months", sa.Integer(), nullable=True),
        sa.Column("chair_id", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_plans_child_id_children")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index(
            "ix_plans_child_id_start_date", ["child_id", "start_date"], unique=False
        )

    op.create_table(
        "reviews",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("local_authority", sa.String(length=20), nullable=False),
        sa.Column("plan_type", sa.String(length=30), nullable=False),
        sa.Column("chair_id", sa.String(length=100), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("statutory_due_by", sa.Date(), nullable=False),
        sa.Column("brought_forward_to", sa.Date(), nullable=True),
        sa.Column("due_by", sa.Date(), nullable=False),
        sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=True),
        sa.Column("venue", sa.String(length=500), nullable=True),
        sa.Column("exceptional_circumstances", sa.Text(), nullable=True),
        sa.Column("reconvene_on", sa.Date(), nullable=True),
        sa.Column("adjournment_reason", sa.Text(), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("participation_code", sa.String(length=3), nullable=True),
        sa.Column("plans_considered", sa.JSON(), nullable=True),
        sa.Column("cancellation_reason", sa.Text(), nullable=True),
        sa.Column("child_wishes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_reviews_plan_id_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reviews_chair_status_due", ["chair_id", "status", "due_by", "id"], unique=False
        )
        batch_op.create_index("ix_reviews_due_by_id", ["due_by", "id"], unique=False)
        batch_op.create_index(
            "ix_reviews_la_late_due", ["local_authority", "late", "due_by", "id"], unique=False
        )
        batch_op.create_index(
            "ix_reviews_la_status_due", ["local_authority", "status", "due_by", "id"], unique=False
        )
        batch_op.create_index(
            "uq_reviews_plan_id_sequence",
            ["plan_id", "sequence"],
            unique=True,
            sqlite_where=sa.text("status != 'cancelled'"),
            postgresql_where=sa.text("status != 'cancelled'"),
        )
        batch_op.create_index("ix_reviews_plan_id_status", ["plan_id", "status"], unique=False)

    op.create_table(
        "actions",
        sa.Column("review_id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_by", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_actions_plan_id_plans")),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_actions_review_id_reviews")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
    )
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.create_index("ix_actions_review_id", ["review_id"], unique=False)
        batch_op.create_index("ix_actions_status_due_by", ["status", "due_by"], unique=False)

    op.create_table(
        "attendees",
        sa.Column("review_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("has_parental_responsibility", sa.Boolean(), nullable=False),
        sa.Column("needs_interpreter", sa.Boolean(), nullable=False),
        sa.Column("contribution_mode", sa.String(length=30), nullable=True),
        sa.Column("invited_on", sa.Date(), nullable=True),
        sa.Column("reply", sa.String(length=20), nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("not_invited_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_attendees_review_id_reviews")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendees")),
    )
    with op.batch_alter_table("attendees", schema=None) as batch_op:
        batch_op.create_index("ix_attendees_review_id", ["review_id"], unique=False)

    op.create_table(
        "milestones",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("review_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("due_by", sa.Date(), nullable=False),
        sa.Column("owner_role", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_milestones_plan_id_plans")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_milestones_review_id_reviews")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestones")),
    )
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.create_index("ix_milestones_plan_id", ["plan_id"], unique=False)
        batch_op.create_index("ix_milestones_review_id", ["review_id"], unique=False)
        batch_op.create_index("ix_milestones_status_due_by", ["status", "due_by"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.drop_index("ix_milestones_status_due_by")
        batch_op.drop_index("ix_milestones_review_id")
        batch_op.drop_index("ix_milestones_plan_id")

    op.drop_table("milestones")
    with op.batch_alter_table("attendees", schema=None) as batch_op:
        batch_op.drop_index("ix_attendees_review_id")

    op.drop_table("attendees")
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_index("ix_actions_status_due_by")
        batch_op.drop_index("ix_actions_review_id")

    op.drop_table("actions")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index("uq_reviews_plan_id_sequence")
        batch_op.drop_index("ix_reviews_la_status_due")
        batch_op.drop_index("ix_reviews_la_late_due")
        batch_op.drop_index("ix_reviews_due_by_id")
        batch_op.drop_index("ix_reviews_chair_status_due")

    op.drop_table("reviews")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index("ix_plans_child_id_start_date")

    op.drop_table("plans")
    op.drop_table("policy_overrides")
    op.drop_table("children")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_resource_id_at")

    op.drop_table("audit_log")
