"""The route table as the tenancy battery reads it: which routes take ids, of what kind, and
what a plausible request to each looks like, so that a refusal is the tenancy check's and
not the validator's."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

MISSING = 987654
PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")
SAMPLES = {
    "day": "2026-10-05",
    "file_type": "csv",
    "kind": "bank",
    "action": "check-in",
    "number": "1",
    "rest": "nowhere",
    "comparison": "leicester-in-house",
    "year": "2026",
}
"""Values for path parameters that are not record ids."""

SEGMENT_KIND = {
    "people": "person",
    "refer": "person",
    "referrals": "referral",
    "offers": "offer",
    "packages": "package",
    "visits": "visit",
    "care-workers": "care_worker",
    "hospital-stays": "hospital_stay",
    "community-hours": "community_hours",
    "changes": "change",
    "consent-requests": "consent_request",
    "consent": "consent_request",
    "reviews": "review",
    "rating": "review",
    "organisations": "organisation",
    "zones": "zone",
    "contracts": "contract",
    "rounds": "round",
    "alerts": "alert",
    "ratings": "alert",
    "users": "user",
    "time-bank-requests": "time_bank_request",
    "banked-hours": "time_bank_request",
    "direct-payments": "direct_payment",
    "use-banked-hours": "time_bank_request",
}
"""The path segment before an id, or a list's last segment, and the kind of record it names;
a quality record's segment is its own kind."""

_CONSENT = {
    "consent_by_name": "Ann Shaw",
    "consent_by_relationship": "daughter",
    "consent_method": "in_person",
    "consent_at": "2026-10-05T08:00:00+00:00",
}
BODIES: dict[str, Any] = {
    "/referrals/{referral_id}/withdraw": {"reason": "moved to a direct payment"},
    "/offers/{offer_id}/accept": {"agreed_start": "2026-10-06"},
    "/offers/{offer_id}/decline": {"reason": "no_capacity"},
    "/visits/{visit_id}/carers": {"care_worker_ids": [1]},
    "/care-workers/{care_worker_id}/leaving": {"left_on": "2026-10-30", "reason": "Moving"},
    "/visits/{visit_id}/cancel": {"bank": False},
    "/packages/{package_id}/envelope": {"starts_on": "2026-10-05"},
    "/packages/{package_id}/time-bank/bank": {"minutes": 30},
    "/packages/{package_id}/time-bank-requests": {
        "kind": "extra_visit",
        "day": "2026-10-09",
        "band": "tea",
        "minutes": 30,
    },
    "/time-bank-requests/{request_id}/decline": {"reason": "No carer free then"},
    "/packages/{package_id}/community-hours": {
        "purpose": "Go to the lunch club on her own",
        "place_name": "The lunch club",
        "postcode": "LS12 1AU",
        "day": "wed",
        "band": "lunch",
        "minutes": 90,
        "starts_on": "2026-10-05",
        "ends_on": "2026-11-11",
    },
    "/community-hours/{community_hours_id}/outcome": {
        "outcome": "goes_independently",
        "note": "She now walks there with a neighbour",
    },
    "/packages/{package_id}/hospital-stays": {
        "hospital": "Leeds General Infirmary",
        "admitted_at": "2026-10-05T08:00:00+00:00",
    },
    "/hospital-stays/{stay_id}/discharge": {
        "discharged_at": "2026-10-28T10:00:00+00:00",
        "decision": "resume",
    },
    "/packages/{package_id}/changes": {"to_weekly_minutes": 720, "reason": "Less", **_CONSENT},
    "/changes/{change_id}/decision": {"decision": "approve"},
    "/packages/{package_id}/consent-requests": {"to_weekly_minutes": 700, "reason": "Less"},
    "/consent-requests/{request_id}/answer": {
        "answer": "yes",
        "name": "Ann Shaw",
        "relationship": "daughter",
    },
    "/reviews/{review_id}": {"opted_out": True},
    "/quality/complaints/{complaint_id}/close": {"closed_on": "2026-10-05", "upheld": True},
    "/packages/{package_id}/end": {"last_day": "2026-10-07", "reason": "died"},
    "/packages/{package_id}/extend": {"until": "2026-12-01"},
    "/packages/{package_id}/move": {
        "contract_id": 1,
        "handover_day": "2026-10-08",
        "reason": "persons_choice",
    },
    "/contracts/{contract_id}/rate-changes": {
        "hourly_rate": "27.00",
        "effective_from": "2026-11-02",
        "reason": "Uplift",
    },
    "/contracts/{contract_id}/limit-changes": {"flex_up_percent": 10, "reason": "Review"},
    "/contracts/{contract_id}/extension": {"ends_on": "2031-10-31", "reason": "Option"},
    "/contracts/{contract_id}/termination": {
        "ends_on": "2026-10-30",
        "reason": "Exit",
        "without_notice_reason": "Registration cancelled",
    },
    "/organisations/{organisation_id}/workforce-data-set": {"completed_on": "2026-09-30"},
    "/people/{person_id}/direct-payments": {"weekly_pence": 20000, "starts_on": "2026-10-05"},
    "/direct-payments/{direct_payment_id}/end": {"ends_on": "2026-12-31"},
}
"""A valid body for each API write that takes an id (routes missing here send none)."""

FORM = {
    "reason": "no_capacity",
    "note": "Probing",
    "agreed-start-day": "6",
    "agreed-start-month": "10",
    "agreed-start-year": "2026",
    "decision": "approve",
    "answer": "yes",
    "name": "Ann Shaw",
    "relationship": "daughter",
    "minutes": "30",
    "opted_out": "yes",
}
"""Fields of every page form that takes an id, beside its token."""


@dataclass(frozen=True)
class Route:
    path: str
    method: str
    page: bool


def routes_of(app: FastAPI) -> Iterator[Route]:
    """Every API operation and every page under /app, through included routers too."""

    def walk(routes: list[Any], prefix: str) -> Iterator[Route]:
        for route in routes:
            if hasattr(route, "original_router"):
                yield from walk(route.original_router.routes, prefix + route.include_context.prefix)
                continue
            methods = getattr(route, "methods", None)
            path = prefix + getattr(route, "path", "")
            if not methods or "{rest" in path:
                continue
            page = path.startswith("/app")
            if not page and not getattr(route, "include_in_schema", False):
                continue
            if path in ("/health",):
                continue
            for method in sorted(methods - {"HEAD"}):
                yield Route(path, method, page)

    yield from walk(list(app.routes), "")


def id_params(path: str) -> list[str]:
    return [
        name for (name,) in (m.groups()[:1] for m in PARAM.finditer(path)) if name.endswith("_id")
    ]


def kind_of(path: str) -> str:
    """The kind of record a route's id (or, for a list, its rows) is."""
    segments = path.strip("/").split("/")
    for before, segment in itertools.pairwise(segments):
        if PARAM.fullmatch(segment) and segment[1:-1].split(":")[0].endswith("_id"):
            return SEGMENT_KIND.get(before, before)
    last = [s for s in segments if not PARAM.fullmatch(s)][-1]
    return SEGMENT_KIND.get(last, last)


def fill(path: str, ident: int) -> str:
    """The path with every id set to `ident` and every other parameter to its sample."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(ident) if name.endswith("_id") else SAMPLES[name]

    return PARAM.sub(value, path)


def as_if(text: str, missing: int, ident: int) -> str:
    """A missing record's answer as it would read had it been asked for `ident`."""
    return re.sub(rf"(?<!\d){missing}(?!\d)", str(ident), text)


_TOKENS = re.compile(r'(csrf_token" value="|X-CSRF-Token": "|nonce=")[^"]*')


def same_page(page: str, other: str) -> bool:
    """Two pages alike but for their form tokens and script nonces."""
    return _TOKENS.sub(r"\1", page) == _TOKENS.sub(r"\1", other)
