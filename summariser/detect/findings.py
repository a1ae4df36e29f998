"""What the detectors find (a quoted passage, a casualty figure, an instruction to an AI), each with
its span in the source as read; the quoted passages themselves, and the insides of the quotations
the other detectors look in."""

import re
from dataclasses import dataclass

from summariser.brief import Span
from summariser.detect.quotations import quotations

QUOTE_MIN_WORDS = 6


@dataclass(frozen=True)
class Finding:
    kind: str  # "quote", "casualty", "injection" (withheld) or "possible_injection" (kept, shown)
    text: str
    span: Span


def quoted_regions(text: str) -> list[Span]:
    """Inside each quotation, between its marks; one left open runs to its paragraph's end."""
    return [(opening + 1, end - 1 if closed else end) for opening, end, closed in quotations(text)]


def quotes(text: str, regions: list[Span] | None = None) -> list[Finding]:
    found = []
    for start, end in regions if regions is not None else quoted_regions(text):
        passage = text[start:end].strip()
        if len(re.findall(r"\w+", passage)) >= QUOTE_MIN_WORDS:
            offset = text.index(passage, start)
            found.append(Finding("quote", passage, (offset, offset + len(passage))))
    return found
