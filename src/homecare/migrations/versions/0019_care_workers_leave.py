"""a care worker's first day and, once they leave, the day they leave

Revision ID: 0019_care_workers_leave
Revises: 0018_delegated_tasks
Create Date: 2026-12-06 13:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_care_workers_leave"
down_revision: str | None = "0018_delegated_tasks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable dates without keys: a plain ADD COLUMN on every store. A batch copy of
    # care_worker would trip over the keys visits, rounds and accounts hold to it.
    op.add_column("care_worker", sa.Column("hired_on", sa.Date(), nullable=True))
    op.add_column("care_worker", sa.Column("left_on", sa.Date(), nullable=True))
    op.add_column("care_worker", sa.Column("leaving_reason", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("care_worker", schema=None) as batch_op:
        batch_op.drop_column("leaving_reason")
        batch_op.drop_column("left_on")
        batch_op.drop_column("hired_on")
