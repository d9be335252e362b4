"""The purge removes exactly what is past retention, with what hangs off it, in one go,
leaves a tombstone per deleted row, and a second run changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, func, select, table, text, update
from typer.testing import CliRunner

from homecare import audit
from homecare.access import SYSTEM_ACTOR
from homecare.access_log import log_person_read
from homecare.accounts.tables import SignInAttempt, UserAccount
from homecare.audit import REMOVED, AuditEvent
from homecare.cli import app
from homecare.db import unit_of_work
from homecare.delivery.schedule import generate_visits
from homecare.packages.tables import Package
from homecare.privacy.purge import purge
from homecare.timebank.service import open_envelope
from tests.support.caseload import place_package
from tests.support.world import MONDAY_10AM, World

PERSON_TREE = ("person", "package", "package_visit", "visit", "time_bank_account")
ENDED = date(2027, 3, 31)
# Care ended 31 March 2027: kept 8 years, through 31 March 2035; past it on 1 April 2035.
LAST_KEPT_DAY = date(2035, 3, 31)
FIRST_PAST_DAY = date(2035, 4, 1)


def _counts(engine: Engine) -> dict[str, int]:
    names = (*PERSON_TREE, "sign_in_attempt", "audit_event", "record_access", "user_account")
    with engine.connect() as conn:
        return {
            name: int(conn.scalar(select(func.count()).select_from(table(name))) or 0)
            for name in names
        }


def _a_person_whose_care_ended_and_one_still_cared_for(engine: Engine, world: World) -> int:
    ended = place_package(engine, world, nhs_number="9990000018")
    place_package(engine, world, nhs_number="9990000026")
    with unit_of_work(engine) as s:
        open_envelope(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            package_id=ended.package_id,
            starts_on=date(2026, 10, 5),
        )
        generate_visits(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            start=date(2026, 10, 5),
            end=date(2026, 10, 11),
        )
        s.execute(update(Package).where(Package.id == ended.package_id).values(ends_on=ENDED))
        log_person_read(s, SYSTEM_ACTOR, MONDAY_10AM, ended.person_id, "person", "cli")
        for days_ago in (10, 100):
            s.add(
                SignInAttempt(
                    at=datetime(2035, 4, 1, 12, tzinfo=UTC) - timedelta(days=days_ago),
                    account_digest="a" * 64,
                    address_digest="b" * 64,
                    succeeded=False,
                )
            )
    return ended.person_id


def test_nothing_goes_on_the_last_day_a_record_is_kept_and_a_dry_run_changes_nothing(
    engine: Engine, world: World
) -> None:
    _a_person_whose_care_ended_and_one_still_cared_for(engine, world)
    before = _counts(engine)

    with unit_of_work(engine) as s:
        kept = purge(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, as_at=LAST_KEPT_DAY)
    with unit_of_work(engine) as s:
        would = purge(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, as_at=FIRST_PAST_DAY, dry_run=True)

    assert "person" not in kept.deleted_counts()
    assert would.deleted_counts()["person"] == 1
    # On the care record's last kept day only the sign-in attempt 100 days before and the
    # read of 5 October 2026 (kept through 5 October 2034) went, with a tombstone each.
    assert _counts(engine) == {
        **before,
        "sign_in_attempt": before["sign_in_attempt"] - 1,
        "record_access": before["record_access"] - 1,
        "audit_event": before["audit_event"] + 2,
    }


def test_a_person_past_retention_goes_with_everything_hanging_off_them_and_only_them(
    engine: Engine, world: World
) -> None:
    person_id = _a_person_whose_care_ended_and_one_still_cared_for(engine, world)
    before = _counts(engine)

    with unit_of_work(engine) as s:
        plan = purge(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, as_at=FIRST_PAST_DAY)
    after = _counts(engine)
    deleted = plan.deleted_counts()
    with unit_of_work(engine) as s:
        tombstones = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "record.purged")))
        family = s.scalars(
            select(UserAccount).where(UserAccount.email.like(f"family-{person_id}-%"))
        ).one()

    assert deleted["person"] == 1 and deleted["package"] == 1
    assert deleted["visit"] == 14 and deleted["package_visit"] == 14
    assert deleted["time_bank_account"] == 1
    assert deleted["sign_in_attempt"] == 1 and deleted["record_access"] == 1
    for name in PERSON_TREE:
        assert after[name] == before[name] - deleted[name], name
    assert len(tombstones) == sum(deleted.values())
    assert {(t.entity, t.entity_id) for t in tombstones} >= {("person", person_id)}
    assert all(set(t.detail) == {"rule"} for t in tombstones)
    assert family.person_id is None
    assert plan.unlinked_counts() == {"user_account.person_id": 1}


def test_a_second_purge_deletes_nothing_and_writes_nothing(engine: Engine, world: World) -> None:
    _a_person_whose_care_ended_and_one_still_cared_for(engine, world)
    with unit_of_work(engine) as s:
        purge(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, as_at=FIRST_PAST_DAY)
    once = _counts(engine)

    with unit_of_work(engine) as s:
        again = purge(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, as_at=FIRST_PAST_DAY)

    assert again.deleted_counts() == {} and again.unlinked_counts() == {}
    assert _counts(engine) == once


def test_the_command_purges_as_at_a_day_and_says_what_went(
    engine: Engine, world: World, db_url: str
) -> None:
    _a_person_whose_care_ended_and_one_still_cared_for(engine, world)
    runner = CliRunner()
    args = ["privacy", "purge", "--as-at", FIRST_PAST_DAY.isoformat(), "--database-url", db_url]

    dry = runner.invoke(app, [*args, "--dry-run"])
    done = runner.invoke(app, args)
    again = runner.invoke(app, args)

    assert dry.exit_code == 0 and "Would delete 1 person rows." in dry.output, dry.output
    assert "Would remove personal details from 1 earlier audit rows." in dry.output
    assert "Removed personal details from 1 earlier audit rows." in done.output
    assert "Deleted 1 person rows." in done.output, done.output
    assert "Nothing is past retention" in again.output, again.output
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM person")) == 1


# --- the audit trail of a purged person ---------------------------------------------------


def _audit_rows(engine: Engine) -> list[tuple[int, str, str, int, dict[str, object]]]:
    with unit_of_work(engine) as s:
        rows = s.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(r.id, r.action, r.entity, r.entity_id, dict(r.detail)) for r in rows]


def _audit_text(engine: Engine) -> str:
    return " ".join(repr(detail) for *_, detail in _audit_rows(engine))


def _told_about(engine: Engine, person_id: int, package_id: int, nhs_number: str) -> None:
    """Audit rows that repeat what a user typed about the person: their name, NHS number,
    address and a note, beside plain figures."""
    with unit_of_work(engine) as s:
        audit.record(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            action="person.details_checked",
            entity="person",
            entity_id=person_id,
            given_name="Margaret",
            family_name="Holroyd",
            nhs_number=nhs_number,
            address="14 Town Street, Armley, Leeds",
            council_id=7,
        )
        audit.record(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            action="time_bank.banked",
            entity="package",
            entity_id=package_id,
            minutes=60,
            note="Margaret Holroyd's daughter visits on Sunday",
        )


def test_the_purge_removes_a_person_s_name_and_nhs_number_from_the_audit_trail(
    engine: Engine, world: World
) -> None:
    person_id = _a_person_whose_care_ended_and_one_still_cared_for(engine, world)
    with unit_of_work(engine) as s:
        package_id = s.scalars(select(Package.id).where(Package.person_id == person_id)).one()
    _told_about(engine, person_id, package_id, "9990000018")
    before = _audit_rows(engine)

    with unit_of_work(engine) as s:
        would = purge(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, as_at=FIRST_PAST_DAY, dry_run=True)
    unchanged = _audit_rows(engine)
    with unit_of_work(engine) as s:
        done = purge(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, as_at=FIRST_PAST_DAY)
    after = {row[0]: row for row in _audit_rows(engine)}

    # Three rows held personal values: the two above and 'person.recorded' (the area, lsoa).
    assert would.scrubbed_count() == done.scrubbed_count() == 3
    assert unchanged == before
    text = _audit_text(engine)
    for told in ("9990000018", "Margaret", "Holroyd", "Town Street", "daughter"):
        assert told not in text, told
    checked = next(r for r in before if r[1] == "person.details_checked")
    banked = next(r for r in before if r[1] == "time_bank.banked")
    assert after[checked[0]] == (
        *checked[:4],
        {
            "given_name": REMOVED,
            "family_name": REMOVED,
            "nhs_number": REMOVED,
            "address": REMOVED,
            "council_id": 7,
        },
    )
    assert after[banked[0]] == (*banked[:4], {"minutes": 60, "note": REMOVED})


def test_a_cared_for_person_s_audit_values_stay_and_a_second_purge_changes_no_row(
    engine: Engine, world: World
) -> None:
    person_id = _a_person_whose_care_ended_and_one_still_cared_for(engine, world)
    with unit_of_work(engine) as s:
        kept = s.scalars(select(Package).where(Package.person_id != person_id)).one()
    _told_about(engine, kept.person_id, kept.id, "9990000026")
    with unit_of_work(engine) as s:
        purge(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, as_at=FIRST_PAST_DAY)
    once = _audit_rows(engine)

    with unit_of_work(engine) as s:
        again = purge(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, as_at=FIRST_PAST_DAY)

    assert again.scrubbed_count() == 0
    assert _audit_rows(engine) == once
    assert "9990000026" in _audit_text(engine) and "daughter" in _audit_text(engine)
