"""The brief as Slack Block Kit, within Slack's limits, with nothing that can ping or forge a link.

Every text from the article or the model is escaped (`&`, `<`, `>`), so `<!channel>` or
`<https://evil|bank.example>` arrives as plain characters. Long sections are split at item
boundaries below Slack's 3,000 characters per text, and a brief that needs more than 50 blocks is
trimmed with a note saying how much was left out.
"""

from summariser.brief import Brief
from summariser.render import flag_note

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
    claims = [
        f"• *{escape(c.figure)}* {escape(c.who)} {c.outcome.value} — according to {escape(c.claimed_by)}"
        + (f" _({escape(c.qualifier)})_" if c.qualifier else "")
        for c in brief.casualty_claims
    ]
    return [
        ("Key developments", [f"• {escape(d.text)}" for d in brief.key_developments]),
        ("Quotes", [f"> “{escape(q.text)}”\n> — *{escape(q.speaker)}*" for q in brief.quotes]),
        ("Casualty claims", claims),
        (
            "International responses",
            [f"• *{escape(r.actor)}*: {escape(r.description)}" for r in brief.international_responses],
        ),
        (
            "Not borne out, dropped",
            [
                f"• {escape(d.field)}: “{escape(_clip(d.label(), 200))}” — {escape(d.reason)}"
                for d in brief.verification.dropped
            ],
        ),
        (
            "Flagged passages",
            [
                f"• {escape(flag_note(f) or f.kind)}: “{escape(_clip(f.text, 300))}”"
                for f in brief.verification.flags
            ],
        ),
    ]


def _sections(title: str, lines: list[str]) -> list[dict]:
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


def blocks(brief: Brief) -> list[dict]:
    """The Block Kit blocks of a brief: header, summary, a section per field, a context line."""
    body: list[dict] = [
        {
            "type": "header",
            # Slack refuses a whole message over an empty text, and a model may write an empty field
            "text": {
                "type": "plain_text",
                "text": _clip(escape(brief.headline), MAX_HEADER_CHARS) or "(no headline)",
            },
        },
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": _clip(escape(brief.summary), MAX_SECTION_CHARS) or "_(no summary)_",
            },
        },
    ]
    for title, lines in _lines(brief):
        if lines:
            body += [{"type": "divider"}, *_sections(title, lines)]
    v, meta = brief.verification, brief.meta
    context = {
        "type": "context",
        "elements": [
            {
                "type": "mrkdwn",
                "text": escape(
                    f"{meta.model} · prompt {meta.prompt_version} · verification {v.status}"
                    + (f" · {len(v.dropped)} dropped" if v.dropped else "")
                    + (f" · {len(v.missed)} not in brief" if v.missed else "")
                    + (f" · {len(v.flags)} flagged" if v.flags else "")
                ),
            }
        ],
    }
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
