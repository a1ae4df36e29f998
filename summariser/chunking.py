"""Long articles: split at paragraph (else sentence) boundaries with a little overlap, and merge the
chunks' drafts into one, deterministically.

The merged draft is grounded against the whole article afterwards, so every span is relative to the
article, not to a chunk. Duplicates from the overlap are removed: one actor per person, a quote once
per text, a casualty claim once per figure and claimant, a development or response once per evidence.
"""

import re

from summariser.brief import Draft, Span
from summariser.grounding import normalise, same_person

CHARS_PER_TOKEN = 4  # a deliberate over-estimate for English news text, so chunks fit with room to spare


def estimate_tokens(text: str) -> int:
    return len(text) // CHARS_PER_TOKEN + 1


def split(text: str, max_tokens: int) -> list[Span]:
    """Spans of `text`, each within the budget, each starting with the last paragraph of the one before."""
    limit = max_tokens * CHARS_PER_TOKEN
    units = _units(text, limit)
    chunks: list[Span] = []
    first = 0
    while first < len(units):
        last = first
        while last + 1 < len(units) and units[last + 1][1] - units[first][0] <= limit:
            last += 1
        chunks.append((units[first][0], units[last][1]))
        if last + 1 >= len(units):
            break
        first = last if last > first else last + 1  # overlap by one unit, but always move on
    return chunks


def _units(text: str, limit: int) -> list[Span]:
    """Paragraphs; a paragraph over the limit as its sentences, a sentence over it cut hard."""
    units: list[Span] = []
    for paragraph in re.finditer(r"[^\n]+", text):
        start, end = paragraph.span()
        if end - start <= limit:
            units.append((start, end))
            continue
        for sentence in re.finditer(r"[^.!?]+(?:[.!?]+[\"'”’]?)?\s*", text[start:end]):
            s, e = start + sentence.start(), start + sentence.end()
            while e - s > limit:
                units.append((s, s + limit))
                s += limit
            if s < e:
                units.append((s, e))
    return units


def merge(drafts: list[Draft]) -> Draft:
    """One draft from many, in article order; the lead chunk's headline and summary stand for all."""
    lead = drafts[0]
    actors, quotes, claims, developments, responses = [], [], [], [], []
    for draft in drafts:
        for actor in draft.actors:
            if not any(same_person(actor.name, kept.name) for kept in actors):
                actors.append(actor)
        for quote in draft.quotes:
            if all(normalise(quote.text) != normalise(kept.text) for kept in quotes):
                quotes.append(quote)
        for claim in draft.casualty_claims:
            key = (normalise(claim.figure), normalise(claim.claimed_by).lower())
            if all((normalise(k.figure), normalise(k.claimed_by).lower()) != key for k in claims):
                claims.append(claim)
        for development in draft.key_developments:
            if all(normalise(development.evidence) != normalise(k.evidence) for k in developments):
                developments.append(development)
        for response in draft.international_responses:
            if all(normalise(response.evidence) != normalise(k.evidence) for k in responses):
                responses.append(response)
    return Draft(
        headline=lead.headline,
        summary=lead.summary,
        key_developments=developments,
        actors=actors,
        quotes=quotes,
        casualty_claims=claims,
        international_responses=responses,
    )
