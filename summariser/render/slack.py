"""The brief as Slack Block Kit, within Slack's limits, with nothing that can ping or forge a link.

Every text from the article or the model is escaped (`&`, `<`, `>`), so `<!channel>` or
`<https://evil|bank.example>` arrives as plain characters. Long sections are split at item
boundaries below Slack's 3,000 characters per text, and a brief that needs more than 50 blocks is
trimmed with a note saying how much was left out.
"""

from typing import Any

from summariser.brief import Brief, KeyDevelopment
from summariser.render import view

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_HEADER_CHARS = 150


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clip(text: str, limit: int) -> str:
    """Escaped text cut to Slack's limit, never through an entity (`&am…` would show as typed)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    entity = cut.rfind("&")
    if entity != -1 and ";" not in cut[entity:]:
        cut = cut[:entity]
    return cut + "…"


def _lines(brief: Brief) -> list[tuple[str, list[str]]]:
    """Each section's lines, as the shared view words them; an empty section says why."""
    v = brief.verification
    lines = {
        "key_developments": [_development(d) for d in brief.key_developments],
        "quotes": [
            f"> “{escape(q.text)}”\n> — *{escape(q.speaker)}*"
            + _after_name(view.speaking_as(q, brief.actors))
            for q in brief.quotes
        ],
        "casualty_claims": [_bold_lead(view.claim(c)) for c in brief.casualty_claims],
        "international_responses": [_bold_lead(view.response(r)) for r in brief.international_responses],
        "actors": [f"• {escape(view.actor(a))}" for a in brief.actors],
    }
    sections = [
        (title, lines[field] or [f"_{escape(view.empty(field, brief))}_"]) for field, title in view.SECTIONS
    ]
    notes = [
        f"• {escape(_clip(note, 600))}" + (f": “{escape(_clip(passage, 300))}”" if passage else "")
        for note, passage in view.notes(v)
    ]
    if notes:
        sections.append((view.LEFT_OUT, notes))
    return sections


def _development(item: KeyDevelopment) -> str:
    """The model's words in italics; the article's in quotation marks, with how much of its sentence."""
    text, articles = view.development(item)
    if articles:
        return f"• “{escape(text)}” _({escape(articles)})_"
    return f"• _{escape(text)}_" if text.strip() else "•"


def _after_name(role: str) -> str:
    return f", {escape(role)}" if role else ""


def _bold_lead(line: view.Line) -> str:
    return f"• *{escape(line.lead)}* {escape(line.rest)}"


def _sections(title: str, lines: list[str]) -> list[dict[str, Any]]:
    """One or more section blocks, split between lines so each text stays under Slack's limit."""
    first, later = f"*{title}*", f"*{title} (cont.)*"
    blocks, current = [], first
    for line in lines:
        line = _clip(line, MAX_SECTION_CHARS - len(later) - 1)  # fits under either label
        if len(current) + 1 + len(line) > MAX_SECTION_CHARS:
            blocks.append(current)
            current = later
        current += "\n" + line
    blocks.append(current)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": text}} for text in blocks]


def blocks(brief: Brief) -> list[dict[str, Any]]:
    """The Block Kit blocks of a brief: header, summary, a section per field, a context line."""
    body: list[dict[str, Any]] = [
        {
            "type": "header",
            # Slack refuses a whole message over an empty text, and a model may write an empty field
            "text": {
                "type": "plain_text",
                "text": _clip(escape(brief.headline), MAX_HEADER_CHARS) or "(no headline)",
            },
        },
    ]
    partial = view.status(brief)
    if partial:
        body.append({"type": "section", "text": {"type": "mrkdwn", "text": f"*Partial:* {escape(partial)}"}})
    body.append(
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"_{_clip(escape(brief.summary), MAX_SECTION_CHARS - 2)}_"
                if brief.summary.strip()
                else "_(no summary)_",
            },
        }
    )
    body.append({"type": "context", "elements": [{"type": "mrkdwn", "text": escape(view.LEGEND)}]})
    for title, lines in _lines(brief):
        body += [{"type": "divider"}, *_sections(title, lines)]
    context = {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(view.footer(brief))}]}
    if len(body) + 1 > MAX_BLOCKS:
        left_out = len(body) - (MAX_BLOCKS - 2)
        body = body[: MAX_BLOCKS - 2]
        body.append(
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"_{left_out} more block(s) left out: Slack allows 50 per message._",
                },
            }
        )
    return [*body, context]
