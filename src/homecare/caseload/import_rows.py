"""A council's caseload extract, read row by row: people and their packages as case
management gives them (docs/formats/caseload-csv.md). Pure: every unusable row is named
with its line and the reason in words, and a file with any is used for nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from homecare.errors import InvalidInput
from homecare.geo.postcodes import normalise_postcode
from homecare.pattern import DAY_BANDS, Day, PlannedVisit
from homecare.people.domain import normalise_nhs_number
from homecare.rows import RowProblem

COLUMNS = (
    "nhs_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "address",
    "postcode",
    "provider",
    "lot",
    "starts_on",
    "ends_on",
    "days",
    "morning_minutes",
    "lunch_minutes",
    "tea_minutes",
    "bed_minutes",
    "two_carers",
    "outcomes",
)
REQUIRED = (*COLUMNS[:9], "days")
BANDS = DAY_BANDS
"""An extract names the four daytime calls; night care is referred, not imported."""
DAY_NAMES = {d.value: d for d in Day} | {
    "monday": Day.MON, "tuesday": Day.TUE, "wednesday": Day.WED, "thursday": Day.THU,
    "friday": Day.FRI, "saturday": Day.SAT, "sunday": Day.SUN,
}  # fmt: skip
MINUTES = (15, 240)
MAX_ROWS = 20_000


@dataclass
class CaseloadRow:
    line: int
    nhs_number: str
    given_name: str
    family_name: str
    date_of_birth: date
    address: str
    postcode: str
    provider: str
    lot: int
    starts_on: date
    ends_on: date | None
    pattern: list[PlannedVisit]
    outcomes: list[str] = field(default_factory=list)


def _date(text: str) -> date:
    """2026-10-05 or 05/10/2026, as extracts write dates."""
    for layout in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, layout).date()
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date: write it as 2026-10-05 or 05/10/2026")


def _days(text: str) -> list[Day]:
    words = text.strip().lower()
    if words in ("every day", "daily", "mon-sun"):
        return list(Day)
    if words in ("weekdays", "mon-fri"):
        return list(Day)[:5]
    days = []
    for part in (p.strip() for p in words.replace(";", ",").split(",") if p.strip()):
        if part not in DAY_NAMES:
            raise ValueError(f"'{part}' is not a day: write days as mon, tue ... or every day")
        days.append(DAY_NAMES[part])
    if not days:
        raise ValueError("name at least one day")
    return sorted(set(days), key=list(Day).index)


def _pattern(raw: dict[str, str], problems: list[str]) -> list[PlannedVisit]:
    try:
        days = _days(raw.get("days", ""))
    except ValueError as exc:
        problems.append(f"days|{exc}")
        return []
    two = {b.strip().lower() for b in raw.get("two_carers", "").split(";") if b.strip()}
    unknown = two - {b.value for b in BANDS}
    if unknown:
        problems.append(f"two_carers|'{', '.join(sorted(unknown))}' is not a visit time")
    visits = []
    for band in BANDS:
        text = raw.get(f"{band.value}_minutes", "").strip()
        if not text or text == "0":
            continue
        if not text.isdecimal() or not MINUTES[0] <= int(text) <= MINUTES[1]:
            problems.append(
                f"{band.value}_minutes|a visit lasts {MINUTES[0]} to {MINUTES[1]} minutes"
            )
            continue
        carers = 2 if band.value in two else 1
        visits += [PlannedVisit(day=d, band=band, minutes=int(text), carers=carers) for d in days]
    if not visits and not problems:
        problems.append("morning_minutes|give the minutes of at least one visit a day")
    return visits


def _row(line: int, raw: dict[str, str]) -> tuple[CaseloadRow | None, list[RowProblem]]:
    problems: list[str] = []
    text = {c: (raw.get(c) or "").strip() for c in COLUMNS}
    for column in REQUIRED:
        if not text[column]:
            problems.append(f"{column}|is empty")
    values: dict[str, object] = {}
    for column, read in (
        ("nhs_number", normalise_nhs_number),
        ("postcode", normalise_postcode),
        ("date_of_birth", _date),
        ("starts_on", _date),
    ):
        if text[column]:
            try:
                values[column] = read(text[column])
            except (InvalidInput, ValueError) as exc:
                problems.append(f"{column}|{getattr(exc, 'message', exc)}")
    ends_on = None
    if text["ends_on"]:
        try:
            ends_on = _date(text["ends_on"])
        except ValueError as exc:
            problems.append(f"ends_on|{exc}")
    lot = int(text["lot"]) if text["lot"].isdecimal() else None
    if text["lot"] and lot is None:
        problems.append("lot|write the lot as its number, e.g. 1")
    pattern = _pattern(text, problems)
    starts_on = values.get("starts_on")
    if isinstance(starts_on, date) and ends_on is not None and ends_on < starts_on:
        problems.append("ends_on|the planned last day is before the package starts")
    found = [RowProblem(line, *p.split("|", 1)) for p in problems]
    if found:
        return None, found
    assert lot is not None and isinstance(starts_on, date)
    born = values["date_of_birth"]
    assert isinstance(born, date)
    return (
        CaseloadRow(
            line=line,
            nhs_number=str(values["nhs_number"]),
            given_name=text["given_name"],
            family_name=text["family_name"],
            date_of_birth=born,
            address=text["address"],
            postcode=str(values["postcode"]),
            provider=text["provider"],
            lot=lot,
            starts_on=starts_on,
            ends_on=ends_on,
            pattern=pattern,
            outcomes=[o.strip() for o in text["outcomes"].split(";") if o.strip()],
        ),
        [],
    )


def read_caseload(content: str) -> tuple[list[CaseloadRow], list[RowProblem]]:
    """Every row read, or the problems of every row that cannot be used (line 1 is the
    header, so a row's line is the line a spreadsheet shows it on)."""
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        return [], [RowProblem(1, "", f"the header has no column {', '.join(missing)}")]
    rows: list[CaseloadRow] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(reader):
        line = index + 2
        if index >= MAX_ROWS:
            problems.append(RowProblem(line, "", f"a file holds at most {MAX_ROWS} rows"))
            break
        row, found = _row(line, raw)
        problems += found
        if row is None:
            continue
        if row.nhs_number in seen:
            problems.append(
                RowProblem(line, "nhs_number", f"the same person is on line {seen[row.nhs_number]}")
            )
            continue
        seen[row.nhs_number] = line
        rows.append(row)
    if not rows and not problems:
        problems.append(RowProblem(2, "", "the file has no rows"))
    return rows, problems
