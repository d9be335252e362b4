"""Amounts of pounds typed on a form, as whole pence: one reader for every money field."""

from __future__ import annotations

from homecare.web.forms import parse_pence


def _read(raw: str, *, signed: bool = False) -> tuple[int | None, str | None]:
    errors: dict[str, str] = {}
    pence = parse_pence(raw, errors, anchor="amount", what="the amount", most_pence=10_000_000,
                        signed=signed)  # fmt: skip
    return pence, errors.get("amount")


def test_pounds_with_a_sign_commas_and_a_minus_become_whole_pence() -> None:
    assert _read("£1,250.50") == (125_050, None)
    assert _read("−12.50", signed=True) == (-1_250, None)  # a typographic minus
    assert _read("-£8.74", signed=True) == (-874, None)


def test_each_unusable_amount_is_refused_in_words_naming_why() -> None:
    assert _read("") == (None, "Enter the amount in pounds")
    assert _read("twelve")[1] == "Enter the amount in pounds, like 12,500.50"
    assert _read("12.505")[1] == "Enter the amount in pounds and pence, like 12,500.50"
    assert _read("-5")[1] == "Enter the amount between £0.01 and £100,000.00"
    assert _read("0", signed=True)[1] == (
        "Enter the amount other than £0.00, up to £100,000.00 either way"
    )
    assert _read("100000.01", signed=True)[0] is None
