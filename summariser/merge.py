"""Several reports of one story into one brief, each item saying which sources carry it.

Each source is briefed and grounded on its own first, so every item is verified against the text it
came from; merging only unites what is the same (one actor per person, a quote once per text, a
claim once per figure and claimant) and never reconciles what differs: two casualty figures from two
claimants stay side by side, each with its claimant and its sources.
"""

import hashlib
from collections.abc import Callable

from pydantic import BaseModel

from summariser.brief import Brief, Meta, SourceInfo, Usage, Verification
from summariser.grounding import normalise, same_person


def _keys(field: str) -> Callable[[BaseModel], object]:
    return {
        "key_developments": lambda d: normalise(d.evidence),
        "quotes": lambda q: normalise(q.text),
        "casualty_claims": lambda c: (normalise(c.figure), normalise(c.claimed_by).lower()),
        "international_responses": lambda r: normalise(r.evidence),
    }[field]


def merge_briefs(briefs: list[tuple[str, Brief]]) -> Brief:
    """One brief from `(source name, brief)` pairs, in the order given; the first source's headline
    and summary lead. A span is relative to the first source in the item's `sources`."""
    lead = briefs[0][1]
    fields: dict[str, list] = {}
    for field in ("key_developments", "quotes", "casualty_claims", "international_responses"):
        key = _keys(field)
        merged: list = []
        for name, brief in briefs:
            for item in getattr(brief, field):
                twin = next((kept for kept in merged if key(kept) == key(item)), None)
                if twin is None:
                    merged.append(item.model_copy(update={"sources": [name]}))
                elif name not in twin.sources:
                    twin.sources.append(name)
        fields[field] = merged
    actors: list = []
    for name, brief in briefs:
        for actor in brief.actors:
            twin = next((kept for kept in actors if same_person(kept.name, actor.name)), None)
            if twin is None:
                actors.append(actor.model_copy(update={"sources": [name]}))
            elif name not in twin.sources:
                twin.sources.append(name)
    dropped = [d for _, b in briefs for d in b.verification.dropped]
    usage = Usage()
    for _, brief in briefs:
        usage.add(brief.meta.usage)
    names = [name for name, _ in briefs]
    digest = hashlib.sha256("\0".join(b.meta.source.sha256 for _, b in briefs).encode()).hexdigest()
    return Brief(
        headline=lead.headline,
        summary=lead.summary,
        actors=actors,
        **fields,
        verification=Verification(
            status="partial" if any(b.verification.status == "partial" for _, b in briefs) else "verified",
            dropped=dropped,
            missed=[m for _, b in briefs for m in b.verification.missed],
            flags=[f for _, b in briefs for f in b.verification.flags],
        ),
        meta=Meta(
            model=lead.meta.model,
            prompt_version=lead.meta.prompt_version,
            source=SourceInfo(
                name=" + ".join(names), sha256=digest, chars=sum(b.meta.source.chars for _, b in briefs)
            ),
            usage=usage,
            attempts=sum(b.meta.attempts for _, b in briefs),
            latency_ms=max(b.meta.latency_ms for _, b in briefs),
            cached=all(b.meta.cached for _, b in briefs),
        ),
    )
