"""The checked facts the second request gives the model, written as sentences (a small model
imitates what it reads), and who did what in them: each body or person the headline and summary
name is checked against those facts, so a headline cannot give one country's act to another.

The check is deliberately narrow: a word of the headline's (a verb or an object, never a name) is
given to the wrong body only when no fact naming that body holds it and the facts give it to one
other body alone as the one who acts. Words no fact holds are not this check's business (the names
and numbers in them are `summariser.extract.wording`'s).
"""

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from summariser.brief import CasualtyClaim, Flag, InternationalResponse, Span
from summariser.extract import clauses, nations
from summariser.extract.anchors import overlaps
from summariser.extract.grounding import Grounding
from summariser.extract.matching import is_person, naming, same_person
from summariser.extract.prompts import Facts
from summariser.extract.wording import stem

# counts that take "of" before whom they count ("thousands of people", "dozens of soldiers")
COUNTS_OF = frozenset({"dozens", "scores", "hundreds", "thousands", "millions", "tens"})


def of_before(figure: str) -> str:
    """ "of " where the figure is a count that takes it ("thousands of people"), else nothing."""
    return "of " if any(last in COUNTS_OF for last in figure.lower().split()[-1:]) else ""


def _within(span: Span | None, spans: list[Span]) -> bool:
    return span is not None and overlaps(span, spans)


def facts(extracted: Grounding, flagged: Sequence[Span] = ()) -> Facts:
    """What held in the article, for the second request, never the article itself: the sentences
    of the developments (each under the id the model writes its words for), then every casualty
    claim with who gives it and what each outside government or body did, one sentence each. None
    that stands in a passage the detectors flagged as an instruction to an AI is sent."""
    spans = list(flagged)
    clean = [d for d in extracted.key_developments if not _within(d.span, spans)]
    return Facts(
        developments={f"D{n}": d.evidence for n, d in enumerate(clean, 1)},
        other=[f"- {claim_sentence(c)}" for c in extracted.casualty_claims if not _within(c.span, spans)]
        + [
            f"- {_response_sentence(r)}"
            for r in extracted.international_responses
            if r.description and not _within(r.span, spans)
        ],
    )


_BE = {"killed": "killed", "injured": "injured", "missing": "missing", "displaced": "displaced"}
_PLURAL_BODIES = frozenset({"police", "people", "staff", "military"})


def claim_sentence(claim: CasualtyClaim) -> str:
    """A casualty claim as a sentence: "Local authorities say thousands of people were killed."."""
    by = claim.claimed_by or "The article, naming no source,"
    last = by.split()[-1] if by.split() else ""
    plural = last.islower() and (last in _PLURAL_BODIES or (last.endswith("s") and not last.endswith("ss")))
    verb = "say" if plural and claim.claimed_by else "says"
    be = "was" if claim.count_max == 1 else "were"
    outcome = "harmed" if claim.outcome.value == "other" else claim.outcome.value
    where = f" in {claim.location}" if claim.location else ""
    who = f"{of_before(claim.figure)}{claim.who}"
    return f"{by[:1].upper()}{by[1:]} {verb} {claim.figure} {who} {be} {outcome}{where}."


def _response_sentence(response: InternationalResponse) -> str:
    """What a body did, in its own clause, as a sentence; led by its name where the clause does
    not name it ("…, the White House said" reads its sentence before the name)."""
    deed = response.description
    deed = deed[:1].upper() + deed[1:] + ("" if deed.endswith(("…", ".", "!", "?")) else ".")
    return deed if naming(response.actor).search(deed) else f"{response.actor}: {deed}"


@dataclass(frozen=True)
class _Deed:
    """What one clause of the facts says was done, and by whom: its given actor, else whoever it
    names before its first word of doing."""

    acting: tuple[str, ...]
    words: dict[str, str]  # stem -> the word as the fact writes it
    span: Span | None


@dataclass(frozen=True)
class _Fact:
    """A fact whole: every body or person it names, and every word of doing in it (by stem)."""

    named: tuple[str, ...]
    words: frozenset[str]


# where a clause ends: punctuation, a dash, a conjunction that opens another, a verb of saying (what
# was said is the deed of whom it names, not of who said it), an "and" before another name ("and"
# alone joins what one body does: "supply Ukraine with anti-tank and air defence weapons")
_SPLIT = re.compile(
    r"[,;:.!?]\s|\s[—–-]\s|\s(?:as|while|but|after|that|whereas|when)\s"
    r"|\s(?:said|says|say|told|added|warned)(?:\s+that)?\s|\sand\s(?=(?:the\s+)?[A-Z])"
)
_WORD = re.compile(r"[^\W\d_][\w’'-]*")
_GENERAL_LIST = (
    "more most also said says told tell will would could should have been with from into over after "
    "amid their them they this that these those than then other others some many much additional "
    "further being does make makes made just only very about against while where when which what "
    "were here there still such even"
)
_GENERAL = frozenset(_GENERAL_LIST.split())


def _act_words(text: str, names: list[tuple[int, int, str]]) -> dict[str, str]:
    """The words of a text that say what was done (lower case, not general, not a name), by stem."""
    return {
        stem(m.group()): m.group()
        for m in _WORD.finditer(text)
        if m.group()[0].islower()
        and len(m.group()) >= 4
        and m.group().lower() not in _GENERAL
        and not any(a <= m.start() < b for a, b, _ in names)
    }


def _named(text: str, known: list[str]) -> list[tuple[int, int, str]]:
    """Where a text names a known body or person, or any country or international body, in order."""
    found = [(m.start(), m.end(), name) for name in known for m in naming(name).finditer(text)]
    for name, _ in dict.fromkeys(nations.named(text)):
        found += [(m.start(), m.end(), name) for m in re.finditer(re.escape(name), text)]
    return sorted(found)


# what opens a clause's circumstances, which are no one's deed: "(resistance) against a long-awaited
# offensive" is not what the resisting side did
_CIRCUMSTANCE = re.compile(r"\s(?:against|in|at|on|near|over|from|during|amid)\s", re.IGNORECASE)


def _deeds(text: str, span: Span | None, known: list[str], actor: str | None = None) -> Iterator[_Deed]:
    """A text's clauses as deeds, each with who acts in it and the words of what it did, up to its
    circumstances; a clause that denies is no one's deed ("Washington had not provided aircraft")."""
    for piece in _SPLIT.split(text):
        names = _named(piece, known)
        words = _act_words(piece, names)
        if not words or clauses.denied(piece):
            continue
        first = min(m.start() for m in _WORD.finditer(piece) if m.group() in words.values())
        acting = (actor,) if actor else tuple(dict.fromkeys(piece[a:b] for a, b, _ in names if a < first))
        around = _CIRCUMSTANCE.search(piece, first)
        done = _act_words(piece[: around.start()], names) if around else words
        if acting and done:
            yield _Deed(acting, done, span)


def _same(a: str, b: str) -> bool:
    """One body or person under two names: as written, a country by any of its names or an
    institution that speaks for it ("Pentagon" for the US), a person by surname."""
    owner = nations.owner(a)
    return (
        a.lower() == b.lower()
        or (owner is not None and owner == nations.owner(b))
        or ((is_person(a) or is_person(b)) and same_person(a, b))
    )


@dataclass(frozen=True)
class Record:
    """What the facts the model was given say, to check its headline and summary against."""

    known: list[str]
    facts: list[_Fact]
    deeds: list[_Deed]


def record(extracted: Grounding, lead: tuple[str, Span] | None) -> Record:
    """The facts of the second request (`facts`), with the article's opening sentence it opens
    with, as who named and who did what."""
    known = list(
        dict.fromkeys(
            [a.name for a in extracted.actors]
            + [r.actor for r in extracted.international_responses]
            + [c.claimed_by for c in extracted.casualty_claims if c.claimed_by]
        )
    )
    given: list[tuple[str, Span | None, str | None]] = [(*lead, None)] if lead else []
    given += [(d.evidence, d.span, None) for d in extracted.key_developments]
    given += [(claim_sentence(c), c.span, c.claimed_by) for c in extracted.casualty_claims]
    given += [(r.description, r.span, r.actor) for r in extracted.international_responses if r.description]
    facts: list[_Fact] = []
    deeds: list[_Deed] = []
    for text, span, actor in given:
        names = _named(text, known)
        named = tuple(dict.fromkeys([*([actor] if actor else []), *(name for _, _, name in names)]))
        facts.append(_Fact(named, frozenset(_act_words(text, names))))
        deeds += _deeds(text, span, known, actor)
    return Record(known, facts, deeds)


def _shown(name: str) -> str:
    """A body as a sentence names it: "the US", "the Pentagon", but "Britain"."""
    institution = nations.owner(name) is not None and nations.country_of(name) is None
    return f"the {name}" if institution or re.fullmatch(r"[A-Z][A-Z.]+", name) else name


def misattributed(field: str, text: str, given: Record) -> list[Flag]:
    """Where the headline or summary gives a body's act (its verb or object) to another: a word of a
    clause that no fact naming the clause's actor holds, and that the facts give to one other body
    alone. Only a body the facts show acting is checked (a person who acts for a country the facts
    do not tie to it would read as another body). Flagged in the article's terms: "the headline
    gives Britain's artillery to the US", at the other body's fact."""
    flags = []
    for clause in _deeds(text, None, given.known):
        if not any(_same(a, b) for d in given.deeds for a in clause.acting for b in d.acting):
            continue  # the facts show it doing nothing: nothing to give it that is another's
        supported = {
            word
            for fact in given.facts
            if any(_same(a, n) for a in clause.acting for n in fact.named)
            for word in fact.words
        }
        # each other body's first deed, and the words taken from its deeds, as those deeds write them
        taken: list[tuple[_Deed, list[tuple[str, str]]]] = []
        for word in sorted(clause.words.keys() - supported, key=lambda w: text.find(clause.words[w])):
            others = [d for d in given.deeds if word in d.words and not _acts(clause.acting, d.acting[0])]
            if not others or not all(_same(others[0].acting[0], d.acting[0]) for d in others):
                continue  # no one else's, or several bodies': not one body's act given to another
            held = next((t for t in taken if _same(t[0].acting[0], others[0].acting[0])), None)
            if held is None:
                taken.append(held := (others[0], []))
            held[1].append((word, others[0].words[word]))
        verb = next(iter(clause.words))  # its first word of doing: the object says whose act it is
        for deed, words in taken:
            shown = [s for w, s in words if w != verb] or [s for _, s in words]
            whose, to = _shown(deed.acting[0]), _shown(clause.acting[0])
            if len(shown) == 1:
                text = f"the {field} gives {whose}'s {shown[0]} to {to}"
            else:  # words from more than one place: listed, not strung into a phrase no one wrote
                listed = ", ".join(f"“{s}”" for s in dict.fromkeys(shown))
                text = f"the {field} gives {to} what the article gives {whose} ({listed})"
            flags.append(Flag(kind="unsupported", text=text, span=deed.span))
    return flags


def _acts(acting: tuple[str, ...], body: str) -> bool:
    return any(_same(a, body) for a in acting)
