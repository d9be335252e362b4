"""Validation errors become the one refusal shape, in plain words, naming the input."""

from __future__ import annotations

import json
from typing import Any

from homecare.problems import field_name, plain_message, problem, validation_problem


def _error(kind: str, loc: tuple[Any, ...], **extra: Any) -> dict[str, Any]:
    return {"type": kind, "loc": loc, "msg": "pydantic's own words", "input": None, **extra}


def test_a_body_field_is_named_as_the_caller_sent_it() -> None:
    assert field_name(("body", "start_date")) == "start_date"
    assert field_name(("path", "package_id")) == "package_id"
    assert field_name(("query", "quarter")) == "quarter"


def test_a_nested_field_is_named_with_its_place_in_the_list_as_domain_refusals_name_it() -> None:
    assert field_name(("body", "events", 3, "occurred_at")) == "events.3.occurred_at"


def test_union_and_validator_tags_are_left_out_of_the_name() -> None:
    loc = ("body", "hours", "function-after[check(), decimal]")
    assert field_name(loc) == "hours"


def test_the_whole_body_has_no_field() -> None:
    assert field_name(("body",)) is None


def test_common_mistakes_are_told_in_plain_words() -> None:
    assert plain_message(_error("missing", ("body", "start_date"))) == "start_date is required"
    assert plain_message(_error("int_parsing", ("path", "package_id"))) == (
        "package_id must be a whole number"
    )
    assert plain_message(_error("date_from_datetime_parsing", ("body", "day"))) == (
        "day must be a date like 2026-10-05"
    )
    assert plain_message(_error("greater_than_equal", ("body", "minutes"), ctx={"ge": 15})) == (
        "minutes must be at least 15"
    )
    assert plain_message(_error("missing", ("body",))) == "send a JSON body"


def test_an_unknown_kind_of_error_keeps_the_validators_message_under_the_field() -> None:
    message = plain_message(_error("something_new", ("body", "x")))
    assert message == "x: pydantic's own words"


def test_the_refusal_names_the_first_input_at_fault_and_counts_the_rest() -> None:
    body = validation_problem([_error("missing", ("body", "a")), _error("missing", ("body", "b"))])
    assert body["field"] == "a"
    assert body["detail"] == "a is required (and 1 more problem: see errors)"
    assert [e["field"] for e in body["errors"]] == ["a", "b"]


def test_a_refusal_is_json_even_when_the_input_was_not_a_finite_number() -> None:
    error = _error("less_than_equal", ("body", "x"), ctx={"le": float("inf")}, input=float("nan"))
    json.dumps(validation_problem([error]), allow_nan=False)


def test_a_domain_refusal_lists_itself_as_its_only_error() -> None:
    assert problem("zone 9 not found", "zone_id") == {
        "detail": "zone 9 not found",
        "field": "zone_id",
        "errors": [{"field": "zone_id", "message": "zone 9 not found"}],
    }
