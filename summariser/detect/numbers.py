"""The one number reader: every number an English sentence states, where it stands and what it allows.

The detectors and the extraction both read numbers here, so a figure is found and read the same
way everywhere: digits with separators and scales ("1,200", "1.2 million"), numbers in words in any
case and form ("Sixty", "twenty-five", "one hundred and twelve"), vague counts ("a dozen",
"dozens", "tens of thousands"), the hedge before a number ("at least", "nearly") and ranges
("between 30 and 40", "30 to 40"). Which words are numbers, and what a run of them is worth, is
text2num's knowledge, not a list of ours; the hedges and vague counts are written once, as data,
in `casualty_words.toml`. Whether a number counts people is the caller's judgement.
"""

import bisect
import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from text_to_num import text2num

from summariser.brief import Span


@functools.cache
def vocabulary() -> dict[str, Any]:
    """The casualty rules' words (`casualty_words.toml`), read once."""
    return tomllib.loads(
        resources.files("summariser.detect").joinpath("casualty_words.toml").read_text("utf-8")
    )


def alternation(words: list[str] | dict[str, Any]) -> str:
    """A regular expression matching any of the entries, longest first, so "at least" wins over "at"."""
    return "|".join(sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class Number:
    """A number phrase: its span (hedge included), the lowest and highest counts it allows (None
    where it sets no bound), the hedge as written, and whether it names no number ("dozens")."""

    span: Span
    low: int | None
    high: int | None
    hedge: str | None
    vague: bool
    figure: Span  # the number alone, without its hedge


_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_DIGITS = re.compile(
    r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s+(?P<scale>million|thousand|billion))?(?![\w,]\d)",
    re.IGNORECASE,
)
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_SCALE_WORDS = {"hundred", *_SCALES}
_ARTICLE = re.compile(r"\b(?:a|an)\s$", re.IGNORECASE)  # "a hundred", "an eighty-year-old" is no number


@functools.cache
def _worth(words: str) -> int | None:
    """What a run of number words is worth, by text2num; None where it is no number, or nothing
    ("zero", and the "o" text2num reads as one)."""
    try:
        return text2num(words.lower(), "en") or None
    except ValueError:
        return None


def _vague_pattern() -> re.Pattern[str]:
    latin = [v for v in vocabulary()["vague"] if v.isascii()]
    return re.compile(rf"\b(?:{alternation(latin)})\b", re.IGNORECASE)


def _hedge_pattern() -> re.Pattern[str]:
    latin = [re.escape(h) for h in vocabulary()["hedges"] if h.isascii()]
    return re.compile(rf"(?<!\w)(?:{alternation(latin)})\s+$", re.IGNORECASE)


_VAGUE = _vague_pattern()
_HEDGE_BEFORE = _hedge_pattern()
_RANGE = re.compile(r"\s*(?:to|or|and|-|–)\s*$", re.IGNORECASE)


def _spelled(text: str) -> list[tuple[int, int, int]]:
    """Runs of number words, each read whole by text2num ("one hundred and twelve" is one
    number, "two and three" two), as (start, end, value)."""
    found: list[tuple[int, int, int]] = []
    words = [m for m in _WORD.finditer(text) if _worth(m.group()) is not None or m.group().lower() == "and"]
    i = 0
    while i < len(words):
        if words[i].group().lower() == "and":
            i += 1
            continue
        j = i + 1  # the run: words one space apart
        while j < len(words) and text[words[j - 1].end() : words[j].start()] == " ":
            j += 1
        while j > i:  # the longest prefix text2num reads as one number
            run = words[i:j]
            if run[-1].group().lower() != "and":
                value = _worth(text[run[0].start() : run[-1].end()])
                if value is not None:
                    start = run[0].start()
                    article = _ARTICLE.search(text, max(0, start - 3), start)
                    scaled = article is not None and run[0].group().lower() in _SCALE_WORDS
                    found.append(
                        (article.start() if article is not None and scaled else start, run[-1].end(), value)
                    )
                    break
            j -= 1
        i = max(j, i + 1)
    return found


def _bare(text: str) -> list[tuple[int, int, int, bool]]:
    """Every number without its hedge, in text order: (start, end, value, vague)."""
    found: dict[int, tuple[int, int, int, bool]] = {}
    for m in _VAGUE.finditer(text):
        found[m.start()] = (m.start(), m.end(), vocabulary()["vague"][m.group().lower()], True)
    for m in _DIGITS.finditer(text):
        number = float(m.group().split()[0].replace(",", ""))
        scale = _SCALES[m.group("scale").lower()] if m.group("scale") else 1
        found.setdefault(m.start(), (m.start(), m.end(), round(number * scale), False))
    taken = sorted((s, e) for s, e, _, _ in found.values())  # vague counts and digits, by start
    starts = [s for s, _ in taken]
    for start, end, value in _spelled(text):
        at = bisect.bisect_right(starts, start)  # the one starting at or before it, and the next
        if not any(s <= start < e or start <= s < end for s, e in taken[max(0, at - 1) : at + 1]):
            found.setdefault(start, (start, end, value, False))
    return sorted(found.values())


_BOUND = {"=": (0, 0), ">=": (0, None), ">": (1, None), "<=": (None, 0), "<": (None, -1)}


@functools.lru_cache(maxsize=8)
def numbers(text: str) -> tuple[Number, ...]:
    """Every number the text states, hedge and range included, in text order."""
    bare = _bare(text)
    hedges = vocabulary()["hedges"]
    read: list[Number] = []
    skip = -1
    for n, (start, end, value, vague) in enumerate(bare):
        if start < skip:
            continue
        head = start
        hedge = _HEDGE_BEFORE.search(text, max(0, start - 20), start)
        between = re.search(r"\bbetween\s+$", text[max(0, start - 9) : start], re.IGNORECASE)
        after = bare[n + 1] if n + 1 < len(bare) else None
        joined = after is not None and not vague and not after[3] and _RANGE.fullmatch(text[end : after[0]])
        if (
            joined
            and after is not None
            and (between or text[end : after[0]].strip().lower() in ("to", "-", "–"))
        ):
            head = start - len(between.group()) if between else start
            read.append(Number((head, after[1]), value, after[2], None, False, (start, after[1])))
            skip = after[1]
            continue
        if hedge:
            kind = hedges[" ".join(hedge.group().lower().split())]
            up, down = _BOUND[kind]
            low = None if up is None else value + up
            high = None if down is None or vague else value + down
            read.append(Number((hedge.start(), end), low, high, hedge.group().strip(), vague, (start, end)))
        else:
            read.append(Number((start, end), value, None if vague else value, None, vague, (start, end)))
    return tuple(read)
