"""Span alignment and the trust rules: what the model says is kept only where the source bears it out.

Text is compared after normalising only what typesetting changes (quote marks, dashes, ellipses,
whitespace), through a character map back to the raw text, so every span slices the source exactly as
it was read. Offsets are always found here, never taken from the model.
"""

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from pydantic import BaseModel

from summariser import detect
from summariser.brief import (
    Actor,
    ActorKind,
    CasualtyClaim,
    Draft,
    Dropped,
    Flag,
    InternationalResponse,
    KeyDevelopment,
    Missed,
    Quote,
    Span,
)

_QUOTE_MARKS = "\"'‘’‚‛“”„‟«»‹›`´′″"
_DASHES = "‐‑‒–—―−"
_TRIM = " .,;:" + _QUOTE_MARKS
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+")
_HONORIFICS = {"mr", "mrs", "ms", "dr", "president", "prime", "minister", "chancellor", "general"}

FUZZY_MIN_COVER = 0.75
SPEAKER_REACH = 2  # a speaker or claimant may be named up to this many paragraphs before


# Typesetting variants that map one character to one character; whitespace runs and ellipses change
# length and are handled as pieces of the offset map.
_SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
_ONE_TO_ONE = str.maketrans(
    {**dict.fromkeys(_QUOTE_MARKS, '"'), **dict.fromkeys(_DASHES, "-"), **dict.fromkeys(_SPACES, " ")}
)
_RESIZED = re.compile(r" {2,}|…")


def normalise(text: str) -> str:
    """The comparison form of a snippet: what alignment searches for."""
    return re.sub(" +", " ", text.translate(_ONE_TO_ONE).replace("…", "...")).strip(" ")


def trimmed(text: str) -> str:
    """A model's snippet without the marks and end punctuation it tends to add or drop."""
    return normalise(text).strip(_TRIM)


class _OffsetMap:
    """Normal-form offsets to raw offsets, as a few pieces instead of one entry per character.

    Between pieces the two texts run in step; a collapsed whitespace run is one normal character
    standing for several raw ones, an ellipsis three normal characters standing for one.
    """

    def __init__(self, raw: str) -> None:
        typed = raw.translate(_ONE_TO_ONE)
        parts: list[str] = []
        self._normal_starts: list[int] = []
        self._pieces: list[tuple[int, int, bool]] = []  # raw start, raw length, runs in step
        raw_at = normal_at = 0
        for m in _RESIZED.finditer(typed):
            self._add(normal_at, raw_at, m.start() - raw_at, True)
            parts.append(typed[raw_at : m.start()])
            normal_at += m.start() - raw_at
            replacement = " " if m.group() != "…" else "..."
            self._add(normal_at, m.start(), m.end() - m.start(), False)
            parts.append(replacement)
            normal_at += len(replacement)
            raw_at = m.end()
        self._add(normal_at, raw_at, len(typed) - raw_at, True)
        parts.append(typed[raw_at:])
        self.normal = "".join(parts)

    def _add(self, normal_at: int, raw_at: int, length: int, in_step: bool) -> None:
        if length:
            self._normal_starts.append(normal_at)
            self._pieces.append((raw_at, length, in_step))

    def start(self, i: int) -> int:
        piece = bisect_right(self._normal_starts, i) - 1
        raw_at, _, in_step = self._pieces[piece]
        return raw_at + (i - self._normal_starts[piece]) if in_step else raw_at

    def end(self, i: int) -> int:
        piece = bisect_right(self._normal_starts, i) - 1
        raw_at, length, in_step = self._pieces[piece]
        return raw_at + (i - self._normal_starts[piece]) + 1 if in_step else raw_at + length


class SourceText:
    """The article, indexed once for every lookup a brief needs."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._map = _OffsetMap(text)
        self.normal = self._map.normal
        self.paragraphs = _paragraph_spans(text)
        self._paragraph_starts = [start for start, _ in self.paragraphs]
        self.quoted = detect.quoted_regions(text)
        self._quoted_starts = [start for start, _ in self.quoted]
        self.findings = detect.scan(text, self.quoted)
        self._sentences: list[Span] | None = None
        self._sentence_words: list[list[str]] | None = None

    def raw_span(self, start: int, end: int) -> Span:
        """Map a span of the normal form back onto the raw text."""
        return (self._map.start(start), self._map.end(end - 1))

    def occurrences(self, snippet: str, whole_words: bool = False) -> Iterator[Span]:
        """Raw spans where the snippet stands, in order; an empty snippet stands nowhere. With
        `whole_words`, a hit may not cut a word at either end ("20" does not stand in "200")."""
        needle = trimmed(snippet)
        if not needle:
            return
        at = self.normal.find(needle)
        while at != -1:
            end = at + len(needle)
            if not whole_words or (self._uncut(at - 1, needle[0]) and self._uncut(end, needle[-1])):
                yield self.raw_span(at, end)
            at = self.normal.find(needle, at + 1)

    def _uncut(self, neighbour: int, edge: str) -> bool:
        inside = 0 <= neighbour < len(self.normal)
        return not (edge.isalnum() and inside and self.normal[neighbour].isalnum())

    def contains(self, snippet: str) -> bool:
        """Whether the snippet stands in the source as written, as whole words."""
        return next(self.occurrences(snippet, whole_words=True), None) is not None

    def paragraph_of(self, offset: int) -> int:
        return bisect_right(self._paragraph_starts, offset) - 1

    def is_quoted(self, span: Span) -> bool:
        region = bisect_right(self._quoted_starts, span[0]) - 1
        return region >= 0 and span[1] <= self.quoted[region][1]

    def names_near(self, name: str, span: Span, reach: int = SPEAKER_REACH) -> bool:
        """Whether the paragraph holding `span`, or one of `reach` before it, names the person."""
        last = self.paragraph_of(span[0])
        return any(self.names_in(paragraph, name) for paragraph in range(max(0, last - reach), last + 1))

    def nearest_named(self, names: list[str], span: Span, reach: int = SPEAKER_REACH) -> list[str]:
        """Of `names`, those named in the closest paragraph at or before `span` that names any of them:
        who the article is writing about when the quotation comes."""
        last = self.paragraph_of(span[0])
        for paragraph in range(last, max(0, last - reach) - 1, -1):
            found = [name for name in names if self.names_in(paragraph, name)]
            if found:
                return found
        return []

    def names_in(self, paragraph: int, name: str) -> bool:
        start, end = self.paragraphs[paragraph]
        text = normalise(self.text[start:end])
        return any(re.search(rf"\b{re.escape(key)}\b", text) for key in _name_keys(name))

    def sentences(self) -> tuple[list[Span], list[list[str]]]:
        """Sentence spans and their lower-cased words, made on first use (only fuzzy matching needs them)."""
        if self._sentences is None or self._sentence_words is None:
            self._sentences = _sentence_spans(self.text)
            self._sentence_words = [_WORD.findall(self.text[s:e].lower()) for s, e in self._sentences]
        return self._sentences, self._sentence_words

    def fuzzy_span(self, snippet: str) -> Span | None:
        """The shortest run of one to three sentences holding most of the snippet's words in order."""
        words = [w.lower() for w in _WORD.findall(snippet)]
        if not words:
            return None
        need = FUZZY_MIN_COVER * len(words)
        sentences, tokens = self.sentences()
        # per sentence, how many of the snippet's words it holds: summed over a window, a cheap upper
        # bound on the LCS that lets most windows be skipped without computing it
        hits = []
        for sentence_words in tokens:
            present = set(sentence_words)
            hits.append(sum(w in present for w in words))
        best: tuple[float, int, Span] | None = None  # cover, minus extra sentences, span
        covers: dict[tuple[str, ...], float] = {}  # a passage the article repeats is measured once
        for i in range(len(sentences)):
            bound = 0
            for j in range(i, min(i + 3, len(sentences))):
                bound += hits[j]
                if bound < need or (best is not None and (bound / len(words), i - j) <= best[:2]):
                    continue  # cannot reach the threshold, or cannot beat what was found earlier
                window = tuple(w for k in range(i, j + 1) for w in tokens[k])
                if window not in covers:
                    covers[window] = _lcs(words, list(window)) / len(words)
                cover = covers[window]
                if cover >= FUZZY_MIN_COVER:
                    if best is None or (cover, i - j) > best[:2]:
                        best = (cover, i - j, (sentences[i][0], sentences[j][1]))
                    break
        return best[2] if best else None


def _paragraph_spans(text: str) -> list[Span]:
    spans = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    return spans or [(0, len(text))]


def _sentence_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    for start, end in _paragraph_spans(text):
        at = start
        for m in _SENTENCE_END.finditer(text, start, end):
            spans.append((at, m.start() + 1))
            at = m.end()
        if at < end:
            spans.append((at, end))
    return spans


def _lcs(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence, bit-parallel (Hyyrö): one big-integer step per word
    of `a` instead of a row of Python-level cells."""
    masks: dict[str, int] = {}
    for j, word in enumerate(b):
        masks[word] = masks.get(word, 0) | (1 << j)
    full = (1 << len(b)) - 1
    v = full
    for word in a:
        u = v & masks.get(word, 0)
        v = ((v + u) | (v - u)) & full
    return len(b) - v.bit_count()


def _name_keys(name: str) -> list[str]:
    """The forms that identify a person in running text: full name, and surname alone."""
    words = [w for w in normalise(name).split() if w.lower().strip(".") not in _HONORIFICS]
    if not words:
        return []
    return [" ".join(words), words[-1]] if len(words) > 1 else words


def same_person(a: str, b: str) -> bool:
    """Whether two names can be the same actor: equal, or sharing a surname."""
    keys_a, keys_b = _name_keys(a), _name_keys(b)
    return bool(keys_a and keys_b and (keys_a[0] == keys_b[0] or keys_a[-1] == keys_b[-1]))


# --- The trust rules ------------------------------------------------------------------------------


@dataclass
class Grounding:
    """A draft measured against its source: the items that stand, and what fell with its reason."""

    draft: Draft
    key_developments: list[KeyDevelopment] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    casualty_claims: list[CasualtyClaim] = field(default_factory=list)
    international_responses: list[InternationalResponse] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    issues: list[Flag] = field(default_factory=list)  # whole-brief problems: nothing to drop, re-asked
    missed: list[Missed] = field(default_factory=list)

    def kept(self) -> int:
        return sum(
            len(items)
            for items in (
                self.key_developments,
                self.actors,
                self.quotes,
                self.casualty_claims,
                self.international_responses,
            )
        )

    def problems(self) -> list[str]:
        """The drops as the model should hear them in a re-ask: which item, and what is wrong."""
        return [f"- {issue.text}" for issue in self.issues] + [
            f'- {d.field} "{_clip(d.label())}": {d.reason}' for d in self.dropped
        ]


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _first_unused(spans: Iterable[Span], used: set[Span]) -> Span | None:
    first = None
    for span in spans:
        if span not in used:
            used.add(span)
            return span
        first = first or span
    return first


def ground(draft: Draft, source: SourceText) -> Grounding:
    """Apply the trust rules to every item of the draft."""
    out = Grounding(draft=draft)

    def drop(field_name: str, item: BaseModel, reason: str) -> None:
        out.dropped.append(Dropped(field=field_name, item=item.model_dump(mode="json"), reason=reason))

    for actor in draft.actors:
        if source.contains(actor.name):
            out.actors.append(Actor(**actor.model_dump()))
        else:
            drop("actors", actor, "name not in source as written")

    used: set[Span] = set()
    for quote in draft.quotes:
        quoted = [s for s in source.occurrences(quote.text, whole_words=True) if source.is_quoted(s)]
        reason = _quote_problem(quote.speaker, quoted, out.actors, source, bool(trimmed(quote.text)))
        if reason:
            drop("quotes", quote, reason)
            continue
        span = _first_unused(quoted, used)
        out.quotes.append(Quote(**quote.model_dump(), span=span, verified=True))

    used = set()
    for claim in draft.casualty_claims:
        if not claim.claimed_by.strip():
            drop("casualty_claims", claim, "no claimant: say who claims this figure")
            continue
        figure_at = next(source.occurrences(claim.figure, whole_words=True), None)
        if figure_at is None:
            drop("casualty_claims", claim, "figure not in source")
            continue
        if not source.names_near(claim.claimed_by, figure_at):
            drop("casualty_claims", claim, f"{claim.claimed_by!r} is not named at or just before the figure")
            continue
        evidence = (
            None if _is_passage(claim.evidence) else _first_unused(source.occurrences(claim.evidence), used)
        )
        holds_figure = evidence and trimmed(claim.figure) in normalise(source.text[slice(*evidence)])
        span = evidence if holds_figure else figure_at
        out.casualty_claims.append(CasualtyClaim(**claim.model_dump(), span=span, verified=True))

    for name, items, model in (
        ("key_developments", draft.key_developments, KeyDevelopment),
        ("international_responses", draft.international_responses, InternationalResponse),
    ):
        used = set()
        kept = getattr(out, name)
        for item in items:
            if _is_passage(item.evidence):
                drop(name, item, "evidence must be one sentence of the article, not a passage")
                continue
            exact = _first_unused(source.occurrences(item.evidence), used)
            span = exact or source.fuzzy_span(item.evidence)
            if span is None:
                drop(name, item, "evidence not found in source")
                continue
            kept.append(model(**item.model_dump(), span=span, verified=exact is not None))
    out.issues = _contradictions(draft, source) + _summary_problems(draft, source)
    out.missed = _missed(out, source)
    return out


_SENTENCE_BREAK = re.compile(r"[.!?][\"'”’]?\s+(?=[A-Z“\"‘])")


def _is_passage(evidence: str) -> bool:
    """More than two sentences: a model pasting the article, not pointing at what supports an item."""
    return len(_SENTENCE_BREAK.findall(evidence.strip())) >= 2


_NO_CASUALTIES = re.compile(
    r"\b(?:no|zero)\s+(?:casualties|deaths|dead|fatalities|injuries|one\s+(?:was\s+)?(?:killed|hurt|injured))\b"
    r"|\ball[\s-]+clear\b|\bnobody\s+(?:was\s+)?(?:killed|hurt|injured)\b",
    re.IGNORECASE,
)


def _contradictions(draft: Draft, source: SourceText) -> list[Flag]:
    """A headline or summary that denies casualties the article reports: the mark of a model that
    obeyed an instruction planted in the page, or simply got it wrong."""
    reported = source.findings.casualties
    if not reported:
        return []
    return [
        Flag(
            kind="contradiction",
            text=f"the {name} says there were no casualties, but the article reports {reported[0].text!r}",
            span=reported[0].span,
        )
        for name, text in (("headline", draft.headline), ("summary", draft.summary))
        if _NO_CASUALTIES.search(text)
    ]


SUMMARY_MAX_SENTENCES = 5  # the contract asks for 2-4; one more for a model's long sentence split


def _summary_problems(draft: Draft, source: SourceText) -> list[Flag]:
    """A summary that is not one: the article's own paragraphs pasted back (seen from small models)."""
    sentences = len(_SENTENCE_BREAK.findall(draft.summary.strip())) + 1
    if sentences <= SUMMARY_MAX_SENTENCES:
        return []
    copied = next(source.occurrences(draft.summary), None)
    return [
        Flag(
            kind="summary",
            text=f"the summary runs to {sentences} sentences"
            + (", copied from the article" if copied else "")
            + ": write two to four in your own words",
            span=copied,
        )
    ]


def _overlaps(a: Span | None, b: Span) -> bool:
    return a is not None and a[0] < b[1] and b[0] < a[1]


def _missed(out: Grounding, source: SourceText) -> list[Missed]:
    """What the detectors found in the article that the kept items do not cover."""
    missed = [
        Missed(field="quotes", text=f.text, span=f.span)
        for f in source.findings.quotes
        if not any(_overlaps(q.span, f.span) for q in out.quotes)
    ]
    # where each kept claim stands: its span, and every place its figure appears
    claimed = [[c.span, *source.occurrences(c.figure, whole_words=True)] for c in out.casualty_claims]
    for finding in source.findings.casualties:
        covered = any(_overlaps(at, finding.span) for spans in claimed for at in spans)
        if not covered:
            missed.append(Missed(field="casualty_claims", text=finding.text, span=finding.span))
    return missed


def _quote_problem(
    speaker: str, quoted: list[Span], actors: list[Actor], source: SourceText, has_text: bool
) -> str | None:
    if not has_text:
        return "empty quote"
    if not quoted:
        return "quote not found in source between quotation marks"
    if not any(same_person(speaker, actor.name) for actor in actors):
        return f"speaker {speaker!r} is not among actors"
    people = [a.name for a in actors if a.kind == ActorKind.person]
    for span in quoted:
        if source.names_in(source.paragraph_of(span[0]), speaker):
            return None  # named beside the quotation itself
        nearest = source.nearest_named(people, span)
        if any(same_person(speaker, name) for name in nearest):
            return None
        if not nearest and source.names_near(speaker, span):
            return None
    named = source.nearest_named(people, quoted[0])
    if named:
        return f"the article attributes this quote to {named[0]}, not {speaker}"
    return f"speaker {speaker!r} is not named at or just before the quote"
