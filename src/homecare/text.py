"""Small text helpers shared by the generated data and the files the service writes."""

from __future__ import annotations


def slug(name: str) -> str:
    """A name as lower-case letters, digits and hyphens, for file names and addresses."""
    return "".join(ch for ch in name.lower().replace(" ", "-") if ch.isalnum() or ch == "-")
