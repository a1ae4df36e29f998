"""A deterministic stand-in for a good model: scripted, not a model.

It answers the pipeline's real request bodies (what openai sends to `tests/scripted.py`'s server)
with a chat completion, reading only what a model would read: the numbered article in the prompt
(`[S3]`, `[Q2]`, `[C1]`), the hints code computed beside it (who is named near each passage, who
gives each figure, which sentences name a foreign government or body) and the per-article schema
(its ids). It understands nothing: every choice is a fixed rule over those hints, written so that
the answer grounds with nothing dropped on the sample articles (`seeds/`), the planted ones
(`tests/planted/`) and the copies of them `articles` makes. Tests and benchmarks use it where a
recording would pin them to one article and a real model would make them slow and unrepeatable.

It reads the prompt, never the grounding code: were it to ask `summariser.grounding` what holds, a
regression there could not show up as a drop in a benchmark that uses it.

- `answer(body)`: a chat completion for one request, extraction or headline alike.
- `faulty(every)`: the same, but the first extraction of about one article in `every` (chosen by a
  hash of the article, so not by order) carries one fault the pipeline re-asks; the re-ask is
  answered correctly.
- `faulted(text, every)`: whether `faulty(every)` faults that article (for a test's expectations).
- `articles(n)`: n distinct articles, made from the seeds and planted ones, that `answer` grounds.
"""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from summariser import nations
from summariser.detect import PLACEHOLDER
from tests.scripted import completion, tool_call

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (*sorted((ROOT / "seeds").glob("*.txt")), *sorted((ROOT / "tests" / "planted").glob("*.txt")))

Body = dict[str, Any]

# --- What the request holds ------------------------------------------------------------------------

_ARTICLE = re.compile(r"<article (\w+)>\n(.*?)\n</article \1>", re.S)
_SENTENCE = re.compile(r"(?:^| )\[(S\d+)\] ")
_MARK = re.compile(r"\[([QC]\d+)\]")
_HINT = re.compile(r"^([QC]\d+) \(in (S\d+)\): (.*)$", re.M)
_FOREIGN = re.compile(r"international_responses are found: (.*)$", re.M)
_FOREIGN_ITEM = re.compile(r"(S\d+) \((.*?)\)(?:; |$)")


@dataclass
class Sentence:
    id: str
    shown: str  # as the prompt shows it, marks included
    paragraph: int

    @property
    def text(self) -> str:
        return _MARK.sub("", self.shown)

    @property
    def withheld(self) -> bool:
        return PLACEHOLDER in self.shown


@dataclass
class Hint:
    sentence: str
    where: str  # "in" (its own sentence), "before" (an earlier one), "given" (the saying verb's subject), ""
    names: list[str]


@dataclass
class Request:
    """One extraction request, as read from its body."""

    code: str
    sentences: dict[str, Sentence]
    paragraphs: list[str]
    quote_ids: list[str]
    claim_ids: list[str]
    hints: dict[str, Hint]
    foreign: list[tuple[str, list[str]]]
    reask: bool
    article: str = field(repr=False)


def _schema(body: Body) -> tuple[str, dict[str, Any]]:
    """The name and JSON schema the request asks for, in tools or json_schema mode."""
    if body.get("tools"):
        function = body["tools"][0]["function"]
        return function["name"], function.get("parameters", {})
    if isinstance(body.get("response_format"), dict) and "json_schema" in body["response_format"]:
        spec = body["response_format"]["json_schema"]
        return spec.get("name", ""), spec.get("schema", {})
    return "", {}


def _is_headline(schema: dict[str, Any], body: Body) -> bool:
    properties = schema.get("properties", {})
    if properties:
        return "headline" in properties and "key_developments" not in properties
    return "<article " not in body["messages"][-1 if len(body["messages"]) == 1 else 1]["content"]


def _ids(schema: dict[str, Any], name: str) -> list[str]:
    return list(schema.get("properties", {}).get(name, {}).get("properties", {}))


def _read(body: Body, schema: dict[str, Any]) -> Request:
    """The article, its ids and the hints, from the first user message (a re-ask repeats it)."""
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    found = _ARTICLE.search(user)
    if found is None:
        raise ValueError("no <article CODE> block in the request")
    code, block = found.group(1), found.group(2)
    sentences: dict[str, Sentence] = {}
    for paragraph, line in enumerate(block.split("\n")):
        parts = _SENTENCE.split(line)
        for at in range(1, len(parts) - 1, 2):
            sentences[parts[at]] = Sentence(parts[at], parts[at + 1], paragraph)
    hints = {}
    tail = user[found.end() :]
    for hint in _HINT.finditer(tail):
        anchor_id, sentence, said = hint.groups()
        where, _, names = said.partition(": ")
        kind = "in" if where.startswith("named in") else "before" if where.startswith("named before") else ""
        if said.startswith("given by "):
            kind, names = "given", said.removeprefix("given by ")
        hints[anchor_id] = Hint(sentence, kind, names.split(", ") if kind else [])
    foreign_line = _FOREIGN.search(tail)
    foreign = [
        (item.group(1), item.group(2).split(", "))
        for item in _FOREIGN_ITEM.finditer(foreign_line.group(1) if foreign_line else "")
    ]
    # the schema lists every id it requires; hints stand in for a mode that sends no schema
    quote_ids = _ids(schema, "quotes") or [i for i in hints if i.startswith("Q")]
    claim_ids = _ids(schema, "casualty_claims") or [i for i in hints if i.startswith("C")]
    paragraphs = [_MARK.sub("", line) for line in block.split("\n")]
    return Request(
        code=code,
        sentences=sentences,
        paragraphs=paragraphs,
        quote_ids=quote_ids,
        claim_ids=claim_ids,
        hints=hints,
        foreign=foreign,
        reask=len(body["messages"]) > 2,
        article="\n".join(paragraphs),
    )


# --- Names ----------------------------------------------------------------------------------------

_TITLE_LIST = (
    "mr mrs ms dr president prime minister governor chancellor spokesman spokeswoman spokesperson "
    "negotiator official secretary commander chief mayor ambassador envoy general director head "
    "leader coordinator interior foreign defence defense lead the us"
)
_TITLES = frozenset(_TITLE_LIST.split())
_BODY_LIST = (
    "nations union house ministry crescent cross organization organisation council army police "
    "office agency committee department government authorities officials region province"
)
_BODIES = frozenset(_BODY_LIST.split())
_SAYING = r"(?:said|says|told|added|warned|announced)"


def _person(name: str) -> str | None:
    """The person inside a name as the hint gives it ("Pentagon spokesman John Kirby" is John
    Kirby, "Mr Zelensky" is Zelensky), or None when it names a body or a place."""
    words = name.replace("-", " - ").split()
    if any(w.lower() in _BODIES for w in words):
        return None
    while words and (words[0].lower().strip(".") in _TITLES or not words[0][:1].isupper()):
        words = words[1:]
    for at in range(len(words) - 1, -1, -1):  # after the last title: "Pentagon spokesman John Kirby"
        if words[at].lower() in _TITLES:
            words = words[at + 1 :]
            break
    if not words or len(words) > 3 or not all(w[:1].isupper() for w in words):
        return None
    return " ".join(words)


def _full(name: str, article: str) -> str:
    """A surname alone ("Zelensky") in full as the article first writes it ("Volodymyr Zelensky")."""
    if " " in name:
        return name
    for found in re.finditer(rf"\b([A-Z][\w’'-]+) {re.escape(name)}\b", article):
        if found.group(1).lower() not in _TITLES:
            return f"{found.group(1)} {name}"
    return name


def _speaker(hint: Hint | None, sentence: Sentence | None, article: str) -> str | None:
    """Whose words a passage is: the name next to a saying verb in its sentence, else the first
    person the hint names, else its first name of any kind."""
    if hint is None or not hint.names:
        return None
    text = sentence.text if sentence is not None else ""
    chosen = next(
        (
            name
            for name in hint.names
            if hint.where == "in"
            and re.search(rf"{re.escape(name)}(?:’s|'s)?,? {_SAYING}\b|\b{_SAYING} {re.escape(name)}\b", text)
        ),
        None,
    )
    if chosen is None:
        chosen = next((name for name in hint.names if _person(name)), hint.names[0])
    person = _person(chosen)
    return _full(person, article) if person else chosen


# --- The extraction -------------------------------------------------------------------------------

_OPENERS = {"“": '”"', '"': '"”', "«": "»", "‹": "›", "„": '“”"', "‘": "’", "'": "'", "「": "」", "『": "』"}


def _passage(shown: str, mark: str) -> str:
    """The words of a passage after its id, to its closing mark (a quotation inside it skipped)."""
    at = shown.find(f"[{mark}]")
    rest = _MARK.sub("", shown[at + len(mark) + 2 :])
    if not rest or rest[0] not in _OPENERS:
        return rest
    closers, inner, out = _OPENERS[rest[0]], None, []
    for i, char in enumerate(rest[1:], 1):
        between_letters = rest[i - 1 : i].isalnum() and rest[i + 1 : i + 2].isalpha()
        if inner is not None:
            inner = None if char in _OPENERS[inner] and not between_letters else inner
        elif char in closers and not between_letters:
            break
        elif char in _OPENERS and char not in closers and not rest[i - 1 : i].isalnum():
            inner = char
        out.append(char)
    return "".join(out)


def _term(passage: str) -> bool:
    """A few words in quotation marks that close no clause: a term or scare quotes, nobody's words."""
    text = passage.rstrip()
    return len(re.findall(r"\w+", text)) <= 4 and not text.endswith((".", ",", "!", "?", "…"))


_HARM = (
    ("killed", r"kill|dead|die|death|bodies|fatal"),
    ("injured", r"injur|wound|hurt"),
    ("missing", r"missing"),
    ("displaced", r"displac|homes|homeless|evacuat|flee|fled|shelter"),
    ("detained", r"detain|arrest|captur|prisoner"),
)
_WHO = ("civilians", "soldiers", "children", "residents", "troops", "people", "fighters", "migrants")
_NUMBER = re.compile(r"\d[\d,]*")


def _claim(mark: str, sentence: Sentence, hint: Hint | None) -> dict[str, Any]:
    """A casualty figure: what it counts from the words around it, who gives it from the hint."""
    shown = sentence.shown
    at = shown.find(f"[{mark}]")
    after = " ".join(_MARK.sub("", shown[at:]).split()[:8]).lower()
    before = " ".join(_MARK.sub("", shown[:at]).split()[-6:]).lower()
    outcome = next(
        (o for window in (after, before) for o, pattern in _HARM if re.search(pattern, window)), "other"
    )
    who = next((w for w in _WHO if re.search(rf"\b{w}\b", after)), "people")
    head = " ".join(after.split()[:4])
    number = _NUMBER.search(head)
    low = high = int(number.group().replace(",", "")) if number else None
    hedge = head[: number.start()] if number else ""
    if re.search(r"\b(?:at least|more than|over)\b", hedge):
        high = None
    if re.search(r"\b(?:about|around|nearly|almost|some|up to)\b", hedge):
        low = high = None
    claimant = None
    if hint is not None and hint.names:
        given = hint.where == "given"
        claimant = _body(hint.names[0], sentence.text) if given else _person(hint.names[0]) or hint.names[0]
    return {
        "outcome": outcome,
        "who": who,
        "location": None,
        "claimed_by": claimant,
        "qualifier": None,
        "count_min": low,
        "count_max": high,
    }


_ARTICLES = ("the ", "The ", "a ", "A ")


def _body(given: str, sentence: str) -> str:
    """Who gives a figure, from the saying verb's subject the hint names: without "the" and the
    place after it ("officials in Ostrava Nova" are "Local officials", not Ostrava Nova), with the
    capitalised word the article puts before it."""
    name = re.split(r" (?:in|of|from|at) ", given.removeprefix("the ").removeprefix("The "), maxsplit=1)[0]
    before = re.search(rf"(\w+) {re.escape(name)}\b", sentence)
    if before is not None and before.group(1)[:1].isupper() and f"{before.group(1)} " not in _ARTICLES:
        name = f"{before.group(1)} {name}"
    return name


_CUT = re.compile(r",\s| as | after | while | but | adding|;")
_CONTENT = re.compile(r"\w+")


def _development(sentence: Sentence) -> str | None:
    """Who did what, from the sentence's own main clause: at most 15 of its words, none quoted."""
    text = sentence.text
    for mark in '“"«„‘':
        text = text.split(mark)[0]
    cut = _CUT.search(text)
    if cut is not None and len(text[: cut.start()].split()) >= 4:
        text = text[: cut.start()]
    words = text.split()[:15]
    if len(words) < 4 or sum(len(w) > 3 for w in _CONTENT.findall(" ".join(words))) < 2:
        return None
    return " ".join(words).rstrip(" ,;:.") + "."


_RESPONDS = re.compile(
    r"\b(?:send|sent|provid|suppl|ship|offer|pledg|dispatch|deliver|donat|activat|sanction|condemn|"
    r"consult|giv|aid|support)\w*",
    re.I,
)
_KINDS = (
    ("military_aid", r"weapon|artillery|aircraft|military|tank|missile|ammunition"),
    ("humanitarian_aid", r"\baid\b|rescue|kits|euros|dollars|relief|supplies|team|medical|food"),
    ("sanctions", r"sanction"),
    ("diplomatic", r"consult|talks|summon|envoy|leaders"),
)


def _responses(request: Request) -> list[dict[str, Any]]:
    """Foreign governments and bodies that did something, from the sentences the hint lists: the
    clause that names them, if it holds a verb of giving, sending or condemning."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for sentence_id, names in request.foreign:
        sentence = request.sentences.get(sentence_id)
        if sentence is None or sentence.withheld:
            continue
        text = sentence.text
        for name in names:
            country = nations.country_of(name)
            actor = country if country and name.lower() in nations.names_for(country) else name
            body = country or actor
            clause = next((c for c in re.split(r", and |, while |; ", text) if name in c), "")
            denied = re.search(r"\bnot\b|n't\b|n’t\b", clause)
            if body in seen or clause in seen or denied or not _RESPONDS.search(clause) or len(out) == 5:
                continue
            seen.update((body, clause))  # one response a clause: "US ..., the White House said"
            kind = next((k for k, p in _KINDS if re.search(p, clause, re.I)), "statement")
            description = " ".join(clause.split()[:30]).strip(" ,.") + "."
            out.append({"actor": actor, "kind": kind, "description": description, "evidence": sentence_id})
    return out


def _extraction(request: Request) -> dict[str, Any]:
    """A whole, correct extraction: every passage and figure answered, developments and responses
    only where a sentence bears them out."""
    article = request.article
    quotes: dict[str, Any] = {}
    speakers: list[str] = []
    for quote_id in request.quote_ids:
        hint = request.hints.get(quote_id)
        sentence = request.sentences.get(hint.sentence) if hint else None
        passage = _passage(sentence.shown, quote_id) if sentence else ""
        speaker = None if _term(passage) else _speaker(hint, sentence, article)
        quotes[quote_id] = {"speaker": speaker, "context": None}
        if speaker and speaker not in speakers:
            speakers.append(speaker)
    claims = {}
    for claim_id in request.claim_ids:
        hint = request.hints.get(claim_id)
        sentence = request.sentences.get(hint.sentence) if hint else None
        if sentence is None:
            claims[claim_id] = {"outcome": "other", "who": "people", "claimed_by": None}
            continue
        claims[claim_id] = _claim(claim_id, sentence, hint)
    readable = [s for s in request.sentences.values() if not s.withheld]
    marked = {h.sentence for h in request.hints.values() if h.sentence}
    foreign = {sentence_id for sentence_id, _ in request.foreign}
    quoted = {h.sentence for i, h in request.hints.items() if i.startswith("Q")}
    ranked = readable[:1] + [s for s in readable[1:] if s.id in marked or s.id in foreign]
    ranked = [s for s in ranked if s.id not in quoted]  # a quotation's sentence is the quote's
    developments = []
    for sentence in ranked:
        text = _development(sentence)
        if text and len(developments) < 4:
            developments.append({"text": text, "evidence": sentence.id})
    responses = _responses(request)
    actors = [
        {"name": name, "kind": "person" if _person(name) else "organisation", "role": "quoted in the article"}
        for name in speakers
    ]
    for response in responses:
        written = re.search(rf"\b{re.escape(response['actor'])}\b", article)  # not "Germany" for "Berlin"
        if written and len(actors) < 10 and response["actor"] not in {a["name"] for a in actors}:
            kind = "government" if nations.country_of(response["actor"]) else "organisation"
            actors.append({"name": response["actor"], "kind": kind, "role": "responded from abroad"})
    return {
        "key_developments": developments,
        "actors": actors,
        "quotes": quotes,
        "casualty_claims": claims,
        "international_responses": responses,
    }


# --- The headline ---------------------------------------------------------------------------------

_FACT = re.compile(r"^- (.+)$", re.M)
_COUNTED = re.compile(
    r"^(?!The article, naming no source)(.+?) says (.+) (killed|injured|missing|displaced|detained)$"
)


def _headline(body: Body) -> dict[str, Any]:
    """A headline and two sentences from the checked facts the request lists (never the article):
    the first development as the headline; two developments joined, then a figure or a response."""
    content = body["messages"][0]["content"]
    facts_part = content.split("Checked facts:", 1)[-1].split("\n\nWrite", 1)[0]
    facts = [f.strip().rstrip(".") for f in _FACT.findall(facts_part) if not f.startswith("(")]
    said = [f for f in facts if " says " in f]
    responded = [f for f in facts if re.match(r"^[^:]{1,60}: ", f) and f not in said]
    done = [f for f in facts if f not in said and f not in responded]
    if not done:
        lead = content.split("The article opens:\n", 1)[-1].split("\n", 1)[0].strip('"')
        done = [lead.rstrip(".")] if lead else ["A report from the article"]
    headline = done[0]
    if len(headline) > 150:
        headline = headline[:149].rsplit(" ", 1)[0]
    first = done[0] + (f"; {_lower(done[1])}." if len(done) > 1 else ", the report says.")
    counted = _COUNTED.match(said[0]) if said else None
    if counted is not None:
        source, figure, outcome = counted.groups()
        source = _lower(source) if source[:1].isupper() else f"the {source}"
        second = f"According to {source}, {figure} were {outcome}."
    elif said:
        second = f"{said[0]}."
    elif responded:
        actor, _, what = responded[0].partition(": ")
        second = f"Abroad, {actor} responded: {_lower(what)}."
    else:
        second = "More is expected as the story develops."
    return {"headline": headline, "summary": f"{first} {second}"}


def _lower(text: str) -> str:
    """A fact joined after another: "The ministry" in lower case, a name ("Russian troops") kept."""
    return text[:1].lower() + text[1:] if text.startswith(_ARTICLES) else text


# --- The answers ----------------------------------------------------------------------------------


def _reply(body: Body, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """A chat completion carrying the arguments as the request's mode expects them."""
    if body.get("tools"):
        reply = tool_call(arguments)
        reply["choices"][0]["message"]["tool_calls"][0]["function"]["name"] = name
        return reply
    return completion(arguments)


def answer(body: Body) -> dict[str, Any]:
    """The correct answer to one request: an extraction that grounds whole, or a headline."""
    name, schema = _schema(body)
    if _is_headline(schema, body):
        return _reply(body, name, _headline(body))
    return _reply(body, name, _extraction(_read(body, schema)))


def faulted(text: str, every: int) -> bool:
    """Whether `faulty(every)` faults the first extraction of this article: by a hash of its text
    (the same hash the prompt's boundary marker is), so the choice does not depend on order."""
    return every > 0 and int(_code(text), 16) % every == 0


def _code(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


_NOBODY = "Jonas Abernethy-Quill"  # a speaker no article names: grounding rejects the quote


def _fault(request: Request, draft: dict[str, Any]) -> dict[str, Any]:
    """One fault the pipeline re-asks: a quote given to someone the article does not name, else a
    figure answered under an id that names nothing, else evidence that is no sentence's id."""
    spoken = [q for q, a in draft["quotes"].items() if a["speaker"]]
    if spoken and _NOBODY not in request.article:
        draft["quotes"][spoken[0]] = {"speaker": _NOBODY, "context": None}
    elif request.claim_ids:
        draft["casualty_claims"][f"C{len(request.claim_ids) + 90}"] = {
            "outcome": "killed",
            "claimed_by": None,
        }
    else:
        draft["key_developments"].insert(0, {"text": "Something happened.", "evidence": "S9999"})
    return draft


def faulty(every: int) -> Callable[[Body], dict[str, Any]]:
    """`answer`, but with one fault in the first extraction of each article `faulted` picks; its
    re-ask (the request with the pipeline's note after the article) is answered correctly."""

    def respond(body: Body) -> dict[str, Any]:
        name, schema = _schema(body)
        if _is_headline(schema, body):
            return _reply(body, name, _headline(body))
        request = _read(body, schema)
        draft = _extraction(request)
        if not request.reask and int(request.code, 16) % every == 0:
            draft = _fault(request, draft)
        return _reply(body, name, draft)

    return respond


# --- Articles for a benchmark ---------------------------------------------------------------------


@cache
def _bases() -> tuple[tuple[str, str], ...]:
    return tuple((path.stem, path.read_text(encoding="utf-8")) for path in SOURCES)


def articles(n: int) -> list[tuple[str, str]]:
    """n distinct (id, text) articles: the seeds and planted articles in turn, each copy with a
    closing sentence of its own (no name, no figure of harm), so no two texts and no two cache
    keys are the same while every copy grounds as its original does."""
    bases = _bases()
    out = []
    for k in range(n):
        stem, text = bases[k % len(bases)]
        copy = k // len(bases) + 1
        out.append((f"{stem}-{copy:04d}", f"{text.rstrip()}\n\nThis report was revised as update {copy}.\n"))
    return out
