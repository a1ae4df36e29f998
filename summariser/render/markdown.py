"""The brief as Markdown an editor reads in thirty seconds: bottom line first, every claim with its
claimant, every quote with its speaker, and a plain word on what could not be verified.

Every text from the article or the model is escaped and kept on one line, so a headline cannot open
a section, forge a quote block or a verification line, or carry a link, an image or HTML: every
heading, quote block, list and emphasis in the output is the renderer's own.
"""

import re

from summariser.brief import Brief, KeyDevelopment
from summariser.render import view

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
    out = [f"# {escape(brief.headline)}", ""]
    partial = view.status(brief)
    if partial:
        out += [f"**Partial:** {escape(partial)}", ""]
    out += [_model(brief.summary), "", escape(view.LEGEND), ""]
    lines = {
        "key_developments": [f"- {_development(d)}{_unverified(d.verified)}" for d in brief.key_developments],
        "quotes": [
            f"> “{escape(q.text)}”  \n> — **{escape(q.speaker)}**"
            + _after_name(view.speaking_as(q, brief.actors))
            + "\n"
            for q in brief.quotes
        ],
        "casualty_claims": [_bold_lead(view.claim(c)) for c in brief.casualty_claims],
        "international_responses": [
            _bold_lead(view.response(r)) + _unverified(r.verified) for r in brief.international_responses
        ],
        "actors": [f"- {escape(view.actor(a))}" for a in brief.actors],
    }
    for field, title in view.SECTIONS:
        out += [f"## {title}", "", *(lines[field] or [f"*{escape(view.empty(field, brief))}*"]), ""]
    v = brief.verification
    notes = [
        f"- {escape(note)}" + (f": “{escape(passage)}”" if passage else "") for note, passage in view.notes(v)
    ]
    if notes:
        out += [f"## {view.LEFT_OUT}", "", *notes, ""]
    out.append(f"---\n*{escape(view.footer(brief))}*")
    return "\n".join(out).rstrip() + "\n"


def _model(text: str) -> str:
    """The model's own words, set in italics, as the legend says."""
    return f"*{escape(text)}*" if text.strip() else ""


def _development(item: KeyDevelopment) -> str:
    """The model's words in italics; the article's in quotation marks, with how much of its sentence."""
    text, articles = view.development(item)
    return f"“{escape(text)}” *({escape(articles)})*" if articles else _model(text)


def _after_name(role: str) -> str:
    return f", {escape(role)}" if role else ""


def _bold_lead(line: view.Line) -> str:
    return f"- **{escape(line.lead)}** {escape(line.rest)}"


def _unverified(verified: bool) -> str:
    return "" if verified else " *(evidence matched loosely)*"
