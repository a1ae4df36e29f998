"""Ids to spans, and the trust rules: what the model says is kept only where the source bears it out.

The model answers with the ids of the article's sentences, quoted passages and casualty mentions
(`summariser.extract.anchors`); the text and span of every quote, figure and evidence sentence come from
those ids, so nothing quoted is ever the model's copy. What the model does write itself (speakers,
claimants, actor names, the headline and summary) is checked against the article: names as written,
near what they are said to have said or claimed; names and numbers in the headline and summary.
Text is compared after normalising only what typesetting changes (quote marks, dashes, ellipses,
whitespace), through a character map back to the raw text, so every span slices the source exactly.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from summariser.brief import (
    ITEM_FIELDS,
    Actor,
    ActorKind,
    CasualtyClaim,
    Dropped,
    Flag,
    InternationalResponse,
    KeyDevelopment,
    Missed,
    Quote,
    Span,
)
from summariser.detect.findings import QUOTE_MIN_WORDS
from summariser.extract import clauses, figures, nations, wording
from summariser.extract.anchors import Anchor, Anchors, is_phrase, overlaps
from summariser.extract.choices import Choices
from summariser.extract.draft import Draft, ResponseDraft
from summariser.extract.matching import is_person, kind_of, naming, same_person
from summariser.extract.text import SourceText, normalise

_WORD = re.compile(r"\w+")


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
        return sum(len(getattr(self, name)) for name in (*ITEM_FIELDS, "actors"))

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
    offered = offered or source.choices_for(asked)
    asked = (asked or source.anchors).outside(source.withheld)
    # every person the article names acts in it; a body acts where it speaks, claims or responds
    out = Grounding(draft=draft)
    out.actors = [_actor(name, source) for name in source.names.everyone() if is_person(name)]
    for item in draft.unreadable:  # one answer that could not be read costs only its own item
        reason = f"the model's answer for it could not be read ({item.reason})"
        note = f"{item.id}: {item.reason}; answer it as the schema says, or null"
        out.drop(item.field, {"id": item.id}, Fault(reason, note))
    _ground_quotes(draft, source, asked, offered, out)
    _ground_claims(draft, source, asked, offered, out)
    # a withheld instruction is no one's evidence, whatever id the model gives
    readable = [s for s in asked.sentences if not overlaps(s.span, source.withheld)]
    _ground_developments(draft, asked, readable, out)
    _ground_responses(draft, source, asked, readable, out)
    out.issues = wording.contradictions(draft, source)
    out.flags = wording.unsupported(draft, source) + wording.copied_summary(draft, source)
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
        answered = answers.get(passage.id)
        given = by_code or (answered.speaker if answered else None)
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
        allowed = offered.outcomes.get(mention_id, [])
        if claim.outcome.value not in allowed:  # no server held the answer to the schema
            reason = f"its own words say {' or '.join(allowed)}, not {claim.outcome.value}"
            note = f"{mention_id}: its words say {' or '.join(allowed)}: answer one of them, or null"
            out.drop("casualty_claims", item, Fault(reason, note))
            continue
        # a figure inside a quotation the brief keeps is its speaker's, whoever the model named; one
        # its own sentence attributes ("…, the interior ministry said") is never shown as
        # unattributed because the model left the claimant out
        claimant = _quoted_by(out.quotes, mention) or claim.claimed_by or source.names.subject(mention)
        if claimant is None and mention_id in offered.sourced:
            named = offered.mentions.get(mention_id) or []
            reason = "it stands in someone's quoted words or a sentence that says whose it is"
            note = f"{mention_id}: the article says who gives it: choose one of {', '.join(named)}"
            out.drop("casualty_claims", item, Fault(f"no one is named as giving it, though {reason}", note))
            continue
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


def _quoted_by(quotes: list[Quote], mention: Anchor) -> str | None:
    """Whose words hold a figure, where the brief keeps the quotation it stands in: the speaker's."""
    return next((q.speaker for q in quotes if q.span and q.span[0] <= mention.span[0] < q.span[1]), None)


def _ground_developments(draft: Draft, asked: Anchors, readable: list[Anchor], out: Grounding) -> None:
    """Each development under the sentence that bears out the model's words for it, or, where its
    words are missing, no sentence bears them out, or they cannot stand as a line, under the
    sentence the model chose, in that sentence's own words: never an empty line."""
    for development in draft.key_developments:
        words = development.text.strip()
        chosen = _anchor(asked, "S", development.evidence)
        chosen = chosen if chosen in readable else None
        sentence = _supporting(asked, readable, development.evidence, words, SUPPORT) if words else None
        if sentence is None:
            sentence, words = chosen, ""
        if sentence is None:
            fault = _unsupported_by(development.evidence, asked)
            out.drop("key_developments", development.model_dump(mode="json"), fault)
            continue
        if any(kept.span == sentence.span for kept in out.key_developments):
            continue  # the same sentence twice
        if words and not wording.stands_as_line(words, sentence.text):
            words = ""
        out.key_developments.append(
            KeyDevelopment(
                text=words or clauses.line(sentence, asked.passages),
                evidence=sentence.text,
                span=sentence.span,
                verified=True,
            )
        )


def _ground_responses(
    draft: Draft, source: SourceText, asked: Anchors, readable: list[Anchor], out: Grounding
) -> None:
    for response in draft.international_responses:
        if response.kind is None:
            continue  # named there, but not responding
        if not response.actor.strip():  # answered under an id that names no response
            fault = _unknown(response.evidence, "R", "government or body")
            out.drop("international_responses", response.model_dump(mode="json"), fault)
            continue
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
    return {w[: wording.STEM] for w in _WORD.findall(text.lower()) if w not in _STOPWORDS and len(w) > 2}


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


_FIELD = {"Q": "quotes", "C": "casualty_claims"}


def _omitted(out: Grounding, asked: Anchors) -> list[Anchor]:
    """Passages and figures the request listed that the kept items do not hold: quoted passages of
    six words or more (skipped, or declined as nobody's words) and casualty mentions."""
    held = {q.span for q in out.quotes} | {c.span for c in out.casualty_claims}
    passages = [
        p for p in asked.passages if p.span not in held and len(_WORD.findall(p.text)) >= QUOTE_MIN_WORDS
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
