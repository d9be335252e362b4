"""What a request to record a person may hold: the NHS number and the coordinates.

The API answers the schema's refusals with FastAPI's 422 naming the field in a `loc`, and
the rules' refusals with `{"detail", "field"}`; tests/integration/test_bad_input_api.py
keeps one of each over HTTP. The cases are worked here.
"""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from homecare.errors import InvalidInput
from homecare.people.domain import normalise_nhs_number
from homecare.people.schemas import PersonCreate
from tests.support import payloads


def _schema_refuses(body: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        PersonCreate.model_validate(body)
    locations = [error["loc"] for error in refused.value.errors()]
    assert any(field in loc for loc in locations), locations


@pytest.mark.parametrize(
    "nhs_number",
    ["99900000181", "999 000 001", "999000001X"],
    ids=["eleven-digits", "nine-digits-with-spaces", "a-letter"],
)
def test_an_nhs_number_that_is_not_ten_digits_passes_the_schema_and_is_refused_by_name(
    nhs_number: str,
) -> None:
    PersonCreate.model_validate(payloads.person(nhs_number=nhs_number))

    with pytest.raises(InvalidInput) as refused:
        normalise_nhs_number(nhs_number)

    assert refused.value.field == "nhs_number"
    assert "10 digits" in refused.value.message


@pytest.mark.parametrize("nhs_number", ["999000001", "9990000018123"], ids=["nine", "thirteen"])
def test_an_nhs_number_shorter_than_ten_or_longer_than_twelve_characters_fails_the_schema(
    nhs_number: str,
) -> None:
    _schema_refuses(payloads.person(nhs_number=nhs_number), "nhs_number")


def test_an_nhs_number_written_with_spaces_is_the_same_number_as_without() -> None:
    assert normalise_nhs_number("999 000 0018") == normalise_nhs_number("9990000018")
    assert normalise_nhs_number("999 000 0018") == "9990000018"


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize("field", ["latitude", "longitude"])
def test_a_coordinate_that_is_not_a_finite_number_fails_the_schema_on_that_field(
    field: str, value: str
) -> None:
    # The body as the API reads it: JSON that Python's parser turns into a float.
    text = json.dumps(payloads.person(**{field: 0.5})).replace(
        f'"{field}": 0.5', f'"{field}": {value}'
    )

    _schema_refuses(json.loads(text), field)
