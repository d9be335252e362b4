"""visits at clock times, night sitting and sleep-ins, and short visits the person asked for

Revision ID: 0016_day_and_night_visits
Revises: 0015_cqc_ratings
Create Date: 2026-12-06 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_day_and_night_visits"
down_revision: str | None = "0015_cqc_ratings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("referral_visit", "package_visit")


def _columns() -> list[sa.Column[object]]:
    return [
        sa.Column("kind", sa.String(length=16), nullable=False, server_default="care"),
        sa.Column("at", sa.String(length=5), nullable=True),
        sa.Column("short_requested", sa.Boolean(), nullable=False, server_default=sa.false()),
    ]


def upgrade() -> None:
    # A plain ADD COLUMN on every store: the columns carry no keys, and a batch copy of
    # the tables would trip over the keys other tables hold to them.
    for table in TABLES:
        for column in _columns():
            op.add_column(table, column)


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in ("short_requested", "at", "kind"):
                batch_op.drop_column(name)
