"""Which passwords are too easy to guess, and the words that say why."""

from __future__ import annotations

import pytest

from homecare.accounts.password_list import build, common_passwords
from homecare.accounts.password_rules import (
    email_names,
    is_counting_run,
    is_short_unit_repeated,
    password_problem,
)
from homecare.accounts.passwords import check_password_rules
from homecare.errors import InvalidInput

EMAIL = "priya.shah@example.org"


@pytest.mark.parametrize(
    "password",
    ["aaaaaaaaaaaa", "password1234", "Password1234", "qwertyuiop123", "Liverpool2024!"],
)
def test_the_passwords_the_tester_used_and_their_kin_are_refused(password: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_password_rules(password, email=EMAIL)

    assert refused.value.field == "password"
    assert refused.value.message.startswith("a password cannot")


@pytest.mark.parametrize(
    "password",
    ["abcdefghijkl", "987654321098", "abcabcabcabc", "121212121212", "ZYXWVUTSRQPO"],
)
def test_counting_runs_and_short_repeats_are_refused_as_patterns(password: str) -> None:
    problem = password_problem(password, email=EMAIL, common=frozenset())

    assert problem == "a password cannot be a simple sequence or pattern, like abcdef or 121212"


def test_one_repeated_character_is_refused_in_its_own_words() -> None:
    problem = password_problem("############", email=EMAIL, common=frozenset())

    assert problem == "a password cannot be one character repeated"


def test_a_password_containing_the_name_in_the_email_is_refused() -> None:
    for password in ("priya.shah is me now", "my name is Shah ok", "PRIYA likes walks"):
        problem = password_problem(password, email=EMAIL, common=frozenset())
        assert problem == "a password cannot contain the name in your email address"


def test_long_unusual_passphrases_are_accepted() -> None:
    for password in ("correct horse battery staple", "a long enough passphrase", "tulip 7 kettle"):
        check_password_rules(password, email=EMAIL)


def test_runs_are_told_apart_from_ordinary_text() -> None:
    assert is_counting_run("789012345678")
    assert not is_counting_run("a long enough")
    assert is_short_unit_repeated("xoxoxoxoxoxo")
    assert not is_short_unit_repeated("xoxoxoxoxoxa")


def test_the_email_names_are_its_name_part_and_pieces_of_four_letters_or_more() -> None:
    assert email_names("priya.shah@example.org") == ["priya.shah", "priya", "shah"]
    assert email_names("jo.li2@example.org") == ["jo.li2"]


def test_the_shipped_list_is_the_generated_list_and_holds_tens_of_thousands() -> None:
    shipped = common_passwords()

    assert shipped == frozenset(build())
    assert 20_000 < len(shipped) < 200_000
    assert all(len(p) >= 12 for p in shipped)
