"""The time bank's arithmetic: worked examples, then properties over any sequence of moves.

The running example is a package of 7 hours a week (420 minutes: a half-hour morning and
bed call every day) on a 4-week envelope: 28 hours (1,680 minutes) a period, a bank
capped at one week (420 minutes), and an hour (60 minutes) that may be brought forward.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homecare.timebank import ledger
from homecare.timebank.ledger import Balances, Kind, LedgerRefusal, Movement, Pot, Terms

TERMS = ledger.default_terms(weekly_minutes=420)


# --- terms and periods -------------------------------------------------------------------


def test_the_default_envelope_is_the_packages_own_hours_over_four_weeks() -> None:
    # 420 minutes a week × 4 weeks = 1,680 minutes (28 hours); bank cap one week; 1h ahead.
    expected = Terms(
        period_weeks=4,
        minutes_per_period=1680,
        carry_over_share=0.25,
        bank_cap_minutes=420,
        overdraft_minutes=60,
    )
    assert expected == TERMS


def test_given_terms_override_the_defaults() -> None:
    terms = ledger.default_terms(
        weekly_minutes=420,
        period_weeks=2,
        minutes_per_period=900,
        carry_over_share=0.5,
        bank_cap_minutes=0,
        overdraft_minutes=0,
    )
    assert (terms.period_weeks, terms.minutes_per_period) == (2, 900)
    assert (terms.bank_cap_minutes, terms.overdraft_minutes) == (0, 0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"period_weeks": 0}, "period_weeks"),
        ({"period_weeks": 14}, "period_weeks"),
        ({"minutes_per_period": 0}, "minutes_per_period"),
        ({"carry_over_share": 1.5}, "carry_over_share"),
        ({"carry_over_share": -0.1}, "carry_over_share"),
        ({"carry_over_share": float("nan")}, "carry_over_share"),
        ({"bank_cap_minutes": -1}, "bank_cap_minutes"),
        ({"overdraft_minutes": -1}, "overdraft_minutes"),
    ],
)
def test_impossible_terms_are_refused_naming_the_term(change: dict[str, float], field: str) -> None:
    values = {**TERMS.__dict__, **change}
    with pytest.raises(LedgerRefusal) as refused:
        Terms(**values)
    assert refused.value.field == field


def test_a_four_week_period_from_a_monday_ends_on_the_fourth_sunday() -> None:
    start = date(2026, 10, 5)  # a Monday
    assert ledger.period_end(start, TERMS) == date(2026, 11, 1)
    assert ledger.next_period_start(start, TERMS) == date(2026, 11, 2)


def test_a_period_is_due_to_end_only_once_its_last_day_has_passed() -> None:
    start = date(2026, 10, 5)
    assert not ledger.is_due(start, TERMS, date(2026, 11, 1))
    assert ledger.is_due(start, TERMS, date(2026, 11, 2))


# --- delivering, banking and drawing -----------------------------------------------------


def test_the_grant_fills_the_envelope_with_the_periods_minutes() -> None:
    assert Balances().after(ledger.grant(TERMS)) == Balances(envelope=1680, bank=0)


def test_a_delivered_visit_comes_off_the_envelope_even_below_nothing() -> None:
    # 20 minutes left, a 30-minute visit delivered: the envelope shows 10 minutes over.
    assert Balances(envelope=20).after(ledger.deliver(30)) == Balances(envelope=-10)


def test_delivering_nothing_writes_no_line() -> None:
    assert ledger.deliver(0) == []


def test_banking_moves_minutes_from_the_envelope_to_the_bank() -> None:
    # 1,680 in the envelope; a relative visits so 90 minutes are banked: 1,590 and 90.
    moves = ledger.bank(Balances(envelope=1680), 90)
    assert Balances(envelope=1680).after(moves) == Balances(envelope=1590, bank=90)
    assert {m.kind for m in moves} == {Kind.BANK}


def test_banking_every_last_minute_of_the_envelope_is_allowed() -> None:
    assert Balances(envelope=45).after(ledger.bank(Balances(envelope=45), 45)) == Balances(
        envelope=0, bank=45
    )


def test_banking_more_than_the_envelope_holds_is_refused() -> None:
    with pytest.raises(LedgerRefusal) as refused:
        ledger.bank(Balances(envelope=100), 120)
    assert refused.value.field == "minutes"
    assert "100 minutes" in refused.value.message


@pytest.mark.parametrize("minutes", [0, -30])
def test_banking_or_drawing_needs_a_positive_number_of_minutes(minutes: int) -> None:
    with pytest.raises(LedgerRefusal):
        ledger.bank(Balances(envelope=100), minutes)
    with pytest.raises(LedgerRefusal):
        ledger.draw(Balances(bank=100), TERMS, minutes)


def test_drawing_moves_minutes_from_the_bank_into_the_envelope() -> None:
    # 90 banked, 60 drawn for a trip to the shops: 30 left in the bank, 60 more to use.
    moves = ledger.draw(Balances(envelope=1000, bank=90), TERMS, 60)
    assert Balances(envelope=1000, bank=90).after(moves) == Balances(envelope=1060, bank=30)


def test_hours_can_be_brought_forward_down_to_the_overdraft() -> None:
    # 30 banked and 60 of overdraft: 90 may be drawn, leaving the bank at -60.
    after = Balances(bank=30).after(ledger.draw(Balances(bank=30), TERMS, 90))
    assert after.bank == -60


def test_drawing_past_the_overdraft_is_refused_with_what_could_be_drawn() -> None:
    with pytest.raises(LedgerRefusal) as refused:
        ledger.draw(Balances(bank=30), TERMS, 91)
    assert refused.value.field == "minutes"
    assert "30 minutes" in refused.value.message and "at most 90" in refused.value.message


# --- period ends -------------------------------------------------------------------------


def _by_kind(moves: list[Movement]) -> dict[tuple[Pot, Kind, bool], int]:
    out: dict[tuple[Pot, Kind, bool], int] = {}
    for m in moves:
        key = (m.pot, m.kind, m.next_period)
        out[key] = out.get(key, 0) + m.minutes
    return out


def test_a_quarter_of_the_unused_envelope_is_carried_and_the_rest_expires() -> None:
    # 400 minutes unused: floor(0.25 × 400) = 100 carried, 300 expire; then 1,680 granted,
    # so the next period opens with 1,780.
    moves = ledger.end_period(Balances(envelope=400), TERMS)
    assert _by_kind(moves) == {
        (Pot.ENVELOPE, Kind.CARRY_OVER, False): -100,
        (Pot.ENVELOPE, Kind.CARRY_OVER, True): 100,
        (Pot.ENVELOPE, Kind.EXPIRY, False): -300,
        (Pot.ENVELOPE, Kind.GRANT, True): 1680,
    }
    assert Balances(envelope=400).after(moves) == Balances(envelope=1780)


def test_the_carried_share_is_rounded_down_to_a_whole_minute() -> None:
    # 0.25 × 35 = 8.75: 8 minutes carried, 27 expire.
    moves = ledger.end_period(Balances(envelope=35), TERMS)
    assert _by_kind(moves)[(Pot.ENVELOPE, Kind.CARRY_OVER, True)] == 8
    assert _by_kind(moves)[(Pot.ENVELOPE, Kind.EXPIRY, False)] == -27


def test_a_share_that_floats_cannot_hold_exactly_still_carries_the_whole_minutes() -> None:
    # 0.29 × 100 is 28.999999999999996 in floating point; it carries 29, not 28.
    assert ledger.carried_share(100, 0.29) == 29
    assert ledger.carried_share(35, 0.25) == 8


def test_an_overdelivered_envelope_is_written_off_and_the_write_off_is_kept() -> None:
    # 45 minutes more delivered than granted: written off (+45), then a fresh 1,680.
    moves = ledger.end_period(Balances(envelope=-45), TERMS)
    assert _by_kind(moves) == {
        (Pot.ENVELOPE, Kind.WRITE_OFF, False): 45,
        (Pot.ENVELOPE, Kind.GRANT, True): 1680,
    }


def test_bank_minutes_above_the_cap_expire_at_the_period_end() -> None:
    # 500 banked, cap 420: 80 expire.
    moves = ledger.end_period(Balances(envelope=0, bank=500), TERMS)
    assert _by_kind(moves)[(Pot.BANK, Kind.EXPIRY, False)] == -80
    assert Balances(bank=500).after(moves).bank == 420


def test_a_bank_in_overdraft_stays_owed_across_a_period_end() -> None:
    assert Balances(bank=-60).after(ledger.end_period(Balances(bank=-60), TERMS)).bank == -60


def test_an_envelope_used_exactly_carries_and_expires_nothing() -> None:
    # 0 left at the end: the only line is the next period's grant.
    assert ledger.end_period(Balances(envelope=0), TERMS) == [
        Movement(Pot.ENVELOPE, Kind.GRANT, 1680, next_period=True)
    ]


# --- properties: any sequence of moves ---------------------------------------------------


@dataclass
class Run:
    """A ledger kept the way the store keeps it: a list of lines and nothing else."""

    terms: Terms
    lines: list[Movement] = field(default_factory=list)
    balances: Balances = field(default_factory=Balances)

    def apply(self, moves: list[Movement]) -> None:
        self.lines.extend(moves)
        self.balances = self.balances.after(moves)


terms_strategy = st.builds(
    Terms,
    period_weeks=st.integers(1, 13),
    minutes_per_period=st.integers(1, 5000),
    carry_over_share=st.sampled_from([0.0, 0.1, 0.25, 0.29, 0.5, 1 / 3, 1.0]),
    bank_cap_minutes=st.integers(0, 2000),
    overdraft_minutes=st.integers(0, 240),
)
operation = st.one_of(
    st.tuples(st.just("deliver"), st.integers(0, 600)),
    st.tuples(st.just("bank"), st.integers(-10, 2000)),
    st.tuples(st.just("draw"), st.integers(-10, 2000)),
    st.tuples(st.just("end"), st.just(0)),
)


def _step(run: Run, name: str, minutes: int) -> None:
    """One operation; a refusal must leave the balances as they were (nothing applied)."""
    before = run.balances
    try:
        if name == "deliver":
            run.apply(ledger.deliver(minutes))
        elif name == "bank":
            run.apply(ledger.bank(run.balances, minutes))
        elif name == "draw":
            run.apply(ledger.draw(run.balances, run.terms, minutes))
        else:
            closing = ledger.end_period(run.balances, run.terms)
            run.apply(closing)
            closed = sum(m.minutes for m in closing if m.pot is Pot.ENVELOPE and not m.next_period)
            assert before.envelope + closed == 0, "a period closes its envelope at zero"
            assert run.balances.bank <= run.terms.bank_cap_minutes
    except LedgerRefusal:
        assert run.balances == before
        return
    if name != "deliver" and before.envelope >= 0:
        assert run.balances.envelope >= 0, f"{name} took the envelope below 0"


@settings(max_examples=300, deadline=None)
@given(terms=terms_strategy, operations=st.lists(operation, max_size=60))
def test_after_any_sequence_the_balances_are_the_sums_of_the_ledger_and_within_limits(
    terms: Terms, operations: list[tuple[str, int]]
) -> None:
    run = Run(terms)
    run.apply(ledger.grant(terms))
    delivered_this_period = False
    for name, minutes in operations:
        _step(run, name, minutes)
        delivered_this_period = name == "deliver" or (delivered_this_period and name != "end")
        assert run.balances == ledger.summed((m.pot.value, m.minutes) for m in run.lines)
        assert run.balances.bank >= -terms.overdraft_minutes
        if not delivered_this_period:
            assert run.balances.envelope >= 0, "only a delivery takes the envelope below 0"


@settings(max_examples=200, deadline=None)
@given(
    terms=terms_strategy,
    envelope=st.integers(-3000, 6000),
    bank=st.integers(-240, 3000),
)
def test_a_period_end_leaves_exactly_the_carried_share_plus_the_next_grant(
    terms: Terms, envelope: int, bank: int
) -> None:
    after = Balances(envelope, bank).after(ledger.end_period(Balances(envelope, bank), terms))
    carried = ledger.carried_share(envelope, terms.carry_over_share) if envelope > 0 else 0
    assert 0 <= carried <= max(envelope, 0)
    assert after.envelope == carried + terms.minutes_per_period
    expected_bank = bank if bank < 0 else min(bank, terms.bank_cap_minutes)
    assert after.bank == expected_bank


@given(balance=st.integers(-240, 3000), minutes=st.integers(1, 4000))
def test_a_draw_is_allowed_exactly_when_it_keeps_the_bank_within_the_overdraft(
    balance: int, minutes: int
) -> None:
    allowed = balance - minutes >= -TERMS.overdraft_minutes
    try:
        ledger.draw(Balances(bank=balance), TERMS, minutes)
    except LedgerRefusal:
        assert not allowed
    else:
        assert allowed
