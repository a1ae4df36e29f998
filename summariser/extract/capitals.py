"""Runs of capitalised words in a sentence, split into the names they hold: a body's name whole,
a person's without the title before it ("US President Name Surname" is "US" and "Name Surname")."""

import re

from summariser.brief import Span
from summariser.extract.matching import is_demonym
from summariser.extract.words import BODIES, JOINERS, NOT_NAMES, OPENERS, TITLES, WEEKDAYS

WORD = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_][\w&-]*(?:[’'.][\w&-]+)*")  # "U.S." whole


POSSESSIVE = ("’s", "'s", "’", "'")


def first_word(text: str) -> int:
    """Where the first word of a sentence starts, past any opening marks."""
    m = WORD.search(text)
    return m.start() if m else 0


def runs(text: str) -> list[Span]:
    """Runs of capitalised words, joined by single spaces or a joining word ("Ministry of Defence");
    a possessive ends a run ("Ukraine’s lead negotiator")."""
    words = list(WORD.finditer(text))
    runs: list[Span] = []
    current: list[re.Match[str]] = []
    for i, m in enumerate(words):
        word = m.group()
        capital = word[0].isupper()
        joiner = (
            word in JOINERS
            and current
            and i + 1 < len(words)
            and words[i + 1].group()[0].isupper()
            and text[m.end() : words[i + 1].start()] == " "
        )
        follows = bool(current) and text[current[-1].end() : m.start()] == " " and not possessive(current[-1])
        if (capital or joiner) and follows:
            current.append(m)
        elif capital:
            if current:
                runs.append(run_span(current))
            current = [m]
        elif current:
            runs.append(run_span(current))
            current = []
    if current:
        runs.append(run_span(current))
    return runs


def possessive(word: re.Match[str]) -> bool:
    return word.group().endswith(POSSESSIVE[:2])


def run_span(words: list[re.Match[str]]) -> Span:
    end = words[-1].end() - (2 if possessive(words[-1]) else 0)
    return words[0].start(), end


def split_run(text: str, run: Span) -> list[Span]:
    """A run of capitals as the names it holds: a body's name whole ("Interior Ministry"); else the
    words after the last title word ("US President Joe Biden" -> "Joe Biden"), and those before
    the first, when they name someone ("US")."""
    words = list(re.finditer(r"\S+", text[run[0] : run[1]]))
    words = [w for w in words if w.group()]
    names = [w.group().lower().strip(".") for w in words]
    while words and names[0] in OPENERS:  # "In Velmar", "The Pentagon": a capital the sentence gave
        words, names = words[1:], names[1:]
    if not words:
        return []
    if names[-1] in BODIES:
        first = next((i for i, n in enumerate(names) if n not in TITLES or n in BODIES), len(names))
        first = 0 if first < len(names) and names[first] in BODIES else first
        return kept(text, run[0], words[first:])
    titled = [i for i, n in enumerate(names) if n in TITLES]
    if not titled:
        return kept(text, run[0], words)
    parts = [words[: titled[0]], words[titled[-1] + 1 :]]
    return [span for part in parts for span in kept(text, run[0], part)]


def kept(text: str, offset: int, words: list[re.Match[str]]) -> list[Span]:
    while words and words[0].group().lower() in JOINERS:
        words = words[1:]
    while words and words[-1].group().lower() in JOINERS:
        words = words[:-1]
    while len(words) > 1 and words[-1].group().lower() in WEEKDAYS:  # "Name Surname Tuesday said"
        words = words[:-1]
    if not words:
        return []
    a, b = offset + words[0].start(), offset + words[-1].end()
    name = text[a:b]
    if name.lower() in NOT_NAMES or is_demonym(name):
        return []
    if all(w.group().lower().strip(".") in TITLES for w in words):
        return []
    return [(a, b)]
