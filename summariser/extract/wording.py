"""The model's own words checked for what can be checked in them: a headline or summary that denies
the casualties the article reports, names and numbers the article does not hold, a summary or a
development's wording that pastes the article back instead of saying what it means.

They are never `verified`; these checks only flag them (or, for a development, drop it).
"""

import functools
import re

from summariser.brief import Flag, KeyDevelopment
from summariser.detect.harm import DENIAL
from summariser.detect.numbers import numbers as read_numbers
from summariser.extract import clauses, nations
from summariser.extract.anchors import anchor
from summariser.extract.draft import DEVELOPMENT_CHARS, DEVELOPMENT_WORDS, Draft
from summariser.extract.text import SourceText, normalise

_WORD = re.compile(r"\w+")


REPEATED = 0.8  # of a sentence's words, in a row, in its development's wording: the sentence pasted back


def copies(text: str, sentence: str) -> bool:
    """Whether a wording repeats its sentence whole rather than saying what it means: most of the
    sentence's words, in a row. A headline-like opening of a long sentence ("Troops seized a town
    on Tuesday") is a wording of it."""
    source = _words(sentence)
    run = max(1, round(REPEATED * len(source)))
    return _shares_run(_words(text), _runs(source, run), run)


def _words(text: str) -> list[str]:
    return _WORD.findall(normalise(text).lower())


def _runs(words: list[str], size: int) -> set[tuple[str, ...]]:
    """Every run of `size` words in a row."""
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def _shares_run(words: list[str], runs: set[tuple[str, ...]], size: int) -> bool:
    """Whether the words hold one of the runs, word for word."""
    return any(tuple(words[i : i + size]) in runs for i in range(len(words) - size + 1))


def stands_as_line(text: str, sentence: str) -> bool:
    """Whether a development's words can be its line: they say what the sentence means rather than
    repeating it, and end where the model ended them. Words a server stopped at the schema's
    DEVELOPMENT_CHARS, or that ran past DEVELOPMENT_WORDS, stop inside a phrase wherever they are
    cut ("… by United States war"): the sentence's own words say it instead."""
    return (
        not copies(text, sentence)
        and len(text) < DEVELOPMENT_CHARS
        and len(text.split()) <= DEVELOPMENT_WORDS
    )


def lead_development(source: SourceText) -> KeyDevelopment | None:
    """The development an article with news never goes without, where none the model chose held:
    its first sentence in the writer's own voice (not withheld, not mostly someone's quotation), in
    its own words. None where the article has no such sentence."""
    news = source.choices_for().news
    sentence = source.anchors.get(news[0]) if news else None
    if sentence is None:
        return None
    return KeyDevelopment(
        text=clauses.line(sentence, source.anchors.passages),
        evidence=sentence.text,
        span=sentence.span,
        verified=True,
    )


FLAGGED_RUN = 4  # this many words in a row from a flagged passage, and a headline took its words


def from_flagged(field: str, text: str, source: SourceText) -> list[Flag]:
    """Where a headline or summary takes its words from a passage the detectors flagged as an
    instruction to an AI: the mark of a model that obeyed a plant the article carried."""
    runs = _runs(_words(text), FLAGGED_RUN)
    flags = []
    for finding in source.injections:
        if _shares_run(_words(finding.text), runs, FLAGGED_RUN):
            note = f"the {field} repeats words of a passage flagged as an instruction to an AI"
            flags.append(Flag(kind="possible_injection", text=note, span=finding.span))
            break
    return flags


def contradictions(draft: Draft, source: SourceText) -> list[Flag]:
    """A headline or summary that says no one was harmed while the article reports harm: the mark
    of a model that obeyed an instruction planted in the page, or simply got it wrong. Checked
    against every word of harm the article holds, not only the figures the detector found."""
    reported = source.anchors.mentions
    harm = source.harm
    if not (reported or harm):
        return []
    if reported:
        said, span = f"reports {reported[0].label!r}", reported[0].span
    else:
        sentence = source.anchors.sentence_at(harm[0][0])
        said = f"says “{sentence.text if sentence else source.text[harm[0][0] : harm[0][1]]}”"
        span = sentence.span if sentence else harm[0]
    return [
        Flag(
            kind="contradiction",
            text=f"the {name} says there were no casualties, but the article {said}",
            span=span,
        )
        for name, text in (("headline", draft.headline), ("summary", draft.summary))
        if DENIAL.search(text)
    ]


_NAME = re.compile(r"(?<![\w’'])([^\W\d_][\w’'-]*)")


_NUMBER = re.compile(r"(?<![\w.,])\d[\d,.]*\d|(?<![\w.,])\d")


STEM = 5  # "Seizes" is supported by "seized": the first letters of a word carry the name


_SUFFIXES = ("ing", "ed", "es", "s", "e")


def _held(name: str, words: frozenset[str]) -> bool:
    """Whether the article holds a name, or another name of the same country ("UK" where it says
    "Britain")."""
    return any(stem(form) in words for form in {name, *(w for w in nations.names_for(name) if " " not in w)})


def stem(word: str) -> str:
    """A word's first letters once an English ending is off: "sends" and "send", "leave" and
    "leaving", "seizes" and "seized" agree; "Kreminna" and "Kremlin" do not."""
    word = word.lower().removesuffix("’s").removesuffix("'s")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:STEM]


@functools.lru_cache(maxsize=8)
def _held_words(source: SourceText) -> tuple[frozenset[str], frozenset[str]]:
    """The stems of the article's words and the numbers it writes ("Sixty" as 60), found once for
    every headline the brief's requests bring."""
    words = frozenset(stem(w) for w in _NAME.findall(source.normal))
    numbers = {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(source.normal)}
    numbers |= {str(n.low) for n in read_numbers(source.normal) if n.low is not None}
    return words, frozenset(numbers)


def unsupported(draft: Draft, source: SourceText) -> list[Flag]:
    """Names and numbers in the headline and summary that the article does not hold: the model's
    own words are not grounded, but what they name can be checked. A name is a capitalised word
    that does not open a sentence; it is supported by any word of the article with the same stem
    (a title-case "Floods Leave 34 Dead" is supported by "leaving")."""
    written = [
        (field, text) for field, text in (("headline", draft.headline), ("summary", draft.summary)) if text
    ]
    if not written:
        return []
    words, numbers = _held_words(source)
    flags = []
    for field_name, text in written:
        missing: list[str] = []
        for sentence in re.split(r"(?<=[.!?])\s+", normalise(text)):
            names = _NAME.findall(sentence)[1:]
            missing += [n for n in names if n[0].isupper() and not _held(n, words)]
            missing += [n for n in _NUMBER.findall(sentence) if n.replace(",", "").rstrip(".") not in numbers]
        if missing:
            unique = ", ".join(dict.fromkeys(missing))
            flags.append(
                Flag(
                    kind="unsupported",
                    text=f"the {field_name} names what the article does not: {unique}",
                    span=None,
                )
            )
    return flags


COPIED_WORDS = 8  # a run this long, word for word from the article, is the article pasted back


def copied_summary(draft: Draft, source: SourceText) -> list[Flag]:
    """A summary that pastes the article's sentences instead of saying what they add up to: every
    sentence of it that repeats COPIED_WORDS of the article's words in a row counts, pasted whole
    or with its end changed."""
    runs = _runs(_WORD.findall(source.normal.lower()), COPIED_WORDS)
    copied = []
    for sentence in anchor(draft.summary.strip()).sentences:
        if _shares_run(_words(sentence.text), runs, COPIED_WORDS):
            copied.append(sentence.text)
    if not copied:
        return []
    found = next((span for text in copied for span in source.occurrences(text)), None)
    return [
        Flag(
            kind="summary",
            text=f"{len(copied)} of the summary's {len(anchor(draft.summary).sentences)} sentences "
            "repeat the article's own words",
            span=found,
        )
    ]
