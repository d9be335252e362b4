"""The cost of care as council staff use it: over the API, on the commissioner's page and
from the command line, with the same figures everywhere; bad input refused naming the
input, and anyone but council staff who see the figures refused."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from homecare.cli import app
from homecare.clock import FixedClock
from tests.conftest import auth
from tests.integration.test_lists_forms import browser_for
from tests.support.world import World

COMMISSIONER = "commissioner@example.org"
AIRE = "aire.homecare@example.org"


def test_the_leeds_preset_works_out_to_26_22_line_by_line(client: TestClient, world: World) -> None:
    answer = client.get(
        "/money/cost-of-care?preset=leeds-chws-2024", headers=auth(world.tokens["commissioner"])
    )

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["hourly_rate_pence"] == 2622
    assert body["enhancement_pence"] == 180
    assert body["published_rate_pence"] == 2622
    assert body["difference_from_preset_pence"] == 0
    assert body["lines"][-1]["running_total_pence"] == 2622
    assert sum(line["pence"] for line in body["lines"]) == 2622
    assert body["inputs"]["hourly_pay_pence"] == 1144
    assert {c["input"] for c in body["calibrated"]} == {"office_pence", "trusted_assessor_pence"}


def test_the_presets_are_listed_with_their_published_rates(
    client: TestClient, world: World
) -> None:
    answer = client.get("/money/cost-of-care/presets", headers=auth(world.tokens["broker"]))

    assert answer.status_code == 200, answer.text
    rates = {p["name"]: p["published_rate_pence"] for p in answer.json()}
    assert rates == {"leeds-chws-2024": 2622, "leeds-traditional-2024": 2442}


def test_a_preset_with_one_input_changed_is_worked_out_again_and_kept_nowhere(
    client: TestClient, world: World
) -> None:
    # At the Real Living Wage, £12.60: travel 210p, gap 1260 × 45 ÷ 405 = 140p, holiday
    # 12.07% of 1610 = 194p; NI 13.8% of (1804 − 583.33) = 168p; pension 3% of (1804 − 400)
    # = 42p; running costs 725p; costs 2739p; surplus 3% = 82p; £28.21, £1.99 more.
    answer = client.post(
        "/money/cost-of-care",
        json={"preset": "leeds-chws-2024", "hourly_pay_pence": 1260},
        headers=auth(world.tokens["commissioner"]),
    )

    assert answer.status_code == 200, answer.text
    assert answer.json()["hourly_rate_pence"] == 2821
    assert answer.json()["difference_from_preset_pence"] == 199


def test_every_input_sent_without_a_preset_is_worked_out(client: TestClient, world: World) -> None:
    token = auth(world.tokens["commissioner"])
    preset = client.get("/money/cost-of-care?preset=leeds-traditional-2024", headers=token)

    answer = client.post("/money/cost-of-care", json=preset.json()["inputs"], headers=token)

    assert answer.status_code == 200, answer.text
    assert answer.json()["hourly_rate_pence"] == 2442
    assert answer.json()["preset"] is None


def test_bad_inputs_are_refused_naming_the_input_in_plain_words(
    client: TestClient, world: World
) -> None:
    token = auth(world.tokens["commissioner"])

    too_much = client.post(
        "/money/cost-of-care",
        json={"preset": "leeds-chws-2024", "holiday_percent": 150},
        headers=token,
    )
    gap = client.post(
        "/money/cost-of-care",
        json={"preset": "leeds-chws-2024", "rota_gap_minutes": 450},
        headers=token,
    )
    not_a_number = client.post(
        "/money/cost-of-care",
        json={"preset": "leeds-chws-2024", "hourly_pay_pence": "lots"},
        headers=token,
    )
    missing = client.post("/money/cost-of-care", json={"hourly_pay_pence": 1144}, headers=token)
    no_preset = client.post("/money/cost-of-care", json={"preset": "leeds-2099"}, headers=token)

    assert too_much.status_code == 422
    assert too_much.json()["field"] == "holiday_percent"
    assert too_much.json()["detail"] == "Holiday pay must be a percentage from 0 to 100"
    assert gap.status_code == 422 and gap.json()["field"] == "rota_gap_minutes"
    assert gap.json()["detail"] == "The rota gap must be shorter than the shift"
    assert not_a_number.status_code == 422
    assert not_a_number.json()["field"] == "hourly_pay_pence"
    assert missing.status_code == 422 and missing.json()["field"] == "paid_travel_minutes"
    assert no_preset.status_code == 422 and no_preset.json()["field"] == "preset"


def test_the_comparisons_give_the_reports_figures_and_the_stated_differences(
    client: TestClient, world: World
) -> None:
    token = auth(world.tokens["commissioner"])

    leicester = client.get("/money/comparisons/leicester-in-house", headers=token)
    leeds = client.get("/money/comparisons/leeds-chws-vs-traditional", headers=token)
    unknown = client.get("/money/comparisons/nowhere", headers=token)

    assert leicester.status_code == 200, leicester.text
    assert leicester.json()["percent_more"] == "75.9"
    assert leicester.json()["percent_more_whole"] == 76
    assert leicester.json()["yearly_difference_pence"] == 2_473_305_000
    assert leicester.json()["reported"][1]["difference_pence"] == 473_305_000
    assert leeds.json()["yearly_difference_pence"] == 30_888_000
    assert unknown.status_code == 404


def test_a_provider_manager_or_a_social_worker_may_not_see_the_cost_of_care(
    client: TestClient, world: World
) -> None:
    for who in ("Aire Homecare", "social_worker", "nurse"):
        token = auth(world.tokens[who])
        for answer in (
            client.get("/money/cost-of-care/presets", headers=token),
            client.get("/money/cost-of-care?preset=leeds-chws-2024", headers=token),
            client.post("/money/cost-of-care", json={"preset": "leeds-chws-2024"}, headers=token),
            client.get("/money/comparisons/leicester-in-house", headers=token),
        ):
            assert answer.status_code == 403, (who, answer.text)


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", page))


def test_a_commissioner_changes_the_pay_on_the_page_and_sees_the_working_again(
    engine: Engine, clock: FixedClock, world: World
) -> None:
    browser = browser_for(engine, clock, COMMISSIONER)

    opened = browser.get("/app/cost-of-care")
    changed = browser.get("/app/cost-of-care?preset=leeds-chws-2024&hourly-pay=12.60")

    assert opened.status_code == 200
    page = _text(opened.text)
    assert 'href="/app/cost-of-care"' in opened.text
    assert "£26.22 an hour" in page
    assert "The same as the preset's £26.22." in page
    assert "add £1.80 an hour" in page
    assert "£11.44 × 45 minutes ÷ (450 − 45) minutes of visits in a shift" in page
    assert "Calibrated, not found" in page
    assert "75.9% more" in page and "around £20m" in page and "£24.73m" in page
    assert "£308,880" in page
    assert changed.status_code == 200
    assert "£28.21 an hour" in _text(changed.text)
    assert "£1.99 more than the preset's £26.22." in _text(changed.text)
    assert 'value="12.60"' in changed.text


def test_an_input_the_page_cannot_read_is_shown_beside_it(
    engine: Engine, clock: FixedClock, world: World
) -> None:
    browser = browser_for(engine, clock, COMMISSIONER)

    page = browser.get("/app/cost-of-care?preset=leeds-chws-2024&hourly-pay=lots&holiday=140")

    assert page.status_code == 400
    text = _text(page.text)
    assert '<a href="#hourly-pay">' in page.text
    assert "Enter the care worker's hourly pay in pounds and pence, like 0.25" in text
    assert "Holiday pay must be a percentage from 0 to 100" in text  # both at once
    assert 'id="hourly-pay-error"' in page.text
    assert re.findall(r'<a href="#([^"]+)">', page.text) == ["hourly-pay", "holiday"]
    assert "Put right the inputs marked" in text


def test_a_provider_manager_is_refused_the_page(
    engine: Engine, clock: FixedClock, world: World
) -> None:
    browser = browser_for(engine, clock, AIRE)

    page = browser.get("/app/cost-of-care")

    assert page.status_code == 403
    assert "/app/cost-of-care" not in browser.get("/app/board").text


def test_the_command_line_writes_the_working_and_the_comparison(tmp_path: Path) -> None:
    runner = CliRunner()
    working_file = tmp_path / "working.json"
    compare_file = tmp_path / "compare.json"

    worked = runner.invoke(
        app, ["money", "cost-of-care", "--preset", "leeds-chws-2024", "--json", str(working_file)]
    )
    compared = runner.invoke(
        app, ["money", "compare", "--preset", "leicester-in-house", "--json", str(compare_file)]
    )
    unknown = runner.invoke(app, ["money", "compare", "--preset", "nowhere"])

    assert worked.exit_code == 0, worked.output
    working = json.loads(working_file.read_text(encoding="utf-8"))
    assert working["hourly_rate_pence"] == 2622
    assert working["preset"] == "leeds-chws-2024"
    assert working["inputs"]["rota_gap_minutes"] == 45
    assert len(working["lines"]) == 13
    assert "£26.22" in worked.output
    assert compared.exit_code == 0, compared.output
    comparison = json.loads(compare_file.read_text(encoding="utf-8"))
    assert comparison["percent_more_whole"] == 76
    assert comparison["yearly_difference_pence"] == 2_473_305_000
    assert unknown.exit_code == 2
