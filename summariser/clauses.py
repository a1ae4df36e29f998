"""What a sentence says around one of its anchors, read off the article's own words by code: where
a quote was said ("told a briefing", "said in parliament"), where a casualty figure stands, and what
a responding government or body did (its clause, verbatim).

The model used to write these, and wrote what it liked ("Mariupol, Russia" for a city in Ukraine,
"the Pentagon provided aircraft" from a sentence saying Washington had not); read off the sentence,
they say only what the article says, and nothing where it says nothing.
"""

import re

from summariser.anchors import Anchor
from summariser.names import Names

_OCCASION = re.compile(
    r"\b(?:said|says|told|tells|added|wrote|declared|announced)\s+"
    r"((?:in|at|on|during)\s+(?:a |an |the |his |her |their )?[\w’' -]{2,40}?"
    r"|(?:a|an|the)\s+[\w’' -]{2,40}?|reporters|journalists|parliament)"
    r"(?=[,.;:]|\s+(?:that|on|adding|after)\b|$)"
)
OCCASION_WORDS = 6


def occasion(passage: Anchor, sentence: Anchor) -> str | None:
    """Where a quotation was said, as its sentence puts it ("told a news briefing"), or None."""
    start = passage.span[1] - sentence.span[0]
    for m in _OCCASION.finditer(sentence.text):
        if m.start() >= start - 2 or m.end() <= passage.span[0] - sentence.span[0]:
            words = m.group().split()
            if len(words) <= OCCASION_WORDS + 1:
                return " ".join(words)
    return None


def place(figure: Anchor, names: Names) -> str | None:
    """The place a figure's sentence names, nearest after the figure, else nearest before it."""
    sentence = names.anchors.get(figure.sentence)
    if sentence is None:
        return None
    inside = [n for n in names.places if sentence.span[0] <= n.span[0] < sentence.span[1]]
    after = [n for n in inside if n.span[0] >= figure.span[1]]
    before = [n for n in inside if n.span[1] <= figure.span[0]]
    chosen = after[0] if after else before[-1] if before else None
    return chosen.name if chosen else None


DEED_WORDS = 20
_CLAUSE_END = re.compile(
    r",\s+(?:while|and|but|adding|as|whereas|which)\b|;|\s+but\s+|\s+while\s+|[.!?](?:\s|$)"
)
_SAID_AFTER = re.compile(r",\s*(?:the\s+)?$")


def deed(actor: re.Pattern[str], sentence: Anchor) -> str:
    """What a government or body did, as its sentence says it: the clause that opens with its name
    ("Britain would provide more artillery weapons to Kyiv as the fighting intensified"), or, where
    its name only attributes the sentence ("…, the White House said"), the sentence before it; at
    most DEED_WORDS words, verbatim."""
    text = sentence.text
    found = actor.search(text)
    if found is None:
        return ""
    end = _CLAUSE_END.search(text, found.end())
    clause = text[found.start() : end.start() if end else len(text)]
    if len(clause.split()) <= 3 and _SAID_AFTER.search(text[: found.start()]):
        clause = _SAID_AFTER.sub("", text[: found.start()])
    words = clause.split()
    if len(words) > DEED_WORDS:
        return " ".join(words[:DEED_WORDS]).rstrip(",;:") + " …"
    return " ".join(words).rstrip(",;:")


_NEGATION = re.compile(r"\b(?:not|never|no longer|denied|refused to)\b|n[’']t\b", re.IGNORECASE)


def denied(deed: str) -> bool:
    """Whether a body's clause says what it did not do ("Washington had not provided aircraft")."""
    return _NEGATION.search(deed) is not None
