"""What makes a password too easy to guess: pure rules, worded for the person choosing it.

Beyond the length limits: not on the shipped list of common and guessable passwords
(`password_list`), not one character repeated, not a counting run or a short unit
repeated (abcdefghijkl, 987654321098, abcabcabcabc), and not containing the name in the
person's own email address. Letter case does not matter to any of these.
"""

from __future__ import annotations

import itertools
import re

PERIOD_LONGEST = 4
"""A unit this short or shorter, repeated, is a pattern rather than a password."""


def is_one_character(password: str) -> bool:
    return len(set(password)) == 1


def is_counting_run(password: str) -> bool:
    """Each character one step up (or down) from the one before, digits wrapping 9 to 0."""
    text = password.lower()
    if len(text) < 3:
        return False
    for step in (1, -1):
        ok = True
        for a, b in itertools.pairwise(text):
            if a.isdigit() and b.isdigit():
                if (int(a) + step) % 10 != int(b):
                    ok = False
                    break
            elif ord(b) - ord(a) != step:
                ok = False
                break
        if ok:
            return True
    return False


def is_short_unit_repeated(password: str) -> bool:
    text = password.lower()
    return any(
        len(text) >= 2 * period and text == (text[:period] * len(text))[: len(text)]
        for period in range(1, PERIOD_LONGEST + 1)
    )


def email_names(email: str) -> list[str]:
    """The name part of an email and its pieces of 4 or more letters: priya.shah → priya."""
    local = email.split("@", 1)[0].lower()
    pieces = [p for p in re.split(r"[._+\-0-9]+", local) if len(p) >= 4]
    return [local, *pieces] if len(local) >= 3 else pieces


def password_problem(password: str, *, email: str, common: frozenset[str]) -> str | None:
    """What is wrong with the password, in words for the form, or None when it will do."""
    lowered = password.lower()
    if is_one_character(password):
        return "a password cannot be one character repeated"
    if is_counting_run(password) or is_short_unit_repeated(password):
        return "a password cannot be a simple sequence or pattern, like abcdef or 121212"
    if any(name in lowered for name in email_names(email)):
        return "a password cannot contain the name in your email address"
    if lowered in common or lowered.strip() in common:
        return (
            "a password cannot be one that is commonly used or known from data breaches: "
            "choose something harder to guess, such as three or four random words"
        )
    return None
