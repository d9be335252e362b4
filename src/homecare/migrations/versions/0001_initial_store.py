"""initial store

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-22 23:03:04.593298
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("ods_code", sa.String(length=16), nullable=True),
        sa.Column("la_code", sa.String(length=16), nullable=True),
        sa.Column("cqc_location_id", sa.String(length=20), nullable=True),
        sa.Column("rating_overall", sa.String(length=24), nullable=True),
        sa.Column("rating_safe", sa.String(length=24), nullable=True),
        sa.Column("rating_effective", sa.String(length=24), nullable=True),
        sa.Column("rating_caring", sa.String(length=24), nullable=True),
        sa.Column("rating_responsive", sa.String(length=24), nullable=True),
        sa.Column("rating_well_led", sa.String(length=24), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("cqc_location_id", name=op.f("uq_organisation_cqc_location_id")),
        sa.UniqueConstraint("name", name=op.f("uq_organisation_name")),
    )
    op.create_table(
        "postcode_point",
        sa.Column("postcode", sa.String(length=8), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("ward_code", sa.String(length=9), nullable=False),
        sa.Column("district_code", sa.String(length=9), nullable=False),
        sa.Column("lsoa_code", sa.String(length=9), nullable=False),
        sa.Column("lsoa_name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("postcode", name=op.f("pk_postcode_point")),
    )
    with op.batch_alter_table("postcode_point", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_postcode_point_district_code"), ["district_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_postcode_point_lsoa_code"), ["lsoa_code"], unique=False
        )

    op.create_table(
        "care_worker",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("contract_type", sa.String(length=24), nullable=False),
        sa.Column("weekly_contracted_minutes", sa.Integer(), nullable=False),
        sa.Column("shift_minutes", sa.Integer(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("travel_mode", sa.String(length=8), nullable=False),
        sa.Column("home_postcode", sa.String(length=8), nullable=False),
        sa.Column("home_latitude", sa.Float(), nullable=False),
        sa.Column("home_longitude", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["organisation.id"],
            name=op.f("fk_care_worker_provider_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_worker")),
    )
    with op.batch_alter_table("care_worker", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_care_worker_provider_id"), ["provider_id"], unique=False
        )

    op.create_table(
        "lot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("required_skills", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["organisation.id"], name=op.f("fk_lot_council_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lot")),
        sa.UniqueConstraint("council_id", "number", name=op.f("uq_lot_council_id")),
    )
    with op.batch_alter_table("lot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lot_council_id"), ["council_id"], unique=False)

    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("recorded_by_org_id", sa.Integer(), nullable=False),
        sa.Column("nhs_number", sa.String(length=10), nullable=False),
        sa.Column("given_name", sa.String(length=100), nullable=False),
        sa.Column("family_name", sa.String(length=100), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("postcode", sa.String(length=8), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("lsoa_code", sa.String(length=9), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("ethnicity", sa.String(length=100), nullable=True),
        sa.Column("consent_by_name", sa.String(length=200), nullable=True),
        sa.Column("consent_by_relationship", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["council_id"], ["organisation.id"], name=op.f("fk_person_council_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_org_id"],
            ["organisation.id"],
            name=op.f("fk_person_recorded_by_org_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("nhs_number", name=op.f("uq_person_nhs_number")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_council_id"), ["council_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_lsoa_code"), ["lsoa_code"], unique=False)

    op.create_table(
        "zone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("city_wide", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["organisation.id"], name=op.f("fk_zone_council_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone")),
        sa.UniqueConstraint("council_id", "name", name=op.f("uq_zone_council_id")),
    )
    with op.batch_alter_table("zone", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_zone_council_id"), ["council_id"], unique=False)

    op.create_table(
        "contract",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("hourly_rate_pence", sa.Integer(), nullable=False),
        sa.Column("weekly_capacity_minutes", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["council_id"], ["organisation.id"], name=op.f("fk_contract_council_id_organisation")
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lot.id"], name=op.f("fk_contract_lot_id_lot")),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["organisation.id"], name=op.f("fk_contract_provider_id_organisation")
        ),
        sa.ForeignKeyConstraint(["zone_id"], ["zone.id"], name=op.f("fk_contract_zone_id_zone")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract")),
    )
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contract_council_id"), ["council_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contract_provider_id"), ["provider_id"], unique=False)

    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("care_worker_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("token_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["care_worker_id"],
            ["care_worker.id"],
            name=op.f("fk_user_account_care_worker_id_care_worker"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_user_account_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_user_account_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("email", name=op.f("uq_user_account_email")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_user_account_token_sha256")),
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_account_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "zone_lsoa",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("lsoa_code", sa.String(length=9), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["organisation.id"], name=op.f("fk_zone_lsoa_council_id_organisation")
        ),
        sa.ForeignKeyConstraint(["zone_id"], ["zone.id"], name=op.f("fk_zone_lsoa_zone_id_zone")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_lsoa")),
        sa.UniqueConstraint("council_id", "lsoa_code", name=op.f("uq_zone_lsoa_council_id")),
    )
    with op.batch_alter_table("zone_lsoa", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_zone_lsoa_zone_id"), ["zone_id"], unique=False)

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_org_id", sa.Integer(), nullable=True),
        sa.Column("actor_role", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_org_id"],
            ["organisation.id"],
            name=op.f("fk_audit_event_actor_org_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["user_account.id"],
            name=op.f("fk_audit_event_actor_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("referrer_org_id", sa.Integer(), nullable=False),
        sa.Column("referred_by_user_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("priority", sa.Boolean(), nullable=False),
        sa.Column("authorised_delay", sa.String(length=300), nullable=True),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("weekly_minutes", sa.Integer(), nullable=False),
        sa.Column("outcomes_sought", sa.JSON(), nullable=False),
        sa.Column("required_start", sa.Date(), nullable=False),
        sa.Column("referred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_reason", sa.String(length=300), nullable=True),
        sa.Column("cascade_round", sa.Integer(), nullable=False),
        sa.Column("cascade_plan", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["organisation.id"], name=op.f("fk_referral_council_id_organisation")
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lot.id"], name=op.f("fk_referral_lot_id_lot")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_referral_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["referred_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_referral_referred_by_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["referrer_org_id"],
            ["organisation.id"],
            name=op.f("fk_referral_referrer_org_id_organisation"),
        ),
        sa.ForeignKeyConstraint(["zone_id"], ["zone.id"], name=op.f("fk_referral_zone_id_zone")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_council_id"), ["council_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_referred_at"), ["referred_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_referral_referrer_org_id"), ["referrer_org_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_referral_status"), ["status"], unique=False)

    op.create_table(
        "offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("cascade_round", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("respond_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("responded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decline_reason", sa.String(length=32), nullable=True),
        sa.Column("decline_note", sa.String(length=500), nullable=True),
        sa.Column("agreed_start", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_offer_contract_id_contract")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["organisation.id"], name=op.f("fk_offer_provider_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_offer_referral_id_referral")
        ),
        sa.ForeignKeyConstraint(
            ["responded_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_offer_responded_by_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer")),
        sa.UniqueConstraint(
            "referral_id", "cascade_round", "provider_id", name=op.f("uq_offer_referral_id")
        ),
    )
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offer_provider_id"), ["provider_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_offer_referral_id"), ["referral_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_offer_respond_by"), ["respond_by"], unique=False)
        batch_op.create_index(batch_op.f("ix_offer_status"), ["status"], unique=False)

    op.create_table(
        "package",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("weekly_minutes", sa.Integer(), nullable=False),
        sa.Column("hourly_rate_pence", sa.Integer(), nullable=False),
        sa.Column("outcomes", sa.JSON(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"], name=op.f("fk_package_contract_id_contract")
        ),
        sa.ForeignKeyConstraint(
            ["council_id"], ["organisation.id"], name=op.f("fk_package_council_id_organisation")
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lot.id"], name=op.f("fk_package_lot_id_lot")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_package_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["organisation.id"], name=op.f("fk_package_provider_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_package_referral_id_referral")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_package")),
        sa.UniqueConstraint("referral_id", name=op.f("uq_package_referral_id")),
    )
    with op.batch_alter_table("package", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_package_council_id"), ["council_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_package_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_package_provider_id"), ["provider_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_package_status"), ["status"], unique=False)

    op.create_table(
        "referral_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.String(length=3), nullable=False),
        sa.Column("band", sa.String(length=8), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("carers", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_referral_visit_referral_id_referral")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_visit")),
        sa.UniqueConstraint(
            "referral_id", "day", "band", name=op.f("uq_referral_visit_referral_id")
        ),
    )
    with op.batch_alter_table("referral_visit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_visit_referral_id"), ["referral_id"], unique=False
        )

    op.create_table(
        "package_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.String(length=3), nullable=False),
        sa.Column("band", sa.String(length=8), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("carers", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_id"], ["package.id"], name=op.f("fk_package_visit_package_id_package")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_package_visit")),
    )
    with op.batch_alter_table("package_visit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_package_visit_package_id"), ["package_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("package_visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_package_visit_package_id"))

    op.drop_table("package_visit")
    with op.batch_alter_table("referral_visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_visit_referral_id"))

    op.drop_table("referral_visit")
    with op.batch_alter_table("package", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_package_status"))
        batch_op.drop_index(batch_op.f("ix_package_provider_id"))
        batch_op.drop_index(batch_op.f("ix_package_person_id"))
        batch_op.drop_index(batch_op.f("ix_package_council_id"))

    op.drop_table("package")
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offer_status"))
        batch_op.drop_index(batch_op.f("ix_offer_respond_by"))
        batch_op.drop_index(batch_op.f("ix_offer_referral_id"))
        batch_op.drop_index(batch_op.f("ix_offer_provider_id"))

    op.drop_table("offer")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_status"))
        batch_op.drop_index(batch_op.f("ix_referral_referrer_org_id"))
        batch_op.drop_index(batch_op.f("ix_referral_referred_at"))
        batch_op.drop_index(batch_op.f("ix_referral_person_id"))
        batch_op.drop_index(batch_op.f("ix_referral_council_id"))

    op.drop_table("referral")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_entity_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_at"))
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))

    op.drop_table("audit_event")
    with op.batch_alter_table("zone_lsoa", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_zone_lsoa_zone_id"))

    op.drop_table("zone_lsoa")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_account_organisation_id"))

    op.drop_table("user_account")
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_provider_id"))
        batch_op.drop_index(batch_op.f("ix_contract_council_id"))

    op.drop_table("contract")
    with op.batch_alter_table("zone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_zone_council_id"))

    op.drop_table("zone")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_lsoa_code"))
        batch_op.drop_index(batch_op.f("ix_person_council_id"))

    op.drop_table("person")
    with op.batch_alter_table("lot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lot_council_id"))

    op.drop_table("lot")
    with op.batch_alter_table("care_worker", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_worker_provider_id"))

    op.drop_table("care_worker")
    with op.batch_alter_table("postcode_point", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_postcode_point_lsoa_code"))
        batch_op.drop_index(batch_op.f("ix_postcode_point_district_code"))

    op.drop_table("postcode_point")
    op.drop_table("organisation")
