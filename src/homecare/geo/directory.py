"""Loading and reading the postcode directory.

The project ships the live postcodes of the Leeds pilot area and of Leicester (OS
Code-Point Open and the ONS lookup, under the Open Government Licence: see
`data/ATTRIBUTION.txt`); a council imports its own ONS postcode directory the same way.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from homecare.geo.tables import PostcodePoint

DATA = Path(__file__).parent / "data"
SHIPPED = {
    "leeds-pilot": DATA / "leeds_area1_postcodes.csv",
    "leicester": DATA / "leicester_postcodes.csv",
}


@dataclass(frozen=True)
class PostcodeRow:
    postcode: str
    latitude: float
    longitude: float
    ward_code: str
    district_code: str
    lsoa_code: str
    lsoa_name: str


def read_csv(path: Path) -> list[PostcodeRow]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            PostcodeRow(
                postcode=row["postcode"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
                ward_code=row["ward_code"],
                district_code=row["district_code"],
                lsoa_code=row["lsoa11_code"],
                lsoa_name=row["lsoa11_name"],
            )
            for row in csv.DictReader(handle)
        ]


def import_rows(session: Session, rows: list[PostcodeRow]) -> int:
    """Adds the postcodes not yet in the directory; returns how many were added."""
    known = set(session.scalars(select(PostcodePoint.postcode)))
    fresh = [r for r in rows if r.postcode not in known]
    session.add_all(PostcodePoint(**r.__dict__) for r in fresh)
    session.flush()
    return len(fresh)
