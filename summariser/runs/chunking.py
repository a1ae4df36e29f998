"""Long articles: split at paragraph (else sentence) boundaries with a little overlap, and merge the
chunks' drafts into one, deterministically.

Ids are global over the article, so the merged draft is grounded against the whole article and every
span is relative to it, not to a chunk. Duplicates from the overlap are removed: one answer per
passage or figure id, a development once per evidence sentence, a response once per evidence
sentence and actor.
"""

import re

from summariser.brief import Span
from summariser.extract.anchors import Anchors, is_phrase
from summariser.extract.draft import ClaimAnswer, DevelopmentDraft, Draft, QuoteAnswer, ResponseDraft

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


MOST_ANSWERS = 60  # passages and figures one request answers: 60 answers fit its output limit with room


def within_answers(spans: list[Span], anchors: Anchors, most: int = MOST_ANSWERS) -> list[Span]:
    """The parts again, each cut at sentence boundaries until it asks no more than `most` passages
    and figures: every one of them is a key the answer must hold, and an article that lists
    hundreds of the dead would otherwise ask for an answer longer than any model may write."""
    asked = [p for p in anchors.passages if not is_phrase(p)]  # a term or scare quotes is never asked
    starts = sorted(a.span[0] for a in (*asked, *anchors.mentions))
    bounded: list[Span] = []
    for start, end in spans:
        held = [at for at in starts if start <= at < end]
        if len(held) <= most:
            bounded.append((start, end))
            continue
        cut = start
        for first in range(most, len(held), most):
            sentence = anchors.sentence_at(held[first])
            at = sentence.span[0] if sentence is not None and sentence.span[0] > cut else held[first]
            bounded.append((cut, at))
            cut = at
        bounded.append((cut, end))
    return bounded


def budgets(parts: int, requests: int) -> list[int]:
    """Each part's model requests within the brief's total `requests`, the headline's one taken out
    first where there are two or more: a first request for as many parts as fit, in article order,
    then the rest as their re-asks, shared out from the first part on. A part past the total is not
    asked at all (the brief says so), for `max_requests` is what a brief may cost."""
    extraction = requests - 1 if requests >= 2 else requests
    asked = min(parts, extraction)
    spare = extraction - asked
    return [1 + spare // asked + (1 if part < spare % asked else 0) for part in range(asked)]


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


def merge_drafts(drafts: list[Draft]) -> Draft:
    """One draft from many, in article order; the lead chunk's headline and summary stand for all.
    Ids are global over the article, so a passage or figure in the overlap is one answer: the first
    that says whose words or what harm it is wins."""
    lead = drafts[0]
    quotes: dict[str, QuoteAnswer] = {}
    claims: dict[str, ClaimAnswer] = {}
    developments: dict[str, DevelopmentDraft] = {}
    responses: dict[tuple[str, str], ResponseDraft] = {}
    for draft in drafts:
        for quote_id, quote in draft.quotes.items():
            if quotes.get(quote_id) is None or quotes[quote_id].speaker is None:
                quotes[quote_id] = quote
        for mention_id, claim in draft.casualty_claims.items():
            if claims.get(mention_id) is None or claims[mention_id].outcome is None:
                claims[mention_id] = claim
        for development in draft.key_developments:
            developments.setdefault(development.evidence, development)
        for response in draft.international_responses:
            responses.setdefault((response.evidence, response.actor.lower()), response)
    return Draft(
        headline=lead.headline,
        summary=lead.summary,
        key_developments=list(developments.values()),
        quotes=quotes,
        casualty_claims=claims,
        international_responses=list(responses.values()),
        unreadable=[u for draft in drafts for u in draft.unreadable],
    )
