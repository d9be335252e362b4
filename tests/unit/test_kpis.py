"""KPIs 1-4 from brokerage timestamps, with the contract's limitations."""

from __future__ import annotations

from datetime import date, datetime

from homecare.brokerage.kpi_rules import ReferralFacts, by_provider, compute_kpis, exhausted_at
from homecare.calendar import LONDON

MON = datetime(2026, 10, 5, 10, 0, tzinfo=LONDON)
AS_OF = datetime(2026, 10, 31, 23, 0, tzinfo=LONDON)


def fact(ident: int, **kw: object) -> ReferralFacts:
    base: dict[str, object] = dict(
        referral_id=ident,
        referred_at=MON,
        priority=False,
        authorised_delay=False,
        lot="Lot 1",
        status="placed",
        agreed_at=datetime(2026, 10, 5, 12, 0, tzinfo=LONDON),
        start_on=date(2026, 10, 6),
        provider="Aire",
    )
    base.update(kw)
    return ReferralFacts(**base)  # type: ignore[arg-type]


def kpi(results: dict, number: int):  # type: ignore[no-untyped-def,type-arg]
    return next(r for r in results["all"] if r.number == number)


def test_a_placement_agreed_the_next_working_day_after_the_referral_time_misses_kpi_2() -> None:
    late = fact(1, agreed_at=datetime(2026, 10, 6, 10, 30, tzinfo=LONDON))
    on_time = fact(2, agreed_at=datetime(2026, 10, 6, 9, 30, tzinfo=LONDON))
    result = kpi(compute_kpis([late, on_time], AS_OF), 2)
    assert (result.met_count, result.eligible_count, result.missed_referral_ids) == (1, 2, [1])
    assert result.value_pct == 50.0 and result.met is False


def test_a_referral_with_an_authorised_delay_is_left_out_of_kpis_2_and_3() -> None:
    delayed = fact(1, authorised_delay=True, start_on=date(2026, 10, 20))
    results = compute_kpis([delayed], AS_OF)
    assert kpi(results, 2).eligible_count == 0
    assert kpi(results, 3).eligible_count == 0
    assert kpi(results, 1).met_count == 1


def test_a_standard_start_on_the_third_day_is_within_72_hours() -> None:
    third_day = fact(1, start_on=date(2026, 10, 8))
    fourth_day = fact(2, start_on=date(2026, 10, 9))
    result = kpi(compute_kpis([third_day, fourth_day], AS_OF), 3)
    assert result.missed_referral_ids == [2]


def test_priority_referrals_count_only_for_kpi_4_among_the_timeliness_kpis() -> None:
    priority = fact(1, priority=True, start_on=date(2026, 10, 8))
    results = compute_kpis([priority], AS_OF)
    assert kpi(results, 2).eligible_count == 0
    assert kpi(results, 3).eligible_count == 0
    assert kpi(results, 4).missed_referral_ids == [1]


def test_a_referral_still_being_offered_is_pending_not_missed_until_its_deadline() -> None:
    just_in = fact(
        1,
        referred_at=datetime(2026, 10, 31, 9, 0, tzinfo=LONDON),
        status="offered",
        agreed_at=None,
        start_on=None,
        provider=None,
    )
    results = compute_kpis([just_in], AS_OF)
    assert all(r.eligible_count == 0 for r in results["all"])


def test_a_referral_every_provider_turned_down_misses_conversion() -> None:
    exhausted = fact(1, status="exhausted", agreed_at=None, start_on=None, provider=None)
    result = kpi(compute_kpis([exhausted], AS_OF), 1)
    assert result.missed_referral_ids == [1]


def test_withdrawn_referrals_count_for_no_kpi() -> None:
    withdrawn = fact(1, status="withdrawn", agreed_at=None, start_on=None, provider=None)
    assert all(r.eligible_count == 0 for r in compute_kpis([withdrawn], AS_OF)["all"])


def test_unplaced_referrals_are_grouped_apart_when_split_by_provider() -> None:
    exhausted = fact(1, status="exhausted", agreed_at=None, start_on=None, provider=None)
    results = compute_kpis([exhausted, fact(2)], AS_OF, by_provider)
    assert sorted(results) == ["Aire", "unplaced"]


def test_with_no_referrals_the_kpis_have_no_value_rather_than_zero() -> None:
    results = compute_kpis([], AS_OF)
    assert [r.value_pct for r in results["all"]] == [None, None, None, None]


def test_the_first_round_ends_at_its_last_answer_and_only_once_no_provider_holds_it() -> None:
    # Referred Monday 10:00; Aire declined at 11:00, Bramley let it lapse at 13:00.
    declined = datetime(2026, 10, 5, 11, 0, tzinfo=LONDON)
    lapsed = datetime(2026, 10, 5, 13, 0, tzinfo=LONDON)

    assert exhausted_at(MON, "exhausted", 1, [declined, lapsed]) == lapsed
    assert exhausted_at(MON, "offered", 2, [declined, lapsed]) == lapsed
    assert exhausted_at(MON, "awaiting_offer", 1, []) == MON
    assert exhausted_at(MON, "offered", 1, [declined]) is None
    assert exhausted_at(MON, "placed", 1, [declined]) is None


def test_re_offering_a_referral_every_provider_declined_keeps_its_kpi_1_miss() -> None:
    # Every provider declined by 13:00 Monday; the broker's new round at 14:00 put it to
    # a provider again (status offered), and one even took it in round two: the miss
    # stays, as a new round is a new attempt for the same referral.
    ended = datetime(2026, 10, 5, 13, 0, tzinfo=LONDON)
    re_offered = fact(1, status="offered", agreed_at=None, start_on=None, exhausted_at=ended)
    taken_later = fact(2, exhausted_at=ended)
    placed_first_time = fact(3)

    result = kpi(compute_kpis([re_offered, taken_later, placed_first_time], AS_OF), 1)

    assert (result.met_count, result.eligible_count) == (1, 3)
    assert result.missed_referral_ids == [1, 2]


def test_before_its_first_round_ended_a_referral_is_still_pending_for_kpi_1() -> None:
    ended = datetime(2026, 10, 5, 13, 0, tzinfo=LONDON)
    before = datetime(2026, 10, 5, 12, 0, tzinfo=LONDON)
    re_offered = fact(1, status="offered", agreed_at=None, start_on=None, exhausted_at=ended)

    assert kpi(compute_kpis([re_offered], before), 1).eligible_count == 0
