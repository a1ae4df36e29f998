"""Ids to spans, and the trust rules: what the model says is kept only where the source bears it out.

The model answers with the ids of the article's sentences, quoted passages and casualty mentions
(`summariser.anchors`); the text and span of every quote, figure and evidence sentence come from
those ids, so nothing quoted is ever the model's copy. What the model does write itself (speakers,
claimants, actor names, the headline and summary) is checked against the article: names as written,
near what they are said to have said or claimed; names and numbers in the headline and summary.
Text is compared after normalising only what typesetting changes (quote marks, dashes, ellipses,
whitespace), through a character map back to the raw text, so every span slices the source exactly.
"""

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from summariser import clauses, detect, figures, nations
from summariser.anchors import Anchor, Anchors, anchor, is_phrase, overlaps
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
    ResponseDraft,
    Span,
)
from summariser.choices import Choices, choices
from summariser.names import (
    Names,
    in_words,
    is_person,
    kind_of,
    name_keys,
    naming,
    same_person,
    whole,
    without_place,
)

_QUOTE_MARKS = "\"'‘’‚‛“”„‟«»‹›`´′″"
_DASHES = "‐‑‒–—―−"
_TRIM = " .,;:" + _QUOTE_MARKS
_WORD = re.compile(r"\w+")
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
        self.anchors = anchor(text)
        self.names = Names(text, self.anchors)
        # confident planted instructions never reach the model; doubtful ones reach it, flagged
        self.withheld = [f.span for f in self.findings.injections if f.kind == "injection"]

    def sentence_text(self, passage: Anchor) -> str:
        """The whole sentence a passage or figure stands in, as the article writes it."""
        sentence = self.anchors.get(passage.sentence)
        return sentence.text if sentence else passage.text

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
        return not (in_words(edge) and inside and self.normal[neighbour].isalnum())

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
        return any(re.search(whole(normalise(key)), text) for key in name_keys(name))

    def resolve(self, name: str, span: Span, known: list[str]) -> str:
        """The name the article uses near `span` for whom the model called `name`: a listed actor
        who is the same person; else the last name inside the model's words that the article gives
        there ("Pentagon spokesman John Kirby" is John Kirby, "Serhiy Gaidai, Luhansk" is Serhiy
        Gaidai); else the model's words as they are, for the trust rules to judge."""
        name = " ".join(name.split())
        who = without_place(name)  # "Local officials in the district" are the officials, not the place
        if who != name and self.contains(who) and self.names_near(who, span):
            name = who
        for actor in known:
            if same_person(name, actor) and self.names_near(actor, span):
                return actor
        words = [w.strip(",;:()") for w in name.split()]
        inside = [a for a in known if _holds_words(name, a) and self.names_near(a, span)]
        inside += [
            part
            for size in range(len(words) - 1, 1, -1)
            for at in range(len(words) - size + 1)
            # a name runs from a capital to a capital: "The health" is no name inside "The health ministry"
            if (part := " ".join(words[at : at + size]))[:1].isupper()
            and words[at + size - 1][:1].isupper()
            and self.contains(part)
            and self.names_near(part, span)
        ]
        if inside:
            return max(inside, key=lambda a: (normalise(name).rfind(normalise(a)) + len(a), len(a)))
        if self.contains(name) and self.names_near(name, span):
            return name
        for word in reversed(words):
            if word[:1].isupper() and self.contains(word) and self.names_near(word, span):
                return word
        return name


def _paragraph_spans(text: str) -> list[Span]:
    spans = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    return spans or [(0, len(text))]


def _holds_words(text: str, name: str) -> bool:
    return bool(re.search(whole(normalise(name)), normalise(text)))


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
    flags: list[Flag] = field(default_factory=list)  # for the editor to check: shown, never re-asked
    missed: list[Missed] = field(default_factory=list)
    omitted: list[Anchor] = field(default_factory=list)  # the anchors of `missed`, to name in a re-ask

    notes: list[str] = field(default_factory=list)  # each drop as the model hears it, beside `dropped`

    def drop(self, field_name: str, item: dict[str, Any], fault: "Fault") -> None:
        """An item that did not hold: the editor reads `fault.reason`, a re-ask sends `fault.note`."""
        self.dropped.append(Dropped(field=field_name, item=item, reason=fault.reason))
        self.notes.append(fault.note)

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
        """What a re-ask should fix, as the model should hear it: which item, and what is wrong.
        Only what a re-ask can win back is worth one (a re-ask costs a minute of a small local
        model): a quote or a casualty figure, and any id that names nothing. A misspelled actor, or
        a development or response no sentence bears out, is dropped and listed, not re-asked."""
        return [f"- {issue.text}" for issue in self.issues] + [
            f"- {d.field} {_label(d)}: {note}"
            for d, note in zip(self.dropped, self.notes, strict=True)
            if d.field in ("quotes", "casualty_claims") or note.startswith(UNKNOWN_ID)
        ]


@dataclass(frozen=True)
class Fault:
    """Why an item did not hold, twice: for the editor, in the article's terms (no ids, no
    instructions), and for the model, naming its ids and what to answer instead."""

    reason: str
    note: str


def _unknown(anchor_id: str, kind: str, what: str) -> Fault:
    return Fault(
        f"it pointed at a {what} the article does not have",
        f"{UNKNOWN_ID} {anchor_id!r}: answer only for the {kind} ids listed",
    )


def _label(dropped: Dropped) -> str:
    item = dropped.item
    if item.get("id"):
        return str(item["id"])
    return f'"{_clip(dropped.label())}"'


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


UNKNOWN_ID = "unknown id"


def ground(
    draft: Draft, source: SourceText, asked: Anchors | None = None, offered: Choices | None = None
) -> Grounding:
    """Turn the draft's ids into text and spans and apply the trust rules to every item. `asked`
    are the ids the request listed (a chunk's own); by default the whole article's, never what
    lies in a withheld instruction. `offered` are the names the request offered for each id."""
    asked = (asked or source.anchors).outside(source.withheld)
    offered = offered or choices(source.names, asked, source.withheld)
    # every person the article names acts in it; a body acts where it speaks, claims or responds
    out = Grounding(draft=draft)
    out.actors = [_actor(name, source) for name in source.names.everyone() if is_person(name)]
    _ground_quotes(draft, source, asked, offered, out)
    _ground_claims(draft, source, asked, offered, out)
    # a withheld instruction is no one's evidence, whatever id the model gives
    readable = [s for s in asked.sentences if not overlaps(s.span, source.withheld)]
    _ground_developments(draft, asked, readable, out)
    _ground_responses(draft, source, asked, readable, out)
    out.issues = _contradictions(draft, source)
    out.flags = _unsupported(draft, source) + _copied_summary(draft, source)
    out.omitted = _omitted(out, asked)
    out.missed = [
        Missed(field=_FIELD[a.id[0]], text=a.text, span=a.span, sentence=source.sentence_text(a))
        for a in out.omitted
    ]
    return out


def _actor(name: str, source: SourceText) -> Actor:
    """An actor as the article presents them: their kind by what their name is made of, their role
    and affiliation as the article's title or apposition gives them, never the model's words."""
    role, affiliation = source.names.role(name)
    return Actor(name=name, kind=kind_of(name), role=role, affiliation=affiliation)


def _ground_quotes(
    draft: Draft, source: SourceText, asked: Anchors, offered: Choices, out: Grounding
) -> None:
    answers = {quote_id.strip(): answer for quote_id, answer in draft.quotes.items()}
    for quote_id, answer in answers.items():
        if _anchor(asked, "Q", quote_id) is None:
            item = {"id": quote_id, **answer.model_dump(mode="json")}
            out.drop("quotes", item, _unknown(quote_id, "Q", "passage"))
    for passage in asked.passages:
        # where its sentence attributes the quotation and says little else, code names the speaker
        by_code = source.names.attributed(passage)
        answer = answers.get(passage.id)
        given = by_code or (answer.speaker if answer else None)
        if given is None or is_phrase(passage):
            continue  # nobody's words: a term, a title, scare quotes
        item = {"id": passage.id, "speaker": given, "text": passage.text}
        speaker = source.names.full(source.resolve(given, passage.span, [a.name for a in out.actors]))
        fault = _quote_problem(speaker, passage.span, out.actors, source)
        if fault is None and by_code is None and not offered.speaker_allowed(passage.id, speaker):
            fault = _not_offered(speaker, offered.passages.get(passage.id, []), "these words")
        if fault:
            out.drop("quotes", item, fault)
            continue
        _add_actor(out.actors, speaker, source)
        sentence = source.anchors.get(passage.sentence)
        out.quotes.append(
            Quote(
                speaker=speaker,
                text=passage.text,
                context=clauses.occasion(passage, sentence) if sentence else None,
                span=passage.span,
                verified=True,
            )
        )


def _not_offered(name: str, offered: list[str] | None, where: str) -> Fault:
    reason = f"{name} is not named near {where}"
    if not offered:
        return Fault(reason, f"{name!r} is not named near it, and no one else is: answer null")
    return Fault(reason, f"{name!r} is not named near it: choose one of {', '.join(offered)}, or null")


def _ground_claims(
    draft: Draft, source: SourceText, asked: Anchors, offered: Choices, out: Grounding
) -> None:
    for mention_id, claim in draft.casualty_claims.items():
        item = {"id": mention_id, **claim.model_dump(mode="json")}
        mention = _anchor(asked, "C", mention_id)
        if mention is None:
            out.drop("casualty_claims", item, _unknown(mention_id, "C", "figure"))
            continue
        if claim.outcome is None:
            continue  # counts no people harmed
        item["figure"] = mention.text
        # a figure its own sentence attributes ("…, the interior ministry said") is never shown as
        # unattributed because the model left the claimant out
        claimant = claim.claimed_by or source.names.subject(mention)
        if claimant is not None:
            claimant = source.names.full(source.resolve(claimant, mention.span, [a.name for a in out.actors]))
            if not source.names_near(claimant, mention.span):
                note = f"{claimant!r} is not named at or just before the figure"
                out.drop("casualty_claims", item, Fault(f"{claimant} is not named near this figure", note))
                continue
            if not offered.claimant_allowed(mention_id, claimant) and claimant != source.names.subject(
                mention
            ):
                offered_there = offered.mentions.get(mention_id, [])
                out.drop("casualty_claims", item, _not_offered(claimant, offered_there, "this figure"))
                continue
        if claimant in source.names.everyone():  # a named body, not "officials" or "local authorities"
            _add_actor(out.actors, claimant, source)
        sentence = source.anchors.get(mention.sentence)
        assert sentence is not None  # a mention always stands in one of the article's sentences
        who = figures.harm(mention, sentence)[1]
        count = figures.read(mention, sentence, [m for m in asked.mentions if m.sentence == mention.sentence])
        out.casualty_claims.append(
            CasualtyClaim(
                figure=mention.text,
                count_min=count.low,
                count_max=count.high,
                outcome=claim.outcome,
                who=_who(who, claimant),
                location=clauses.place(mention, source.names),
                claimed_by=claimant,
                qualifier=count.qualifier,
                evidence=sentence.text,
                span=mention.span,
                verified=True,
            )
        )


def _ground_developments(draft: Draft, asked: Anchors, readable: list[Anchor], out: Grounding) -> None:
    for development in draft.key_developments:
        item = development.model_dump(mode="json")
        if development.text.strip():
            sentence = _supporting(asked, readable, development.evidence, development.text, SUPPORT)
        else:  # chosen, not yet worded: the sentence the model chose, if it may be evidence
            chosen = _anchor(asked, "S", development.evidence)
            sentence = chosen if chosen in readable else None
        if sentence is None:
            out.drop("key_developments", item, _unsupported_by(development.evidence, asked))
            continue
        if _copies(development.text, sentence.text):
            note = f"repeats {sentence.id} instead of saying what it means"
            out.drop(
                "key_developments",
                item,
                Fault("it repeats its sentence instead of saying what it means", note),
            )
            continue
        if any(kept.span == sentence.span for kept in out.key_developments):
            continue  # the same sentence twice
        out.key_developments.append(
            KeyDevelopment(
                text=development.text,
                evidence=sentence.text,
                span=sentence.span,
                verified=True,
            )
        )


REPEATED = 0.8  # of a sentence's words, in a row, in its development's wording: the sentence pasted back


def _copies(text: str, sentence: str) -> bool:
    """Whether a wording repeats its sentence whole rather than saying what it means: most of the
    sentence's words, in a row. A headline-like opening of a long sentence ("Troops seized a town
    on Tuesday") is a wording of it."""
    said = _WORD.findall(normalise(text).lower())
    source = _WORD.findall(normalise(sentence).lower())
    run = max(1, round(REPEATED * len(source)))
    grams = {tuple(source[i : i + run]) for i in range(len(source) - run + 1)}
    return any(tuple(said[i : i + run]) in grams for i in range(len(said) - run + 1))


def _ground_responses(
    draft: Draft, source: SourceText, asked: Anchors, readable: list[Anchor], out: Grounding
) -> None:
    for response in draft.international_responses:
        if response.kind is None:
            continue  # named there, but not responding
        names = naming(response.actor)
        naming_it = [s for s in readable if names.search(s.text)]
        sentence = _supporting(asked, naming_it, response.evidence, "", 0.0)
        if sentence is None:
            out.drop(
                "international_responses",
                response.model_dump(mode="json"),
                _unnamed(response, asked, naming_it),
            )
            continue
        if any(
            kept.span == sentence.span and _same_body(kept.actor, response.actor)
            for kept in out.international_responses
        ):
            continue  # the same response twice ("Germany" and "Berlin" in one sentence)
        deed = clauses.deed(names, sentence)
        if clauses.denied(deed):
            reason = f"its sentence says what {response.actor} did not do: “{deed}”"
            out.drop("international_responses", response.model_dump(mode="json"), Fault(reason, reason))
            continue
        out.international_responses.append(
            InternationalResponse(
                actor=response.actor,
                kind=response.kind,
                description=deed,
                evidence=sentence.text,
                span=sentence.span,
                verified=True,
            )
        )
        _add_actor(out.actors, response.actor, source)


def _unnamed(response: ResponseDraft, asked: Anchors, naming: list[Anchor]) -> Fault:
    """Why no sentence could stand as a response's evidence."""
    actor = response.actor
    if response.evidence.startswith("R"):
        return _unknown(response.evidence, "R", "government or body")
    if _anchor(asked, "S", response.evidence) is None:
        return _unsupported_by(response.evidence, asked)
    if not naming:
        note = f"no sentence names {actor!r}: name the government or body as the article does"
        return Fault(f"no sentence of the article names {actor}", note)
    note = f"{response.evidence} does not name {actor!r}: give the sentence that says what they did"
    return Fault(f"the sentence given does not name {actor}", note)


def _anchor(asked: Anchors, kind: str, anchor_id: str) -> Anchor | None:
    """The anchor the request listed under this id, if it is one of `kind` ("S", "Q" or "C")."""
    found = asked.get(anchor_id.strip())
    return found if found is not None and found.id.startswith(kind) else None


def _unsupported_by(anchor_id: str, asked: Anchors) -> Fault:
    if _anchor(asked, "S", anchor_id) is None:
        note = f"{UNKNOWN_ID} {anchor_id!r}: evidence is the id of one sentence (S…)"
        return Fault("it pointed at a sentence the article does not have", note)
    note = f"{anchor_id} does not report this: give the sentence that does"
    return Fault("no sentence of the article says this", note)


SUPPORT = 0.5  # of an item's content words, found in its evidence sentence
_STOPWORD_LIST = (
    "the a an and or but of in on at to for from with by as is was were are be been has have had its "
    "their his her that this these those it they he she we after before over into than then there "
    "which who whom what when where while also about said says "
)
_STOPWORDS = frozenset(_STOPWORD_LIST.split())


def _content(text: str) -> set[str]:
    """An item's content words, each by its first letters, so "seized" and "seizes" agree."""
    return {w[:_STEM] for w in _WORD.findall(text.lower()) if w not in _STOPWORDS and len(w) > 2}


def _support(text: str, sentence: Anchor) -> float:
    words = _content(text)
    return len(words & _content(sentence.text)) / len(words) if words else 0.0


def _supporting(
    asked: Anchors, candidates: list[Anchor], anchor_id: str, text: str, least: float
) -> Anchor | None:
    """The sentence that reports an item: the one the model chose, when it is a candidate bearing
    out the item's words; else the candidate that bears them out best, if one does (a small model
    often points one sentence off). An id that names no sentence is the model's to fix: None."""
    chosen = _anchor(asked, "S", anchor_id)
    if chosen is None:
        return None
    if chosen in candidates and _support(text, chosen) >= least:
        return chosen
    best = max(candidates, key=lambda s: _support(text, s), default=None)
    if best is not None and _support(text, best) >= max(least, SUPPORT):
        return best
    return None


def _who(who: str, claimant: str | None) -> str:
    """Who a figure counts, unless that names its claimant: "the ministry said 57" never reports
    the ministry dead. Then only "people", which the figure always counts."""
    if claimant and (same_person(who, claimant) or normalise(claimant).lower() in normalise(who).lower()):
        return "people"
    return who


def _same_body(a: str, b: str) -> bool:
    """Two names of one responding government: equal, or the same country by name, demonym or capital."""
    return a.strip().lower() == b.strip().lower() or (
        nations.owner(a) is not None and nations.owner(a) == nations.owner(b)
    )


def _add_actor(actors: list[Actor], name: str, source: SourceText) -> None:
    """A body that speaks, gives a figure or responds acts in the story too."""
    if not any(same_person(name, actor.name) or name.lower() == actor.name.lower() for actor in actors):
        actors.append(_actor(name, source))


_NO_CASUALTIES = re.compile(
    r"\b(?:no|zero)\s+(?:casualties|deaths|dead|fatalities|injuries|one\s+(?:was\s+)?(?:killed|hurt|injured))\b"
    r"|\ball[\s-]+clear\b|\bnobody\s+(?:was\s+)?(?:killed|hurt|injured)\b",
    re.IGNORECASE,
)


def _contradictions(draft: Draft, source: SourceText) -> list[Flag]:
    """A headline or summary that denies casualties the article reports: the mark of a model that
    obeyed an instruction planted in the page, or simply got it wrong."""
    reported = source.anchors.mentions
    if not reported:
        return []
    return [
        Flag(
            kind="contradiction",
            text=f"the {name} says there were no casualties, but the article reports {reported[0].label!r}",
            span=reported[0].span,
        )
        for name, text in (("headline", draft.headline), ("summary", draft.summary))
        if _NO_CASUALTIES.search(text)
    ]


_NAME = re.compile(r"(?<![\w’'])([^\W\d_][\w’'-]*)")
_NUMBER = re.compile(r"(?<![\w.,])\d[\d,.]*\d|(?<![\w.,])\d")
_STEM = 5  # "Seizes" is supported by "seized": the first letters of a word carry the name


_SUFFIXES = ("ing", "ed", "es", "s", "e")


def _stem(word: str) -> str:
    """A word's first letters once an English ending is off: "sends" and "send", "leave" and
    "leaving", "seizes" and "seized" agree; "Kreminna" and "Kremlin" do not."""
    word = word.lower().removesuffix("’s").removesuffix("'s")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:_STEM]


def _unsupported(draft: Draft, source: SourceText) -> list[Flag]:
    """Names and numbers in the headline and summary that the article does not hold: the model's
    own words are not grounded, but what they name can be checked. A name is a capitalised word
    that does not open a sentence; it is supported by any word of the article with the same stem
    (a title-case "Floods Leave 34 Dead" is supported by "leaving")."""
    words = {_stem(w) for w in _NAME.findall(source.normal)}
    numbers = {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(source.normal)}
    flags = []
    for field_name, text in (("headline", draft.headline), ("summary", draft.summary)):
        missing: list[str] = []
        for sentence in re.split(r"(?<=[.!?])\s+", normalise(text)):
            names = _NAME.findall(sentence)[1:]
            missing += [n for n in names if n[0].isupper() and _stem(n) not in words]
            missing += [n for n in _NUMBER.findall(sentence) if n.replace(",", "").rstrip(".") not in numbers]
        if missing:
            unique = ", ".join(dict.fromkeys(missing))
            flags.append(
                Flag(
                    kind="unsupported",
                    text=f"the {field_name} names what the article does not: {unique}",
                    span=None,
                )
            )
    return flags


COPIED_WORDS = 8  # a run this long, word for word from the article, is the article pasted back


def _copied_summary(draft: Draft, source: SourceText) -> list[Flag]:
    """A summary that pastes the article's sentences instead of saying what they add up to: every
    sentence of it that repeats COPIED_WORDS of the article's words in a row counts, pasted whole
    or with its end changed."""
    article = _WORD.findall(source.normal.lower())
    runs = {tuple(article[i : i + COPIED_WORDS]) for i in range(len(article) - COPIED_WORDS + 1)}
    copied = []
    for sentence in anchor(draft.summary.strip()).sentences:
        words = _WORD.findall(normalise(sentence.text).lower())
        if any(tuple(words[i : i + COPIED_WORDS]) in runs for i in range(len(words) - COPIED_WORDS + 1)):
            copied.append(sentence.text)
    if not copied:
        return []
    found = next((span for text in copied for span in source.occurrences(text)), None)
    return [
        Flag(
            kind="summary",
            text=f"{len(copied)} of the summary's {len(anchor(draft.summary).sentences)} sentences "
            "repeat the article's own words",
            span=found,
        )
    ]


_FIELD = {"Q": "quotes", "C": "casualty_claims"}


def _omitted(out: Grounding, asked: Anchors) -> list[Anchor]:
    """Passages and figures the request listed that the kept items do not hold: quoted passages of
    six words or more (skipped, or declined as nobody's words) and casualty mentions."""
    held = {q.span for q in out.quotes} | {c.span for c in out.casualty_claims}
    passages = [
        p
        for p in asked.passages
        if p.span not in held and len(_WORD.findall(p.text)) >= detect.QUOTE_MIN_WORDS
    ]
    return passages + [m for m in asked.mentions if m.span not in held]


def _quote_problem(speaker: str, span: Span, actors: list[Actor], source: SourceText) -> Fault | None:
    """The speaker rule: named beside the quotation wins; else the person the article was writing
    about just before it (up to two paragraphs back) must be the speaker."""
    if source.names_in(source.paragraph_of(span[0]), speaker):
        return None
    people = [a.name for a in actors if a.kind == ActorKind.person]
    nearest = source.nearest_named(people, span)
    if any(same_person(speaker, name) for name in nearest):
        return None
    if not nearest and source.names_near(speaker, span):
        return None
    if nearest:
        note = f"the article attributes this quote to {nearest[0]}, not {speaker}"
        return Fault(f"the article gives these words to {nearest[0]}, not {speaker}", note)
    note = f"speaker {speaker!r} is not named at or just before the quote"
    return Fault(f"{speaker} is not named near these words", note)
