"""index orders by customer and date, for GET /orders

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-15

The index is built with a plain CREATE INDEX, which blocks writes to `orders` while it
builds: fine for the example's small table, and waived in preflight.yaml with that reason.
On a large table, build it CONCURRENTLY outside the transaction instead
(`with op.get_context().autocommit_block(): op.create_index(..., postgresql_concurrently=True)`).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        # Give up rather than queue behind a long transaction and block every writer.
        op.execute("SET lock_timeout = '5s'")
        op.execute("SET statement_timeout = '60s'")
    # if_not_exists: a database the app created from the models already has it.
    op.create_index(
        "ix_orders_user_id_created_at",
        "orders",
        ["user_id", "created_at"],
        unique=False,
        if_not_exists=True,
    )


def downgrade() -> None:
    op.drop_index("ix_orders_user_id_created_at", table_name="orders", if_exists=True)
