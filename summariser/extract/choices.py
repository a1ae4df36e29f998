"""What the model may answer for one article: the ids it answers for, and the names it chooses from.

Code proposes, the model chooses. Each passage's speaker is one of the names the article gives where
the trust rules would accept a speaker (`Names.near`), or null; each figure's claimant likewise; an
actor is one of the article's names; a response's actor one of the outside governments or bodies its
sentence names. The per-article JSON schema makes every such choice an enum, so a server that
enforces the schema (llama.cpp, vLLM, OpenAI's structured outputs) cannot name anyone else; in json
mode, where nothing is enforced, grounding checks the same lists and a name outside them is re-asked.
"""

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from summariser.brief import MOST_DEVELOPMENTS, Outcome, Span
from summariser.extract import clauses, figures, nations
from summariser.extract.anchors import Anchor, Anchors, is_phrase, overlaps
from summariser.extract.draft import Extraction, ResponseDraft, Unreadable, read_each
from summariser.extract.matching import naming, same_person
from summariser.extract.names import Names
from summariser.extract.words import BODIES, GOVERNING_WORDS, GOVERNMENT_WORDS, MILITARY_WORDS, TITLES

# an outside government the table does not know, by where it stands: "neighbouring Korvia dispatched…"
_NEIGHBOURING = re.compile(r"\b(?:neighbouring|neighboring|nearby|foreign)\s+$", re.IGNORECASE)


@dataclass(frozen=True)
class Choices:
    """One request's ids and the names each may be answered with, nearest first."""

    news: list[str]  # the sentences that may carry the news: the writer's own, in article order
    # the names each may be answered with; None where the article's script has no capitals to find
    # names by (Chinese, Japanese): any name then, for the trust rules alone to judge
    passages: dict[str, list[str] | None]
    mentions: dict[str, list[str] | None]
    # the figures code knows to be someone's (in a quotation, or a sentence that says who) and has
    # names to offer for: null, "the article names no source", is not offered for them
    sourced: set[str]
    outcomes: dict[str, list[str]]  # what each figure's word for harm allows, else every outcome
    responses: dict[str, tuple[str, str]]  # R1…: a sentence and an outside body that acts in it
    kinds: dict[str, list[str]]  # what kind each response's own clause says it is, else every kind

    def speaker_allowed(self, passage_id: str, name: str) -> bool:
        offered = self.passages.get(passage_id, [])
        return offered is None or _among(name, offered)

    def claimant_allowed(self, mention_id: str, name: str) -> bool:
        offered = self.mentions.get(mention_id, [])
        return offered is None or _among(name, offered)

    def schema(self) -> type[Extraction]:
        """The draft as this request states it: every id answered, every name an enum."""
        return _article_extraction(self)


def _outcomes(mention: Anchor, asked: Anchors) -> list[str]:
    """The outcome the figure's own word for harm names ("dead" is killed), or all of them where that
    word says no more than harm ("casualties"); the model still says whether it counts people harmed."""
    sentence = asked.get(mention.sentence)
    outcome = figures.harm(mention, sentence)[0] if sentence else None
    return [outcome.value] if outcome else [o.value for o in Outcome]


def _claimants(names: Names, mention: Anchor, most: int) -> list[str]:
    """Who may give a figure: in someone's quoted words, whoever may have said them; where its
    sentence attributes it ("…, the ministry said"), that one alone; where the sentence reports
    words of someone it does not name ("he said"), whom the article names just before; else no
    one, for the article states it with no source."""
    quoted = _quotation_of(names, mention)
    if quoted is not None:
        attributed = names.attributed(quoted)
        return [attributed] if attributed else names.near(quoted, most=most)
    subject = names.subject(mention)
    if subject:
        return [subject]
    return names.near(mention, most=most) if names.reported(mention) else []


def _sourced(names: Names, mention: Anchor) -> bool:
    """Whether code knows the figure is someone's: it stands in a quotation, or its sentence says
    whose it is."""
    return _quotation_of(names, mention) is not None or bool(names.subject(mention))


def _quotation_of(names: Names, mention: Anchor) -> Anchor | None:
    return next((p for p in names.anchors.passages if p.span[0] <= mention.span[0] < p.span[1]), None)


def _among(name: str, names: list[str]) -> bool:
    key = name.strip().lower()
    return any(key == n.lower() or same_person(name, n) for n in names)


NEWS_SENTENCES = 8


def choices(names: Names, asked: Anchors, withheld: Sequence[Span] = (), most: int = 5) -> Choices:
    """The choices for the ids `asked` holds (a chunk's own, or all), from the whole article's names.
    Responses are numbered across the article's sentences in order, so a chunk's ids are its own."""
    lead = names.anchors.sentences[0].text if names.anchors.sentences else ""
    home = nations.home(names.text, lead)
    readable = [s for s in asked.sentences if not overlaps(s.span, list(withheld))]
    # an outside body named where it does nothing ("a base near the capital") is asked about no more
    pairs = [
        (s.id, body, deed)
        for s in readable
        for body in _outside(s.text, home, names.named_in(s))
        if (deed := clauses.deed(naming(body), s)) and not clauses.denied(deed)
    ]
    quoted: Counter[str] = Counter()
    for passage in asked.passages:
        quoted[passage.sentence] += passage.span[1] - passage.span[0]
    # a figure its own sentence attributes ("…, the ministry said") has that one claimant
    claimants = {m.id: None if names.caseless(m) else _claimants(names, m, most) for m in asked.mentions}
    return Choices(
        news=list(islice((s.id for s in readable if not _mostly_quoted(s, quoted)), NEWS_SENTENCES)),
        # not asked: a few words that close no clause (a term, scare quotes: never a quote), and a
        # quotation its sentence attributes and says little else (code names the speaker)
        passages={
            p.id: None if names.caseless(p) else names.near(p, most=most)
            for p in asked.passages
            if not is_phrase(p) and names.attributed(p) is None
        },
        mentions=claimants,
        sourced={m.id for m in asked.mentions if claimants[m.id] and _sourced(names, m)},
        outcomes={m.id: _outcomes(m, asked) for m in asked.mentions},
        responses={f"R{n}": (sentence, body) for n, (sentence, body, _) in enumerate(pairs, 1)},
        kinds={f"R{n}": [k.value for k in clauses.kinds(deed)] for n, (_, _, deed) in enumerate(pairs, 1)},
    )


def _mostly_quoted(sentence: Anchor, quoted: Counter[str]) -> bool:
    """A sentence that is mostly someone's quoted words reports what they said, not what happened
    (`quoted`: how many characters of each sentence stand in quotation marks)."""
    return quoted[sentence.id] * 2 > sentence.span[1] - sentence.span[0]


def _outside(sentence: str, home: set[str], known: list[str]) -> list[str]:
    """The governments and bodies from outside the story's own countries that a sentence names
    (`known`: the names found in it), as it names them ("Britain", "Berlin", "Pentagon"); a country
    only its people's adjective names ("German officials") by the country's own name."""
    found: list[str] = []
    named = [(name, country) for name, country in nations.named(sentence) if country not in home]
    # a name of two words or more that is no body's or country's own, holding a country's name, is someone's
    people = [
        n
        for n in known
        if len(n.split()) >= 2 and n.split()[-1].lower() not in BODIES and not nations.country_of(n)
    ]
    for name, country in named:
        if any(person != name and re.search(rf"\b{re.escape(name)}\b", person) for person in people):
            continue  # "Israel Adesanya", "Denzel Washington": a person, not a government
        if nations.is_people(name):
            if any(c == country and not nations.is_people(n) for n, c in named):
                continue
            if not _GOVERNING.search(sentence, *_after(sentence, name)):
                continue  # "a Russian-made missile", "a French fireman": no government acts
            name = country
        if name not in found:
            found.append(name)
    for name in known:
        if name in found or nations.country_of(name) is not None or " " in name:
            continue
        at = sentence.find(name)
        if at > 0 and _NEIGHBOURING.search(sentence, max(0, at - 20), at):
            found.append(name)
    return found


# what a people's adjective must stand before to be its government ("French officials", "Russian
# forces", "the German foreign minister"), not a thing or a person from there
_GOVERNING_WORDS = sorted(GOVERNMENT_WORDS | MILITARY_WORDS | TITLES | GOVERNING_WORDS, key=len, reverse=True)
_GOVERNING = re.compile(rf"\s+(?:{'|'.join(map(re.escape, _GOVERNING_WORDS))})\b", re.IGNORECASE)


def _after(sentence: str, word: str) -> tuple[int, int]:
    """Where the words right after a word's first whole occurrence stand."""
    m = re.search(rf"\b{re.escape(word)}\b", sentence)
    return (m.end(), m.end() + 40) if m else (0, 0)


def _article_extraction(choices: Choices) -> type[Extraction]:
    """An Extraction whose JSON schema lists this article's ids and names, and which reads responses
    answered by their R ids; parsing stays lenient (any string, any key), so an answer outside them
    is dropped item by item in grounding, never costing the whole brief."""

    class ArticleExtraction(Extraction):
        @classmethod
        def _responses(cls, value: Any, unreadable: list[Unreadable]) -> Any:
            """{"R2": {"kind": "statement"}, "R3": {"kind": null}} as the responses they name, each
            read alone."""
            if not isinstance(value, dict):
                return super()._responses(value, unreadable)
            named = {}
            for key, answer in value.items():
                kind = answer.get("kind") if isinstance(answer, dict) else None
                if kind is None:
                    continue  # the body named does not respond in that sentence
                evidence, actor = choices.responses.get(key, (key, ""))
                allowed = choices.kinds.get(key)
                if allowed is not None and kind not in allowed:  # no server held it to the schema
                    reason = f"kind: its clause says {' or '.join(allowed)}, not {kind}"
                    unreadable.append(Unreadable(field="international_responses", id=str(key), reason=reason))
                    continue
                named[key] = {"evidence": evidence, "actor": actor, "kind": kind}
            return list(read_each(named, ResponseDraft, "international_responses", unreadable).values())

        @classmethod
        def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
            return _schema(choices, super().model_json_schema(*args, **kwargs))

    ArticleExtraction.model_config["title"] = "Extraction"
    return ArticleExtraction


def _schema(choices: Choices, base: dict[str, Any]) -> dict[str, Any]:
    properties = base["properties"]

    def described(name: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {"description": properties[name]["description"], **schema}

    def enum(values: list[Any]) -> dict[str, Any]:
        return {"enum": values}

    def named(names: list[str] | None, sourced: bool = False) -> dict[str, Any]:
        if names is None:
            return {"type": ["string", "null"]}
        return enum(names if sourced else [*names, None])

    quotes = {pid: _object({"speaker": named(names)}) for pid, names in choices.passages.items()}
    claims = {
        mid: _object(
            {
                "outcome": enum([*choices.outcomes[mid], None]),
                "claimed_by": named(names, sourced=mid in choices.sourced),
            }
        )
        for mid, names in choices.mentions.items()
    }
    developments = _object({"evidence": enum(choices.news)})
    responses = {rid: _object({"kind": enum([*choices.kinds[rid], None])}) for rid in choices.responses}
    return {
        "title": "Extraction",
        "description": base.get("description", ""),
        "type": "object",
        "properties": {
            "quotes": described("quotes", _object(quotes)),
            "casualty_claims": described("casualty_claims", _object(claims)),
            "key_developments": described(
                "key_developments",
                {"type": "array", "items": developments, "maxItems": MOST_DEVELOPMENTS}
                if choices.news
                else {"type": "array", "maxItems": 0},
            ),
            "international_responses": described("international_responses", _object(responses)),
        },
        "required": ["quotes", "casualty_claims", "key_developments", "international_responses"],
        "additionalProperties": False,
    }


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
