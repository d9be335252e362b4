"""The rounds page's words about a day: a distinct colour for each of 60 rounds, and why
each late visit is late, worked out from the saved round's own times."""

from __future__ import annotations

from datetime import datetime

from homecare.calendar import LONDON
from homecare.rounds.schemas import RoundRead, StopRead
from homecare.web.rounds_day import late_reason, late_visits, round_colour, summaries

DAY = datetime(2026, 12, 7, tzinfo=LONDON)


def at(hour: int, minute: int = 0) -> datetime:
    return DAY.replace(hour=hour, minute=minute)


def stop(
    sequence: int,
    name: str,
    start: datetime,
    window: tuple[datetime, datetime],
    *,
    minutes: int = 30,
    travel: float = 10.0,
    carers: int = 1,
    partner: int | None = None,
) -> StopRead:
    return StopRead(
        sequence=sequence, person_id=sequence + 1, person_name=name, address="1 Town Street",
        postcode="LS12 1AU", planned_start=start, window_start=window[0], window_end=window[1],
        minutes=minutes, travel_minutes=travel, carers=carers, partner_care_worker_id=partner,
        latitude=53.79, longitude=-1.59,
    )  # fmt: skip


def a_round(stops: list[StopRead], *, worker: int = 1, name: str = "Amina Patel") -> RoundRead:
    return RoundRead(
        id=worker, care_worker_id=worker, care_worker_name=name, day=DAY.date(),
        shift_start=at(7), shift_end=at(14), break_start=None, break_minutes=0,
        travel_mode="walk", travel_minutes=sum(s.travel_minutes for s in stops),
        contact_minutes=sum(s.minutes for s in stops), stops=stops,
    )  # fmt: skip


def test_sixty_rounds_get_sixty_different_colours() -> None:
    assert len({round_colour(index) for index in range(60)}) == 60


def test_a_visit_late_because_of_the_one_before_names_it_and_the_travel() -> None:
    # Mrs Holroyd 9:00-9:45; 15 minutes' walk; Mr Khan's window closes 9:30, so he is
    # reached at 10:00: 30 minutes late.
    r = a_round(
        [
            stop(0, "Margaret Holroyd", at(9), (at(8, 30), at(9, 30)), minutes=45),
            stop(1, "Imran Khan", at(10), (at(9), at(9, 30)), travel=15),
        ]
    )
    assert late_reason(r, 1, {}) == (
        "Amina comes from Margaret Holroyd's visit, which ends at 9:45am, "
        "and needs 15 minutes to get there"
    )
    [late] = late_visits([r])
    assert (late.person, late.minutes_late, late.window) == ("Imran Khan", 30, "9am to 9:30am")


def test_a_first_visit_late_because_the_shift_starts_says_so() -> None:
    # Shift at 7:00, 10 minutes' walk: 7:10 is the soonest, the window closed at 7:05.
    r = a_round([stop(0, "Joan Ward", at(7, 10), (at(6, 30), at(7, 5)))])
    assert late_reason(r, 0, {}) == "Amina's shift starts at 7am, 10 minutes away"


def test_a_two_handed_visit_that_waits_for_its_second_carer_names_them() -> None:
    # Amina could arrive at 9:40 (9:00 + 30 + 10), but the visit starts at 10:15 when
    # Ben Ryan, the second carer, gets there.
    r = a_round(
        [
            stop(0, "Joan Ward", at(9), (at(8, 30), at(9, 30))),
            stop(1, "Peter Lund", at(10, 15), (at(9), at(10)), carers=2, partner=2),
        ]
    )
    reason = late_reason(r, 1, {2: "Ben Ryan"})
    assert reason == "It waits for the second carer, Ben Ryan, who cannot be there sooner"


def test_visits_on_time_are_not_listed_and_the_summary_counts_the_late() -> None:
    r = a_round(
        [
            stop(0, "Joan Ward", at(9), (at(8, 30), at(9, 30))),
            stop(1, "Imran Khan", at(9, 40), (at(9), at(9, 35))),
        ]
    )
    # 9:40 against 9:35: 5 minutes late; 9:00 inside its window.
    assert [v.person for v in late_visits([r])] == ["Imran Khan"]
    [summary] = summaries([r])
    assert (summary.visits, summary.late, summary.travel_minutes) == (2, 1, 20)
