"""The monitoring return as the API shows it and the returns writer reads it."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class PeriodOut(BaseModel):
    label: str = Field(examples=["2026-P08"])
    kind: str = Field(examples=["four_weeks"])
    name: str = Field(examples=["4 weeks to Sunday 9 August 2026"])
    start: date
    end: date
    description: str


class ProviderOut(BaseModel):
    id: int
    name: str


class CaseValue(BaseModel):
    """One case behind a per-case measure (measure 9: a referral and its days to start)."""

    case_id: int
    value: float


class MeasureRow(BaseModel):
    """One figure: a part of a measure, for one period, provider (or all) and lot (or all)."""

    measure: int = Field(ge=1, le=29)
    part: str = Field(examples=["started"])
    period: str
    provider_id: int | None = Field(description="null: all the providers in scope")
    provider_name: str | None
    lot: int | None = Field(description="Lot number; null: all lots, or a provider-wide record")
    value: float | None = Field(description="null when a mean or ratio has nothing to divide")
    unit: str
    numerator: float | None = None
    denominator: float | None = None
    cases: list[CaseValue] | None = None


class Misses(BaseModel):
    """The cases behind a KPI's misses, so a contract officer can follow each one up."""

    kind: str = Field(examples=["referral", "package", "visit"])
    ids: list[int]


class KpiRow(BaseModel):
    kpi: int = Field(ge=1, le=7)
    name: str
    period: str
    provider_id: int | None
    provider_name: str | None
    lot: int | None
    value_pct: float | None = Field(description="met / eligible, 1 dp; null with none eligible")
    target_pct: float
    rag: str | None = Field(description="green, amber or red; null with none eligible")
    eligible: int
    met: int
    missed: Misses


class PartOut(BaseModel):
    name: str
    unit: str
    rule: str


class MeasureDefinitionOut(BaseModel):
    number: int
    title: str
    source_text: str
    group: str
    cadence: str
    split: str
    parts: list[PartOut]


class KpiDefinitionOut(BaseModel):
    number: int
    name: str
    source_text: str
    split: str
    limitations: str
    target_pct: float
    case_kind: str
    rule: str


class DefinitionsOut(BaseModel):
    measures: list[MeasureDefinitionOut]
    kpis: list[KpiDefinitionOut]
    rag_rule: str
    periods: str = Field(description="The period labels the API takes")


class MeasuresReport(BaseModel):
    period: PeriodOut
    as_at: datetime = Field(
        description="The moment the figures are true for: the period's "
        "end plus the settle time, now while it is in progress, or now when asked"
    )
    as_at_basis: str = Field(description="settled, in_progress, settling or now")
    as_at_text: str = Field(description="The as-at in words, as the pages say it")
    providers: list[ProviderOut]
    rows: list[MeasureRow]


class MeasureReport(BaseModel):
    period: PeriodOut
    as_at: datetime = Field(
        description="The moment the figures are true for: the period's "
        "end plus the settle time, now while it is in progress, or now when asked"
    )
    as_at_basis: str = Field(description="settled, in_progress, settling or now")
    as_at_text: str = Field(description="The as-at in words, as the pages say it")
    definition: MeasureDefinitionOut
    providers: list[ProviderOut]
    rows: list[MeasureRow]


class KpisReport(BaseModel):
    period: PeriodOut
    as_at: datetime = Field(
        description="The moment the figures are true for: the period's "
        "end plus the settle time, now while it is in progress, or now when asked"
    )
    as_at_basis: str = Field(description="settled, in_progress, settling or now")
    as_at_text: str = Field(description="The as-at in words, as the pages say it")
    rag_rule: str
    providers: list[ProviderOut]
    rows: list[KpiRow]


class MonitoringReturn(BaseModel):
    """Everything a provider's or a council's return for one period holds.

    - `period`: the period asked for, with its first and last days;
    - `as_at`: the moment the figures are true for (KPIs 1-6 depend on it), with its
      basis and words (`homecare.as_at`);
    - `council_id`: the council whose records these are (null for the platform itself);
    - `provider_id` / `lot`: the filters asked for, if any;
    - `providers`: the providers the rows may name (a provider manager: only their own);
    - `measures`: every part of measures 1-29 for every group in scope (see `MeasureRow`);
    - `kpis`: KPIs 1-7 with value, target, RAG and the ids behind each miss (`KpiRow`);
    - `definitions`: what every measure and KPI counts, and the RAG rule.
    """

    period: PeriodOut
    as_at: datetime = Field(
        description="The moment the figures are true for: the period's "
        "end plus the settle time, now while it is in progress, or now when asked"
    )
    as_at_basis: str = Field(description="settled, in_progress, settling or now")
    as_at_text: str = Field(description="The as-at in words, as the pages say it")
    council_id: int | None
    provider_id: int | None
    lot: int | None
    providers: list[ProviderOut]
    measures: list[MeasureRow]
    kpis: list[KpiRow]
    definitions: DefinitionsOut
