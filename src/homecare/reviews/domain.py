"""Review rules in pure Python: when reviews fall due, valid ratings, progress, connections.

People rate three domains of their lives from 1 to 5 at every review, on the council's
Outcomes Tool (000 §37): My Well-being and Independence, My Home and My Community.
Measure 12 of Appendix 2 counts people who feel they have made progress since they were
last reviewed, so progress is each domain's change since the last rating given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from homecare.calendar import add_working_days
from homecare.errors import InvalidInput

DOMAINS = ("wellbeing", "home", "community")
"""My Well-being and Independence, My Home, My Community."""
LOWEST, HIGHEST = 1, 5
AFTER_HOSPITAL_WORKING_DAYS = 3
"""A review after a hospital stay is due within three working days of discharge."""


class ReviewKind(StrEnum):
    FIRST = "first"
    SCHEDULED = "scheduled"
    AFTER_HOSPITAL = "after_hospital"


class ConnectionKind(StrEnum):
    FAMILY = "family"
    FRIEND = "friend"
    NEIGHBOUR = "neighbour"
    GROUP = "group"
    FAITH = "faith"
    OTHER = "other"


class HowOften(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    RARELY = "rarely"


@dataclass(frozen=True)
class Rating:
    """One review's answers; all three are empty when the person opted out."""

    wellbeing: int | None
    home: int | None
    community: int | None
    opted_out: bool = False

    def value(self, domain: str) -> int | None:
        score: int | None = getattr(self, domain)
        return score


Progress = dict[str, int | None]
"""Per domain: the change since the last rating (+1, 0, -2), or None with nothing to compare."""


def first_review_due(starts_on: date, first_review_weeks: int) -> date:
    return starts_on + timedelta(weeks=first_review_weeks)


def next_review_due(last_done_on: date, review_interval_weeks: int) -> date:
    return last_done_on + timedelta(weeks=review_interval_weeks)


def after_hospital_due(discharged_on: date) -> date:
    """Three working days after discharge: weekends and England's bank holidays skipped."""
    return add_working_days(discharged_on, AFTER_HOSPITAL_WORKING_DAYS)


def is_overdue(due_on: date, done_on: date | None, today: date) -> bool:
    return done_on is None and due_on < today


def check_ratings(ratings: Mapping[str, object] | None, *, opted_out: bool) -> Rating:
    """Three whole ratings from 1 to 5, or none at all for someone who opted out.

    A 422 names the field at fault, e.g. `ratings.home`, so the form can point at it.
    """
    given = {k: v for k, v in (ratings or {}).items() if v is not None}
    for key in given:
        if key not in DOMAINS:
            raise InvalidInput(
                f"no domain {key!r}: rate {', '.join(DOMAINS)}", field=f"ratings.{key}"
            )
    if opted_out:
        if given:
            raise InvalidInput(
                "the person opted out of outcomes monitoring, so the review carries no ratings",
                field="ratings",
            )
        return Rating(None, None, None, opted_out=True)
    if not given:
        raise InvalidInput(
            "rate each domain from 1 to 5, or record that the person opted out",
            field="ratings",
        )
    scores: dict[str, int] = {}
    for domain in DOMAINS:
        score = given.get(domain)
        if score is None:
            raise InvalidInput(f"rate {domain} from 1 to 5", field=f"ratings.{domain}")
        if isinstance(score, bool) or not isinstance(score, int):
            raise InvalidInput(f"{domain} is a whole number from 1 to 5", field=f"ratings.{domain}")
        if not LOWEST <= score <= HIGHEST:
            raise InvalidInput(
                f"{domain} is rated from {LOWEST} to {HIGHEST}, not {score}",
                field=f"ratings.{domain}",
            )
        scores[domain] = score
    return Rating(scores["wellbeing"], scores["home"], scores["community"])


def progress_over(history: Sequence[Rating]) -> list[Progress]:
    """For each review in date order, each domain's change since the last rating given.

    An opted-out review has no progress, and is skipped when later reviews look back:
    ratings (3, 3, 3), opted out, (4, 3, 1) give None ×3, None ×3, then +1, 0, -2.
    """
    last: dict[str, int] = {}
    result: list[Progress] = []
    for rating in history:
        if rating.opted_out:
            result.append(dict.fromkeys(DOMAINS))
            continue
        step: Progress = {}
        for domain in DOMAINS:
            score = rating.value(domain)
            before = last.get(domain)
            step[domain] = None if score is None or before is None else score - before
            if score is not None:
                last[domain] = score
        result.append(step)
    return result


def made_progress(progress: Progress) -> bool | None:
    """Measure 12: better in at least one domain; None when there is nothing to compare."""
    known = [p for p in progress.values() if p is not None]
    if not known:
        return None
    return any(p > 0 for p in known)


@dataclass(frozen=True)
class Connection:
    kind: ConnectionKind
    name: str
    how_often: HowOften

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind.value, " ".join(self.name.split()).casefold())


def check_connection(kind: str, name: str, how_often: str, index: int) -> Connection:
    """One social connection from a review, or a 422 naming `social_connections[i].field`."""
    where = f"social_connections[{index}]"
    try:
        parsed_kind = ConnectionKind(kind)
    except ValueError:
        known = ", ".join(k.value for k in ConnectionKind)
        raise InvalidInput(f"kind is one of {known}", field=f"{where}.kind") from None
    try:
        parsed_often = HowOften(how_often)
    except ValueError:
        known = ", ".join(h.value for h in HowOften)
        raise InvalidInput(f"how_often is one of {known}", field=f"{where}.how_often") from None
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > 200:
        raise InvalidInput("name the connection in 1 to 200 characters", field=f"{where}.name")
    return Connection(parsed_kind, cleaned, parsed_often)


@dataclass(frozen=True)
class Recorded:
    """A connection already in the plan, as the store holds it."""

    id: int
    connection: Connection


def reconcile(
    current: Sequence[Recorded], given: Sequence[Connection]
) -> tuple[list[int], list[Connection]]:
    """Which recorded connections end and which are added, when a review lists them anew.

    The review's list is the person's connections now: one that is gone ends, a new one is
    added, and one seen more or less often ends and is added again, so the plan keeps
    how each connection changed over time. Listing the same one twice counts once.
    """
    wanted: dict[tuple[str, str], Connection] = {}
    for connection in given:
        wanted.setdefault(connection.key, connection)
    kept: set[tuple[str, str]] = set()
    ended: list[int] = []
    for recorded in current:
        new = wanted.get(recorded.connection.key)
        if new is not None and new.how_often == recorded.connection.how_often:
            kept.add(recorded.connection.key)
        else:
            ended.append(recorded.id)
    return ended, [c for key, c in wanted.items() if key not in kept]
