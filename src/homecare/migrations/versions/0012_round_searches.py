"""a day's re-optimisation runs as a job, keeping the plan it replaced for undo

Revision ID: 0012_round_searches
Revises: 0011_office_phone
Create Date: 2026-12-06 07:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_round_searches"
down_revision: str | None = "0011_office_phone"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "round_search",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message", sa.String(length=300), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("previous", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["provider_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["requested_by"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("round_search", schema=None) as batch_op:
        batch_op.create_index("ix_round_search_provider_id", ["provider_id"], unique=False)
        batch_op.create_index("ix_round_search_day", ["day"], unique=False)
    with op.batch_alter_table("round_plan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("round_plan", schema=None) as batch_op:
        batch_op.drop_column("search_id")
    with op.batch_alter_table("round_search", schema=None) as batch_op:
        batch_op.drop_index("ix_round_search_day")
        batch_op.drop_index("ix_round_search_provider_id")
    op.drop_table("round_search")
