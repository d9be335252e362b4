"""HTTP routes for paying providers: payment runs (draft, check, approve), their lines,
remittances and the payments file, adjustments, disputes, and contracts' payment rules."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from homecare.http import PathId, RequestContext, authenticated
from homecare.money import disputes, enhancement_service, rules_service, runs_read, runs_service
from homecare.money.enhancements import Enhancement, EnhancementKind
from homecare.money.exports import payments_csv, remittance_csv, remittance_name, remittance_xlsx
from homecare.money.payment_ledger import ledger_for, payments_for, period_of
from homecare.money.runs_schemas import (
    AdjustmentBody,
    AdjustmentRead,
    DisputeBody,
    DisputeRead,
    DraftAllBody,
    DraftBody,
    EnhancementBody,
    EnhancementRead,
    ResolveBody,
    RulesBody,
    RuleSetRead,
    RunDetailRead,
    RunRead,
)
from homecare.money.tables import PaymentAdjustment, PaymentDispute

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

router = APIRouter(prefix="/money", tags=["money"])


@router.get("/payment-runs", response_model=list[RunRead])
def list_runs(
    period: str = Query(max_length=16, examples=["2026-P12"]),
    ctx: RequestContext = Depends(authenticated),
) -> list[dict[str, Any]]:
    """The period's runs: a council's for each provider; a provider's own approved run."""
    with ctx.transaction() as (session, actor):
        starts = period_of(period).starts_on
        return [
            runs_service.run_record(session, r)
            for r in runs_service.runs_for_period(session, actor, starts)
        ]


@router.post("/payment-runs", response_model=RunRead)
def draft_run(body: DraftBody, ctx: RequestContext = Depends(authenticated)) -> dict[str, Any]:
    """Drafts the provider's run for the period, or drafts it again (unchanged data gives
    the same run); 409 once approved, or while an earlier run is not approved."""
    with ctx.transaction() as (session, actor):
        run = runs_service.draft(
            session, actor=actor, at=ctx.now(), provider_id=body.provider_id,
            period=period_of(body.period),
        )  # fmt: skip
        return runs_service.run_record(session, run)


@router.post("/payment-runs/draft-all", response_model=list[RunRead])
def draft_all(body: DraftAllBody, ctx: RequestContext = Depends(authenticated)) -> Any:
    """Drafts the period's run for every provider the council pays, in one transaction."""
    with ctx.transaction() as (session, actor):
        return ledger_for(session, actor, ctx.now(), period_of(body.period))


@router.get("/payment-runs/{run_id}", response_model=RunDetailRead)
def read_run(run_id: PathId, ctx: RequestContext = Depends(authenticated)) -> dict[str, Any]:
    with ctx.transaction() as (session, actor):
        return runs_read.run_detail(session, actor, run_id)


@router.post("/payment-runs/{run_id}/check", response_model=RunRead)
def check_run(run_id: PathId, ctx: RequestContext = Depends(authenticated)) -> dict[str, Any]:
    """Checks a draft by drafting it again on today's data: 409 if anything changed."""
    with ctx.transaction() as (session, actor):
        run = runs_service.check(session, actor=actor, at=ctx.now(), run_id=run_id)
        return runs_service.run_record(session, run)


@router.post("/payment-runs/{run_id}/approve", response_model=RunRead)
def approve_run(run_id: PathId, ctx: RequestContext = Depends(authenticated)) -> dict[str, Any]:
    """Approves a checked run (403 for whoever drafted it); from then on it never changes."""
    with ctx.transaction() as (session, actor):
        run = runs_service.approve(session, actor=actor, at=ctx.now(), run_id=run_id)
        return runs_service.run_record(session, run)


@router.get(
    "/payment-runs/{run_id}/remittance",
    responses={200: {"content": {XLSX: {}, "text/csv": {}}}},
    response_class=Response,
)
def remittance(
    run_id: PathId,
    format: Literal["xlsx", "csv"] = "csv",
    ctx: RequestContext = Depends(authenticated),
) -> Response:
    """The remittance: one row per line and adjustment, then the total."""
    with ctx.transaction() as (session, actor):
        run = runs_read.run_detail(session, actor, run_id)
    headers = {"Content-Disposition": f'attachment; filename="{remittance_name(run, format)}"'}
    if format == "csv":
        return Response(remittance_csv(run), media_type="text/csv", headers=headers)
    return Response(remittance_xlsx(run), media_type=XLSX, headers=headers)


@router.get(
    "/payments.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}}
)
def payments_file(
    period: str = Query(max_length=16, examples=["2026-P12"]),
    ctx: RequestContext = Depends(authenticated),
) -> Response:
    """The council's payments file for the period's approved runs (docs/formats)."""
    with ctx.transaction() as (session, actor):
        runs, council, ods = payments_for(session, actor, period_of(period))
    name = f"payments-{period}.csv"
    return Response(
        payments_csv(runs, council, ods),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/adjustments", response_model=list[AdjustmentRead])
def list_adjustments(ctx: RequestContext = Depends(authenticated)) -> list[PaymentAdjustment]:
    with ctx.transaction() as (session, actor):
        runs_service.require_paying(actor)
        return runs_read.adjustments(session, actor)


@router.post("/adjustments", response_model=AdjustmentRead, status_code=201)
def request_adjustment(
    body: AdjustmentBody, ctx: RequestContext = Depends(authenticated)
) -> PaymentAdjustment:
    """Money outside the rules, with its reason; a second person approves it."""
    with ctx.transaction() as (session, actor):
        return runs_service.request_adjustment(
            session, actor=actor, at=ctx.now(), provider_id=body.provider_id,
            package_id=body.package_id, pence=body.pence, reason=body.reason,
        )  # fmt: skip


@router.post("/adjustments/{adjustment_id}/approve", response_model=AdjustmentRead)
def approve_adjustment(
    adjustment_id: PathId, ctx: RequestContext = Depends(authenticated)
) -> PaymentAdjustment:
    """A second person agrees it (403 for whoever asked); the next run pays it."""
    with ctx.transaction() as (session, actor):
        return runs_service.approve_adjustment(
            session, actor=actor, at=ctx.now(), adjustment_id=adjustment_id
        )


@router.post("/payment-run-lines/{line_id}/disputes", response_model=DisputeRead, status_code=201)
def dispute_line(
    line_id: PathId, body: DisputeBody, ctx: RequestContext = Depends(authenticated)
) -> PaymentDispute:
    """The provider disputes a line of its approved statement, saying why."""
    with ctx.transaction() as (session, actor):
        return disputes.raise_dispute(
            session, actor=actor, at=ctx.now(), line_id=line_id, reason=body.reason
        )


@router.get("/disputes", response_model=list[DisputeRead])
def list_disputes(
    status: Literal["open", "upheld", "rejected"] | None = None,
    ctx: RequestContext = Depends(authenticated),
) -> list[PaymentDispute]:
    with ctx.transaction() as (session, actor):
        return runs_read.disputes(session, actor, status)


@router.post("/disputes/{dispute_id}/resolve", response_model=DisputeRead)
def resolve_dispute(
    dispute_id: PathId, body: ResolveBody, ctx: RequestContext = Depends(authenticated)
) -> PaymentDispute:
    """The council's answer: rejected, or upheld (an amount becomes an adjustment)."""
    with ctx.transaction() as (session, actor):
        return disputes.resolve_dispute(
            session, actor=actor, at=ctx.now(), dispute_id=dispute_id, upheld=body.upheld,
            resolution=body.resolution, pence=body.pence,
        )  # fmt: skip


@router.get("/contracts/{contract_id}/payment-rules", response_model=list[RuleSetRead])
def payment_rules(contract_id: PathId, ctx: RequestContext = Depends(authenticated)) -> Any:
    """The contract's payment rules over time, each in plain words."""
    with ctx.transaction() as (session, actor):
        return rules_service.rules_history(session, actor, contract_id)


@router.post("/contracts/{contract_id}/payment-rules", response_model=list[RuleSetRead])
def set_payment_rules(
    contract_id: PathId, body: RulesBody, ctx: RequestContext = Depends(authenticated)
) -> Any:
    """New payment rules from a day (today or later: never backdated)."""
    with ctx.transaction() as (session, actor):
        rules_service.set_rules(
            session, actor=actor, at=ctx.now(), contract_id=contract_id,
            effective_from=body.effective_from, rules=body.rules, reason=body.reason,
        )  # fmt: skip
        return rules_service.rules_history(session, actor, contract_id)


@router.get("/enhancements", response_model=list[EnhancementRead])
def list_enhancements(ctx: RequestContext = Depends(authenticated)) -> Any:
    """The council's enhancements and grants, each in words."""
    with ctx.transaction() as (session, actor):
        return enhancement_service.enhancements(session, actor)


@router.post("/enhancements", response_model=EnhancementRead, status_code=201)
def record_enhancement(body: EnhancementBody, ctx: RequestContext = Depends(authenticated)) -> Any:
    """An enhancement or grant from a day (today or later); every run from then pays it
    on the visits it reaches, as its own line with its fund."""
    enhancement = Enhancement(
        name=body.name, kind=EnhancementKind(body.kind), funding_source=body.funding_source,
        starts_on=body.starts_on, ends_on=body.ends_on, pence_per_hour=body.pence_per_hour,
        percent=body.percent, lsoas=frozenset(body.lsoas), postcodes=frozenset(body.postcodes),
        from_time=body.from_time, to_time=body.to_time, weekdays=frozenset(body.weekdays),
        passed_to_staff=body.passed_to_staff,
    )  # fmt: skip
    with ctx.transaction() as (session, actor):
        row = enhancement_service.record_enhancement(
            session, actor=actor, at=ctx.now(), enhancement=enhancement
        )
        return enhancement_service.enhancement_record(row)
