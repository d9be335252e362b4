"""The shipped list of common and guessable passwords, and how it is made.

No public breach corpus ships with the service, so the list is generated from the
patterns that fill such corpora and top every cracking dictionary: the best-known
passwords themselves; common words, names, football clubs, places, seasons and months,
in four letter cases, with years, repeated digits, counting runs and a trailing '!';
keyboard walks and their repeats; counting runs; and doubled words. Only candidates
that pass the length rule (12 or more characters) are kept, since shorter ones are
refused anyway. `python -m homecare.accounts.password_list` rewrites the file.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

SHIPPED = Path(__file__).parent / "data" / "common_passwords.txt.gz"
SHORTEST = 12
LONGEST = 64


def _words(text: str) -> list[str]:
    return text.split()


FAMOUS = _words("""
123456 password 123456789 12345678 12345 qwerty 1234567 111111 1234567890 123123 abc123
1234 password1 iloveyou 1q2w3e4r 000000 qwerty123 zaq12wsx dragon sunshine princess
letmein 654321 monkey 27653 1qaz2wsx 123321 qwertyuiop superman asdfghjkl trustno1
welcome football baseball master shadow michael jennifer hunter ashley whatever
passw0rd p@ssw0rd p@ssword password123 password1234 passwordpassword admin administrator
changeme changeit default secret letmein123 welcome123 welcome1 qazwsx starwars
liverpool chelsea arsenal manchester iloveyou1 lovely charlie freedom computer
""")

WORDS = _words("""
password passphrase welcome letmein iloveyou loveyou trustno1 secret access login admin
administrator changeme default master dragon monkey shadow sunshine princess football
baseball soccer cricket rugby hockey tennis golf snooker darts superman batman spiderman
starwars pokemon minecraft fortnite playstation xbox nintendo computer internet
welcometo summer winter autumn spring january february march april may june july august
september october november december monday tuesday wednesday thursday friday saturday
sunday christmas easter holiday birthday family children friends forever lovely
beautiful happiness freedom whatever nothing something everything money business
pa55word qwerty azerty dolphin tigger ginger pepper buster charlie cookie chocolate
flower butterfly rainbow diamond silver golden orange banana apple cherry strawberry
liverpool everton chelsea arsenal tottenham manchester united city leeds leedsunited
yorkshire london england britain scotland wales ireland newcastle sheffield bradford
wakefield harrogate headingley armley bramley kirkstall wortley pudsey horsforth
homecare carehome council nhshealth nursing carer caring healthcare socialcare social
worker broker commissioner provider hospital doctor nurse service support patient
michael jessica jennifer ashley matthew daniel andrew joshua christopher david james
robert john william richard thomas charles joseph george oliver harry jack jacob noah
charlie leo alfie freddie archie oscar mohammed muhammad olivia amelia isla ava emily
sophie grace lily chloe ella mia ruby evie poppy sarah emma laura hannah rebecca
elizabeth margaret mary patricia linda barbara susan dorothy helen karen nancy betty
samantha victoria catherine charlotte alexander benjamin samuel nicholas jonathan
""")

WALKS = _words("""
qwertyuiop asdfghjkl zxcvbnm qwertyuiopasdfghjkl 1qaz2wsx3edc 1qaz2wsx3edc4rfv
qazwsxedcrfv qazwsxedc zaq12wsxcde3 1q2w3e4r5t6y 1q2w3e4r5t6y7u8i q1w2e3r4t5y6
qwertyasdfgh qwertyasdfghzxcvbn asdfghjklqwerty zxcvbnmasdfghjkl 1234qwerasdf
1234qwer 12qwaszx 12qwaszx34erdfcv poiuytrewq lkjhgfdsa mnbvcxz qweasdzxc
qweasdzxc123 !qaz@wsx#edc 1qaz!qaz 2wsx@wsx qwerty123456 qwertyuiop123
""")


def _cases(word: str) -> set[str]:
    return {word, word.capitalize(), word.upper(), word[:1].lower() + word[1:].upper()}


def _suffixes() -> list[str]:
    years = [str(y) for y in range(1950, 2031)]
    counting = ["123", "1234", "12345", "123456", "1234567", "12345678", "123456789"]
    repeated = [d * n for d in "0123456789" for n in (2, 3, 4)]
    small = [str(n) for n in range(0, 100)] + [f"{n:02d}" for n in range(10)]
    plain = years + counting + repeated + small
    return ["", "!", "1!", "123!"] + plain + [s + "!" for s in plain]


def _runs() -> Iterator[str]:
    """Counting runs up and down, from any start, as long as the length rule needs."""
    digits = "01234567890123456789"
    letters = "abcdefghijklmnopqrstuvwxyz"
    for alphabet in (digits, letters, letters.upper()):
        for start in range(len(alphabet)):
            for length in range(SHORTEST, 21):
                run = alphabet[start : start + length]
                if len(run) == length:
                    yield run
                    yield run[::-1]


def _repeats() -> Iterator[str]:
    """One character, or a short unit, repeated to 12–20 characters."""
    units = [chr(c) for c in range(33, 127)] + ["ab", "abc", "12", "123", "xo", "qwe", "asd"]
    units += [w for w in WORDS if len(w) <= 6] + WALKS[:3]
    for unit in units:
        for length in range(SHORTEST, 21):
            candidate = (unit * (length // len(unit) + 1))[:length]
            yield candidate


def candidates() -> Iterator[str]:
    yield from FAMOUS
    yield from WALKS
    yield from (walk * 2 for walk in WALKS)
    yield from _runs()
    yield from _repeats()
    suffixes = _suffixes()
    for word in set(WORDS) | set(FAMOUS):
        for cased in _cases(word):
            for suffix in suffixes:
                yield cased + suffix
            yield cased + cased
            yield cased + word[::-1]
    leet = str.maketrans({"a": "@", "o": "0", "e": "3", "i": "1", "s": "$"})
    for word in WORDS:
        for suffix in ("", "1", "123", "!", "2024", "2025", "2026"):
            yield word.translate(leet) + suffix
            yield word.capitalize().translate(leet) + suffix


def build(source: Iterable[str] | None = None) -> list[str]:
    """The distinct lower-cased candidates that the length rules would let through."""
    kept = {c.lower() for c in (source or candidates()) if SHORTEST <= len(c) <= LONGEST}
    return sorted(kept)


def write(path: Path = SHIPPED) -> int:
    words = build()
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as f:
        f.write("\n".join(words) + "\n")
    return len(words)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list, lower-cased, read once."""
    with gzip.open(SHIPPED, "rt", encoding="utf-8") as f:
        return frozenset(line.strip() for line in f if line.strip())


if __name__ == "__main__":
    print(f"{write()} passwords written to {SHIPPED}")
