"""packages record why and when their care ended, and the package a move continues

Revision ID: 0013_package_ends
Revises: 0012_round_searches
Create Date: 2026-12-06 07:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_package_ends"
down_revision: str | None = "0012_round_searches"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("package", schema=None) as batch_op:
        batch_op.add_column(sa.Column("end_reason", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("end_recorded_at", sa.DateTime(timezone=True), nullable=True))

    # SQLite adds a nullable column with its REFERENCES in place; a batch would copy the
    # table, which the keys of other tables point at.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE package ADD COLUMN moved_from_package_id INTEGER REFERENCES package (id)"
        )
    else:
        op.add_column(
            "package",
            sa.Column(
                "moved_from_package_id",
                sa.Integer(),
                sa.ForeignKey("package.id", name="fk_package_moved_from_package_id"),
                nullable=True,
            ),
        )


def downgrade() -> None:
    with op.batch_alter_table("package", schema=None) as batch_op:
        batch_op.drop_column("moved_from_package_id")
        batch_op.drop_column("end_recorded_at")
        batch_op.drop_column("end_reason")
