"""consent requests answered online, and outcome ratings the person gives themselves

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 04:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consent_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("from_weekly_minutes", sa.Integer(), nullable=False),
        sa.Column("to_weekly_minutes", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.String(length=3), nullable=True),
        sa.Column("answered_by_name", sa.String(length=200), nullable=True),
        sa.Column("answered_by_relationship", sa.String(length=200), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("change_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["package_id"], ["package.id"], name=op.f("fk_consent_request_package_id_package")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["organisation.id"],
            name=op.f("fk_consent_request_provider_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["user_account.id"],
            name=op.f("fk_consent_request_requested_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["answered_by"],
            ["user_account.id"],
            name=op.f("fk_consent_request_answered_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["provider_change.id"],
            name=op.f("fk_consent_request_change_id_provider_change"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_request")),
    )
    with op.batch_alter_table("consent_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_request_package_id"), ["package_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_consent_request_provider_id"), ["provider_id"], unique=False
        )

    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rated_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("rated_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_column("rated_at")
        batch_op.drop_column("rated_by")

    with op.batch_alter_table("consent_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_request_provider_id"))
        batch_op.drop_index(batch_op.f("ix_consent_request_package_id"))

    op.drop_table("consent_request")
