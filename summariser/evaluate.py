"""Scoring briefs against hand-annotated gold files, per field, so models and prompts can be compared.

Matching is lenient where an editor would be: an actor matches on their surname; a quote matches
when its span and the gold quote's span overlap by at least half of the longer of the two; a
casualty claim matches on its number ('about 200' and '200 dead' agree), then is scored for its
claimant and, where the gold names one, its outcome; a response matches on its actor, by name or by
the country a capital or demonym stands for ('Berlin' for 'Germany'). Each gold item is matched at
most once.
"""

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from summariser.brief import Brief, Outcome, Span
from summariser.errors import InputError, SummariserError
from summariser.extract import nations
from summariser.extract.matching import same_name, same_person
from summariser.extract.text import SourceText
from summariser.input.sources import Article, file_bytes, read

FIELDS = ("actors", "quotes", "casualty_claims", "international_responses")


class GoldQuote(BaseModel):
    speaker: str
    text: str = Field(description="The quotation as written in the article, without its marks.")


class GoldClaim(BaseModel):
    figure: str = Field(description="The figure as written in the article, e.g. 'about N'.")
    claimed_by: str | None = Field(
        description="Who gives the figure, as the article names them; null where it names no source."
    )
    outcome: Outcome | None = Field(default=None, description="What happened to them, where annotated.")


class GoldResponse(BaseModel):
    actor: str


class Gold(BaseModel):
    """What a careful editor found in one article: `NAME.gold.json` beside `NAME.txt`."""

    actors: list[str] = Field(description="Names as written in the article.")
    quotes: list[GoldQuote] = Field(default_factory=list)
    casualty_claims: list[GoldClaim] = Field(default_factory=list)
    international_responses: list[GoldResponse] = Field(default_factory=list)


def gold_json_schema() -> dict[str, Any]:
    schema = Gold.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "urn:summariser:gold:v1"
    return schema


@dataclass
class Counts:
    predicted: int = 0
    gold: int = 0
    matched: int = 0

    def add(self, other: "Counts") -> None:
        self.predicted += other.predicted
        self.gold += other.gold
        self.matched += other.matched

    def scores(self) -> dict[str, float | None]:
        precision = self.matched / self.predicted if self.predicted else None
        recall = self.matched / self.gold if self.gold else None
        f1 = (
            2 * precision * recall / (precision + recall)
            if precision is not None and recall is not None and precision + recall
            else (0.0 if precision is not None and recall is not None else None)
        )
        return {"precision": precision, "recall": recall, "f1": f1}


@dataclass
class ArticleScore:
    name: str
    counts: dict[str, Counts] = field(default_factory=dict)
    attributed: int = 0  # matched quotes given to the right speaker
    claims_attributed: int = 0  # matched casualty figures given to the right claimant
    outcomes_judged: int = 0  # matched casualty figures whose gold names an outcome
    outcomes_right: int = 0  # ... and the brief gives that outcome
    roles: int = 0  # actors shown with a role
    roles_not_in_article: int = 0  # ... whose role the article does not write (a topic word)
    items: int = 0
    verified: int = 0
    dropped: int = 0
    missed: int = 0
    requests: int = 0
    tokens: int = 0
    seconds: float = 0.0
    error: str | None = None
    exit_code: int = 0  # the failure's, when the article could not be briefed


def _pairs(
    predicted: list[Any], gold: list[Any], same: Callable[[object, object], bool]
) -> list[tuple[int, int]]:
    """Greedy one-to-one matching, in order: each gold item pairs with the first unmatched prediction."""
    used: set[int] = set()
    pairs = []
    for g, gold_item in enumerate(gold):
        for p, item in enumerate(predicted):
            if p not in used and same(item, gold_item):
                used.add(p)
                pairs.append((p, g))
                break
    return pairs


def _overlap_by_half(a: Span | None, b: Span | None) -> bool:
    if a is None or b is None:
        return False
    shared = min(a[1], b[1]) - max(a[0], b[0])
    return shared > 0 and shared >= 0.5 * max(a[1] - a[0], b[1] - b[0])


_NUMBER = re.compile(r"\d[\d,.]*|[a-z]+")
_FILLER = {
    "about",
    "around",
    "at",
    "least",
    "more",
    "than",
    "over",
    "nearly",
    "almost",
    "some",
    "up",
    "to",
    "as",
    "many",
    "roughly",
    "an",
    "estimated",
    "dead",
    "killed",
    "people",
    "of",
    "the",
}


def figure_key(figure: str) -> set[str]:
    """The number a figure states, without its hedges: '200' for 'about 200', 'thousands' for itself."""
    return {t.replace(",", "") for t in _NUMBER.findall(figure.lower()) if t not in _FILLER}


def score(brief: Brief, gold: Gold, source: SourceText, name: str = "") -> ArticleScore:
    result = ArticleScore(name=name)

    def count(
        field_name: str, predicted: list[Any], gold_items: list[Any], same: Callable[..., Any]
    ) -> list[tuple[int, int]]:
        pairs = _pairs(predicted, gold_items, same)
        result.counts[field_name] = Counts(len(predicted), len(gold_items), len(pairs))
        return pairs

    count("actors", brief.actors, gold.actors, lambda actor, name: same_person(actor.name, name))
    gold_spans = [_quote_span(source, q.text) for q in gold.quotes]
    quote_pairs = count(
        "quotes",
        brief.quotes,
        list(range(len(gold.quotes))),
        lambda quote, g: _overlap_by_half(quote.span, gold_spans[g]),
    )
    result.attributed = sum(
        same_person(brief.quotes[p].speaker, gold.quotes[g].speaker) for p, g in quote_pairs
    )
    claim_pairs = count(
        "casualty_claims",
        brief.casualty_claims,
        gold.casualty_claims,
        lambda claim, g: bool(figure_key(claim.figure) & figure_key(g.figure)),
    )
    result.claims_attributed = sum(
        _same_source(brief.casualty_claims[p].claimed_by, gold.casualty_claims[g].claimed_by)
        for p, g in claim_pairs
    )
    judged = [(p, g) for p, g in claim_pairs if gold.casualty_claims[g].outcome is not None]
    result.outcomes_judged = len(judged)
    result.outcomes_right = sum(
        brief.casualty_claims[p].outcome == gold.casualty_claims[g].outcome for p, g in judged
    )
    roles = [a.role for a in brief.actors if a.role]
    result.roles = len(roles)
    result.roles_not_in_article = sum(not source.contains(role) for role in roles)
    count(
        "international_responses",
        brief.international_responses,
        gold.international_responses,
        lambda response, g: (
            same_person(response.actor, g.actor)
            or g.actor.lower() in response.actor.lower()
            or g.actor.lower() in nations.names_for(response.actor)
        ),
    )
    grounded = [
        *brief.key_developments,
        *brief.quotes,
        *brief.casualty_claims,
        *brief.international_responses,
    ]
    result.items = len(grounded)
    result.verified = sum(bool(getattr(item, "verified", False)) for item in grounded)
    result.dropped = len(brief.verification.dropped)
    result.missed = len(brief.verification.missed)
    result.requests = brief.meta.attempts
    result.tokens = brief.meta.usage.total_tokens
    return result


def _same_source(
    claimed_by: str | None, gold: str | None, same: Callable[[str, str], bool] = same_person
) -> bool:
    """A claimant as an editor would match it: the same person, or the same body ("Local
    authorities" and "local authorities", "the Red Crescent" and "Red Crescent"); a figure the
    article gives no source for is right only when the brief says so."""
    if claimed_by is None or gold is None:
        return claimed_by is None and gold is None
    plain = [re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE).lower() for name in (claimed_by, gold)]
    return plain[0] == plain[1] or same(claimed_by, gold)


def _quote_span(source: SourceText, text: str) -> Span | None:
    spans = list(source.occurrences(text))
    quoted = [s for s in spans if source.is_quoted(s)]
    found = quoted or spans
    return found[0] if found else None


OFFERED = ("quotes", "speakers", "casualty_claims", "claimants", "international_responses")


def offered(gold: Gold, source: SourceText) -> dict[str, list[int]]:
    """For each gold item, whether the requests offer it, as [offered, of] a kind: a quote as a
    passage id with its speaker among that passage's names (or named by code); a figure as a figure
    id with its claimant, or none, among that figure's names (`claimants` counted over the figures
    offered); a responder among the bodies offered. The ceiling no model can pass: a miss here is
    the proposer's, not the model's. Names match strictly (`same_name`)."""
    choices = source.choices_for()
    asked = source.anchors.outside(source.withheld)
    counts = {kind: [0, 0] for kind in OFFERED}

    def tally(kind: str, hit: bool) -> None:
        counts[kind][0] += hit
        counts[kind][1] += 1

    for quote in gold.quotes:
        span = _quote_span(source, quote.text)
        passage = next((p for p in asked.passages if _overlap_by_half(p.span, span)), None)
        by_code = source.names.attributed(passage) if passage else None
        asks = passage is not None and (by_code is not None or passage.id in choices.passages)
        tally("quotes", asks)
        if asks and passage is not None:
            names = [by_code] if by_code else choices.passages[passage.id]
            tally("speakers", names is None or any(same_name(quote.speaker, n) for n in names))
    for claim in gold.casualty_claims:
        spans = list(source.occurrences(claim.figure))
        mention = next((m for m in asked.mentions if any(_overlap_by_half(m.span, s) for s in spans)), None)
        tally("casualty_claims", mention is not None)
        if mention is not None:
            names = choices.mentions.get(mention.id, [])
            who = claim.claimed_by
            tally(
                "claimants",
                who is None or names is None or any(_same_source(who, n, same_name) for n in names),
            )
    bodies = [body for _, body in choices.responses.values()]
    for response in gold.international_responses:
        tally("international_responses", any(_same_body(response.actor, body) for body in bodies))
    return counts


def _same_body(gold: str, offered: str) -> bool:
    """A responder as offered: the same name, or another name of the same country ("Berlin")."""
    return same_name(gold, offered) or gold.lower() in nations.names_for(offered)


def offers(directory: Path) -> dict[str, Any]:
    """`offered` over every gold article of a folder, in all and per article: no model is asked."""
    total = {kind: [0, 0] for kind in OFFERED}
    per_article = {}
    for path, gold_path in gold_articles(directory):
        gold = _gold(gold_path)
        counts = offered(gold, SourceText(read(str(path)).text))
        per_article[path.name] = counts
        for kind, (hit, of) in counts.items():
            total[kind][0] += hit
            total[kind][1] += of
    if not per_article:
        raise InputError(f"{directory}: no NAME.txt with a NAME.gold.json beside it")
    return {"articles": len(per_article), "offered": total, "per_article": per_article}


def _gold(gold_path: Path) -> Gold:
    """A gold file, read like a source: a regular file, bounded in size, before it is opened."""
    data = file_bytes(str(gold_path), "a gold file")
    try:
        return Gold.model_validate_json(data)
    except ValueError as error:
        raise InputError(f"{gold_path}: not a gold file ({str(error).splitlines()[0]})") from None


def gold_articles(directory: Path) -> Iterator[tuple[Path, Path]]:
    for gold_path in sorted(directory.glob("*.gold.json")):
        article = gold_path.with_name(gold_path.name.removesuffix(".gold.json") + ".txt")
        if article.is_file():
            yield article, gold_path


def evaluate(directory: Path, summarise: Callable[[Article], Brief]) -> list[ArticleScore]:
    """Score every article in `directory` that has a gold file; one failure never stops the rest.
    Each article is read once, and the spans are scored against that same text."""
    scores = []
    pairs = list(gold_articles(directory))
    if not pairs:
        raise InputError(f"{directory}: no NAME.txt with a NAME.gold.json beside it")
    golds = {gold_path: _gold(gold_path) for _, gold_path in pairs}
    for path, gold_path in pairs:
        gold = golds[gold_path]
        started = time.monotonic()
        try:
            article = read(str(path))
            brief = summarise(article)
        except SummariserError as error:
            scores.append(ArticleScore(name=path.name, error=str(error), exit_code=error.exit_code))
            continue
        result = score(brief, gold, SourceText(article.text), path.name)
        result.seconds = time.monotonic() - started
        scores.append(result)
    return scores


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def summary(scores: list[ArticleScore]) -> dict[str, Any]:
    """Totals over all articles, micro-averaged: the numbers to compare across runs."""
    ok = [s for s in scores if s.error is None]
    fields = {}
    for name in FIELDS:
        total = Counts()
        for s in ok:
            total.add(s.counts[name])
        fields[name] = {**total.scores(), **vars(total)}
    matched_quotes = sum(s.counts["quotes"].matched for s in ok)
    matched_claims = sum(s.counts["casualty_claims"].matched for s in ok)
    items = sum(s.items for s in ok)
    n = len(ok) or 1
    return {
        "articles": len(scores),
        "failed": [{"article": s.name, "error": s.error} for s in scores if s.error],
        "fields": fields,
        "quote_attribution": sum(s.attributed for s in ok) / matched_quotes if matched_quotes else None,
        "claim_attribution": (
            sum(s.claims_attributed for s in ok) / matched_claims if matched_claims else None
        ),
        "claim_outcome": _share(sum(s.outcomes_right for s in ok), sum(s.outcomes_judged for s in ok)),
        "roles_not_in_article": sum(s.roles_not_in_article for s in ok),
        "verified_share": sum(s.verified for s in ok) / items if items else None,
        "dropped": sum(s.dropped for s in ok),
        "missed": sum(s.missed for s in ok),
        "per_article": {
            "requests": sum(s.requests for s in ok) / n,
            "tokens": sum(s.tokens for s in ok) / n,
            "seconds": sum(s.seconds for s in ok) / n,
        },
    }
