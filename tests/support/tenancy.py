"""A market of several tenants, each holding records of every kind, for the tenancy battery.

On top of the test world (support/world.py): Bradford gets a market of its own (a lot, a
zone and Calder Care holding its contract), its own commissioner and social worker; Aire,
Kirkstall and Calder each get a care worker and people in their care; two families (Aire's
and Kirkstall's) get accounts; and the referrals, offers, visits, time banks, community
hours, hospital stays, changes, consent requests, reviews and quality records that tie them
together are made through the API, as their owners would make them.

Every record is labelled with whose it is (`Record`), so a probe knows, for each user,
which ids are somebody else's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from homecare.access import SYSTEM_ACTOR, Role
from homecare.accounts.passwords import set_password
from homecare.accounts.service import create_user
from homecare.accounts.tables import UserAccount
from homecare.db import unit_of_work
from homecare.people.tables import Person
from tests.support.bradford import bradford_market, bradford_person, place_in_bradford
from tests.support.caseload import hire_care_worker, place_package
from tests.support.payloads import VALID_NHS_NUMBERS, referral
from tests.support.web_client import PASSWORD
from tests.support.world import ARMLEY_POSTCODE, MONDAY_10AM, World, build_world

LEEDS, BRADFORD = "leeds", "bradford"
AIRE, KIRKSTALL, CALDER = "aire", "kirkstall", "calder"
FAMILY_A, FAMILY_B = "family_a", "family_b"
PROVIDER_NAMES = {AIRE: "Aire Homecare", KIRKSTALL: "Kirkstall Care", CALDER: "Calder Care"}


@dataclass(frozen=True)
class Tenant:
    """Whose view a user has: their council, provider, family, or their NHS trust."""

    council: str
    provider: str | None = None
    family: str | None = None
    trust: bool = False


@dataclass(frozen=True)
class Record:
    """One seeded row and whom it belongs to."""

    kind: str
    id: int
    council: str
    provider: str | None = None
    family: str | None = None
    by_trust: bool = False

    def foreign_to(self, who: Tenant) -> bool:
        """Certainly not this user's to see (records some users may or may not see, such as
        an unplaced referral for a provider never offered it, are left out of both sides)."""
        if who.council != self.council:
            return True
        if who.family is not None:
            return self.family != who.family and (
                self.family is not None or self.provider is not None
            )
        if who.provider is not None:
            return self.provider is not None and self.provider != who.provider
        return False

    def own_to(self, who: Tenant) -> bool:
        """Certainly this user's to see."""
        if who.council != self.council:
            return False
        if who.family is not None:
            return self.family == who.family
        if who.provider is not None:
            return self.provider == who.provider
        if who.trust:
            return self.by_trust
        return True


@dataclass
class Tenancy:
    world: World
    users: dict[str, Tenant] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)
    """Each seeded person's full name, by person id."""

    @property
    def surnames(self) -> dict[int, str]:
        """Each seeded person's family name, unique in the world, by person id."""
        return {pid: name.split()[-1] for pid, name in self.names.items()}

    def add(self, kind: str, ident: int, council: str, **labels: Any) -> int:
        self.records.append(Record(kind, ident, council, **labels))
        return ident

    def of_kind(self, kind: str) -> list[Record]:
        return [r for r in self.records if r.kind == kind]

    def person(self, person_id: int) -> Record:
        return next(r for r in self.records if r.kind == "person" and r.id == person_id)


def _user(
    engine: Engine, tenancy: Tenancy, key: str, who: Tenant, org_id: int, role: Role, **ids: Any
) -> None:
    email = f"{key.replace('_', '.')}@tenancy.example.org"
    with unit_of_work(engine) as s:
        user, token = create_user(
            s,
            actor=SYSTEM_ACTOR,
            at=MONDAY_10AM,
            organisation_id=org_id,
            role=role,
            name=key.replace("_", " ").title(),
            email=email,
            **ids,
        )
        set_password(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, user_id=user.id, password=PASSWORD)
    tenancy.users[key], tenancy.tokens[key], tenancy.emails[key] = who, token, email


def _existing(engine: Engine, tenancy: Tenancy, key: str, who: Tenant, email: str) -> None:
    """A user the test world already made: given a password for the web pages."""
    with unit_of_work(engine) as s:
        user = s.scalars(select(UserAccount).where(UserAccount.email == email)).one()
        set_password(s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, user_id=user.id, password=PASSWORD)
    tenancy.users[key], tenancy.emails[key] = who, email


def build_tenancy(engine: Engine, client: TestClient) -> Tenancy:
    """The test world, then every tenant's users and records (see the module docstring)."""
    world = build_world(engine)
    tenancy = Tenancy(world)
    calder_id = bradford_market(engine, world)
    leeds_staff = Tenant(LEEDS)
    for key in ("commissioner", "broker", "social_worker"):
        tenancy.tokens[f"leeds_{key}"] = world.tokens[key]
        _existing(engine, tenancy, f"leeds_{key}", leeds_staff, f"{key}@example.org")
    tenancy.tokens["nurse"] = world.tokens["nurse"]
    _existing(engine, tenancy, "nurse", Tenant(LEEDS, trust=True), "nurse@example.org")
    for key, name in ((AIRE, "Aire Homecare"), (KIRKSTALL, "Kirkstall Care")):
        tenancy.tokens[key] = world.tokens[name]
        email = f"{name.lower().replace(' ', '.')}@example.org"
        _existing(engine, tenancy, key, Tenant(LEEDS, provider=key), email)
    bradford = Tenant(BRADFORD)
    tenancy.tokens["bradford_broker"] = world.tokens["other_council_broker"]
    _existing(engine, tenancy, "bradford_broker", bradford, "other_council_broker@example.org")
    for key, role in (("commissioner", Role.COMMISSIONER), ("social_worker", Role.SOCIAL_WORKER)):
        _user(engine, tenancy, f"bradford_{key}", bradford, world.other_council_id, role)
    _user(
        engine,
        tenancy,
        CALDER,
        Tenant(BRADFORD, provider=CALDER),
        calder_id,
        Role.PROVIDER_MANAGER,
    )
    _Seeder(engine, client, tenancy).seed()
    return tenancy


class _Seeder:
    """Makes each tenant's records through the API, labelling each as it goes."""

    def __init__(self, engine: Engine, client: TestClient, tenancy: Tenancy) -> None:
        self.engine, self.client, self.t = engine, client, tenancy

    def call(self, who: str, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        response = self.client.request(
            method, path, json=body, headers={"Authorization": f"Bearer {self.t.tokens[who]}"}
        )
        assert response.status_code == status, f"{who} {method} {path}: {response.text}"
        return response.json()

    def seed(self) -> None:
        t, world = self.t, self.t.world
        numbers = iter([*VALID_NHS_NUMBERS, "9990000069", "9990000077", "9990000085"])
        # Two families in Leeds, one in Aire's care and one in Kirkstall's.
        packages: dict[str, int] = {}
        for family, provider, name in (
            (FAMILY_A, AIRE, ("Margaret", "Ackroyd")),
            (FAMILY_B, KIRKSTALL, ("Dorothy", "Bairstow")),
        ):
            placed = place_package(
                self.engine,
                world,
                provider=PROVIDER_NAMES[provider],
                nhs_number=next(numbers),
                consent_by_name="Ann Shaw",
                consent_by_relationship="daughter",
            )
            labels = {"provider": provider, "family": family}
            t.add("person", placed.person_id, LEEDS, **labels)
            packages[provider] = t.add("package", placed.package_id, LEEDS, **labels)
            t.tokens[family] = placed.person_token
            self._name(placed.person_id, *name)  # each placed as "Margaret Holroyd"
        person_id, package_id = place_in_bradford(
            self.engine, world, bradford_person("Winifred", "Calverley", next(numbers))
        )
        t.add("person", person_id, BRADFORD, provider=CALDER)
        packages[CALDER] = t.add("package", package_id, BRADFORD, provider=CALDER)
        t.names[person_id] = "Winifred Calverley"
        self._workers()
        self._reviews()
        self._referrals(numbers)
        for provider, package in packages.items():
            self._package_records(provider, package)
        for provider in (AIRE, CALDER):
            self._quality(provider, packages[provider])
        self._direct_payments(packages)
        self._accounts_for_families()

    def _direct_payments(self, packages: dict[str, int]) -> None:
        """A direct payment in each council, to the person of Aire's and of Calder's care:
        council staff's records, no provider's or family's."""
        for who, provider, council in (
            ("leeds_social_worker", AIRE, LEEDS),
            ("bradford_social_worker", CALDER, BRADFORD),
        ):
            package = next(r for r in self.t.of_kind("package") if r.id == packages[provider])
            person = next(
                r
                for r in self.t.of_kind("person")
                if r.council == council and r.provider == provider and r.family == package.family
            )
            body = {"weekly_pence": 15_000, "starts_on": "2026-10-05"}
            made = self.call(who, "POST", f"/people/{person.id}/direct-payments", body, 201)
            self.t.add("direct_payment", made["id"], council)

    def _name(self, person_id: int, given: str, family: str) -> None:
        with unit_of_work(self.engine) as s:
            person = s.get(Person, person_id)
            assert person is not None
            person.given_name, person.family_name = given, family
        self.t.names[person_id] = f"{given} {family}"

    def _workers(self) -> None:
        t = self.t
        for provider, name in (
            (AIRE, "Aisha Khan"),
            (KIRKSTALL, "Ben Lowe"),
            (CALDER, "Cara Iqbal"),
        ):
            worker = hire_care_worker(
                self.engine, t.world, provider=PROVIDER_NAMES[provider], name=name
            )
            t.add(
                "care_worker", worker.care_worker_id, t.users[provider].council, provider=provider
            )
            key = f"{provider}_carer"
            t.tokens[key] = worker.token
            t.users[key] = Tenant(t.users[provider].council, provider=provider)
            email = f"{name.lower().replace(' ', '.')}.{worker.care_worker_id}@example.org"
            _existing(self.engine, t, key, t.users[key], email)

    def _referrals(self, numbers: Any) -> None:
        """An open offer to Aire; one Aire declined, open with Kirkstall; the nurse's own,
        open with Aire; Bradford's, open with Calder."""
        t = self.t
        made = []
        for who, given, family in (
            ("leeds_social_worker", "Edna", "Armitage"),
            ("leeds_social_worker", "Florence", "Kitson"),
            ("nurse", "Gladys", "Normanton"),
        ):
            extra = {"council_id": t.world.council_id} if who == "nurse" else {}
            person = self.call(
                who,
                "POST",
                "/people",
                {
                    "nhs_number": next(numbers),
                    "given_name": given,
                    "family_name": family,
                    "date_of_birth": "1939-05-06",
                    "address": "20 Town Street, Armley, Leeds",
                    "postcode": ARMLEY_POSTCODE,
                    **extra,
                },
                201,
            )
            t.names[person["id"]] = f"{given} {family}"
            made.append(
                (
                    who,
                    person["id"],
                    self.call(who, "POST", "/referrals", referral(person["id"]), 201),
                )
            )
        (_, p1, r1), (_, p2, r2), (_, p3, r3) = made
        t.add("person", p1, LEEDS, provider=AIRE)
        t.add("referral", r1["id"], LEEDS, provider=AIRE)
        t.add("offer", r1["offers"][0]["id"], LEEDS, provider=AIRE)
        declined = self.call(
            AIRE, "POST", f"/offers/{r2['offers'][0]['id']}/decline", {"reason": "no_capacity"}
        )
        t.add("offer", declined["id"], LEEDS, provider=AIRE)
        t.add("person", p2, LEEDS, provider=KIRKSTALL)
        t.add("referral", r2["id"], LEEDS, provider=KIRKSTALL)
        second = self.call("leeds_broker", "GET", f"/referrals/{r2['id']}")["offers"][-1]
        t.add("offer", second["id"], LEEDS, provider=KIRKSTALL)
        t.add("person", p3, LEEDS, provider=AIRE, by_trust=True)
        t.add("referral", r3["id"], LEEDS, provider=AIRE, by_trust=True)
        t.add("offer", r3["offers"][0]["id"], LEEDS, provider=AIRE, by_trust=True)
        body = bradford_person("Harold", "Thornton", next(numbers))
        person = self.call("bradford_social_worker", "POST", "/people", body, 201)
        t.names[person["id"]] = "Harold Thornton"
        r4 = self.call("bradford_social_worker", "POST", "/referrals", referral(person["id"]), 201)
        t.add("person", person["id"], BRADFORD, provider=CALDER)
        t.add("referral", r4["id"], BRADFORD, provider=CALDER)
        t.add("offer", r4["offers"][0]["id"], BRADFORD, provider=CALDER)

    def _package_records(self, provider: str, package_id: int) -> None:
        t = self.t
        package = next(r for r in t.records if r.kind == "package" and r.id == package_id)
        labels = {"provider": provider, "family": package.family}
        council = package.council
        self.call(
            provider, "POST", "/visits/generate", {"start": "2026-10-05", "end": "2026-10-11"}
        )
        visits = self.call(provider, "GET", "/visits")
        worker = next(r for r in t.of_kind("care_worker") if r.provider == provider)
        self.call(
            provider, "PUT", f"/visits/{visits[0]['id']}/carers", {"care_worker_ids": [worker.id]}
        )
        for visit in visits[:3]:
            t.add("visit", visit["id"], council, **labels)
        self.call(
            provider, "POST", f"/packages/{package_id}/envelope", {"starts_on": "2026-10-05"}, 201
        )
        asked = self.call(
            provider,
            "POST",
            f"/packages/{package_id}/time-bank-requests",
            {"kind": "extra_visit", "day": "2026-10-20", "band": "lunch", "minutes": 30},
            201,
        )
        t.add("time_bank_request", asked["id"], council, **labels)
        hours = self.call(
            provider,
            "POST",
            f"/packages/{package_id}/community-hours",
            {
                "purpose": "Go to the lunch club on her own",
                "place_name": "The lunch club",
                "postcode": ARMLEY_POSTCODE,
                "day": "wed",
                "band": "lunch",
                "minutes": 90,
                "starts_on": "2026-10-05",
                "ends_on": "2026-11-11",
            },
            201,
        )
        t.add("community_hours", hours["id"], council, **labels)
        if provider == AIRE:
            change = self.call(
                provider,
                "POST",
                f"/packages/{package_id}/changes",
                {
                    "to_weekly_minutes": 780,
                    "reason": "Mornings now take less time",
                    "consent_by_name": "Ann Shaw",
                    "consent_by_relationship": "daughter",
                    "consent_method": "in_person",
                    "consent_at": "2026-10-05T08:00:00+00:00",
                },
                201,
            )
            t.add("change", change["id"], council, **labels)
        else:  # one change at a time: the others ask the family's consent first
            asked = self.call(
                provider,
                "POST",
                f"/packages/{package_id}/consent-requests",
                {"to_weekly_minutes": 750, "reason": "Bed calls now take less time"},
                201,
            )
            t.add("consent_request", asked["id"], council, **labels)
        stay = self.call(
            provider,
            "POST",
            f"/packages/{package_id}/hospital-stays",
            {
                "hospital": "St James's University Hospital",
                "admitted_at": "2026-10-05T08:30:00+00:00",
            },
            201,
        )
        t.add("hospital_stay", stay["id"], council, **labels)

    def _quality(self, provider: str, package_id: int) -> None:
        from tests.support.tenancy_quality import quality_bodies

        t = self.t
        package = next(r for r in t.records if r.kind == "package" and r.id == package_id)
        worker = next(r for r in t.of_kind("care_worker") if r.provider == provider)
        person = next(
            r for r in t.of_kind("person") if r.provider == provider and r.family == package.family
        )
        for kind, body in quality_bodies(worker.id, person.id, package_id).items():
            made = self.call(provider, "POST", f"/quality/{kind}", body, 201)
            t.add(kind, made["id"], package.council, provider=provider)

    def _reviews(self) -> None:
        """The first review falls due on every package (before any goes into hospital)."""
        t = self.t
        for who in ("leeds_social_worker", "bradford_social_worker"):
            self.call(who, "POST", "/reviews/due")
        for package in t.of_kind("package"):
            owner = package.provider
            assert owner is not None
            reviews = self.call(owner, "GET", f"/reviews?package_id={package.id}")
            assert reviews, f"no review fell due on package {package.id}"
            for review in reviews:
                t.add(
                    "review", review["id"], package.council, provider=owner, family=package.family
                )

    def _accounts_for_families(self) -> None:
        """The families get web passwords."""
        t = self.t
        for family in (FAMILY_A, FAMILY_B):
            person = next(r for r in t.of_kind("person") if r.family == family)
            with unit_of_work(self.engine) as s:
                user = s.scalars(
                    select(UserAccount).where(UserAccount.person_id == person.id)
                ).one()
                set_password(
                    s, actor=SYSTEM_ACTOR, at=MONDAY_10AM, user_id=user.id, password=PASSWORD
                )
                t.emails[family] = user.email
            t.users[family] = Tenant(LEEDS, provider=None, family=family)
