"""Who may see the cost of care, and the working as every reader gets it: the API, the
commissioner's page and the command line. Nothing here is stored; each answer is worked
out afresh from its inputs."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from homecare.access import Actor, Permission
from homecare.errors import Forbidden, InvalidInput
from homecare.money.cost_of_care import CostInputs, work_out, working_record
from homecare.money.presets import PRESETS, Preset, preset


def require_money(actor: Actor) -> None:
    """Council staff who see the figures (commissioners, brokers) and the platform."""
    if actor.is_system or (actor.is_council and actor.may(Permission.VIEW_KPIS)):
        return
    raise Forbidden(f"the {actor.role.value} role may not see the cost of care")


def preset_record(p: Preset) -> dict[str, Any]:
    return {
        "name": p.name,
        "title": p.title,
        "source": p.source,
        "published_rate_pence": p.published_rate_pence,
        "calibrated": [{"input": name, "why": why} for name, why in p.calibrated],
    }


def presets_record() -> list[dict[str, Any]]:
    return [preset_record(p) for p in PRESETS.values()]


def inputs_from(changes: dict[str, Any], base: str | None) -> CostInputs:
    """Inputs from a preset with some changed, or every input given; a missing one is
    refused naming it."""
    if base is not None:
        if base not in PRESETS:
            raise InvalidInput(
                f"there is no cost-of-care model called '{base}'; choose one of "
                + ", ".join(PRESETS),
                field="preset",
            )
        return replace(PRESETS[base].inputs, **changes)
    names = [f.name for f in fields(CostInputs)]
    defaulted = {"rota_gap_minutes", "shift_minutes", "trusted_assessor_pence"}
    for name in names:
        if name not in changes and name not in defaulted:
            raise InvalidInput(f"{name} is required, or name a preset to start from", field=name)
    return CostInputs(**changes)


def cost_of_care(inputs: CostInputs, base: str | None) -> dict[str, Any]:
    """The working, and beside it the preset's published rate and what was calibrated."""
    working = work_out(inputs)
    record = working_record(working, base)
    if base is not None:
        p = preset(base)
        record["published_rate_pence"] = p.published_rate_pence
        record["difference_from_preset_pence"] = (
            working.hourly_rate_pence - work_out(p.inputs).hourly_rate_pence
        )
        record["calibrated"] = preset_record(p)["calibrated"]
    return record
