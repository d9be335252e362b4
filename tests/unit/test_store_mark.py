"""Which store `--replace-store` names, and how a refusal says what a store holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from homecare.store_mark import Holding, names_store, shown


@pytest.mark.parametrize(
    ("named", "url", "same"),
    [
        ("sqlite:////srv/homecare.db", "sqlite:////srv/homecare.db", True),
        ("/srv/homecare.db", "sqlite:////srv/homecare.db", True),
        ("/srv/../srv/homecare.db", "sqlite:////srv/homecare.db", True),
        ("/srv/other.db", "sqlite:////srv/homecare.db", False),
        ("sqlite:////srv/other.db", "sqlite:////srv/homecare.db", False),
        ("sqlite://", "sqlite:////srv/homecare.db", False),
        (
            "postgresql+psycopg://care@db.example/homecare",
            "postgresql+psycopg://care:secret@db.example/homecare",
            True,
        ),
        (
            "postgresql+psycopg://care:secret@db.example/homecare",
            "postgresql+psycopg://care:secret@db.example/homecare",
            True,
        ),
        (
            "postgresql+psycopg://care@db.example/homecare_test",
            "postgresql+psycopg://care:secret@db.example/homecare",
            False,
        ),
        ("homecare", "postgresql+psycopg://care@db.example/homecare", False),
    ],
)
def test_replace_store_names_a_store_by_its_url_or_its_file(
    named: str, url: str, same: bool
) -> None:
    assert names_store(named, url) is same


def test_a_relative_sqlite_path_names_the_file_in_the_folder_it_is_run_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    assert names_store("homecare.db", "sqlite:///homecare.db")
    assert names_store(str(tmp_path / "homecare.db"), "sqlite:///homecare.db")
    assert not names_store("elsewhere/homecare.db", "sqlite:///homecare.db")


def test_a_store_is_shown_without_its_password() -> None:
    assert shown("postgresql+psycopg://care:secret@db.example/homecare") == (
        "postgresql+psycopg://care:***@db.example/homecare"
    )


def test_what_a_store_holds_is_told_main_tables_first_in_plain_words() -> None:
    held = Holding(
        rows={"audit_event": 231_533, "person": 1, "visit": 20_480, "zone_lsoa": 6, "lot": 2},
        made_by=None,
    )

    assert held.total == 252_022
    assert held.described() == (
        "1 person, 20,480 visits, 231,533 audit rows and 8 rows in 2 other tables"
    )
