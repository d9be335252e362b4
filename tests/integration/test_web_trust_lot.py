"""An NHS trust's lot in the pages (docs/adr/0023-delegated-tasks-and-trust-lots.md): the
commissioner's market pages say who commissions each lot, and the trust's nurse finds
their lot in the navigation, with its providers and live care.

Here the test world's Lot 2 is commissioned by Leeds Community Healthcare; the social
worker refers one person into Lot 2 and one into Lot 1, and Aire takes both.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from homecare.clock import FixedClock
from homecare.db import unit_of_work
from homecare.market.tables import Lot
from tests.integration.test_lists_forms import browser_for
from tests.integration.test_trust_lots_api import _placed
from tests.support.caseload import hire_care_worker
from tests.support.world import World

TRUST = "Commissioned by Leeds Community Healthcare NHS Trust"


def _nav(page: str) -> list[tuple[str, str]]:
    menu = page.split('id="navigation"', 1)[1].split("</ul>", 1)[0]
    links = re.findall(r'href="([^"]+)"[^>]*>\s*(?:<strong[^>]*>)?([^<]+)<', menu)
    return [(label.strip(), href) for href, label in links]


def test_the_market_pages_name_the_trust_and_its_nurse_finds_the_lot_in_the_menu(
    client: TestClient, world: World, engine: Engine, clock: FixedClock
) -> None:
    with unit_of_work(engine) as s:
        s.execute(update(Lot).where(Lot.number == 2).values(commissioned_by_id=world.trust_id))
    hire_care_worker(engine, world, name="Trained Carer", skills=["catheter_care"])
    _placed(client, world, 0, lot=2)
    _placed(client, world, 1, lot=1)
    nurse = browser_for(engine, clock, "nurse@example.org")
    commissioner = browser_for(engine, clock, "commissioner@example.org")

    market = commissioner.get("/app/providers").text
    start = nurse.get("/app/referrals").text
    ours = nurse.get("/app/our-lot")
    packages = nurse.get("/app/packages?lot=2&status=active").text
    social_worker = browser_for(engine, clock, "social_worker@example.org")

    lots = market.split('id="lots-table"', 1)[1].split("</table>", 1)[0]
    assert TRUST in lots and "Commissioned by Leeds City Council" in lots
    contracts = market.split('id="contracts-table"', 1)[1]
    assert TRUST in contracts
    assert ("Our lot: Lot 2 (Delegated healthcare)", "/app/our-lot") in _nav(start)
    assert "Our lot" not in commissioner.get("/app/providers").text.split("<main", 1)[0]
    assert ours.status_code == 200
    assert f"{TRUST} with Leeds City Council" in ours.text
    table = ours.text.split('id="lot-2-contracts"', 1)[1].split("</table>", 1)[0]
    assert "Aire Homecare" in table and "Lot 1" not in ours.text.split("<main", 1)[1]
    aire_row = re.search(r"Aire Homecare</td>.*?</tr>", table, re.S)
    assert aire_row and re.findall(r"numeric\">(\d+)</td>", aire_row.group(0))[0] == "1"
    assert 'href="/app/packages?lot=2&amp;status=active"' in ours.text
    assert packages.count('href="/app/packages/') == 1
    assert social_worker.get("/app/our-lot").status_code == 403
