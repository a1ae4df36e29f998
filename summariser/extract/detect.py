"""Deterministic detectors over the article, together: what the brief should contain, and what must
not reach the model.

They need no model and run in milliseconds, so every brief is checked against them: quoted passages
of six words or more (`summariser.extract.findings`), casualty figures
(`summariser.extract.casualties`), and passages that address instructions to an AI
(`summariser.extract.instructions`). Every finding carries its span in the source as read.
"""

from summariser.brief import Span
from summariser.extract.casualties import casualties
from summariser.extract.findings import Finding, Findings, quoted_regions, quotes
from summariser.extract.instructions import injections


def scan(text: str, regions: list[Span] | None = None) -> Findings:
    regions = quoted_regions(text) if regions is None else regions
    found = casualties(text)
    return Findings(
        quotes=quotes(text, regions), casualties=found, injections=injections(text, regions, found)
    )


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
