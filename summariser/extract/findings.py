"""What the detectors find (a quoted passage, a casualty figure, an instruction to an AI), each with
its span in the source as read, and the stretches between double quotation marks they look in."""

import re
from dataclasses import dataclass, field

from summariser.brief import Span

QUOTE_MIN_WORDS = 6
_OPENING = "“„‟«"
_CLOSING = "”»"
_QUOTE_CHARS = re.compile(r'[\n"“”„‟«»]')


@dataclass(frozen=True)
class Finding:
    kind: str  # "quote", "casualty", "injection" (withheld) or "possible_injection" (kept, shown)
    text: str
    span: Span


@dataclass
class Findings:
    quotes: list[Finding] = field(default_factory=list)
    casualties: list[Finding] = field(default_factory=list)
    injections: list[Finding] = field(default_factory=list)  # both kinds


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
