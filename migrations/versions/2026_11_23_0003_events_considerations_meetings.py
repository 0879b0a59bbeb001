"""Significant events, their effects, IRO considerations, disruption meetings, idempotency keys.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 13:09:46.522803
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "idempotent_requests",
        sa.Column("token_name", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotent_requests")),
        sa.UniqueConstraint(
            "token_name", "key", name=op.f("uq_idempotent_requests_token_name_key")
        ),
    )
    op.create_table(
        "events",
        sa.Column("local_authority", sa.String(length=20), nullable=False),
        sa.Column("child_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_by", sa.String(length=100), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_events_child_id_children")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint(
            "local_authority",
            "source",
            "event_id",
            name=op.f("uq_events_local_authority_source_event_id"),
        ),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_events_child_id_received_at", ["child_id", "received_at"], unique=False
        )

    op.create_table(
        "meetings",
        sa.Column("local_authority", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("child_id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("due_by", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("chair_role", sa.String(length=60), nullable=False),
        sa.Column("chair_id", sa.String(length=100), nullable=True),
        sa.Column("invitees", sa.JSON(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_meetings_child_id_children")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_meetings_event_id_events")
        ),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_meetings_plan_id_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_meetings_la_status_due", ["local_authority", "status", "due_by"], unique=False
        )

    op.create_table(
        "considerations",
        sa.Column("local_authority", sa.String(length=20), nullable=False),
        sa.Column("child_id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("review_id", sa.Uuid(), nullable=True),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("event_type", sa.String(length=40), nullable=False),
        sa.Column("chair_id", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("due_by", sa.Date(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("bring_forward_to", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_considerations_child_id_children")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_considerations_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_considerations_plan_id_plans")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_considerations_review_id_reviews")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_considerations")),
    )
    with op.batch_alter_table("considerations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_considerations_chair_status_due",
            ["chair_id", "status", "due_by", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_considerations_la_status_due",
            ["local_authority", "status", "due_by", "id"],
            unique=False,
        )

    op.create_table(
        "event_effects",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("review_id", sa.Uuid(), nullable=True),
        sa.Column("consideration_id", sa.Uuid(), nullable=True),
        sa.Column("meeting_id", sa.Uuid(), nullable=True),
        sa.Column("before_date", sa.Date(), nullable=True),
        sa.Column("after_date", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consideration_id"],
            ["considerations.id"],
            name=op.f("fk_event_effects_consideration_id_considerations"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_effects_event_id_events")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_event_effects_meeting_id_meetings")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_event_effects_plan_id_plans")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_event_effects_review_id_reviews")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_effects")),
    )
    with op.batch_alter_table("event_effects", schema=None) as batch_op:
        batch_op.create_index("ix_event_effects_event_id", ["event_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("event_effects", schema=None) as batch_op:
        batch_op.drop_index("ix_event_effects_event_id")

    op.drop_table("event_effects")
    with op.batch_alter_table("considerations", schema=None) as batch_op:
        batch_op.drop_index("ix_considerations_la_status_due")
        batch_op.drop_index("ix_considerations_chair_status_due")

    op.drop_table("considerations")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_meetings_la_status_due")

    op.drop_table("meetings")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_child_id_received_at")

    op.drop_table("events")
    op.drop_table("idempotent_requests")
