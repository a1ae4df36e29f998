"""A deterministic stand-in for a good model: scripted, not a model.

It answers the pipeline's real request bodies (what openai sends to `tests/scripted.py`'s server)
with a chat completion, reading only what a model would read: the numbered article in the prompt
(`[S3]`, `[Q2]`, `[C1]`) and the choices listed after it (the names offered for each passage and
figure, the sentences that may carry the news, each outside body a sentence names under its R id).
It understands nothing: every choice is a fixed rule over those lists (the first name offered, the
first two news sentences, a response where its clause gives, sends or says), written so that the
answer grounds with nothing dropped on the sample articles (`seeds/`), the planted ones
(`tests/planted/`) and the copies of them `articles` makes. Tests and benchmarks use it where a
recording would pin them to one article and a real model would make them slow and unrepeatable.

It reads the prompt, never the grounding code: were it to ask `summariser.extract.grounding` what holds, a
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

from summariser.extract.prompts import PLACEHOLDER
from tests.scripted import completion, tool_call

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (*sorted((ROOT / "seeds").glob("*.txt")), *sorted((ROOT / "tests" / "planted").glob("*.txt")))

Body = dict[str, Any]

# --- What the request holds ------------------------------------------------------------------------

_ARTICLE = re.compile(r"<article (\w+)>\n(.*?)\n</article \1>", re.S)
_SENTENCE = re.compile(r"(?:^| )\[(S\d+)\] ")
_MARK = re.compile(r"\[([QC]\d+)\]")
_OFFERED = re.compile(r"^([QC]\d+)(?: \((\w+)\))?: (.*)$", re.M)
_NEWS = re.compile(r"^key_developments: .*?: (.*)$", re.M)
_RESPONSE = re.compile(r"^(R\d+) \((S\d+)(?:, \w+)?\): (.*)$", re.M)


@dataclass
class Sentence:
    id: str
    shown: str  # as the prompt shows it, marks included

    @property
    def text(self) -> str:
        return _MARK.sub("", self.shown)

    @property
    def withheld(self) -> bool:
        return PLACEHOLDER in self.shown


@dataclass
class Request:
    """One extraction request, as read from its body: the article and the choices listed after it."""

    code: str
    sentences: dict[str, Sentence]
    offered: dict[str, list[str]]  # each passage's and figure's names, nearest first
    outcomes: dict[str, str]  # a figure's outcome, where the request names it
    news: list[str]
    responses: dict[str, tuple[str, str]]  # R id: its sentence and the body
    reask: bool
    article: str = field(repr=False)

    @property
    def quote_ids(self) -> list[str]:
        return [i for i in self.offered if i.startswith("Q")]

    @property
    def claim_ids(self) -> list[str]:
        return [i for i in self.offered if i.startswith("C")]


def _schema(body: Body) -> tuple[str, dict[str, Any]]:
    """The name and JSON schema the request asks for, in tools or json_schema mode."""
    if body.get("tools"):
        function = body["tools"][0]["function"]
        return function["name"], function.get("parameters", {})
    if isinstance(body.get("response_format"), dict) and "json_schema" in body["response_format"]:
        spec = body["response_format"]["json_schema"]
        return spec.get("name", ""), spec.get("schema", {})
    return "", {}


def _is_headline(body: Body) -> bool:
    return not any("<article " in m["content"] for m in body["messages"])


def _read(body: Body) -> Request:
    """The article and its choices, from the first user message (a re-ask repeats it)."""
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    found = _ARTICLE.search(user)
    if found is None:
        raise ValueError("no <article CODE> block in the request")
    code, block = found.group(1), found.group(2)
    sentences: dict[str, Sentence] = {}
    for line in block.split("\n"):
        parts = _SENTENCE.split(line)
        for at in range(1, len(parts) - 1, 2):
            sentences[parts[at]] = Sentence(parts[at], parts[at + 1])
    tail = user[found.end() :]
    offered: dict[str, list[str]] = {}
    outcomes: dict[str, str] = {}
    for line in _OFFERED.finditer(tail):
        anchor_id, outcome, names = line.groups()
        offered[anchor_id] = [] if names.startswith("(") else names.split(" | ")
        if outcome:
            outcomes[anchor_id] = outcome
    news = _NEWS.search(tail)
    return Request(
        code=code,
        sentences=sentences,
        offered=offered,
        outcomes=outcomes,
        news=[] if news is None or news.group(1) == "none" else news.group(1).split(", "),
        responses={r.group(1): (r.group(2), r.group(3)) for r in _RESPONSE.finditer(tail)},
        reask=len(body["messages"]) > 2,
        article="\n".join(_MARK.sub("", line) for line in block.split("\n")),
    )


# --- The extraction -------------------------------------------------------------------------------

_HARM = (
    ("killed", r"kill|dead|die|death|bodies|fatal"),
    ("injured", r"injur|wound|hurt"),
    ("missing", r"missing"),
    ("displaced", r"displac|homes|homeless|evacuat|flee|fled|shelter"),
    ("detained", r"detain|arrest|captur|prisoner"),
)


def _outcome(mark: str, sentence: Sentence) -> str:
    """What a figure counts, from the words around it, where the request does not name it."""
    shown = sentence.shown
    at = shown.find(f"[{mark}]")
    after = " ".join(_MARK.sub("", shown[at:]).split()[:8]).lower()
    before = " ".join(_MARK.sub("", shown[:at]).split()[-6:]).lower()
    return next(
        (o for window in (after, before) for o, pattern in _HARM if re.search(pattern, window)), "other"
    )


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


def _response(sentence: Sentence | None, body: str) -> dict[str, Any]:
    """What a body did in a sentence: a kind where the clause naming it gives, sends or condemns
    and denies nothing; else null."""
    if sentence is None or sentence.withheld:
        return {"kind": None}
    clause = next((c for c in re.split(r", and |, while |; ", sentence.text) if body in c), "")
    if re.search(r"\bnot\b|n't\b|n’t\b", clause) or not _RESPONDS.search(clause):
        return {"kind": None}
    return {"kind": next((k for k, p in _KINDS if re.search(p, clause, re.I)), "statement")}


def _extraction(request: Request) -> dict[str, Any]:
    """A whole, correct extraction: every passage and figure answered with the first name offered,
    the first two news sentences, and a response where its clause bears one out."""
    quotes = {q: {"speaker": (request.offered[q] or [None])[0]} for q in request.quote_ids}
    claims = {}
    for claim_id in request.claim_ids:
        sentence = next((s for s in request.sentences.values() if f"[{claim_id}]" in s.shown), None)
        outcome = request.outcomes.get(claim_id) or (_outcome(claim_id, sentence) if sentence else "other")
        claims[claim_id] = {"outcome": outcome, "claimed_by": (request.offered[claim_id] or [None])[0]}
    responses = {
        rid: _response(request.sentences.get(sentence_id), body)
        for rid, (sentence_id, body) in request.responses.items()
    }
    return {
        "quotes": quotes,
        "casualty_claims": claims,
        "key_developments": [{"evidence": s} for s in request.news[:2]],
        "international_responses": responses,
    }


# --- The headline ---------------------------------------------------------------------------------

_FACT = re.compile(r"^- (.+)$", re.M)
_DEVELOPMENT = re.compile(r"^(D\d+): (.+)$", re.M)
_COUNTED = re.compile(
    r"^(?!The article, naming no source)(.+?) says (.+) (killed|injured|missing|displaced|detained)$"
)
_ARTICLES = ("the ", "The ", "a ", "A ")
_CUT = re.compile(r",\s| as | after | while | but | adding|;")


def _wording(sentence: str) -> str:
    """A development in a few words: the sentence's main clause, at most eight of its words."""
    text = sentence
    for mark in '“"«„‘':
        text = text.split(mark)[0]
    cut = _CUT.search(text)
    if cut is not None and len(text[: cut.start()].split()) >= 4:
        text = text[: cut.start()]
    words = text.split()
    return " ".join(words[: max(3, min(8, len(words) * 6 // 10))]).rstrip(" ,;:.")


def _headline(body: Body) -> dict[str, Any]:
    """The developments' words, a headline and two sentences from the checked facts the request
    lists (never the article): the first development as the headline; two joined, then a figure."""
    content = body["messages"][0]["content"]
    developments = {d.group(1): _wording(d.group(2)) for d in _DEVELOPMENT.finditer(content)}
    facts_part = content.split("Other checked facts:", 1)[-1].split("\n\nWrite", 1)[0]
    said = [f.strip().rstrip(".") for f in _FACT.findall(facts_part) if " says " in f]
    done = list(developments.values())
    if not done:
        lead = content.split("The article opens:\n", 1)[-1].split("\n", 1)[0].strip('"')
        done = [_wording(lead)] if lead else ["A report from the article"]
    headline = done[0][:150]
    first = done[0] + (f"; {_lower(done[1])}." if len(done) > 1 else ", the report says.")
    counted = _COUNTED.match(said[0]) if said else None
    if counted is not None:
        source, figure, outcome = counted.groups()
        source = _lower(source) if source[:1].isupper() else f"the {source}"
        second = f"According to {source}, {figure} were {outcome}."
    else:
        second = "More is expected as the story develops."
    return {"developments": developments, "headline": headline, "summary": f"{first} {second}"}


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
    name, _ = _schema(body)
    if _is_headline(body):
        return _reply(body, name, _headline(body))
    return _reply(body, name, _extraction(_read(body)))


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
        draft["quotes"][spoken[0]] = {"speaker": _NOBODY}
    elif request.claim_ids:
        draft["casualty_claims"][f"C{len(request.claim_ids) + 90}"] = {
            "outcome": "killed",
            "claimed_by": None,
        }
    else:
        draft["key_developments"].insert(0, {"evidence": "S9999"})
    return draft


def faulty(every: int) -> Callable[[Body], dict[str, Any]]:
    """`answer`, but with one fault in the first extraction of each article `faulted` picks; its
    re-ask (the request with the pipeline's note after the article) is answered correctly."""

    def respond(body: Body) -> dict[str, Any]:
        name, _ = _schema(body)
        if _is_headline(body):
            return _reply(body, name, _headline(body))
        request = _read(body)
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
