"""Deterministic detectors over the article: what the brief should contain, and what must not reach
the model.

They need no model and run in milliseconds, so every brief is checked against them: quoted passages
of six words or more, casualty figures, and passages that address instructions to an AI. Every
finding carries its span in the source as read.
"""

import re
from dataclasses import dataclass, field

from summariser.brief import Span

QUOTE_MIN_WORDS = 6
_OPENING = "“„‟«"
_CLOSING = "”»"
_QUOTE_CHARS = re.compile(r'[\n"“”„‟«»]')

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    r"hundred|a hundred|dozens|a dozen|scores|hundreds|thousands|tens of thousands|millions"
)
_HEDGES = r"(?:about|around|at least|more than|over|nearly|almost|some|up to|as many as|roughly|an estimated)"
_FIGURE = (
    rf"(?:{_HEDGES}\s+)?(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?(?:\s+(?:million|thousand))?|"
    rf"\b(?:{_NUMBER_WORDS})\b)"
)
_HARM = (
    r"killed|dead|died|deaths?|wounded|injured|hurt|missing|displaced|detained|arrested|casualties|"
    r"fled|evacuated|lost their lives|death toll|toll|bodies|victims|fatalities|homeless|from their homes"
)
_LINKS = r"(?:to|at|of|has|had|have|is|was|were|now|rose|risen|climbed|reached|stood|stands|by)"
_HARM_WORD = re.compile(rf"\b(?:{_HARM})\b", re.IGNORECASE)
# a figure, then at most four words, then the word for harm ("about 200 dead", "thousands of people
# have been killed"); or the word for harm, linking words, then the figure ("the toll rose to 35")
_FIGURE_BEFORE = re.compile(rf"(?P<f>{_FIGURE})(?:\W+\w+){{0,4}}?\W+$", re.IGNORECASE)
_FIGURE_AFTER = re.compile(rf"\W+(?:{_LINKS}\W+){{0,4}}?(?P<f>{_FIGURE})", re.IGNORECASE)
_YEAR = re.compile(r"^(1[89]|20)\d\d$")

_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:your|the|these|my|previous|prior|"
    r"above|earlier|preceding)\b[^.\n]{0,40}?\b(?:instructions?|prompts?|rules|guidelines|directions)\b"
    r"|\b(?:note|message|instructions?)\s+(?:to|for)\s+(?:any\s+|the\s+)?(?:AI|assistants?|chatbots?|"
    r"language\s+models?|LLMs?|summari[sz]ers?)\b"
    r"|\b(?:AI|assistant|chatbot|language model|LLM|summari[sz]er)s?\s*[,:]\s*(?:please\s+)?"
    r"(?:ignore|set|write|report|say|do not|don't|output|respond)\b"
    r"|(?:^|\n)\s*(?:system|assistant)\s*:"
    r"|\bsystem prompt\b"
    r"|\byou are now\b"
    r"|\bset the headline to\b"
    r"|\breport no casualt",
    re.IGNORECASE,
)
_TRIGGER_WORDS = (
    "ignore",
    "disregard",
    "forget",
    "override",
    "note",
    "message",
    "instruction",
    "assistant",
    "chatbot",
    "language model",
    "llm",
    "summari",
    "system",
    "you are now",
    "headline",
    "casualt",
)
_AI_ADDRESSED = re.compile(r"\bAI\s*[,:]|\b(?:to|for)\s+(?:any\s+|the\s+)?AI\b", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]+[\"'”’]?|$)")


@dataclass(frozen=True)
class Finding:
    kind: str  # "quote", "casualty" or "injection"
    text: str
    span: Span


@dataclass
class Findings:
    quotes: list[Finding] = field(default_factory=list)
    casualties: list[Finding] = field(default_factory=list)
    injections: list[Finding] = field(default_factory=list)


def quoted_regions(text: str) -> list[Span]:
    """Stretches between double quotation marks; a quotation left open runs to its paragraph's end."""
    regions: list[Span] = []
    opened: int | None = None
    for m in _QUOTE_CHARS.finditer(text):
        ch, at = m.group(), m.start()
        if ch == "\n":
            if opened is not None:
                regions.append((opened, at))
            opened = None
        elif opened is None and ch not in _CLOSING:
            opened = at + 1
        elif opened is not None and ch not in _OPENING:
            regions.append((opened, at))
            opened = None
    if opened is not None:
        regions.append((opened, len(text)))
    return regions


def quotes(text: str, regions: list[Span] | None = None) -> list[Finding]:
    found = []
    for start, end in regions if regions is not None else quoted_regions(text):
        passage = text[start:end].strip()
        if len(re.findall(r"\w+", passage)) >= QUOTE_MIN_WORDS:
            offset = text.index(passage, start)
            found.append(Finding("quote", passage, (offset, offset + len(passage))))
    return found


def casualties(text: str) -> list[Finding]:
    """Figures next to a word for harm; the search starts from the (rarer) harm words, so a long
    article costs a few milliseconds."""
    found: dict[Span, str] = {}
    for harm in _HARM_WORD.finditer(text):
        before = _FIGURE_BEFORE.search(text, max(0, harm.start() - 80), harm.start())
        after = _FIGURE_AFTER.match(text, harm.end(), harm.end() + 80)
        for m in (before, after):
            if m is not None and not _YEAR.match(m.group("f").split()[-1]):  # "in 2014 … killed"
                found[m.span("f")] = m.group("f")
    return [Finding("casualty", figure, span) for span, figure in sorted(found.items())]


def injections(text: str) -> list[Finding]:
    """Whole sentences (or HTML comments) that carry an instruction addressed to an AI."""
    found: list[Finding] = []
    searched = -1
    for line_start in _trigger_lines(text):
        if line_start <= searched:
            continue
        line_end = text.find("\n", line_start)
        searched = line_end = len(text) if line_end == -1 else line_end
        for m in _INSTRUCTION.finditer(text, line_start, line_end):
            start, end = _enclosing_passage(text, m.start(), m.end())
            if found and start < found[-1].span[1]:
                continue  # the same passage, matched twice
            found.append(Finding("injection", text[start:end], (start, end)))
    return found


def _trigger_lines(text: str) -> list[int]:
    """Starts of the lines holding a word without which no instruction pattern can match; plain
    `find`s over the lowered text, so an article with none costs almost nothing."""
    lowered = text.lower()
    hits = [m.start() for m in _AI_ADDRESSED.finditer(text)]
    for word in _TRIGGER_WORDS:
        at = lowered.find(word)
        while at != -1:
            hits.append(at)
            at = lowered.find(word, at + 1)
    return sorted({text.rfind("\n", 0, at) + 1 for at in hits})


def _enclosing_passage(text: str, start: int, end: int) -> Span:
    comment_open = text.rfind("<!--", 0, start)
    if comment_open != -1 and text.find("-->", comment_open) >= end:
        return comment_open, text.find("-->", comment_open) + 3
    line_start = text.rfind("\n", 0, start) + 1
    for m in _SENTENCE.finditer(text, line_start):
        if m.end() >= end and m.group().strip():
            lead = len(m.group()) - len(m.group().lstrip())
            return m.start() + lead, m.end()
        if m.start() > start:
            break
    line_end = text.find("\n", end)
    return line_start, len(text) if line_end == -1 else line_end


def scan(text: str, regions: list[Span] | None = None) -> Findings:
    return Findings(quotes=quotes(text, regions), casualties=casualties(text), injections=injections(text))


PLACEHOLDER = "[passage withheld: it addressed instructions to an AI]"


def withhold(text: str, found: list[Finding]) -> str:
    """The article as the model sees it: each flagged passage replaced by a neutral placeholder.
    Spans are always computed on the original, so nothing downstream shifts."""
    out, at = [], 0
    for finding in found:
        start, end = finding.span
        out += [text[at:start], PLACEHOLDER]
        at = end
    out.append(text[at:])
    return "".join(out)
