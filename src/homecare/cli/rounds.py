"""Rounds for the command line: each provider's day optimised and saved, and the table."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from rich.console import Console
from rich.table import Table

from homecare.access import SYSTEM_ACTOR
from homecare.calendar import LONDON
from homecare.cli.app import (
    progress_bars,
)
from homecare.config import get_settings
from homecare.db import unit_of_work


def first_monday_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7 or 7)


def plan_days(
    engine: Any, days: list[date], seconds: float, seed: int, at: datetime | None = None
) -> dict[str, Any]:
    """Every provider's rounds for the days, beside the hand-planned baseline, saved as
    planned at `at` (now by default)."""
    with progress_bars() as progress:
        task = progress.add_task(f"Planning the rounds for {len(days)} days", total=None)
        rows = roster_rows(
            engine, days, None, seconds, seed, on_step=lambda: progress.advance(task), at=at
        )
    totals = print_rounds(
        rows,
        f"Rounds from {days[0]} to {days[-1]} (hand-planned greedy baseline in brackets)",
    )
    travel, greedy_travel = totals["travel_minutes"], totals["greedy_travel_minutes"]
    return {
        "first_day": days[0].isoformat(),
        "last_day": days[-1].isoformat(),
        "visits": int(totals["visits"]),
        "double_ups": int(totals["two_handed_visits"]),
        "unplaced": int(totals["unassigned_visits"]),
        "greedy_unplaced": int(totals["greedy_unassigned_visits"]),
        "late": int(totals["late_visits"]),
        "greedy_late": int(totals["greedy_late_visits"]),
        "travel_minutes": round(travel),
        "greedy_travel_minutes": round(greedy_travel),
        "travel_per_care_hour": round(travel / (totals["contact_minutes"] / 60), 2),
        "greedy_travel_per_care_hour": round(
            greedy_travel / (totals["greedy_contact_minutes"] / 60), 2
        ),
        "unsynchronised_double_ups": int(totals["unsynchronised_double_ups"]),
    }


def roster_rows(
    engine: Any,
    days: list[date],
    provider_names: list[str] | None,
    budget: float,
    seed: int,
    on_step: Any = None,
    at: datetime | None = None,
) -> list[dict[str, Any]]:
    """Optimises and saves every provider's rounds for each day; one transaction each."""
    from homecare.market.repository import providers_named
    from homecare.rounds.day import due_visits
    from homecare.rounds.service import optimise_day
    from homecare.rounds.travel import travel_source

    travel = travel_source(get_settings())
    rows = []
    with unit_of_work(engine) as session:
        providers = providers_named(session, SYSTEM_ACTOR, provider_names)
        load = {(pid, d): len(due_visits(session, pid, d)) for pid, _ in providers for d in days}
    total = sum(load.values()) or 1
    for day in days:
        for provider_id, name in providers:
            if not load[(provider_id, day)]:
                continue
            limit = max(0.5, budget * load[(provider_id, day)] / total)
            with unit_of_work(engine) as session:
                outcome = optimise_day(
                    session,
                    actor=SYSTEM_ACTOR,
                    at=at or datetime.now(LONDON),
                    provider_id=provider_id,
                    day=day,
                    travel=travel,
                    time_limit=limit,
                    seed=seed,
                )
            rows.append(
                {
                    "day": day.isoformat(),
                    "provider": name,
                    "ours": outcome.ours.as_dict(),
                    "greedy": outcome.greedy.as_dict(),
                    "seconds": outcome.plan.seconds,
                }
            )
            if on_step:
                on_step()
    return rows


def print_rounds(rows: list[dict[str, Any]], title: str) -> dict[str, Any]:
    table = Table(title=title)
    for column in (
        "Day",
        "Provider",
        "Visits",
        "Double-ups",
        "Carers",
        "Unplaced",
        "Late",
        "Travel min (greedy)",
        "Travel/care h (greedy)",
        "Contact share",
        "Unsynchronised",
    ):
        table.add_column(column, justify="left" if column in ("Day", "Provider") else "right")
    totals: dict[str, float] = {}
    for row in rows:
        ours, greedy = row["ours"], row["greedy"]
        for key in (
            "visits",
            "two_handed_visits",
            "unassigned_visits",
            "late_visits",
            "travel_minutes",
            "contact_minutes",
            "paid_minutes",
            "unsynchronised_double_ups",
        ):
            totals[key] = totals.get(key, 0) + ours[key]
            totals[f"greedy_{key}"] = totals.get(f"greedy_{key}", 0) + greedy[key]
        table.add_row(
            row["day"],
            row["provider"],
            f"{ours['visits']:.0f}",
            f"{ours['two_handed_visits']:.0f}",
            f"{ours['carers_on_shift']:.0f}",
            f"{ours['unassigned_visits']:.0f} ({greedy['unassigned_visits']:.0f})",
            f"{ours['late_visits']:.0f} ({greedy['late_visits']:.0f})",
            f"{ours['travel_minutes']:.0f} ({greedy['travel_minutes']:.0f})",
            f"{ours['travel_per_care_hour']:.1f} ({greedy['travel_per_care_hour']:.1f})",
            f"{ours['contact_share_of_paid']:.0%}",
            f"{ours['unsynchronised_double_ups']:.0f}",
        )
    Console(width=200).print(table)
    return totals
