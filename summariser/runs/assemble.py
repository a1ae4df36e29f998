"""The brief assembled from what held: every flag gathered, and each field the model or the
article's own words fill bounded by the contract's limits, a cut flagged rather than re-asked (it
costs neither the brief nor a request)."""

from typing import TypeVar

from pydantic import BaseModel

from summariser.brief import (
    HEADLINE_CHARS,
    ITEM_CHARS,
    SUMMARY_CHARS,
    Brief,
    Flag,
    Meta,
    Missed,
    Verification,
)
from summariser.extract import wording
from summariser.extract.anchors import anchor
from summariser.extract.grounding import Grounding
from summariser.extract.text import SourceText


def assemble(
    grounding: Grounding, meta: Meta, source: SourceText, hidden_instructions: tuple[str, ...] = ()
) -> Brief:
    draft = grounding.draft
    flags = [Flag(kind=f.kind, text=f.text, span=f.span) for f in source.injections]
    # hidden from the page's readers, so in no span of its text
    flags += [Flag(kind="injection", text=text, span=None) for text in hidden_instructions]
    flags += grounding.issues + grounding.flags
    if not draft.summary.strip():
        flags.append(Flag(kind="summary", text="the model wrote no summary that could be read", span=None))
    cuts: list[Flag] = []
    found = {field: list(getattr(grounding, field)) for field in FREE_TEXT}
    if not found["key_developments"]:  # an article with news has one, whatever held
        found["key_developments"] = [d for d in [wording.lead_development(source)] if d]
    items = {
        field: [_clipped(item, FREE_TEXT[field], cuts, field) for item in found[field]] for field in FREE_TEXT
    }
    headline = _cut(" ".join(draft.headline.split()), HEADLINE_CHARS, "headline", cuts)
    summary = _cut(_sentences_cut(draft.summary, cuts), SUMMARY_CHARS, "summary", cuts)
    flags += cuts
    missed = grounding.missed + _harm_without_figure(grounding, source)
    return Brief(
        headline=headline,
        summary=summary,
        **items,
        verification=Verification(
            status="partial" if grounding.dropped or flags else "verified",
            dropped=grounding.dropped,
            missed=missed,
            flags=flags,
        ),
        meta=meta,
    )


def _harm_without_figure(grounding: Grounding, source: SourceText) -> list[Missed]:
    """Where the article reports harm the detector found no figure for ("Several shoppers were
    killed"), the brief says so, so that no one reads "none found" as "none happened"."""
    if grounding.casualty_claims or source.anchors.mentions:
        return []
    for start, end in source.harm:
        sentence = source.anchors.sentence_at(start)
        if sentence is not None:
            return [
                Missed(
                    field="casualty_claims",
                    text=source.text[start:end],
                    span=(start, end),
                    sentence=sentence.text,
                )
            ]
    return []


# The words a reader is shown beside each item's verbatim text (quotes and evidence, exempt), each
# within ITEM_CHARS (limits in `summariser.brief`): the model's own for a development (or its
# sentence's, `summariser.extract.grounding`); read off the article by code for the rest, and bounded
# all the same.
FREE_TEXT = {
    "key_developments": ("text",),
    "actors": ("role", "affiliation"),
    "quotes": ("context",),
    "casualty_claims": ("who", "location", "qualifier"),
    "international_responses": ("description",),
}


def _cut(text: str, limit: int, name: str, cuts: list[Flag]) -> str:
    """Text within its limit; a cut is flagged, never re-asked: it costs neither the brief nor a request."""
    if len(text) <= limit:
        return text
    cuts.append(
        Flag(
            kind="truncated", text=f"the {name} ran to {len(text):,} characters, cut to {limit:,}", span=None
        )
    )
    return text[: limit - 1].rstrip() + "…"


SUMMARY_MAX_SENTENCES = 5  # the contract asks for 2-4; one more for a model's long sentence split


def _sentences_cut(summary: str, cuts: list[Flag]) -> str:
    """A summary of more than five sentences is the article pasted back, not a summary: its first
    five are kept (split as the article's own sentences are, never inside a quotation), the cut
    flagged."""
    sentences = anchor(summary).sentences
    if len(sentences) <= SUMMARY_MAX_SENTENCES:
        return summary
    cuts.append(
        Flag(
            kind="truncated",
            text=f"the summary ran to {len(sentences)} sentences, cut to {SUMMARY_MAX_SENTENCES}",
            span=None,
        )
    )
    return summary[: sentences[SUMMARY_MAX_SENTENCES - 1].span[1]] + " …"


Item = TypeVar("Item", bound=BaseModel)


def _clipped(item: Item, names: tuple[str, ...], cuts: list[Flag], field: str) -> Item:
    changes = {
        name: _cut(value, ITEM_CHARS, f"{field.replace('_', ' ')} {name}", cuts)
        for name in names
        if isinstance(value := getattr(item, name), str) and len(value) > ITEM_CHARS
    }
    return item.model_copy(update=changes) if changes else item
