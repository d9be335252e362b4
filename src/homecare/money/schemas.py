"""The cost of care over HTTP. Money is in whole pence, in and out, so that the `inputs` of
any answer can be sent back changed; percentages are decimal numbers (12.07 for 12.07%).
Bounds are the model's own (`homecare.money.cost_of_care.check`), refused in plain words."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class CostInputsBody(BaseModel):
    """A cost-per-hour model's inputs. With `preset`, only the inputs that change; without,
    every input but the salaried shift's (which default to none)."""

    model_config = ConfigDict(extra="forbid")

    preset: str | None = Field(default=None, description="e.g. leeds-chws-2024")
    hourly_pay_pence: int | None = Field(default=None, description="e.g. 1144 for £11.44")
    paid_travel_minutes: int | None = Field(default=None, description="For each hour of care")
    holiday_percent: Decimal | None = Field(default=None, description="e.g. 12.07")
    employer_ni_percent: Decimal | None = Field(default=None, description="e.g. 13.8")
    ni_threshold_pence_per_week: int | None = Field(default=None, description="e.g. 17500")
    pension_percent: Decimal | None = Field(default=None, description="e.g. 3")
    pension_threshold_pence_per_week: int | None = Field(default=None, description="e.g. 12000")
    contact_hours_per_week: int | None = Field(
        default=None, description="A care worker's typical hours of care a week"
    )
    mileage_pence: int | None = None
    training_pence: int | None = None
    supervision_pence: int | None = None
    ppe_pence: int | None = None
    office_pence: int | None = None
    surplus_percent: Decimal | None = None
    rota_gap_minutes: int | None = Field(default=None, description="e.g. 45 in a shift")
    shift_minutes: int | None = Field(default=None, description="Without unpaid breaks: 450")
    trusted_assessor_pence: int | None = None

    def changes(self) -> dict[str, int | Decimal]:
        return {k: v for k, v in self.model_dump(exclude={"preset"}).items() if v is not None}


class LineRead(BaseModel):
    key: str
    label: str
    formula: str = Field(description="How the line is worked out, in words")
    pence: int
    running_total_pence: int


class CalibratedRead(BaseModel):
    input: str
    why: str


class CostInputsRead(BaseModel):
    hourly_pay_pence: int
    paid_travel_minutes: int
    holiday_percent: Decimal
    employer_ni_percent: Decimal
    ni_threshold_pence_per_week: int
    pension_percent: Decimal
    pension_threshold_pence_per_week: int
    contact_hours_per_week: int
    mileage_pence: int
    training_pence: int
    supervision_pence: int
    ppe_pence: int
    office_pence: int
    surplus_percent: Decimal
    rota_gap_minutes: int
    shift_minutes: int
    trusted_assessor_pence: int


class WorkingRead(BaseModel):
    """The hourly rate and its working, each line with the running total after it."""

    preset: str | None
    hourly_rate_pence: int
    enhancement_pence: int = Field(
        description="What the salaried shift and the trusted assessor add, on-costs included"
    )
    rounding: str
    lines: list[LineRead]
    inputs: CostInputsRead
    published_rate_pence: int | None = Field(default=None, description="The preset's report")
    difference_from_preset_pence: int | None = None
    calibrated: list[CalibratedRead] = Field(default_factory=list)


class PresetRead(BaseModel):
    name: str
    title: str
    source: str
    published_rate_pence: int
    calibrated: list[CalibratedRead]


class ComparisonInputRead(BaseModel):
    key: str
    label: str
    value: int
    unit: str
    source: str


class FigureRead(BaseModel):
    key: str
    label: str
    pence: int
    working: str


class ReportedRead(BaseModel):
    quote: str
    where: str
    figure: str
    ours: str
    difference: str
    report_pence: int | None
    ours_pence: int | None
    difference_pence: int | None


class ComparisonRead(BaseModel):
    """A report's sum worked again from its inputs, with any difference stated."""

    preset: str
    title: str
    inputs: list[ComparisonInputRead]
    figures: list[FigureRead]
    percent_more: Decimal
    percent_more_whole: int
    yearly_difference_pence: int
    reported: list[ReportedRead]
    notes: list[str]
