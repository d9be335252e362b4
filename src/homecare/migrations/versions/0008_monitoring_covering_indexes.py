"""monitoring reads visits and attendance from covering indexes

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 05:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

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
ATTENDANCE_COLUMNS = ["checked_in_at", "checked_out_at", "care_worker_id"]


def upgrade() -> None:
    op.create_index("ix_visit_day_monitoring", "visit", VISIT_COLUMNS)
    op.drop_index("ix_visit_day", table_name="visit")
    op.create_index("ix_attendance_checked_in_monitoring", "attendance", ATTENDANCE_COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_attendance_checked_in_monitoring", table_name="attendance")
    op.create_index("ix_visit_day", "visit", ["day"])
    op.drop_index("ix_visit_day_monitoring", table_name="visit")
