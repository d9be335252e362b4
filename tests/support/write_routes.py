"""Every mutating route the app serves, and how the audit of each is proved: in the audit
journey (tests/integration/test_audit_completeness.py), as a page form calling the same
service as a route in the journey, or elsewhere, named here."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from typing import Any

from homecare.brokerage import service as brokerage
from homecare.caseload.ending import end_package, extend_package
from homecare.caseload.moving import move_package
from homecare.changes.consent import answer_consent, request_consent
from homecare.changes.service import decide_change, submit_change
from homecare.delivery.call_events import apply_events
from homecare.delivery.schedule import assign_carers, carers_from_rounds
from homecare.delivery.undo import undo_not_at_home
from homecare.delivery.visit_actions import acknowledge_alert
from homecare.market.contracts import (
    change_limits,
    change_rate,
    extend_contract,
    terminate_contract,
)
from homecare.market.ratings import mark_alert_read
from homecare.money.budget_service import draw_contingency
from homecare.money.direct_payments import end_direct_payment, record_direct_payment
from homecare.money.disputes import raise_dispute, resolve_dispute
from homecare.money.payment_ledger import ledger_for
from homecare.money.runs_service import (
    approve,
    approve_adjustment,
    check,
    draft,
    request_adjustment,
)
from homecare.people.service import record_person
from homecare.rounds.searches import start_search, undo_search
from homecare.timebank.drawing import (
    accept_request,
    ask_for_care,
    decline_request,
    withdraw_request,
)
from homecare.timebank.service import bank
from homecare.workforce.leaving import record_leaving

WRITES = {"POST", "PUT", "PATCH", "DELETE"}

SAME_AS_API: dict[str, tuple[str, Callable[..., Any]]] = {
    "POST /app/contracts/{contract_id}/rate": (
        "POST /contracts/{contract_id}/rate-changes",
        change_rate,
    ),
    "POST /app/contracts/{contract_id}/limits": (
        "POST /contracts/{contract_id}/limit-changes",
        change_limits,
    ),
    "POST /app/contracts/{contract_id}/extend": (
        "POST /contracts/{contract_id}/extension",
        extend_contract,
    ),
    "POST /app/contracts/{contract_id}/terminate": (
        "POST /contracts/{contract_id}/termination",
        terminate_contract,
    ),
    "POST /app/board/alerts/{alert_id}/acknowledge": (
        "POST /alerts/{alert_id}/acknowledge",
        acknowledge_alert,
    ),
    "POST /app/alerts/{alert_id}/read": ("POST /alerts/ratings/{alert_id}/read", mark_alert_read),
    "POST /app/changes/{change_id}/submit": ("POST /changes/{change_id}/submit", submit_change),
    "POST /app/packages/{package_id}/change-visits": (
        "POST /packages/{package_id}/consent-requests",
        request_consent,
    ),
    "POST /app/changes/{change_id}/decision": ("POST /changes/{change_id}/decision", decide_change),
    "POST /app/my-care/consent/{request_id}": (
        "POST /consent-requests/{request_id}/answer",
        answer_consent,
    ),
    "POST /app/my-care/time-bank/bank": ("POST /packages/{package_id}/time-bank/bank", bank),
    "POST /app/my-care/use-banked-hours": (
        "POST /packages/{package_id}/time-bank-requests",
        ask_for_care,
    ),
    "POST /app/my-care/use-banked-hours/{request_id}/withdraw": (
        "POST /time-bank-requests/{request_id}/withdraw",
        withdraw_request,
    ),
    "POST /app/banked-hours/{request_id}/accept": (
        "POST /time-bank-requests/{request_id}/accept",
        accept_request,
    ),
    "POST /app/banked-hours/{request_id}/decline": (
        "POST /time-bank-requests/{request_id}/decline",
        decline_request,
    ),
    "POST /app/offers/{offer_id}/accept": (
        "POST /offers/{offer_id}/accept",
        brokerage.accept_offer,
    ),
    "POST /app/offers/{offer_id}/decline": (
        "POST /offers/{offer_id}/decline",
        brokerage.decline_offer,
    ),
    "POST /app/people/new": ("POST /people", record_person),
    "POST /app/refer/people/{person_id}": ("POST /referrals", brokerage.refer),
    "POST /app/referrals/{referral_id}/recascade": (
        "POST /referrals/{referral_id}/recascade",
        brokerage.recascade,
    ),
    "POST /app/referrals/{referral_id}/withdraw": (
        "POST /referrals/{referral_id}/withdraw",
        brokerage.withdraw_referral,
    ),
    "POST /app/rounds/{day}/optimise": ("POST /round-plans/{day}/searches", start_search),
    "POST /app/rounds/{day}/undo": ("POST /round-plans/{day}/undo", undo_search),
    "POST /app/packages/{package_id}/end": ("POST /packages/{package_id}/end", end_package),
    "POST /app/packages/{package_id}/move": ("POST /packages/{package_id}/move", move_package),
    "POST /app/packages/{package_id}/extend": (
        "POST /packages/{package_id}/extend",
        extend_package,
    ),
    "POST /app/rounds/{day}/visits": ("POST /rounds/{day}/visits", carers_from_rounds),
    "POST /app/visits/{visit_id}/carers": ("PUT /visits/{visit_id}/carers", assign_carers),
    "POST /app/care-workers/{care_worker_id}/leaving": (
        "POST /care-workers/{care_worker_id}/leaving",
        record_leaving,
    ),
    "POST /app/today/visits/{visit_id}/{action}": ("POST /call-events", apply_events),
    "POST /app/people/{person_id}/direct-payments": (
        "POST /people/{person_id}/direct-payments",
        record_direct_payment,
    ),
    "POST /app/direct-payments/{direct_payment_id}/end": (
        "POST /direct-payments/{direct_payment_id}/end",
        end_direct_payment,
    ),
    "POST /app/budget/drawdowns": (
        "POST /money/budgets/{year}/contingency/drawdowns",
        draw_contingency,
    ),
    "POST /app/payment-runs/draft": ("POST /money/payment-runs/draft-all", ledger_for),
    "POST /app/payment-runs/{run_id}/check": ("POST /money/payment-runs/{run_id}/check", check),
    "POST /app/payment-runs/{run_id}/approve": (
        "POST /money/payment-runs/{run_id}/approve",
        approve,
    ),
    "POST /app/payment-runs/{run_id}/redraft": ("POST /money/payment-runs", draft),
    "POST /app/payment-runs/{run_id}/adjustments": ("POST /money/adjustments", request_adjustment),
    "POST /app/payment-disputes/{dispute_id}/resolve": (
        "POST /money/disputes/{dispute_id}/resolve",
        resolve_dispute,
    ),
    "POST /app/payment-disputes/adjustments/{adjustment_id}/approve": (
        "POST /money/adjustments/{adjustment_id}/approve",
        approve_adjustment,
    ),
    "POST /app/statements/{run_id}/lines/{line_id}": (
        "POST /money/payment-run-lines/{line_id}/disputes",
        raise_dispute,
    ),
    "POST /app/today/visits/{visit_id}/undo-not-at-home": (
        "POST /visits/{visit_id}/not-at-home/undo",
        undo_not_at_home,
    ),
}
"""Page forms that call the very service an API route in the journey calls (the service
audits itself, so the journey's count holds for both): the twin, and the service both
modules call, which is checked, as is the twin being in the journey."""

NOT_IN_THE_JOURNEY = {
    "POST /app/my-care/rating/{review_id}": (
        "the person's own rating has no API twin: tests/integration/test_audit_page_forms.py"
    ),
    "POST /sign-in": "signing in audits refusals and lock-outs: tests/integration/test_web_auth.py",
    "POST /sign-in/code": "the second factor: tests/integration/test_web_second_factor.py",
    "POST /sign-out": "ends a session, no record of care: tests/integration/test_web_auth.py",
    "POST /money/cost-of-care": (
        "works a rate out from the inputs sent and stores nothing:"
        " tests/integration/test_money_cost_of_care.py"
    ),
}
"""Write routes outside the journey, each with where its audit is proved instead."""


def every_write_route(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every mutating route the app serves, pages and sign-in included, with its endpoint,
    through the routers it includes (this FastAPI keeps them whole)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from every_write_route(included.routes, prefix + route.include_context.prefix)
            continue
        for method in sorted(set(getattr(route, "methods", None) or ()) & WRITES):
            yield f"{method} {prefix}{route.path}", route.endpoint


def _calls(endpoint: Any, service: Callable[..., Any]) -> bool:
    """Whether the endpoint's module holds the service (itself, or on a module it imports)
    and names it in its code."""
    module = inspect.getmodule(endpoint)
    if module is None:
        return False
    held = any(
        value is service or getattr(value, service.__name__, None) is service
        for value in vars(module).values()
    )
    named = re.search(rf"\b{service.__name__}\b", inspect.getsource(module)) is not None
    return held and named


def unexplained(routes: list[Any], journeyed: set[str]) -> list[str]:
    """What is wrong with the account of the app's write routes, given the routes the
    journey walked: each line a route outside it with no reason, or a reason gone stale."""
    served = dict(every_write_route(routes))
    wrong = [
        f"{name}: in no journey and given no reason"
        for name in sorted(set(served) - journeyed - set(SAME_AS_API) - set(NOT_IN_THE_JOURNEY))
    ]
    wrong += [
        f"{name}: no longer served"
        for name in sorted(set(SAME_AS_API) | set(NOT_IN_THE_JOURNEY))
        if name not in served
    ]
    for page, (api, service) in sorted(SAME_AS_API.items()):
        if api not in journeyed:
            wrong.append(f"{page}: its twin {api} is not in the journey")
        elif page in served and not (
            _calls(served[page], service) and _calls(served[api], service)
        ):
            wrong.append(f"{page}: it and {api} do not both call {service.__name__}")
    return wrong
