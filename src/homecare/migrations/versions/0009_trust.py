"""trust: disabled accounts, authenticator codes, single sign-on, throttling, store marks,
and the log of who read whose record

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 01:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("oidc_issuer", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("oidc_subject", sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint(
            "uq_user_account_oidc_identity", ["oidc_issuer", "oidc_subject"]
        )
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "awaiting_second_factor",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )
    op.create_table(
        "sign_in_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("account_digest", sa.String(length=64), nullable=False),
        sa.Column("address_digest", sa.String(length=64), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_attempt")),
    )
    op.create_index("ix_sign_in_attempt_account_at", "sign_in_attempt", ["account_digest", "at"])
    op.create_index("ix_sign_in_attempt_address_at", "sign_in_attempt", ["address_digest", "at"])
    op.create_table(
        "store_mark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("made_by", sa.String(length=64), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_store_mark")),
    )
    op.create_table(
        "record_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.String(length=64), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_record_access_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_access")),
    )
    op.create_index("ix_record_access_person_at", "record_access", ["person_id", "at"])
    op.create_index("ix_record_access_user_at", "record_access", ["user_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_record_access_user_at", table_name="record_access")
    op.drop_index("ix_record_access_person_at", table_name="record_access")
    op.drop_table("record_access")
    op.drop_table("store_mark")
    op.drop_index("ix_sign_in_attempt_address_at", table_name="sign_in_attempt")
    op.drop_index("ix_sign_in_attempt_account_at", table_name="sign_in_attempt")
    op.drop_table("sign_in_attempt")
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.drop_column("awaiting_second_factor")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint("uq_user_account_oidc_identity", type_="unique")
        batch_op.drop_column("oidc_subject")
        batch_op.drop_column("oidc_issuer")
        batch_op.drop_column("totp_secret")
        batch_op.drop_column("disabled_at")
