"""No canary person's details reach a log of `homecare serve`, and the search would see one."""

from __future__ import annotations

from pathlib import Path

from reliability.canaries import (
    ADDRESS,
    FAMILY_NAME,
    canaries,
    log_files,
    nhs_numbers,
    search,
    serve_and_send,
)
from tests.support.payloads import VALID_NHS_NUMBERS


def test_the_canary_nhs_numbers_are_valid_and_used_by_no_other_test_record() -> None:
    numbers = nhs_numbers()

    assert len(set(numbers)) == 3
    assert all(n.startswith("999") and len(n) == 10 for n in numbers)
    assert not set(numbers) & set(VALID_NHS_NUMBERS)


def test_the_search_finds_a_canary_in_any_log_under_the_folder_whatever_its_case(
    tmp_path: Path,
) -> None:
    (tmp_path / "servers").mkdir()
    (tmp_path / "servers" / "a.log").write_text(f"GET /people?q={FAMILY_NAME.upper()} 200\n")
    (tmp_path / "b.log").write_text("nothing to see\n")
    (tmp_path / "c.json").write_text(ADDRESS)  # not a log

    findings = search(log_files(tmp_path), canaries())

    assert findings.files == 2
    assert findings.found == {str(tmp_path / "servers" / "a.log"): [FAMILY_NAME]}
    assert findings.canaries_found == 1


def test_searches_reads_and_refusals_of_the_canary_people_leave_no_trace_in_the_servers_log(
    tmp_path: Path,
) -> None:
    statuses = serve_and_send(tmp_path, tmp_path / "logs")

    assert statuses["people search"] == 200
    assert statuses["person 1"] == 200
    assert statuses["unreadable record"] == 422
    assert statuses["duplicate record"] == 409
    log = (tmp_path / "logs" / "canaries-server.log").read_text()
    assert 'GET /people HTTP/1.1" 200' in log
    assert search(log_files(tmp_path / "logs"), canaries()).found == {}
