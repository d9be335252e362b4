"""monitoring reads visits from a covering index, and travel from each worker's day

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 05:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VISIT_COLUMNS = [
    "day",
    "provider_id",
    "package_id",
    "status",
    "place_kind",
    "delivered_minutes",
    "planned_minutes",
    "carers",
]


def upgrade() -> None:
    op.create_index("ix_visit_day_monitoring", "visit", VISIT_COLUMNS)
    op.drop_index("ix_visit_day", table_name="visit")
    op.create_table(
        "worked_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("care_worker_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("stints", sa.Integer(), nullable=False),
        sa.Column("care_minutes", sa.Float(), nullable=False),
        sa.Column("travel_minutes", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["care_worker_id"],
            ["care_worker.id"],
            name=op.f("fk_worked_day_care_worker_id_care_worker"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worked_day")),
        sa.UniqueConstraint("care_worker_id", "day", name=op.f("uq_worked_day_care_worker_id")),
    )
    op.create_index(
        "ix_worked_day_day",
        "worked_day",
        ["day", "care_worker_id", "travel_minutes", "care_minutes"],
    )
    # The days of the call monitoring already recorded, by the rule the service keeps.
    from homecare.delivery.worked_days import rebuild_worked_days

    rebuild_worked_days(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_worked_day_day", table_name="worked_day")
    op.drop_table("worked_day")
    op.create_index("ix_visit_day", "visit", ["day"])
    op.drop_index("ix_visit_day_monitoring", table_name="visit")
