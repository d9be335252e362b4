"""The figures the generated areas are built to, with where each comes from."""

from __future__ import annotations

from dataclasses import dataclass

AGE_BANDS: tuple[tuple[int, int, float], ...] = (
    # Leicester, people drawing on home care on 15 August 2023 (001 §4.1f)
    (18, 29, 0.023),
    (30, 39, 0.026),
    (40, 49, 0.038),
    (50, 59, 0.079),
    (60, 69, 0.139),
    (70, 79, 0.226),
    (80, 101, 0.467),
)

LEICESTER_ETHNICITY: tuple[tuple[str, float], ...] = (
    # 001 §4.1f, the larger groups; the rest folded into "Any other ethnic group"
    ("White British", 0.420),
    ("Asian or Asian British - Indian", 0.398),
    ("Asian or Asian British - other Asian origin", 0.033),
    ("Black or Black British - Caribbean", 0.020),
    ("Asian or Asian British - Pakistani", 0.017),
    ("White - other", 0.016),
    ("White Irish", 0.010),
    ("Black or Black British - African", 0.010),
    ("White - European", 0.008),
    ("Information not yet obtained", 0.038),
    ("Any other ethnic group", 0.030),
)

LEEDS_WEST_ETHNICITY: tuple[tuple[str, float], ...] = (
    ("White British", 0.86),
    ("White - other", 0.04),
    ("Asian or Asian British - Pakistani", 0.03),
    ("Black or Black British - African", 0.02),
    ("White Irish", 0.01),
    ("Information not yet obtained", 0.04),
)


@dataclass(frozen=True)
class AreaProfile:
    key: str
    council_name: str
    la_code: str
    district_code: str
    trust_name: str
    trust_ods: str
    postcodes: str
    """Key of the shipped postcode file (homecare.geo.directory.SHIPPED)."""
    town: str
    people: int
    weekly_hours: float
    two_handed_share: float
    referrals_per_month: int
    ends_per_month: float
    """The share of live packages that end in a month; with the referrals, it keeps the
    area's hours steady (the demo's weekly hours end within 5% of where they start)."""
    nhs_share_of_referrals: float
    providers: int
    zoned: bool
    zone_name: str
    lot1_rates_pence: tuple[int, int]
    lot2_rates_pence: tuple[int, int]
    walk_share: float
    cycle_share: float
    zero_hours_share: float
    salaried_share: float
    ethnicity: tuple[tuple[str, float], ...]


LEEDS_PILOT = AreaProfile(
    # 000 Appendix 1: Armley, Bramley & Stanningley, Farnley & Wortley; 3,300 hours a week
    # for about 210 people, 21% of hours two-handed; £26.22 an hour (000 §26); salaried
    # care workers paid whole 7.5-hour shifts who walk the rounds (000 §9, §19, §22).
    key="leeds-pilot",
    council_name="Leeds City Council",
    la_code="E08000035",
    district_code="E08000035",
    trust_name="Leeds Community Healthcare NHS Trust",
    trust_ods="RY6",
    postcodes="leeds-pilot",
    town="Leeds",
    people=210,
    weekly_hours=3300.0,
    two_handed_share=0.21,
    referrals_per_month=12,
    # Once the pilot runs, new packages about replace those that end (2-3% a month), with
    # demand growing a little: some 12 referrals a month keep the hours near 3,300.
    ends_per_month=0.025,
    nhs_share_of_referrals=0.35,
    providers=7,
    zoned=True,
    zone_name="Area 1: Armley, Bramley & Stanningley, Farnley & Wortley",
    lot1_rates_pence=(2622, 2622),
    lot2_rates_pence=(2622, 2622),
    walk_share=0.7,
    cycle_share=0.15,
    zero_hours_share=0.0,
    salaried_share=1.0,
    ethnicity=LEEDS_WEST_ETHNICITY,
)

LEICESTER = AreaProfile(
    # 001: about 2,250 people a year, 1,605,000 hours a year (30,865 a week), 32 providers
    # on a city-wide framework with no zoning; Lot 1 £19.23-£20.31, Lot 2 £19.23-£21.11;
    # 75.2% of staff on zero-hours contracts.
    key="leicester",
    council_name="Leicester City Council",
    la_code="E06000016",
    district_code="E06000016",
    trust_name="Leicestershire Partnership NHS Trust",
    trust_ods="RT5",
    postcodes="leicester",
    town="Leicester",
    people=2250,
    weekly_hours=1_605_000 / 52,
    two_handed_share=0.15,
    referrals_per_month=190,
    # 001's 2,250 or so people a year come and go: some 190 start each month and about as
    # many end (many after a short package out of hospital), some 8% of those with care.
    ends_per_month=0.08,
    nhs_share_of_referrals=0.2,
    providers=32,
    zoned=False,
    zone_name="Leicester city-wide",
    lot1_rates_pence=(1923, 2031),
    lot2_rates_pence=(1923, 2111),
    walk_share=0.1,
    cycle_share=0.05,
    zero_hours_share=0.752,
    salaried_share=0.1,
    ethnicity=LEICESTER_ETHNICITY,
)

PROFILES = {p.key: p for p in (LEEDS_PILOT, LEICESTER)}

CONTACT_SHARE_OF_SHIFT = 0.72
"""Share of a paid shift spent in people's homes; the rest is travel and the rota gap."""
