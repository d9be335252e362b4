"""The reports' money sums, worked again from their own inputs: one rate against another,
the share more, and what the difference comes to in a year. Where a report's figure is not
what its inputs give, both are shown and the gap is stated, never smoothed over.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal

from homecare.errors import NotFound
from homecare.money.cost_of_care import money, to_pence, work_out
from homecare.money.presets import PRESETS

HUNDRED = Decimal(100)
WEEKS_A_YEAR = 52


@dataclass(frozen=True)
class Input:
    key: str
    label: str
    value: int
    unit: str
    """"pence", "hours a year" or "hours a week"."""
    source: str


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    pence: int
    working: str


@dataclass(frozen=True)
class Reported:
    """A report's own figure beside ours, and the difference in words."""

    quote: str
    where: str
    figure: str
    ours: str
    difference: str
    report_pence: int | None = None
    ours_pence: int | None = None
    difference_pence: int | None = None


@dataclass(frozen=True)
class Comparison:
    preset: str
    title: str
    inputs: tuple[Input, ...]
    figures: tuple[Figure, ...]
    percent_more: Decimal
    """How much more the first rate is than the second, to one decimal place."""
    yearly_difference_pence: int
    reported: tuple[Reported, ...]
    notes: tuple[str, ...]


def percent_more(higher_pence: int, lower_pence: int) -> Decimal:
    """(higher − lower) ÷ lower, as a percentage to one place, half up: 3572 on 2031 → 75.9."""
    share = Decimal(higher_pence - lower_pence) * HUNDRED / lower_pence
    return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def whole_percent(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def millions(pence: int) -> str:
    """£24.73m; under a million pounds, to the pound: £308,880."""
    pounds = Decimal(pence) / HUNDRED
    if abs(pounds) >= 1_000_000:
        return f"£{(pounds / 1_000_000).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}m"
    return f"£{pounds.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"


def difference_words(ours: int, theirs: int) -> str:
    gap = ours - theirs
    if gap == 0:
        return "The same."
    side = "more" if gap > 0 else "less"
    return f"Worked from the inputs, {millions(abs(gap))} {side} than the report says."


# --- Leicester: bringing home care in-house (001, Cost and Spend) --------------------------

IN_HOUSE_PENCE = 3572
LOT_1_HIGHEST_PENCE = 2031
HOURS_A_YEAR = 1_605_000
HEALTH_HOURS_A_YEAR = 150_000
SPEND_A_YEAR_PENCE = 2_700_000_000
LEICESTER_REPORTED_PENCE = 2_000_000_000


def leicester_in_house() -> Comparison:
    gap = IN_HOUSE_PENCE - LOT_1_HIGHEST_PENCE
    share = percent_more(IN_HOUSE_PENCE, LOT_1_HIGHEST_PENCE)
    all_hours = gap * HOURS_A_YEAR
    council_hours = gap * (HOURS_A_YEAR - HEALTH_HOURS_A_YEAR)
    on_spend = to_pence(Decimal(SPEND_A_YEAR_PENCE) * gap / LOT_1_HIGHEST_PENCE)
    bought_hours = to_pence(Decimal(SPEND_A_YEAR_PENCE) / LOT_1_HIGHEST_PENCE)
    return Comparison(
        preset="leicester-in-house",
        title="Leicester: the in-house rate against the highest Lot 1 rate",
        inputs=(
            Input(
                "in_house_pence",
                "In-house reablement, hourly rate (2021/22)",
                IN_HOUSE_PENCE,
                "pence",
                "001 Cost and Spend e",
            ),
            Input(
                "lot_1_highest_pence",
                "Highest Lot 1 (general care) rate",
                LOT_1_HIGHEST_PENCE,
                "pence",
                "001 Cost and Spend b",
            ),
            Input(
                "hours_a_year",
                "Hours of home care commissioned a year",
                HOURS_A_YEAR,
                "hours a year",
                "001 Usage a",
            ),
            Input(
                "health_hours_a_year",
                "Of which health-funded",
                HEALTH_HOURS_A_YEAR,
                "hours a year",
                "001 Usage a",
            ),
            Input(
                "spend_a_year_pence",
                "Spend on commissioned packages a year (gross)",
                SPEND_A_YEAR_PENCE,
                "pence",
                "001 Cost and Spend a",
            ),
        ),
        figures=(
            Figure(
                "difference_per_hour",
                "In-house costs more an hour by",
                gap,
                f"{money(IN_HOUSE_PENCE)} − {money(LOT_1_HIGHEST_PENCE)}",
            ),
            Figure(
                "yearly_all_hours",
                "A year, on every hour commissioned",
                all_hours,
                f"{money(gap)} × {HOURS_A_YEAR:,} hours",
            ),
            Figure(
                "yearly_council_hours",
                "A year, on the council-funded hours only",
                council_hours,
                f"{money(gap)} × {HOURS_A_YEAR - HEALTH_HOURS_A_YEAR:,} hours",
            ),
            Figure(
                "yearly_on_spend",
                "A year, on the £27m spend at the highest Lot 1 rate",
                on_spend,
                f"£27m × {money(gap)} ÷ {money(LOT_1_HIGHEST_PENCE)}"
                f" (the £27m buys about {bought_hours:,} hours)",
            ),
        ),
        percent_more=share,
        yearly_difference_pence=all_hours,
        reported=(
            Reported(
                "the in-house indicative hourly rate (£35.72) is some 76% above the"
                " highest rate for Lot 1",
                "001 Cost and Spend j",
                "76%",
                f"{share}%",
                f"None beyond rounding: {share}% is some {whole_percent(share)}%.",
            ),
            Reported(
                "costs would likely rise by around £20m",
                "001 Cost and Spend j",
                "around £20m",
                millions(all_hours),
                difference_words(all_hours, LEICESTER_REPORTED_PENCE),
                LEICESTER_REPORTED_PENCE,
                all_hours,
                all_hours - LEICESTER_REPORTED_PENCE,
            ),
        ),
        notes=(
            f"The report multiplies the in-house rate by the hours delivered externally, but"
            f" its own {HOURS_A_YEAR:,} hours a year give {millions(all_hours)}, not around £20m;"
            f" without the {HEALTH_HOURS_A_YEAR:,} health-funded hours, {millions(council_hours)}.",
            f"The report's around £20m is close to what its £27m spend gives instead:"
            f" £27m buys about"
            f" {bought_hours:,} hours at {money(LOT_1_HIGHEST_PENCE)}, and the same hours"
            f" in-house cost {millions(on_spend)} more.",
            "The in-house rate is from 2021/22 and the report expects it to be higher now"
            " (001 Cost and Spend e), so every yearly figure here is likely too low.",
        ),
    )


# --- Leeds: the new service against traditional home care (000 §26-27) ----------------------

PILOT_HOURS_A_WEEK = 3300
LEEDS_REPORTED_PENCE = 30_000_000


def leeds_chws_vs_traditional() -> Comparison:
    new = work_out(PRESETS["leeds-chws-2024"].inputs).hourly_rate_pence
    old = work_out(PRESETS["leeds-traditional-2024"].inputs).hourly_rate_pence
    gap = new - old
    yearly = gap * PILOT_HOURS_A_WEEK * WEEKS_A_YEAR
    short = (Decimal(yearly) / 100_000_000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Comparison(
        preset="leeds-chws-vs-traditional",
        title="Leeds: the new service against traditional home care, 2024/25",
        inputs=(
            Input(
                "new_rate_pence",
                "Community Health and Well-being Service rate",
                new,
                "pence",
                "000 §26, worked by the leeds-chws-2024 model",
            ),
            Input(
                "traditional_rate_pence",
                "Traditional home care rate",
                old,
                "pence",
                "000 §26 (£26.22 less £1.80), worked by the leeds-traditional-2024 model",
            ),
            Input(
                "hours_a_week",
                "Home care hours in the pilot area",
                PILOT_HOURS_A_WEEK,
                "hours a week",
                "000 Appendix One (September 2023)",
            ),
        ),
        figures=(
            Figure(
                "difference_per_hour",
                "The new service costs more an hour by",
                gap,
                f"{money(new)} − {money(old)}",
            ),
            Figure(
                "yearly",
                "A year, on the pilot's hours",
                yearly,
                f"{money(gap)} × {PILOT_HOURS_A_WEEK:,} hours × {WEEKS_A_YEAR} weeks",
            ),
        ),
        percent_more=percent_more(new, old),
        yearly_difference_pence=yearly,
        reported=(
            Reported(
                "the total cost of the new service is £0.3m more than a traditional home"
                " care service",
                "000 §27",
                "£0.3m",
                f"{millions(yearly)} (£{short}m)",
                difference_words(yearly, LEEDS_REPORTED_PENCE)
                + " £0.3m is this figure to one decimal place of a million.",
                LEEDS_REPORTED_PENCE,
                yearly,
                yearly - LEEDS_REPORTED_PENCE,
            ),
        ),
        notes=(
            "The pilot's 3,300 hours a week are September 2023's; the report's 2024/25 hours"
            " are not published, so a year here is 52 weeks of those hours.",
            "000 §27 speaks of the new service's total cost, which may hold more than the"
            " hourly rate's difference (for example, the community health referrals).",
        ),
    )


COMPARISONS = {
    "leicester-in-house": leicester_in_house,
    "leeds-chws-vs-traditional": leeds_chws_vs_traditional,
}


def compare(name: str) -> Comparison:
    made = COMPARISONS.get(name)
    if made is None:
        raise NotFound(f"there is no comparison called '{name}'")
    return made()


def comparison_record(c: Comparison) -> dict[str, object]:
    """The comparison as JSON holds it: pence as numbers, the percentage as text."""
    record = asdict(c)
    record["percent_more"] = str(c.percent_more)
    record["percent_more_whole"] = whole_percent(c.percent_more)
    return record
