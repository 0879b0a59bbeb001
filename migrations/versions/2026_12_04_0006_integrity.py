"""Integrity: one open plan of a type per child, canonical authority codes, token expiry,
withdrawn actions.

- `uq_plans_child_id_type_open`: a partial unique index, so that racing requests cannot open
  two statutory series of one type for one child (a read-then-insert check could not stop it).
  A database that already holds such duplicates is refused with the plans' ids: ending the
  wrong one is a decision for a person (its reviews and reminders go with it), not for a
  migration. End the duplicates (`POST /v1/plans/{id}/end`) and migrate again.
- Authority codes are upper case everywhere (`demo` and `DEMO` were two authorities). Codes
  that would collide once upper-cased (the same child, event or policy in `demo` and `DEMO`)
  are refused with the table's name, for the same reason.
- `api_tokens.expires_at`: tokens may expire (`token create --expires-in`).
- `actions.withdrawn_reason`: ending a plan withdraws its open actions (RULES.md §3).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Every column holding an authority code.
_AUTHORITY_COLUMNS = (
    "api_tokens",
    "audit_log",
    "children",
    "plans",
    "reviews",
    "events",
    "considerations",
    "meetings",
    "timers",
    "webhook_subscriptions",
    "outbox_messages",
    "policy_overrides",
)
# Unique keys that include the code: upper-casing must not make two rows one.
_UNIQUE_WITH_AUTHORITY = {
    "children": ("external_id",),
    "events": ("source", "event_id"),
    "policy_overrides": (),
}


def _refuse_duplicate_open_plans(connection: sa.Connection) -> None:
    rows = connection.execute(
        sa.text(
            "SELECT p.id FROM plans p JOIN ("
            " SELECT child_id, type FROM plans WHERE status = 'open'"
            " GROUP BY child_id, type HAVING COUNT(*) > 1) d"
            " ON p.child_id = d.child_id AND p.type = d.type"
            " WHERE p.status = 'open' ORDER BY p.child_id, p.type, p.created_at"
        ).columns(id=sa.Uuid())  # SQLite stores ids as bare hex: show the API's form
    ).scalars()
    duplicates = [str(plan_id) for plan_id in rows]
    if duplicates:
        raise RuntimeError(
            "migration 0006 refused: these open plans share a child and a type "
            f"({len(duplicates)} plans): {', '.join(duplicates[:50])}. End the duplicates "
            "with POST /v1/plans/{id}/end, then run `review-service migrate` again."
        )


def _refuse_colliding_codes(connection: sa.Connection) -> None:
    for table, columns in _UNIQUE_WITH_AUTHORITY.items():
        key = ", ".join(("UPPER(local_authority)", *columns))
        collisions = connection.execute(
            sa.text(
                f"SELECT COUNT(*) FROM (SELECT {key} FROM {table} GROUP BY {key}"  # noqa: S608
                " HAVING COUNT(*) > 1) c"
            )
        ).scalar_one()
        if collisions:
            raise RuntimeError(
                f"migration 0006 refused: {collisions} row(s) of {table} differ only in the "
                "case of their authority code; merge or remove them, then migrate again."
            )


def upgrade() -> None:
    connection = op.get_bind()
    _refuse_duplicate_open_plans(connection)
    _refuse_colliding_codes(connection)
    for table in _AUTHORITY_COLUMNS:
        op.execute(
            f"UPDATE {table} SET local_authority = UPPER(local_authority)"  # noqa: S608
            " WHERE local_authority <> UPPER(local_authority)"
        )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index(
            "uq_plans_child_id_type_open",
            ["child_id", "type"],
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    # Upper-cased codes stay upper case: the lower-case originals are not recorded.
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_reason")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index("uq_plans_child_id_type_open")
