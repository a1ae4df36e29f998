"""Instructions addressed to an AI, judged sentence by sentence on the text with its disguises undone
(`summariser.detect.folding`), in seven languages. Orders reported in the news use the same verbs
("residents were told to ignore the previous instructions"), so a verb counts only where it gives
the order itself: at the head of a clause, after "please", or in a form that can only be an
imperative. Only a confident order that is a sentence of its own is withheld from the model."""

import re
from bisect import bisect_right

from summariser.brief import Span
from summariser.detect import folding
from summariser.detect.findings import QUOTE_MIN_WORDS, Finding, quoted_regions
from summariser.detect.harm import casualties
from summariser.detect.instruction_rules import (
    ADDRESS,
    ANCHORS,
    ASKED_FOR,
    ATTRIBUTION,
    CONTROL,
    IMPERATIVE_ONLY,
    NAMES_THE_BRIEF,
    OPENER,
    OTHER_SCRIPTS,
    OVERRIDE,
    PUNCTUATION,
    REPORTED,
    REQUEST,
    ROLE,
    SECOND_PERSON,
    STEMS,
    VOCATIVE,
    Rule,
)

_TERMINATORS = ".!?。！？"
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_SENTENCE_END = re.compile(r"[.!?。！？]+[\"'”’»]?")
_CLOSING_MARKS = "\"'”’»"


def injections(
    text: str, regions: list[Span] | None = None, casualty_mentions: list[Finding] | None = None
) -> list[Finding]:
    """Sentences (or HTML comments) that read as an instruction to an AI, judged on the text with its
    disguises undone. Only a confident instruction that stands as a sentence of its own is an
    `injection`, to be withheld: a sentence that also reports something (a quotation, a casualty
    figure, someone's words) is a `possible_injection`, kept for the model and shown to the editor,
    since a wrong guess must never hide a fact."""
    folded = folding.folded(text)
    plain = folded.text
    comments = [m.span() for m in _COMMENT.finditer(plain)] if "<!--" in plain else []
    judged: dict[Span, tuple[bool, bool]] = {}
    passage = (-1, -1)
    for at in sorted(_trigger_hits(plain)):
        if passage[0] <= at < passage[1]:
            continue  # another anchor of the passage just judged
        passage = _enclosing(comments, at) or _sentence_around(plain, at)
        if passage not in judged:
            judged[passage] = _judge(plain[passage[0] : passage[1]])
    found: list[Finding] = []
    for passage, (reads, confident) in sorted(judged.items()):
        if not reads:
            continue
        start, end = folded.original(passage)
        if found and start < found[-1].span[1]:
            continue  # a comment holding a sentence already judged
        if confident and text.startswith("<!--", start):
            kind = "injection"  # no reader sees a comment: it reports nothing
        elif confident and not _reported(plain[passage[0] : passage[1]]):
            if regions is None:
                regions = quoted_regions(text)
            if casualty_mentions is None:
                casualty_mentions = casualties(text)
            held = _holds_a_report(text, (start, end), regions, casualty_mentions)
            kind = "possible_injection" if held else "injection"
        else:
            kind = "possible_injection"
        found.append(Finding(kind, text[start:end], (start, end)))
    return found


def _trigger_hits(plain: str) -> list[int]:
    """Where an anchor word stands; its sentence is then judged."""
    words = {word.strip(PUNCTUATION).lower() for word in set(plain.split())}
    words |= {part for word in words if "-" in word for part in word.split("-")}
    anchors = sorted(words & ANCHORS)
    stems: tuple[str, ...] = ()
    if not plain.isascii() and OTHER_SCRIPTS.search(plain):
        stems = STEMS
    if not anchors and not stems:
        return []
    lowered = plain.lower()
    hits = []
    for word in anchors:
        at = lowered.find(word)
        while at != -1:
            end = at + len(word)
            if not (at and lowered[at - 1].isalpha()) and not (end < len(lowered) and lowered[end].isalpha()):
                hits.append(at)
            at = lowered.find(word, end)
    for stem in stems:
        at = lowered.find(stem)
        while at != -1:
            hits.append(at)
            at = lowered.find(stem, at + 1)
    return hits


def _judge(sentence: str) -> tuple[bool, bool]:
    """(reads as an instruction to an AI, confidently so). A sentence that gives its words to a
    source ("Never report troop movements, the army ordered journalists") is the article's report of
    an order, a sign or a warning, and reads as one only where it names an AI or the brief."""
    if ATTRIBUTION.search(sentence) and not NAMES_THE_BRIEF.search(sentence):
        return False, False
    lowered = sentence.lower()
    override = [m for m in _matches(OVERRIDE, sentence, lowered) if not m.group("zu")]
    ordered = any(
        IMPERATIVE_ONLY.match(m.group())
        or _imperative(sentence, m.start())
        or (m.group("infinitive") and "bitte" in lowered[: m.start()])  # "Bitte … ignorieren"
        for m in override
    )
    address = bool(_matches(ADDRESS, sentence, lowered))
    control = _matches(CONTROL, sentence, lowered)
    second = bool(control or address or override) and SECOND_PERSON.search(sentence) is not None
    commanding = (
        ordered
        or bool(_matches(ROLE, sentence, lowered))
        or bool(_matches(REQUEST, sentence, lowered))
        or VOCATIVE.search(sentence) is not None
        or any(second or _imperative(sentence, m.start()) for m in control)
    )
    confident = commanding or (address and (bool(control) or second or bool(override)))
    return confident or address or (bool(override) and second), confident


def _matches(rules: list[Rule], sentence: str, lowered: str) -> list[re.Match[str]]:
    """The matches of each rule whose gate word the sentence holds."""
    return [
        m for gate, pattern in rules if any(w in lowered for w in gate) for m in pattern.finditer(sentence)
    ]


def _imperative(sentence: str, at: int) -> bool:
    """Whether the words at `at` open a clause, so that a verb there gives an order."""
    return OPENER.search(sentence, 0, at) is not None


def _reported(sentence: str) -> bool:
    """Whether the sentence gives words to someone: then it is kept, whatever it says."""
    return REPORTED.search(sentence) is not None or ATTRIBUTION.search(sentence) is not None


def _holds_a_report(text: str, span: Span, regions: list[Span], casualty_mentions: list[Finding]) -> bool:
    """Whether the passage stands in a quotation, holds a quotation of six words or more, or holds a
    casualty figure: then withholding it would hide what the article reports. A quotation that is the
    headline the passage asks for ("headline this “…”") is the order's payload and reports nothing."""
    start, end = span
    for q_start, q_end in regions:
        if q_start <= start < q_end or q_start < end <= q_end:
            return True
        if (
            start <= q_start
            and q_end <= end
            and len(re.findall(r"\w+", text[q_start:q_end])) >= QUOTE_MIN_WORDS
            and not ASKED_FOR.search(text, start, q_start)
        ):
            return True
    return any(start <= c.span[0] < end for c in casualty_mentions)


def _enclosing(spans: list[Span], at: int) -> Span | None:
    i = bisect_right([start for start, _ in spans], at) - 1
    return spans[i] if i >= 0 and at < spans[i][1] else None


def _sentence_around(text: str, at: int) -> Span:
    """The sentence holding `at`, cut where a run of full stops (and a closing quotation mark after
    it) ends; a line that ends mid-sentence, followed by one that starts in lower case, is the same
    sentence split across a line break."""
    line_start = text.rfind("\n", 0, at) + 1
    while line_start > 1 and _runs_on(text, line_start - 1):
        line_start = text.rfind("\n", 0, line_start - 1) + 1
    line_end = text.find("\n", at)
    while line_end != -1 and _runs_on(text, line_end):
        line_end = text.find("\n", line_end + 1)
    line_end = len(text) if line_end == -1 else line_end
    stop = max(text.rfind(t, line_start, at) for t in _TERMINATORS)
    start = line_start if stop == -1 else stop + 1 + (text[stop + 1 : stop + 2] in _CLOSING_MARKS)
    ended = _SENTENCE_END.search(text, at, line_end)
    end = line_end if ended is None else ended.end()
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _runs_on(text: str, newline: int) -> bool:
    """Whether the line break at `newline` falls inside a sentence: no full stop before it, and a
    word in lower case after it."""
    before, after = text[newline - 1 : newline], text[newline + 1 : newline + 2]
    return bool(before) and before not in _TERMINATORS and after.islower()
