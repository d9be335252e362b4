"""Small text helpers shared by the generated data and the files the service writes."""

from __future__ import annotations

from datetime import date


def slug(name: str) -> str:
    """A name as lower-case letters, digits and hyphens, for file names and addresses."""
    return "".join(ch for ch in name.lower().replace(" ", "-") if ch.isalnum() or ch == "-")


def long_date(day: date) -> str:
    """A date as people write it in a letter: 7 December 2026."""
    return f"{day.day} {day:%B %Y}"


def possessive(name: str) -> str:
    """ "Aire Homecare's", but "Pudsey Care Services'": a name ending in s takes the
    apostrophe alone."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"
