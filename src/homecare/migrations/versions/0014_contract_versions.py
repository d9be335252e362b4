"""contracts keep each version: rates with effective dates, limits, notice and conditions

Revision ID: 0014_contract_versions
Revises: 0013_package_ends
Create Date: 2026-12-06 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_contract_versions"
down_revision: str | None = "0013_package_ends"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rating_threshold", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("workforce_data_set_on", sa.Date(), nullable=True))
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("notice_days", sa.Integer(), server_default="90", nullable=False)
        )
    op.create_table(
        "contract_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(length=24), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("hourly_rate_pence", sa.Integer(), nullable=True),
        sa.Column("weekly_capacity_minutes", sa.Integer(), nullable=True),
        sa.Column("flex_up_percent", sa.Integer(), nullable=True),
        sa.Column("flex_down_percent", sa.Integer(), nullable=True),
        sa.Column("notice_days", sa.Integer(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("sets_ends_on", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=True),
        sa.Column("override_reason", sa.String(length=500), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("applied_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_contract_version_contract_id_contract")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_contract_version_recorded_by_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_version")),
        sa.UniqueConstraint("contract_id", "number", name=op.f("uq_contract_version_contract_id")),
    )
    with op.batch_alter_table("contract_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_version_contract_id"), ["contract_id"], unique=False
        )
    # Every contract already made has its first version: the terms it was made with.
    op.execute(
        """
        INSERT INTO contract_version (contract_id, number, change, effective_from,
            hourly_rate_pence, weekly_capacity_minutes, flex_up_percent, flex_down_percent,
            notice_days, ends_on, sets_ends_on, reason, recorded_at, applied_on)
        SELECT id, 1, 'made', starts_on, hourly_rate_pence, weekly_capacity_minutes,
            flex_up_percent, flex_down_percent, notice_days, ends_on, true,
            'as made', CURRENT_TIMESTAMP, starts_on
        FROM contract
        """
    )


def downgrade() -> None:
    op.drop_table("contract_version")
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_column("notice_days")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("workforce_data_set_on")
        batch_op.drop_column("rating_threshold")
