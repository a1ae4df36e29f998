"""What a sentence says around one of its anchors, read off the article's own words by code: where
a quote was said ("told a briefing", "said in parliament"), where a casualty figure stands, and what
a responding government or body did (its clause, verbatim).

The model used to write these, and wrote what it liked ("Mariupol, Russia" for a city in Ukraine,
"the Pentagon provided aircraft" from a sentence saying Washington had not); read off the sentence,
they say only what the article says, and nothing where it says nothing.
"""

import re

from summariser.brief import ResponseKind
from summariser.extract.anchors import Anchor
from summariser.extract.names import Names

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


# a verb by which a government or body responds, and what each kind of response is made of
_RESPONDS = re.compile(
    r"\b(?:send|sent|sending|dispatch|provid|suppl|ship|deliver|donat|pledg|offer|promis|giv|gave|deploy|"
    r"sanction|impos|condemn|denounc|criticiz|criticis|urg|call|said|say|express|condolence|welcom|prais|"
    r"warn|deplor|met|meet|visit|consult|summon|respond|help|support|assist|announc|intend|vow|accus|"
    r"challeng|demand|reject|protest|feel|felt|oppos|investigat|observ|monitor|suspend|expel|recall)\w*",
    re.IGNORECASE,
)
_KINDS = (
    (ResponseKind.sanctions, r"sanction|embargo|freez"),
    (
        ResponseKind.military_aid,
        r"weapon|artillery|\btanks?\b|anti-tank|missile|ammunition|air defen|\barms\b|aircraft",
    ),
    (
        ResponseKind.humanitarian_aid,
        r"\baid\b|rescue|relief|supplies|kits|medical|food|tents|euros|dollars|donat|helicopter|team of|"
        r"doctors",
    ),
    (ResponseKind.diplomatic, r"\bmet\b|\bmeet|talks|visit|envoy|consult|summon|negotiat|mediat|diplomat"),
    (
        ResponseKind.statement,
        r"condemn|denounc|critici|\burg|called (?:on|for)|condolence|welcom|prais|deplor|sadden|troubl|"
        r"statement",
    ),
)
_PLACE_BEFORE = re.compile(
    r"\b(?:to|in|from|at|into|near|across|for|border with|made in|born in)\s+(?:the\s+)?$", re.IGNORECASE
)


def deed(actor: re.Pattern[str], sentence: Anchor) -> str:
    """What a government or body did, as its sentence says it: the first clause opening with its
    name that holds a verb of responding ("Britain would provide more artillery weapons to Kyiv as
    the fighting intensified"; not "a trip to Russia"), or, where its name only attributes the
    sentence ("…, the White House said"), the sentence before it; at most DEED_WORDS words,
    verbatim. Empty where no clause of the body's does anything."""
    text = sentence.text
    for found in actor.finditer(text):
        if _PLACE_BEFORE.search(text, max(0, found.start() - 16), found.start()):
            continue  # "a trip to Russia": a place here, not a government acting
        end = _CLAUSE_END.search(text, found.end())
        clause = text[found.start() : end.start() if end else len(text)]
        if len(clause.split()) <= 3 and _SAID_AFTER.search(text[: found.start()]):
            clause = _SAID_AFTER.sub("", text[: found.start()])
        if _RESPONDS.search(clause):
            words = clause.split()
            if len(words) > DEED_WORDS:
                return " ".join(words[:DEED_WORDS]).rstrip(",;:") + " …"
            return " ".join(words).rstrip(",;:")
    return ""


def kinds(deed: str) -> list[ResponseKind]:
    """What kind of response a deed is, by what it is made of ("more artillery weapons" is
    military aid); every kind where its words do not say."""
    said = [kind for kind, words in _KINDS if re.search(words, deed, re.IGNORECASE)]
    return said[:1] or list(ResponseKind)


_NEGATION = re.compile(r"\b(?:not|never|no longer|denied|refused to)\b|n[’']t\b", re.IGNORECASE)


def denied(deed: str) -> bool:
    """Whether a body's clause says what it did not do ("Washington had not provided aircraft")."""
    return _NEGATION.search(deed) is not None


LINE_CHARS = 150  # a development in the article's own words is one line: a headline's length
LINE_LEAST_WORDS = 4  # "Elsewhere …" is no line: a cut holds a clause or is not made
# a clause that ends on one of these ("…, adding") leaves its next clause half said
_DANGLING = frozenset({"adding", "saying", "and", "or", "but", "as", "while", "that", "which", "who"})
_CLAUSE_BREAK = re.compile(
    r"(?:,|;|:|\s[—–-])\s"
    r"|\s(?=(?:while|after|before|when|because|although|though|but|whereas|since|until|adding|saying)\s)"
    r"|(?<!such)(?<!as well)\s(?=as\s+(?:[A-Z]|(?:the|he|she|they|it|his|her|their|its|we)\s))"
)


def line(sentence: Anchor, passages: list[Anchor]) -> str:
    """A sentence as a development's line in its own words: whole where it fits a line; else up to
    the last clause boundary that does (a comma, a semicolon, a dash, a conjunction that opens a
    clause), never inside someone's quotation, ending in "…"; whole where none fits, since a line
    cut inside a phrase says what the article does not."""
    text, start = sentence.text, sentence.span[0]
    if len(text) <= LINE_CHARS:
        return text
    # a passage's marks stand just outside its span
    quoted = [(p.span[0] - 1, p.span[1] + 1) for p in passages if p.sentence == sentence.id]
    cuts = [
        kept
        for m in _CLAUSE_BREAK.finditer(text)
        if m.start() <= LINE_CHARS - 2
        and not any(a <= start + m.start() < b for a, b in quoted)
        and len(words := (kept := text[: m.start()].rstrip(" ,;:—–-")).split()) >= LINE_LEAST_WORDS
        and words[-1].lower() not in _DANGLING
    ]
    return max(cuts, key=len) + " …" if cuts else text
