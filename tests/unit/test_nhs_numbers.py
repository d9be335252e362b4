"""NHS numbers: the modulus-11 check digit."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homecare.errors import InvalidInput
from homecare.geo.postcodes import normalise_postcode
from homecare.people.domain import (
    format_nhs_number,
    is_valid_nhs_number,
    nhs_check_digit,
    normalise_nhs_number,
)

stems = st.integers(min_value=0, max_value=999_999_999).map(lambda n: f"{n:09d}")


def test_a_published_example_number_is_valid() -> None:
    assert is_valid_nhs_number("943 476 5919")


def test_the_test_range_starts_with_a_valid_number() -> None:
    assert is_valid_nhs_number("9990000018")


@given(stems)
def test_every_number_built_with_its_check_digit_is_valid(stem: str) -> None:
    check = nhs_check_digit(stem)
    if check is not None:
        assert is_valid_nhs_number(stem + str(check))


@given(stems, st.integers(min_value=0, max_value=8), st.integers(min_value=1, max_value=9))
def test_changing_any_one_digit_breaks_the_check(stem: str, position: int, bump: int) -> None:
    check = nhs_check_digit(stem)
    if check is None:
        return
    number = stem + str(check)
    digits = list(number)
    digits[position] = str((int(digits[position]) + bump) % 10)
    assert not is_valid_nhs_number("".join(digits))


def test_a_wrong_check_digit_is_refused_with_the_field_named() -> None:
    with pytest.raises(InvalidInput) as refused:
        normalise_nhs_number("9990000019")
    assert refused.value.field == "nhs_number"
    assert "check digit" in refused.value.message


def test_a_number_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(InvalidInput, match="10 digits"):
        normalise_nhs_number("99900000")


def test_numbers_are_shown_three_three_four() -> None:
    assert format_nhs_number("9434765919") == "943 476 5919"


def test_postcodes_are_normalised_with_one_space() -> None:
    assert normalise_postcode(" ls121au ") == "LS12 1AU"
    with pytest.raises(InvalidInput):
        normalise_postcode("not a postcode")


def test_unicode_digits_are_not_an_nhs_number() -> None:
    # '²' and Arabic-Indic digits pass str.isdigit; before, the first crashed the check digit
    # (int('²') fails) and the second was stored as it was typed.
    for typed in ("999000001²", "٩٤٣٤٧٦٥٩١٩"):
        assert not is_valid_nhs_number(typed)
        with pytest.raises(InvalidInput) as refused:
            normalise_nhs_number(typed)
        assert refused.value.field == "nhs_number"
