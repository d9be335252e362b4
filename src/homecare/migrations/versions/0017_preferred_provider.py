"""a referral may name the provider the person prefers; banked hours are asked for as care

Revision ID: 0017_preferred_provider
Revises: 0016_day_and_night_visits
Create Date: 2026-12-06 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_preferred_provider"
down_revision: str | None = "0016_day_and_night_visits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFERENCES = (("preferred_provider_id", "organisation"), ("spot_contract_id", "contract"))


def upgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.add_column(sa.Column("preference_reason", sa.String(length=300), nullable=True))

    # SQLite adds a nullable column with its REFERENCES in place; a batch would copy the
    # table, which the keys of other tables point at.
    for column, table in REFERENCES:
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE referral ADD COLUMN {column} INTEGER REFERENCES {table} (id)")
        else:
            op.add_column(
                "referral",
                sa.Column(
                    column,
                    sa.Integer(),
                    sa.ForeignKey(f"{table}.id", name=f"fk_referral_{column}"),
                    nullable=True,
                ),
            )

    op.create_table(
        "time_bank_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("band", sa.String(length=8), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("asked_by_user_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decline_reason", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["package_id"], ["package.id"]),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"]),
        sa.ForeignKeyConstraint(["asked_by_user_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["answered_by_user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("time_bank_request", schema=None) as batch_op:
        batch_op.create_index("ix_time_bank_request_package_id", ["package_id"], unique=False)
        batch_op.create_index("ix_time_bank_request_status", ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("time_bank_request", schema=None) as batch_op:
        batch_op.drop_index("ix_time_bank_request_status")
        batch_op.drop_index("ix_time_bank_request_package_id")
    op.drop_table("time_bank_request")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        for column, _ in reversed(REFERENCES):
            batch_op.drop_column(column)
        batch_op.drop_column("preference_reason")
