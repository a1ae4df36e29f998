"""One view of a brief for people: what every renderer says, in an editor's words.

Markdown, Slack and the review page differ in markup, not in what they tell the reader: the status
first when something did not hold, every section present (saying why one is empty), each casualty
figure with what, where and who claims it, and what was dropped, missed or flagged in plain words,
never in field names or in the notes the model is sent. Phrases here are plain text; each renderer
escapes them for its own format.
"""

import re
from dataclasses import dataclass

from summariser.brief import (
    ITEM_FIELDS,
    Actor,
    Brief,
    CasualtyClaim,
    Dropped,
    Flag,
    InternationalResponse,
    KeyDevelopment,
    Missed,
    Quote,
    Verification,
)
from summariser.detect.numbers import numbers
from summariser.extract.facts import of_before
from summariser.extract.matching import same_person
from summariser.extract.text import normalise

SECTIONS = tuple((field, field.replace("_", " ").capitalize()) for field in (*ITEM_FIELDS, "actors"))
_NOUNS = {
    "key_developments": "development",
    "quotes": "quote",
    "casualty_claims": "casualty figure",
    "international_responses": "international response",
    "actors": "name",
}


# Said once in every brief, so a reader can tell what was checked from what was written: the article's
# words are quoted, the model's set apart (in italics, where the markup has them).
LEGEND = (
    "Checked against the article: words in quotation marks, figures, who said or claims them, and "
    "each cited sentence, found there as written. The model's own wording, not checked line by "
    "line: the headline, the summary, each development's line (one in quotation marks is the "
    "article's own words) and each response's kind."
)
LEFT_OUT = "Not in this brief, or flagged"
LABEL_CHARS = 120  # of an item's words quoted in a note about it: the note is about the item, not a copy


@dataclass(frozen=True)
class Line:
    """An item as a reader sees it: the words a renderer may set apart (a figure, an actor), then the rest."""

    lead: str
    rest: str


def status(brief: Brief) -> str | None:
    """The first thing a reader of a partial brief is told; None when every check passed."""
    v = brief.verification
    if v.status != "partial":
        return None
    parts = []
    if v.dropped:
        parts.append(f"{_count(len(v.dropped), 'item')} could not be verified")
    if v.flags:
        parts.append(f"{_count(len(v.flags), 'thing')} to check")
    return ("; ".join(parts) or "not every check passed") + f" — see “{LEFT_OUT}”."


def empty(field: str, brief: Brief) -> str:
    """Why a section has nothing in it: the article has none, or what it has was not kept."""
    v = brief.verification
    missed = sum(m.field == field for m in v.missed)
    dropped = sum(d.field == field for d in v.dropped)
    if missed:
        return f"None kept; {missed} in the article, listed under “{LEFT_OUT}”."
    if dropped:
        return f"None kept; {_count(dropped, 'item')} could not be verified, listed under “{LEFT_OUT}”."
    return "None found in the article."


def speaking_as(quote: Quote, actors: list[Actor]) -> str:
    """What to say after the speaker's name, once: their role from the actors, else the model's
    context when it adds to the name rather than repeating it ("" when neither does)."""
    role = next((a.role for a in actors if a.role and same_person(a.name, quote.speaker)), None)
    if role:
        return role
    context = quote.context or ""
    surname = quote.speaker.split()[-1].lower() if quote.speaker.split() else ""
    return context if surname not in context.lower() else ""


def claim(item: CasualtyClaim) -> Line:
    """A casualty figure with what, where and who claims it: a claim is never stated as fact."""
    where = f" in {item.location}" if item.location else ""
    source = f"claimed by {item.claimed_by}" if item.claimed_by else "unattributed in the source"
    hedge = f" ({item.qualifier})" if item.qualifier else ""
    return Line(
        item.figure, f"{of_before(item.figure)}{item.who} {item.outcome.value}{where} — {source}{hedge}"
    )


def development(item: KeyDevelopment) -> tuple[str, str | None]:
    """A development's line, and whose words it is: None for the model's own (set apart as the
    legend says), else a note saying how much of its sentence the article's words are, so a reader
    can tell them from the model's the way checked facts are told. A line with no words of its own
    (any brief that validates may hold one) shows its sentence."""
    text = item.text if item.text.strip() else item.evidence
    said, sentence = normalise(text).strip(), normalise(item.evidence).strip()
    if not said or not sentence:
        return text, None
    if said == sentence:
        return text, "the article's own sentence"
    if said.endswith("...") and sentence.startswith(said.removesuffix("...").rstrip()):
        return text, "the article's words, cut at a clause"
    return text, "the article's words" if said in sentence else None


def response(item: InternationalResponse) -> Line:
    """A response: who, the kind the model gave it, and what the body did in the article's words."""
    return Line(item.actor, f"({item.kind.value.replace('_', ' ')}): “{item.description}”")


def actor(item: Actor) -> str:
    return (
        item.name
        + (f" — {item.role}" if item.role else "")
        + (f" ({item.affiliation})" if item.affiliation else "")
    )


def dropped(item: Dropped) -> str:
    """A dropped item as an editor would put it: which item (its words, bounded; never an id), whose,
    and why it did not hold."""
    noun = _NOUNS.get(item.field, item.field).capitalize()
    label = item.label()
    words = "" if _ID.fullmatch(label) else f" “{_bounded(label)}”"
    whose = ""
    if item.field == "quotes" and item.item.get("speaker"):
        whose = f", given to {_bounded(str(item.item['speaker']))}"
    elif item.field == "casualty_claims" and item.item.get("claimed_by"):
        whose = f", claimed by {_bounded(str(item.item['claimed_by']))}"
    return f"{noun}{words}{whose}: not verified ({item.reason})."


def missed(item: Missed) -> str:
    """A passage the brief lacks, with the sentence it stands in, so no one needs the article open."""
    noun = _NOUNS.get(item.field, item.field).capitalize()
    context = item.sentence if item.sentence and item.sentence.strip() != item.text.strip() else ""
    if item.field == "casualty_claims" and not numbers(item.text):  # harm, and no figure found for it
        return f"Harm the article reports with no figure found for it; check: “{_bounded(context, 300)}”"
    return f"{noun} in the article, not in this brief: “{_bounded(item.text, 300)}”" + (
        f", in the sentence “{_bounded(context, 300)}”" if context else ""
    )


def flag(item: Flag) -> tuple[str, str | None]:
    """A flag in an editor's words, and the passage to quote after it (None when the note says it
    all: the text of a summary or contradiction flag is addressed to the model)."""
    if item.kind == "possible_injection":
        if item.text.startswith(("the headline ", "the summary ")):  # the model's words, not the article's
            return item.text[:1].upper() + item.text[1:], None
        return "Reads like an instruction to an AI; kept, check it", item.text
    if item.kind == "injection":
        if item.span is None:  # nowhere in the article text: the page hid it from its readers
            return "Hidden on the page, never sent to the model", item.text
        return "Withheld from the model, as it addressed instructions to an AI", item.text
    if item.kind == "summary":
        return "The summary copies the article's own sentences", None
    if item.kind == "unsupported":
        said, _, names = item.text.partition(": ")
        if names:
            where = next(
                (f for f in ("headline", "summary") if said.startswith(f"the {f} ")), "headline and summary"
            )
            return f"Check the {where}: the article does not hold", names
        return item.text[:1].upper() + item.text[1:], None  # who did what, in the article's terms
    if item.kind == "contradiction":
        return "The headline or summary denies casualties the article reports", None
    if item.kind == "truncated":
        return item.text[:1].upper() + item.text[1:], None
    return item.kind.replace("_", " ").capitalize(), item.text


def notes(verification: Verification) -> list[tuple[str, str | None]]:
    """What was left out or flagged, in the order an editor reads it: each note, and the passage
    a flag is about."""
    return [
        *((dropped(item), None) for item in verification.dropped),
        *((missed(item), None) for item in verification.missed),
        *(flag(item) for item in verification.flags),
    ]


def footer(brief: Brief) -> str:
    """What was checked, for the editor; the model's name, for the record."""
    v = brief.verification
    if v.status == "verified" and not v.missed:
        checked = "every item was found in the article"
    else:
        counts = [
            f"{_count(len(v.dropped), 'item')} dropped" if v.dropped else "",
            f"{_count(len(v.missed), 'passage')} in the article but not in this brief" if v.missed else "",
            f"{_count(len(v.flags), 'thing')} to check" if v.flags else "",
        ]
        checked = ", ".join(c for c in counts if c) or "every item kept was found in the article"
    return f"Checked against the article: {checked}. Written with {brief.meta.model}."


_ID = re.compile(r"[SQCRD]\d+")


def _bounded(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
