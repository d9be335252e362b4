"""The 29 monitoring measures and 7 KPIs of the contract (000 Appendix 2), as data.

Each measure keeps the report's wording, how often the return carries it, its group
(demand, capacity, leading, lagging in this system or in the wider system), how it is
split (by lot and provider, or by provider only) and, part by part, the unit and the
exact rule used to count it from the store. The KPIs carry their minimum target and the
limitations the contract states. The engine, the baseline, the API and the returns all
read these definitions, so a figure and its meaning cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Cadence(StrEnum):
    WEEKLY = "weekly"
    FOUR_WEEKLY = "four_weekly"
    THREE_TIMES_A_YEAR = "three_times_a_year"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    ANNUAL = "annual"


class Group(StrEnum):
    DEMAND = "demand"
    CAPACITY = "capacity"
    LEADING = "leading"
    LAGGING_SYSTEM = "lagging: system"
    LAGGING_WIDER_SYSTEM = "lagging: wider system"


class Split(StrEnum):
    LOT_AND_PROVIDER = "lot_and_provider"
    """Rows per provider and lot, each provider over all lots, each lot over all
    providers, and the total."""
    PROVIDER = "provider"
    """Provider-wide records with no lot (staff, surveys, complaints): per provider and
    the total."""
    LOT_1_BY_PROVIDER = "lot_1_by_provider"
    """Lot 1 only, per provider and the total."""


@dataclass(frozen=True)
class Part:
    """One figure of a measure, e.g. packages started, or packages ended."""

    name: str
    unit: str
    rule: str


@dataclass(frozen=True)
class MeasureDefinition:
    number: int
    title: str
    source_text: str
    """The measure as Appendix 2 words it."""
    group: Group
    cadence: Cadence
    split: Split
    parts: tuple[Part, ...]


W, FW, T, Q, H, A = (
    Cadence.WEEKLY,
    Cadence.FOUR_WEEKLY,
    Cadence.THREE_TIMES_A_YEAR,
    Cadence.QUARTERLY,
    Cadence.HALF_YEARLY,
    Cadence.ANNUAL,
)
LP, PR, L1 = Split.LOT_AND_PROVIDER, Split.PROVIDER, Split.LOT_1_BY_PROVIDER


def _m(
    number: int,
    title: str,
    source_text: str,
    group: Group,
    cadence: Cadence,
    split: Split,
    *parts: Part,
) -> MeasureDefinition:
    return MeasureDefinition(number, title, source_text, group, cadence, split, parts)


def _examples(kind: str) -> Part:
    """The case-study style measures: examples of one kind recorded for the period."""
    return Part(
        "examples", "examples", f"Case studies of kind '{kind}' that occurred in the period."
    )


DG, CP, LD, LS, LW = (
    Group.DEMAND,
    Group.CAPACITY,
    Group.LEADING,
    Group.LAGGING_SYSTEM,
    Group.LAGGING_WIDER_SYSTEM,
)

MEASURES: tuple[MeasureDefinition, ...] = (
    _m(
        1,
        "Packages started and ended",
        "Number of new packages started by Lot and number of packages ended",
        DG,
        W,
        LP,
        Part("started", "packages", "Packages whose start date falls in the period."),
        Part("ended", "packages", "Packages whose end date falls in the period."),
    ),
    _m(
        2,
        "Care plan hours started and closed",
        "Number of new care plan hours started by Lot, and number of hours relating to "
        "closed packages",
        DG,
        W,
        LP,
        Part(
            "started_hours",
            "hours a week",
            "Weekly carer-hours (weekly_minutes / 60) of packages starting in the period.",
        ),
        Part(
            "ended_hours",
            "hours a week",
            "Weekly carer-hours of packages whose end date falls in the period.",
        ),
    ),
    _m(
        3,
        "Care plan hours increased or decreased",
        "Number of packages where care plan hours were increased or decreased by (a) the "
        "provider by Lot or (b) social worker (c) net impact in hours",
        DG,
        W,
        LP,
        Part(
            "provider_increases",
            "packages",
            "Packages with a provider-led change within the contract's parameters that "
            "took effect (effective_from) in the period and raised the hours.",
        ),
        Part(
            "provider_decreases",
            "packages",
            "The same, for changes that lowered the hours.",
        ),
        Part(
            "social_worker_increases",
            "packages",
            "Packages whose hours a social worker's decision in the period raised: "
            "decided weekly minutes above what the package carried before the decision "
            "(the proposed minutes for a change on trial, the original minutes for a "
            "change awaiting the social worker).",
        ),
        Part("social_worker_decreases", "packages", "The same, for decisions that lowered them."),
        Part(
            "net_hours",
            "hours a week",
            "The sum of both kinds of change in weekly carer-hours (provider-led deltas "
            "plus social worker deltas), over 60 minutes.",
        ),
    ),
    _m(
        4,
        "Packages due to be reviewed",
        "Number of packages due to be reviewed by Lot",
        DG,
        W,
        LP,
        Part("due", "packages", "Distinct packages with a review due in the period."),
    ),
    _m(
        5,
        "People supported",
        "Number of people being supported",
        CP,
        W,
        LP,
        Part(
            "people",
            "people",
            "Distinct people with a delivered visit (completed, late or short) in the period.",
        ),
    ),
    _m(
        6,
        "Care hours outside the home",
        "Total number of care hours involving care outside of the home",
        CP,
        W,
        LP,
        Part(
            "hours",
            "hours",
            "Delivered minutes of delivered visits whose place is the community, over 60.",
        ),
    ),
    _m(
        7,
        "People not supported due to a hospital stay",
        "Number of people not supported due to a hospital stay",
        CP,
        W,
        LP,
        Part(
            "people",
            "people",
            "Distinct people with a hospital stay overlapping the period (admitted on or "
            "before its last day, not discharged before its first day; London dates).",
        ),
    ),
    _m(
        8,
        "Care hours freed by hospital stays",
        "Number of care hours 'free' (not delivered) due to people being in hospital",
        CP,
        W,
        LP,
        Part(
            "hours",
            "carer hours",
            "Planned minutes × carers of visits in the period suspended by a hospital "
            "stay (status hospital), over 60.",
        ),
    ),
    _m(
        9,
        "Days from referral to care starting",
        "Time between referral and the care commencing (per case, measured in days)",
        CP,
        W,
        LP,
        Part(
            "median_days",
            "days",
            "For packages from a referral starting in the period: start date minus the "
            "London date of the referral; the median over the cases, with each case "
            "listed (referral id and days); the denominator is the number of cases.",
        ),
        Part("mean_days", "days", "The mean of the same cases."),
    ),
    _m(
        10,
        "Total care plan hours",
        "Number of total care plan hours (at any time - capability chart)",
        CP,
        W,
        LP,
        Part(
            "hours",
            "hours a week",
            "Weekly carer-hours of packages active on the period's last day (started on "
            "or before it, not ended before it).",
        ),
    ),
    _m(
        11,
        "Lot 1 packages reviewed within timescale",
        "Number of Lot 1 packages reviewed within timescale",
        CP,
        W,
        L1,
        Part(
            "reviewed_on_time",
            "packages",
            "Lot 1 packages with a review due in the period done on or before its due "
            "date; the denominator is the Lot 1 packages with a review due in the period.",
        ),
    ),
    _m(
        12,
        "People who made progress towards their outcomes",
        "Number of people who feel they have made progress towards their personal "
        "wellbeing outcomes since they were last assessed or reviewed (measured for each "
        "person at each review, on the outcomes monitoring tool (reporting three times "
        "per year))",
        LD,
        T,
        LP,
        Part(
            "people",
            "people",
            "Distinct people rated at a review done in the period whose rating is higher "
            "in at least one domain than at the package's last rated review (opted-out "
            "reviews skipped, as the reviews module does); the denominator is the "
            "distinct people rated at a review done in the period.",
        ),
    ),
    _m(
        13,
        "Case studies",
        "Case studies (presented in any suitable format e.g. as a pen picture or video "
        "diary). At least 2 per 3-month period, randomly selected and formulated jointly "
        "by the person receiving care / family, Integrated Neighbourhood Team members and "
        "the carers",
        LD,
        W,
        PR,
        _examples("case_study"),
    ),
    _m(
        14,
        "Staff time travelling",
        "Number of staff hours spent travelling shown overall, and as minutes per hour of "
        "direct care provided (4 weekly)",
        LS,
        FW,
        PR,
        Part(
            "travel_hours",
            "staff hours",
            "From call monitoring: for each care worker and London day, the gaps between "
            "a check-out and the next check-in, each capped at 60 minutes so that breaks "
            "do not count as travel (overlaps count zero). A round plan's travel is "
            "a planning figure (planned travel), never counted.",
        ),
        Part(
            "travel_minutes_per_care_hour",
            "minutes per hour",
            "Travel minutes over hours of direct care (check-in to check-out).",
        ),
    ),
    _m(
        15,
        "Staffing spend",
        "Proportion of overall provider spend on direct and indirect staffing costs (4 weekly)",
        LS,
        FW,
        PR,
        Part(
            "direct_pct",
            "%",
            "Direct staffing spend over total spend, each staffing-spend record counted "
            "pro rata by the days it shares with the period.",
        ),
        Part("indirect_pct", "%", "Indirect staffing spend over total spend, the same way."),
    ),
    _m(
        16,
        "Staff sickness absence",
        "Staff sickness absence - number of days, also shown as % of total working days (4 weekly)",
        LS,
        FW,
        PR,
        Part(
            "sickness_days",
            "days",
            "Each absence's working days, pro rata by the calendar days it shares with the period.",
        ),
        Part(
            "sickness_pct",
            "%",
            "Sickness days over working days: average headcount (as measure 17) × "
            "weekdays in the period.",
        ),
    ),
    _m(
        17,
        "Staff turnover",
        "Staff turnover (4 weekly)",
        LS,
        FW,
        PR,
        Part("leavers", "people", "Leaver movements dated in the period."),
        Part(
            "turnover_pct",
            "%",
            "Leavers over the average of the headcount on the period's first and last "
            "days; a care worker is on the headcount from their starter movement (or "
            "always, with none) until the day before their leaver movement.",
        ),
    ),
    _m(
        18,
        "Job satisfaction and morale",
        "Level of job satisfaction and morale (measured by means of half-yearly staff survey)",
        LS,
        H,
        PR,
        Part(
            "job_satisfaction", "mean score 1-5", "Mean job satisfaction of answers in the period."
        ),
        Part("morale", "mean score 1-5", "Mean morale of answers in the period."),
    ),
    _m(
        19,
        "Training received",
        "Training received by each member of staff (recorded continuously, reported upon annually)",
        LS,
        A,
        PR,
        Part("training_hours", "hours", "Hours of training completed in the period."),
        Part(
            "training_hours_per_staff",
            "hours per member of staff",
            "Training hours over the average headcount (as measure 17).",
        ),
    ),
    _m(
        20,
        "People and families who feel understood and supported",
        "% of people receiving home care, and their family, who feel that what matters to "
        "them has been truly understood, and that they have been effectively supported by "
        "the carers (measured by means of annual survey, inclusive of section for "
        "narrative comments to understand what could be done better)",
        LS,
        A,
        PR,
        Part(
            "understood_and_supported_pct",
            "%",
            "Answers from people and families in the period saying yes to both questions, "
            "over their answers to both.",
        ),
    ),
    _m(
        21,
        "People less reliant on care",
        "Number of people who received an adjusted level of home care due to support "
        "given to become less reliant on the service (e.g. through rehabilitation, "
        "enablement or community network engagement) (quarterly)",
        LS,
        Q,
        LP,
        Part(
            "people",
            "people",
            "Distinct people with a provider-led decrease approved or amended by a social "
            "worker in the period (decided minutes below the original), or with community "
            "hours ending in the period with the outcome 'goes_independently'.",
        ),
    ),
    _m(
        22,
        "Complaints",
        "Number of complaints (quarterly)",
        LS,
        Q,
        PR,
        Part("complaints", "complaints", "Complaints received in the period."),
    ),
    _m(
        23,
        "Reportable incidents",
        "Number of reportable incidents (quarterly)",
        LS,
        Q,
        PR,
        Part("incidents", "incidents", "Reportable incidents that occurred in the period."),
    ),
    _m(
        24,
        "Refunds and credits",
        "Value of refunds / credits (quarterly)",
        LS,
        Q,
        PR,
        Part("value", "£", "Refunds and credits issued in the period, in pounds."),
    ),
    _m(
        25,
        "Community developments",
        "Examples of collaboration that have led to community developments and greater "
        "level of community resilience - case studies / quarterly",
        LW,
        Q,
        PR,
        _examples("community_development"),
    ),
    _m(
        26,
        "Unpaid carers who feel well supported",
        "Number of unpaid carers, in relation to people receiving home care, who report "
        "that they feel well supported by the paid carers in their role (measured by means "
        "of annual survey and also conversations held during service user reviews)",
        LW,
        A,
        PR,
        Part(
            "well_supported",
            "unpaid carers",
            "Unpaid carers' answers in the period (survey or review) saying they feel "
            "well supported; the denominator is those who answered.",
        ),
        Part("well_supported_pct", "%", "The same as a share of those who answered."),
    ),
    _m(
        27,
        "Hospital admissions avoided",
        "Examples where home carer support assisted in avoiding a hospital admission (quarterly)",
        LW,
        Q,
        PR,
        _examples("hospital_admission_avoided"),
    ),
    _m(
        28,
        "Pressure taken off other services",
        "Examples where home carer support alleviated pressure on other services (such as "
        "avoided ambulance call out, GP visit, DN visit etc) (quarterly)",
        LW,
        Q,
        PR,
        _examples("pressure_off_other_services"),
    ),
    _m(
        29,
        "Service gaps",
        "Examples of services, community support or other solutions that were not "
        "available, leading to inappropriate reliance on home care - case studies / quarterly",
        LW,
        Q,
        PR,
        _examples("service_gap"),
    ),
)

BY_NUMBER = {m.number: m for m in MEASURES}


def measure(number: int) -> MeasureDefinition:
    return BY_NUMBER[number]


def unit_of(number: int, part: str) -> str:
    return next(p.unit for p in BY_NUMBER[number].parts if p.name == part)


# --- KPIs --------------------------------------------------------------------------------


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"


AMBER_BAND_POINTS = 5.0
RAG_RULE = (
    "Green at or above the minimum target; amber below it by no more than "
    f"{AMBER_BAND_POINTS:g} percentage points; red further below. A KPI with no eligible "
    "cases in the period has no value and no colour. The value is rounded to one decimal "
    "place before it is compared, as the brokerage KPIs are."
)


def rag(value_pct: float | None, target_pct: float) -> Rag | None:
    if value_pct is None:
        return None
    if value_pct >= target_pct:
        return Rag.GREEN
    if value_pct >= target_pct - AMBER_BAND_POINTS:
        return Rag.AMBER
    return Rag.RED


@dataclass(frozen=True)
class KpiDefinition:
    number: int
    name: str
    source_text: str
    split: Split
    limitations: str
    target_pct: float
    case_kind: str
    """What the ids behind a miss are: referral, package or visit."""
    rule: str


KPIS: tuple[KpiDefinition, ...] = (
    KpiDefinition(
        1,
        "Referrals converting to service starts",
        "Number of referrals converting to service starts - All Providers combined",
        LP,
        "None",
        95.0,
        "referral",
        "Referrals received in the period (London dates), by homecare.brokerage.kpi_rules: "
        "met once started by the as-at date; with a provider or starting later: pending; "
        "turned down by every provider or never offered: missed, even after a broker's new "
        "round (a new attempt, not a new referral); withdrawn: not counted.",
    ),
    KpiDefinition(
        2,
        "Start date agreed within one working day",
        "Number of referrals with start date agreed within one working day of brokerage "
        "referral - By Lot / Provider",
        LP,
        "Standard packages - no authorised delay",
        80.0,
        "referral",
        "Standard referrals with no authorised delay received in the period: met when a "
        "provider accepted with a start date within one working day (England's bank "
        "holidays skipped); pending until that deadline passes.",
    ),
    KpiDefinition(
        3,
        "Referrals starting services within 72 hours",
        "Number of referrals starting services within 72 hours - By Lot / Provider",
        LP,
        "Standard packages - no authorised delay",
        80.0,
        "referral",
        "Standard referrals with no authorised delay received in the period: met when "
        "the agreed start date is no later than the London date 72 hours after referral.",
    ),
    KpiDefinition(
        4,
        "Priority referrals starting within 48 hours",
        "Number of priority referrals starting services within 48 hours - By Lot / Provider",
        LP,
        "None",
        98.0,
        "referral",
        "Priority referrals received in the period: met when the agreed start date is no "
        "later than the London date 48 hours after referral.",
    ),
    KpiDefinition(
        5,
        "People with their provider-led review up to date",
        "% People with up to date with their provider-led review reviews - By Lot / Provider",
        LP,
        "None",
        95.0,
        "package",
        "People with a package active on the as-at day (the period's last day, or today "
        "for a period not yet over): met unless a review of an active package was due "
        "before the as-at day and not done by it. Misses list the overdue packages.",
    ),
    KpiDefinition(
        6,
        "People with outcomes monitoring up to date",
        "% People with up-to-date outcomes monitoring completed - Lot 1 by Provider",
        L1,
        "Excluding people who have opted out of outcomes monitoring",
        75.0,
        "package",
        "People with a Lot 1 package active on the as-at day whose first review was due "
        "before it (start + first-review weeks), leaving out a package whose latest "
        "review by then was opted out: met with a rating at a review done within the "
        "review interval (12 weeks by default) up to the as-at day.",
    ),
    KpiDefinition(
        7,
        "Scheduled visits completed",
        "% Scheduled visits completed - By Lot / Provider",
        LP,
        "Excluding person led cancellation / not at home",
        98.0,
        "visit",
        "Visits in the period that have closed as completed, late, short or missed: met "
        "when completed, late or short. Cancelled by the person, not at home and "
        "suspended by a hospital stay are left out, and visits still open are pending.",
    ),
)

KPI_BY_NUMBER = {k.number: k for k in KPIS}
