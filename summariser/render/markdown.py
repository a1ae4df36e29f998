"""The brief as Markdown an editor reads in thirty seconds: bottom line first, every claim with its
claimant, every quote with its speaker, and a plain word on what could not be verified.

Every text from the article or the model is escaped and kept on one line, so a headline cannot open
a section, forge a quote block or a verification line, or carry a link, an image or HTML: every
heading, quote block, list and emphasis in the output is the renderer's own.
"""

import re

from summariser.brief import Brief
from summariser.render import flag_note

# Characters that start inline markup (emphasis, code, links, images, HTML, entities, tables,
# strikethrough) anywhere in a line; CommonMark lets any ASCII punctuation be escaped with a backslash.
_INLINE = re.compile(r"([\\`*_\[\]<>#|~&])")
# What opens a block at the start of a line: a list item, a setext underline or thematic break, an
# ordered list (a quote block's `>` is escaped with the inline set).
_BLOCK_START = re.compile(r"^(\d+)([.)])|^([-+=])")


def escape(text: str) -> str:
    """Article or model text as literal Markdown, on one line."""
    escaped = _INLINE.sub(r"\\\1", " ".join(text.split()))
    return _BLOCK_START.sub(_literal_start, escaped)


def _literal_start(match: re.Match[str]) -> str:
    number, mark, bullet = match.groups()
    return f"{number}\\{mark}" if number else f"\\{bullet}"


def render(brief: Brief) -> str:
    v = brief.verification
    out = [f"# {escape(brief.headline)}", ""]
    if v.status == "partial":
        out += [f"**Partial:** {_partial(brief)} — listed at the end.", ""]
    out += [escape(brief.summary), ""]

    def section(title: str, lines: list[str]) -> None:
        if lines:
            out.extend([f"## {title}", "", *lines, ""])

    section(
        "Key developments", [f"- {escape(d.text)}{_unverified(d.verified)}" for d in brief.key_developments]
    )
    section(
        "Quotes",
        [
            f"> “{escape(q.text)}”  \n> — **{escape(q.speaker)}**"
            + (f", {escape(q.context)}" if q.context else "")
            + "\n"
            for q in brief.quotes
        ],
    )
    section(
        "Casualty claims",
        [
            f"- **{escape(c.figure)}** {escape(c.who)} {c.outcome.value}"
            + (f" in {escape(c.location)}" if c.location else "")
            + f" — according to {escape(c.claimed_by)}"
            + (f" ({escape(c.qualifier)})" if c.qualifier else "")
            for c in brief.casualty_claims
        ],
    )
    section(
        "International responses",
        [
            f"- **{escape(r.actor)}** ({r.kind.value.replace('_', ' ')}): "
            f"{escape(r.description)}{_unverified(r.verified)}"
            for r in brief.international_responses
        ],
    )
    section(
        "Actors",
        [
            f"- {escape(a.name)} — {escape(a.role)}"
            + (f" ({escape(a.affiliation)})" if a.affiliation else "")
            for a in brief.actors
        ],
    )
    status = (
        "every item found in the source"
        if v.status == "verified"
        else (f"{len(v.dropped)} item(s) dropped as not borne out by the source")
    )
    meta = brief.meta
    out.append(
        f"---\n*Verification: {status}. Model {escape(meta.model)}, prompt {escape(meta.prompt_version)}.*"
    )
    out.extend(f"- dropped {d.field}: “{escape(d.label())}” — {escape(d.reason)}" for d in v.dropped)
    out.extend(f"- not in this brief, but in the article ({m.field}): “{escape(m.text)}”" for m in v.missed)
    for flag in v.flags:
        note = flag_note(flag)
        out.append(f"- {note}: “{escape(flag.text)}”" if note else f"- {flag.kind}: {escape(flag.text)}")
    return "\n".join(out).rstrip() + "\n"


def _partial(brief: Brief) -> str:
    v = brief.verification
    parts = []
    if v.dropped:
        parts.append(f"{len(v.dropped)} item(s) could not be verified")
    if v.flags:
        parts.append(f"{len(v.flags)} passage(s) flagged")
    return "; ".join(parts) or "not every check passed"


def _unverified(verified: bool) -> str:
    return "" if verified else " *(evidence matched loosely)*"
