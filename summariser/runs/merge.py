"""Several reports of one story into one brief, each item saying which sources carry it.

Each source is briefed and grounded on its own first, so every item is verified against the text it
came from; merging only unites what is the same (one actor per person, a development once per
sentence, a quote once per text, a claim once per figure and claimant) and never reconciles what
differs: two casualty figures from two claimants stay side by side, each with its claimant and its
sources.
"""

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from summariser.brief import (
    ITEM_FIELDS,
    Actor,
    Brief,
    CasualtyClaim,
    Meta,
    Missed,
    Quote,
    SourceInfo,
    Usage,
    Verification,
)
from summariser.extract.matching import same_person
from summariser.extract.text import normalise, trimmed

log = logging.getLogger(__name__)


def _text(value: str | None) -> str:
    return normalise(value or "").lower()


def _same(field: str) -> Callable[[Any, Any], bool]:
    """When two reports' items are one: a development on its sentence (one report's brief holds one
    development a sentence, so two reports that word it two ways hold one development) or on its
    words; anything else never on a shared sentence alone (two countries may "condemn the attack"),
    always with who said or did it."""
    return {
        "key_developments": lambda a, b: (
            normalise(a.evidence) == normalise(b.evidence) or _text(a.text) == _text(b.text)
        ),
        "quotes": lambda a, b: normalise(a.text) == normalise(b.text) and same_person(a.speaker, b.speaker),
        "casualty_claims": lambda a, b: (
            (normalise(a.figure), a.outcome, _text(a.who), _text(a.claimed_by))
            == (normalise(b.figure), b.outcome, _text(b.who), _text(b.claimed_by))
        ),
        "international_responses": lambda a, b: (
            _text(a.actor) == _text(b.actor)
            and (
                normalise(a.evidence) == normalise(b.evidence) or _text(a.description) == _text(b.description)
            )
        ),
    }[field]


def _warn_if_unrelated(briefs: list[tuple[str, Brief]], actors: list[Actor]) -> None:
    """Reports that share no one named are likely two stories: merged as asked, but said so, since
    their figures would sit side by side as if they were one event's (a report naming no one is not
    judged)."""
    shared = {source for actor in actors if len(actor.sources or ()) > 1 for source in actor.sources or ()}
    alone = [name for name, brief in briefs if brief.actors and name not in shared]
    if alone:
        log.warning(
            "no one named in %s is named in the other reports: merged anyway; is it one story?",
            ", ".join(alone),
        )


def merge_briefs(briefs: list[tuple[str, Brief]]) -> Brief:
    """One brief from `(source name, brief)` pairs, in the order given; the first source's headline
    and summary lead. A span is relative to the first source in the item's `sources`."""
    lead = briefs[0][1]
    fields: dict[str, list[Any]] = {}
    for field in ITEM_FIELDS:
        same = _same(field)
        merged: list[Any] = []
        for name, brief in briefs:
            for item in getattr(brief, field):
                # a twin comes from another report: one brief's own items are never folded together
                twin = next((kept for kept in merged if name not in kept.sources and same(kept, item)), None)
                if twin is None:
                    merged.append(item.model_copy(update={"sources": [name]}))
                else:
                    twin.sources.append(name)
        fields[field] = merged
    actors: list[Any] = []
    for name, brief in briefs:
        for actor in brief.actors:
            twin = next((kept for kept in actors if same_person(kept.name, actor.name)), None)
            if twin is None:
                actors.append(actor.model_copy(update={"sources": [name]}))
            elif name not in twin.sources:
                twin.sources.append(name)
    _warn_if_unrelated(briefs, actors)
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
            missed=_still_missed(briefs, fields["quotes"], fields["casualty_claims"]),
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


def _still_missed(
    briefs: list[tuple[str, Brief]], quotes: list[Quote], claims: list[CasualtyClaim]
) -> list[Missed]:
    """What each report's detectors found that the merged brief still lacks: a quote another report
    kept is not missed, and a passage missed in several reports is listed once, with its sources."""
    held = {
        "quotes": {trimmed(q.text).lower() for q in quotes},
        "casualty_claims": {trimmed(c.figure).lower() for c in claims},
    }
    missed: dict[tuple[str, str], Missed] = {}
    for name, brief in briefs:
        for item in brief.verification.missed:
            key = (item.field, trimmed(item.text).lower())
            if key[1] in held.get(item.field, set()):
                continue
            if key in missed:
                missed[key].sources = [*(missed[key].sources or []), name]
            else:
                missed[key] = item.model_copy(update={"sources": [name]})
    return list(missed.values())
