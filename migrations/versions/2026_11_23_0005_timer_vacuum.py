"""Vacuum timers and deliveries by row count, not by table fraction (PostgreSQL).

Fired timers and finished deliveries leave dead entries at the head of the partial indexes the
scheduler claims from; at national scale autovacuum's default (20% of the table, ~1M rows)
lets thousands pile up, and the first claim after a large firing read 181k heap pages in the
scheduler benchmark. Vacuum every 10,000 dead rows instead.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_TABLES = ("timers", "deliveries")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _TABLES:
        op.execute(
            f"ALTER TABLE {table} SET (autovacuum_vacuum_scale_factor = 0, "
            "autovacuum_vacuum_threshold = 10000)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _TABLES:
        op.execute(
            f"ALTER TABLE {table} RESET (autovacuum_vacuum_scale_factor, "
            "autovacuum_vacuum_threshold)"
        )
