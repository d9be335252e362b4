"""a referral's visits name their delegated tasks; the cascade keeps who it left out and why;
a lot may be commissioned by an NHS trust

Revision ID: 0018_delegated_tasks
Revises: 0017_preferred_provider
Create Date: 2026-12-06 11:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_delegated_tasks"
down_revision: str | None = "0017_preferred_provider"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable columns without keys: added in place on SQLite, no table copy.
    op.add_column("referral_visit", sa.Column("task", sa.String(length=32), nullable=True))
    op.add_column("referral", sa.Column("cascade_skipped", sa.JSON(), nullable=True))
    # SQLite adds a nullable column with its REFERENCES in place; a batch would copy the
    # table, which the keys of other tables point at.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE lot ADD COLUMN commissioned_by_id INTEGER REFERENCES organisation (id)"
        )
    else:
        op.add_column(
            "lot",
            sa.Column(
                "commissioned_by_id",
                sa.Integer(),
                sa.ForeignKey("organisation.id", name="fk_lot_commissioned_by_id"),
                nullable=True,
            ),
        )


def downgrade() -> None:
    with op.batch_alter_table("lot", schema=None) as batch_op:
        batch_op.drop_column("commissioned_by_id")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_column("cascade_skipped")
    with op.batch_alter_table("referral_visit", schema=None) as batch_op:
        batch_op.drop_column("task")
