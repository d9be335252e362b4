"""The documented offer order (ADR 0004), without a database.

The zone's primary provider first; then the framework by quality rating (overall, then
the sum over the five key questions), then more spare weekly capacity, then the lower
hourly rate; each provider once, under its best contract.
"""

from __future__ import annotations

import itertools
import random

from hypothesis import given
from hypothesis import strategies as st

from homecare.market.domain import (
    KEY_QUESTIONS,
    RATING_SCORE,
    Candidate,
    ContractRole,
    CqcRating,
    Ratings,
    cascade_order,
)

PRIMARY, FRAMEWORK = ContractRole.PRIMARY, ContractRole.FRAMEWORK
OUTSTANDING, GOOD = CqcRating.OUTSTANDING, CqcRating.GOOD
REQUIRES_IMPROVEMENT, INADEQUATE = CqcRating.REQUIRES_IMPROVEMENT, CqcRating.INADEQUATE
NOT_RATED = CqcRating.NOT_RATED

_contract_ids = itertools.count(1)


def _ratings(overall: CqcRating, key: CqcRating = GOOD, **questions: CqcRating) -> Ratings:
    return Ratings(overall=overall, **{q: questions.get(q, key) for q in KEY_QUESTIONS})


def _candidate(
    provider_id: int,
    *,
    role: ContractRole = FRAMEWORK,
    ratings: Ratings | None = None,
    spare_hours: int = 100,
    rate_pence: int = 2500,
    contract_id: int | None = None,
) -> Candidate:
    return Candidate(
        provider_id=provider_id,
        contract_id=contract_id if contract_id is not None else next(_contract_ids),
        role=role,
        ratings=ratings or _ratings(GOOD),
        spare_weekly_minutes=spare_hours * 60,
        hourly_rate_pence=rate_pence,
    )


def _providers(ordered: list[Candidate]) -> list[int]:
    return [c.provider_id for c in ordered]


# --- examples ----------------------------------------------------------------------------


def test_nobody_to_ask_gives_an_empty_order() -> None:
    assert cascade_order([]) == []


def test_the_primary_comes_first_however_it_compares_with_the_framework() -> None:
    primary = _candidate(
        9, role=PRIMARY, ratings=_ratings(INADEQUATE, INADEQUATE), spare_hours=0, rate_pence=9000
    )
    framework = [
        _candidate(1, ratings=_ratings(OUTSTANDING, OUTSTANDING), spare_hours=500, rate_pence=1500),
        _candidate(2, ratings=_ratings(GOOD), spare_hours=200),
    ]

    ordered = cascade_order([*framework, primary])

    assert _providers(ordered) == [9, 1, 2]


def test_a_better_overall_rating_beats_more_capacity_and_a_lower_rate() -> None:
    good = _candidate(1, ratings=_ratings(GOOD), spare_hours=1000, rate_pence=1500)
    outstanding = _candidate(2, ratings=_ratings(OUTSTANDING), spare_hours=1, rate_pence=4000)

    assert _providers(cascade_order([good, outstanding])) == [2, 1]


def test_an_unrated_provider_comes_after_an_inadequate_one() -> None:
    unrated = _candidate(1, ratings=_ratings(NOT_RATED, NOT_RATED), spare_hours=900)
    inadequate = _candidate(2, ratings=_ratings(INADEQUATE, INADEQUATE), spare_hours=1)

    assert _providers(cascade_order([unrated, inadequate])) == [2, 1]


def test_the_key_questions_break_a_tie_on_the_overall_rating() -> None:
    plain = _candidate(1, ratings=_ratings(GOOD), spare_hours=900, rate_pence=1500)
    caring_outstanding = _candidate(
        2, ratings=_ratings(GOOD, caring=OUTSTANDING), spare_hours=10, rate_pence=3000
    )

    assert _providers(cascade_order([plain, caring_outstanding])) == [2, 1]


def test_the_key_questions_never_outweigh_the_overall_rating() -> None:
    outstanding_but_weak = _candidate(1, ratings=_ratings(OUTSTANDING, REQUIRES_IMPROVEMENT))
    good_but_strong = _candidate(2, ratings=_ratings(GOOD, OUTSTANDING))

    assert _providers(cascade_order([good_but_strong, outstanding_but_weak])) == [1, 2]


def test_more_spare_capacity_breaks_a_tie_on_quality() -> None:
    less = _candidate(1, spare_hours=100, rate_pence=2000)
    more = _candidate(2, spare_hours=300, rate_pence=2600)

    assert _providers(cascade_order([less, more])) == [2, 1]


def test_a_provider_over_its_capacity_comes_after_one_with_none_spare() -> None:
    over = _candidate(1, spare_hours=-20)
    full = _candidate(2, spare_hours=0)

    assert _providers(cascade_order([over, full])) == [2, 1]


def test_the_lower_rate_breaks_a_tie_on_quality_and_capacity() -> None:
    dear = _candidate(1, rate_pence=2700)
    cheap = _candidate(2, rate_pence=2400)

    assert _providers(cascade_order([dear, cheap])) == [2, 1]


def test_the_provider_id_settles_a_complete_tie_whatever_the_input_order() -> None:
    tied = [_candidate(provider_id) for provider_id in (7, 3, 5)]

    assert _providers(cascade_order(tied)) == [3, 5, 7]
    assert _providers(cascade_order(list(reversed(tied)))) == [3, 5, 7]


def test_the_leeds_world_orders_aire_kirkstall_bramley_wortley() -> None:
    aire = _candidate(1, role=PRIMARY, spare_hours=400, rate_pence=2622)
    kirkstall = _candidate(2, ratings=_ratings(OUTSTANDING), spare_hours=50, rate_pence=2700)
    bramley = _candidate(3, spare_hours=300, rate_pence=2500)
    wortley = _candidate(4, spare_hours=100, rate_pence=2400)

    ordered = cascade_order([wortley, bramley, kirkstall, aire])

    assert _providers(ordered) == [1, 2, 3, 4]


def test_a_provider_with_several_contracts_appears_once_under_its_best() -> None:
    small = _candidate(1, spare_hours=10, contract_id=101)
    large = _candidate(1, spare_hours=500, contract_id=102)
    other = _candidate(2, spare_hours=200, contract_id=201)

    ordered = cascade_order([small, other, large])

    assert [(c.provider_id, c.contract_id) for c in ordered] == [(1, 102), (2, 201)]


def test_a_provider_that_is_primary_and_on_the_framework_is_asked_once_as_primary() -> None:
    as_framework = _candidate(1, ratings=_ratings(OUTSTANDING), contract_id=11)
    as_primary = _candidate(1, role=PRIMARY, ratings=_ratings(OUTSTANDING), contract_id=12)
    other = _candidate(2, ratings=_ratings(OUTSTANDING), spare_hours=999)

    ordered = cascade_order([as_framework, other, as_primary])

    assert [(c.provider_id, c.contract_id, c.role) for c in ordered] == [
        (1, 12, PRIMARY),
        (2, other.contract_id, FRAMEWORK),
    ]


def test_the_order_does_not_change_the_candidates_it_is_given() -> None:
    candidates = [_candidate(2), _candidate(1, role=PRIMARY), _candidate(3, spare_hours=1)]
    before = list(candidates)

    cascade_order(candidates)

    assert candidates == before


# --- the property ------------------------------------------------------------------------

RATINGS = st.sampled_from(list(CqcRating))


@st.composite
def candidates(draw: st.DrawFn) -> list[Candidate]:
    """Up to a dozen contracts among up to six providers, at most one of them primary."""
    count = draw(st.integers(min_value=0, max_value=12))
    primary_at = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=max(count - 1, 0))))
    return [
        Candidate(
            provider_id=draw(st.integers(min_value=1, max_value=6)),
            contract_id=index + 1,
            role=PRIMARY if index == primary_at else FRAMEWORK,
            ratings=Ratings(
                overall=draw(RATINGS),
                safe=draw(RATINGS),
                effective=draw(RATINGS),
                caring=draw(RATINGS),
                responsive=draw(RATINGS),
                well_led=draw(RATINGS),
            ),
            # Few distinct values, so that ties on each criterion happen often.
            spare_weekly_minutes=draw(st.sampled_from([-600, 0, 600, 3000, 6000])),
            hourly_rate_pence=draw(st.sampled_from([2200, 2400, 2600])),
        )
        for index in range(count)
    ]


def _quality(c: Candidate) -> tuple[int, int]:
    """Independent of Ratings.quality_key: the overall score, then the key question sum."""
    ratings = c.ratings
    detail = sum(
        RATING_SCORE[r]
        for r in (
            ratings.safe,
            ratings.effective,
            ratings.caring,
            ratings.responsive,
            ratings.well_led,
        )
    )
    return RATING_SCORE[ratings.overall], detail


def _strictly_ahead(a: Candidate, b: Candidate) -> bool:
    """True when the policy says `a` must be asked before `b` (ignoring the id tie-break)."""
    if (a.role is PRIMARY) != (b.role is PRIMARY):
        return a.role is PRIMARY
    if _quality(a) != _quality(b):
        return _quality(a) > _quality(b)
    if a.spare_weekly_minutes != b.spare_weekly_minutes:
        return a.spare_weekly_minutes > b.spare_weekly_minutes
    return a.hourly_rate_pence < b.hourly_rate_pence


@given(candidates())
def test_every_provider_appears_exactly_once_under_one_of_its_own_contracts(
    given_candidates: list[Candidate],
) -> None:
    ordered = cascade_order(given_candidates)

    providers = _providers(ordered)
    assert len(providers) == len(set(providers))
    assert set(providers) == {c.provider_id for c in given_candidates}
    assert all(c in given_candidates for c in ordered)


@given(candidates())
def test_the_primary_comes_first(given_candidates: list[Candidate]) -> None:
    ordered = cascade_order(given_candidates)

    roles = [c.role for c in ordered]
    assert roles == sorted(roles, key=lambda role: role is not PRIMARY)
    primaries = {c.provider_id for c in given_candidates if c.role is PRIMARY}
    assert {c.provider_id for c in ordered if c.role is PRIMARY} == primaries


@given(candidates())
def test_the_framework_is_ordered_by_quality_then_capacity_then_rate(
    given_candidates: list[Candidate],
) -> None:
    ordered = cascade_order(given_candidates)

    framework = [c for c in ordered if c.role is FRAMEWORK]
    for ahead, behind in itertools.pairwise(framework):
        assert _quality(ahead) >= _quality(behind)
        if _quality(ahead) == _quality(behind):
            assert ahead.spare_weekly_minutes >= behind.spare_weekly_minutes
            if ahead.spare_weekly_minutes == behind.spare_weekly_minutes:
                assert ahead.hourly_rate_pence <= behind.hourly_rate_pence
                if ahead.hourly_rate_pence == behind.hourly_rate_pence:
                    assert ahead.provider_id < behind.provider_id


@given(candidates())
def test_no_provider_is_asked_before_one_the_policy_puts_ahead_of_it(
    given_candidates: list[Candidate],
) -> None:
    ordered = cascade_order(given_candidates)

    for i, j in itertools.combinations(range(len(ordered)), 2):
        assert not _strictly_ahead(ordered[j], ordered[i]), (ordered[i], ordered[j])


@given(candidates())
def test_each_provider_is_ranked_under_its_best_contract(
    given_candidates: list[Candidate],
) -> None:
    ordered = cascade_order(given_candidates)

    for chosen in ordered:
        for other in given_candidates:
            if other.provider_id == chosen.provider_id:
                assert not _strictly_ahead(other, chosen), (other, chosen)


@given(candidates(), st.randoms(use_true_random=False))
def test_the_provider_order_does_not_depend_on_the_input_order(
    given_candidates: list[Candidate], rng: random.Random
) -> None:
    shuffled = list(given_candidates)
    rng.shuffle(shuffled)

    assert _providers(cascade_order(shuffled)) == _providers(cascade_order(given_candidates))
