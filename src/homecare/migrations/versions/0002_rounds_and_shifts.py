"""rounds and shifts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 00:03:10.458111
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "round_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("optimised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("measures", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["organisation.id"],
            name=op.f("fk_round_plan_provider_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_plan")),
        sa.UniqueConstraint("provider_id", "day", name=op.f("uq_round_plan_provider_id")),
    )
    with op.batch_alter_table("round_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_round_plan_day"), ["day"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_round_plan_provider_id"), ["provider_id"], unique=False
        )

    op.create_table(
        "care_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("care_worker_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("shift_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shift_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("break_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("break_minutes", sa.Integer(), nullable=False),
        sa.Column("travel_mode", sa.String(length=8), nullable=False),
        sa.Column("travel_minutes", sa.Float(), nullable=False),
        sa.Column("contact_minutes", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["care_worker_id"],
            ["care_worker.id"],
            name=op.f("fk_care_round_care_worker_id_care_worker"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["round_plan.id"], name=op.f("fk_care_round_plan_id_round_plan")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["organisation.id"],
            name=op.f("fk_care_round_provider_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_round")),
    )
    with op.batch_alter_table("care_round", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_care_round_care_worker_id"), ["care_worker_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_care_round_day"), ["day"], unique=False)
        batch_op.create_index(batch_op.f("ix_care_round_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_care_round_provider_id"), ["provider_id"], unique=False
        )

    op.create_table(
        "round_stop",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("package_visit_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("planned_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("travel_minutes", sa.Float(), nullable=False),
        sa.Column("carers", sa.Integer(), nullable=False),
        sa.Column("partner_care_worker_id", sa.Integer(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_visit_id"],
            ["package_visit.id"],
            name=op.f("fk_round_stop_package_visit_id_package_visit"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_care_worker_id"],
            ["care_worker.id"],
            name=op.f("fk_round_stop_partner_care_worker_id_care_worker"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_round_stop_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["care_round.id"], name=op.f("fk_round_stop_round_id_care_round")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_stop")),
    )
    with op.batch_alter_table("round_stop", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_round_stop_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_round_stop_round_id"), ["round_id"], unique=False)

    op.create_table(
        "round_unassigned",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("package_visit_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_visit_id"],
            ["package_visit.id"],
            name=op.f("fk_round_unassigned_package_visit_id_package_visit"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_round_unassigned_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["round_plan.id"], name=op.f("fk_round_unassigned_plan_id_round_plan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_unassigned")),
    )
    with op.batch_alter_table("round_unassigned", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_round_unassigned_plan_id"), ["plan_id"], unique=False)

    with op.batch_alter_table("care_worker", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("shift_pattern", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )

    with op.batch_alter_table("package_visit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("required_skill", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("package_visit", schema=None) as batch_op:
        batch_op.drop_column("required_skill")

    with op.batch_alter_table("care_worker", schema=None) as batch_op:
        batch_op.drop_column("shift_pattern")

    with op.batch_alter_table("round_unassigned", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_round_unassigned_plan_id"))

    op.drop_table("round_unassigned")
    with op.batch_alter_table("round_stop", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_round_stop_round_id"))
        batch_op.drop_index(batch_op.f("ix_round_stop_person_id"))

    op.drop_table("round_stop")
    with op.batch_alter_table("care_round", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_round_provider_id"))
        batch_op.drop_index(batch_op.f("ix_care_round_plan_id"))
        batch_op.drop_index(batch_op.f("ix_care_round_day"))
        batch_op.drop_index(batch_op.f("ix_care_round_care_worker_id"))

    op.drop_table("care_round")
    with op.batch_alter_table("round_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_round_plan_provider_id"))
        batch_op.drop_index(batch_op.f("ix_round_plan_day"))

    op.drop_table("round_plan")
