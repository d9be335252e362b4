"""What the demo prints: the month's brokerage, the weeks of delivery, how to sign in."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from homecare.cli.app import (
    safe_url,
)
from homecare.terminal import console


def print_summary(summary: dict[str, Any], council: str) -> None:
    period = summary["period"]
    console.rule(f"{council}: {period['from']} to {period['to']}")
    console.print(
        f"People receiving care: [bold]{summary['people']}[/bold]   "
        f"Commissioned weekly hours: [bold]{summary['weekly_hours']:,.1f}[/bold]   "
        f"Two-handed share of hours: [bold]{summary['two_handed_share']:.1%}[/bold]   "
        f"Referrals in these four weeks: [bold]{summary['referrals']}[/bold]"
    )
    providers = Table(title="Packages by provider")
    for column in ("Provider", "Packages", "Commissioned weekly hours"):
        providers.add_column(column, justify="left" if column == "Provider" else "right")
    for name, row in summary["packages_by_provider"].items():
        providers.add_row(name, str(row["packages"]), f"{row['weekly_hours']:,.1f}")
    console.print(providers)
    awaiting = Table(title=f"Awaiting care ({len(summary['awaiting'])})")
    for column in ("Referral", "Priority", "Lot", "Status", "Hours/week", "Waiting", "Offered to"):
        awaiting.add_column(column)
    for a in summary["awaiting"]:
        awaiting.add_row(
            str(a["referral_id"]),
            "yes" if a["priority"] else "",
            str(a["lot"]),
            a["status"],
            f"{a['weekly_hours']:.1f}",
            f"{a['waiting_hours']:.0f} h",
            a["offered_to"] or "-",
        )
    console.print(awaiting)
    kpis = Table(title="Brokerage KPIs (000 Appendix 2)")
    for column in ("KPI", "Measure", "Value", "Target", "Met", "Cases"):
        kpis.add_column(column)
    for number, k in summary["kpis"].items():
        value = "-" if k["value"] is None else f"{k['value']:.1f}%"
        met = "-" if k["met"] is None else ("[green]yes[/green]" if k["met"] else "[red]no[/red]")
        kpis.add_row(
            number,
            k["name"],
            value,
            f"{k['target']:.0f}%",
            met,
            f"{k['met_count']}/{k['eligible_count']}",
        )
    console.print(kpis)


def print_delivery(result: dict[str, Any]) -> None:
    period = result["period"]
    console.rule(f"Delivery: {period['from']} to {period['to']}")
    visits = result["visits"]
    table = Table(title="Visits (call monitoring)")
    for column in (
        "Planned",
        "Completed",
        "Late",
        "Short",
        "Missed",
        "Not at home",
        "Cancelled by person",
        "Suspended (hospital)",
        "In the community",
    ):
        table.add_column(column, justify="right")
    table.add_row(
        *(
            f"{visits[k]:,}"
            for k in (
                "planned",
                "completed",
                "late",
                "short",
                "missed",
                "not_at_home",
                "cancelled_by_person",
                "suspended_in_hospital",
                "in_community",
            )
        )
    )
    console.print(table)
    bank, changes = result["time_bank"], result["changes"]
    reviews, outcomes = result["reviews"], result["outcomes"]
    console.print(
        f"Time bank: [bold]{bank['packages_on_envelopes']}[/bold] packages on envelopes of "
        f"time, {bank['hours_banked']:,.1f} hours banked, {bank['hours_drawn']:,.1f} drawn.\n"
        f"Provider-led changes: [bold]{changes['provider_led']}[/bold] "
        f"({changes['in_trial']} in their four-week trial, {changes['awaiting_decision']} "
        f"awaiting a social worker, {changes['approved']} approved, {changes['amended']} "
        f"amended, {changes['reversed']} reversed).\n"
        f"Reviews: {reviews['done']} done of {reviews['due']} due "
        f"({reviews['done_on_time']} on time); outcomes rated at {outcomes['rated']}, "
        f"{outcomes['opted_out']} opted out.\n"
        f"Hospital admissions: {result['hospital']['admissions']}. "
        f"Call-monitoring events sent: {result['events_sent']:,} "
        f"({result['batches_resent']} batches sent twice by phones retrying, applied once). "
        f"Played in {result['seconds']} s."
    )


def print_next_steps(area: Any, url: str) -> None:
    from homecare.scenario.build import DEMO_PASSWORD

    console.rule("Open the app")
    console.print(
        f"Store: {safe_url(url)}. Start it with [bold]homecare serve[/bold] "
        "(or `.venv/bin/homecare serve`), then open http://127.0.0.1:8000/ in a browser "
        f"and sign in as any of these, with the password [bold]{DEMO_PASSWORD}[/bold]:"
    )
    for label, email in area.emails.items():
        console.print(f"  {label.replace('_', ' ')}: {email}", soft_wrap=True)
    console.print(
        "The HTTP API is described at http://127.0.0.1:8000/docs; the same users' bearer "
        "tokens (send as 'Authorization: Bearer <token>'):"
    )
    for label, token in area.tokens.items():
        console.print(f"  {label.replace('_', ' ')}: {token}", soft_wrap=True)
