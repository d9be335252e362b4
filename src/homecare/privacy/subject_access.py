"""A subject access request (UK GDPR Article 15): everything the platform holds about a person.

What is "about the person" is found the way the purge finds it, by following the store's
foreign keys from the person's row, so a new kind of record joins the export without this
module changing. Added to it: the records of others that name the person (a provider's
complaint or incident log, a survey answer, a family member's account, shown without its
secrets) and the access log of who looked at the person's record. Offers made to providers
that did not take the care are shown without the provider's name: which other businesses
were asked is theirs to tell, not part of the person's record. The export is audited
(`person.subject_access_exported`) and logged as a read of the record.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy.orm import Session

from homecare import audit, schema
from homecare.access import Actor, Permission, require
from homecare.access_log import log_person_read
from homecare.people.repository import load_person
from homecare.privacy.domain import shipped_retention
from homecare.privacy.purge import PurgePlan, follow
from homecare.privacy.repository import organisation_names, rows_of, user_names, who_looked

Format = Literal["json", "csv"]
HIDDEN_COLUMNS = frozenset(
    {"token_sha256", "password_hash", "totp_secret", "oidc_issuer", "oidc_subject", "csrf_token"}
)
"""Secrets of an account, never part of any export."""
NOT_EXPORTED = frozenset({"web_session"})
"""Sign-in sessions of a family account: security records, not the person's care."""


@dataclass(frozen=True)
class SubjectAccess:
    person_id: int
    exported_at: datetime
    records: dict[str, list[dict[str, Any]]]
    """Per kind of record (its table's name), every row held, oldest id first."""


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _hide_other_providers(session: Session, records: dict[str, list[dict[str, Any]]]) -> None:
    providing = {p["provider_id"] for p in records.get("package", [])}
    names = organisation_names(session, providing)
    for offer in records.get("offer", []):
        provider = offer.pop("provider_id")
        offer.pop("contract_id", None)
        offer["provider"] = names.get(provider, "another provider")


def gather(session: Session, *, actor: Actor, at: datetime, person_id: int) -> SubjectAccess:
    """Every record held about the person, with who looked at their record."""
    require(actor, Permission.GOVERN_INFORMATION)
    load_person(session, actor, person_id)
    retention = shipped_retention()
    plan = PurgePlan()
    follow(session, plan, "person", {person_id}, "subject access", retention.unlink)
    tables = schema.metadata.tables
    records: dict[str, list[dict[str, Any]]] = {}
    wanted = {name: set(rows) for name, rows in plan.delete.items() if rows}
    for (name, _column), rows in plan.unlink.items():
        wanted.setdefault(name, set()).update(rows)
    for name in sorted(set(wanted) - NOT_EXPORTED):
        records[name] = [
            {k: _plain(v) for k, v in row.items() if k not in HIDDEN_COLUMNS}
            for row in rows_of(session, tables[name], wanted[name])
        ]
    _hide_other_providers(session, records)
    looked = who_looked(session, actor, person_id)
    names = user_names(session, {r.user_id for r in looked if r.user_id})
    records["record_access"] = [
        {
            "at": r.at.isoformat(),
            "user": names.get(r.user_id, "") if r.user_id else "the platform",
            "organisation_id": r.organisation_id,
            "role": r.role,
            "what": r.what,
            "via": r.via,
        }
        for r in looked
    ]
    return SubjectAccess(person_id=person_id, exported_at=at, records=records)


def export(
    session: Session, *, actor: Actor, at: datetime, person_id: int, format: Format, via: str
) -> bytes:
    """The export as a file (JSON, or a zip of one CSV per kind), audited and logged."""
    found = gather(session, actor=actor, at=at, person_id=person_id)
    content = as_json(found) if format == "json" else as_csv_zip(found)
    log_person_read(session, actor, at, person_id, "subject access export", via)
    audit.record(
        session,
        actor=actor,
        at=at,
        action="person.subject_access_exported",
        entity="person",
        entity_id=person_id,
        format=format,
        records={kind: len(rows) for kind, rows in found.records.items()},
    )
    return content


def as_json(found: SubjectAccess) -> bytes:
    body = {
        "person_id": found.person_id,
        "exported_at": found.exported_at.isoformat(),
        "records": found.records,
    }
    return json.dumps(body, indent=2, ensure_ascii=False).encode()


def as_csv_zip(found: SubjectAccess) -> bytes:
    """One CSV per kind of record, named after it; lists and details as JSON in their cell."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for kind, rows in found.records.items():
            text = io.StringIO()
            columns = list(rows[0]) if rows else []
            writer = csv.DictWriter(text, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow(
                    {
                        k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
                        for k, v in row.items()
                    }
                )
            archive.writestr(f"{kind}.csv", text.getvalue())
    return buffer.getvalue()
