"""providers' CQC ratings keep their history, and a downgrade raises an alert

Revision ID: 0015_cqc_ratings
Revises: 0014_contract_versions
Create Date: 2026-12-06 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_cqc_ratings"
down_revision: str | None = "0014_contract_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rating_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("key_question", sa.String(length=16), nullable=False),
        sa.Column("was", sa.String(length=24), nullable=True),
        sa.Column("rating", sa.String(length=24), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["organisation.id"],
            name=op.f("fk_rating_change_provider_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating_change")),
    )
    with op.batch_alter_table("rating_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rating_change_provider_id"), ["provider_id"], unique=False
        )
    op.create_table(
        "rating_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("was", sa.String(length=24), nullable=True),
        sa.Column("rating", sa.String(length=24), nullable=False),
        sa.Column("threshold", sa.String(length=24), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["council_id"],
            ["organisation.id"],
            name=op.f("fk_rating_alert_council_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["organisation.id"],
            name=op.f("fk_rating_alert_provider_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["read_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_rating_alert_read_by_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating_alert")),
    )
    with op.batch_alter_table("rating_alert", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rating_alert_council_id"), ["council_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("rating_alert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rating_alert_council_id"))
    op.drop_table("rating_alert")
    with op.batch_alter_table("rating_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rating_change_provider_id"))
    op.drop_table("rating_change")
