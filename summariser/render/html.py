"""The review page: the article with every grounded item highlighted where it stands, the brief beside
it, and what was dropped, missed or withheld.

One self-contained file: inline CSS and a few lines of vanilla JS, no external requests. Everything
that came from the article or the model is escaped, so a page or a model cannot inject markup.
"""

import base64
import hashlib
from dataclasses import dataclass
from html import escape
from itertools import pairwise
from pathlib import Path

from summariser.brief import ITEM_FIELDS, Brief, CasualtyClaim, InternationalResponse, KeyDevelopment, Quote
from summariser.render import view

_CLASSES = {
    "key_developments": "dev",
    "quotes": "quote",
    "casualty_claims": "cas",
    "international_responses": "resp",
}
FIELDS = {field: (title, _CLASSES[field]) for field, title in view.SECTIONS if field in ITEM_FIELDS}

_CSS = """
*{box-sizing:border-box}body{margin:0;font:15px/1.55 system-ui,sans-serif;color:#1d1d1f;background:#f6f6f4}
header,footer{padding:.6rem 1.2rem;background:#1d1d1f;color:#eee}footer{font-size:13px}
main{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1.2rem;padding:1.2rem}
section{background:#fff;border-radius:8px;padding:1rem 1.3rem;box-shadow:0 1px 3px #0002}
#article p{margin:0 0 .8em}h1{font-size:1.3rem;margin:.2rem 0}h2{font-size:1rem;margin:1.2rem 0 .4rem}
mark{background:none;border-radius:3px;padding:0 1px;cursor:help}
mark.dev{background:#dbeafe}mark.quote{background:#fde68a}mark.cas{background:#fecaca}mark.resp{background:#d1fae5}
mark.many{box-shadow:inset 0 -3px 0 #7c3aed}
mark.flash{animation:flash 1.2s ease 2}@keyframes flash{50%{outline:3px solid #7c3aed;background:#c4b5fd}}
li.item{cursor:pointer;margin:.3rem 0}li.item:hover{text-decoration:underline}
.key{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.3em}
.dev{background:#dbeafe}.quote{background:#fde68a}.cas{background:#fecaca}.resp{background:#d1fae5}
.note{color:#555;font-size:13px}.loose{color:#92400e;font-size:12px}ul{padding-left:1.1rem}
.model{font-style:italic}.legend{color:#555;font-size:12px;border-left:3px solid #ccc;padding-left:.5rem}
#left-out{background:#fff7ed;border-radius:6px;padding:.4rem .7rem;margin:.6rem 0;font-size:13px}
#left-out ul{max-height:16rem;overflow:auto;margin:.3rem 0}
"""

_JS = """
document.querySelectorAll('li.item').forEach(function (li) {
  li.addEventListener('click', function () {
    var marks = document.querySelectorAll('mark[data-items~="' + li.dataset.target + '"]');
    if (!marks.length) return;
    marks[0].scrollIntoView({behavior: 'smooth', block: 'center'});
    marks.forEach(function (m) {
      m.classList.remove('flash'); void m.offsetWidth; m.classList.add('flash');
    });
  });
});
"""


# No request leaves the page, and no script runs but ours (pinned by its hash), whatever ends up in it.
_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; "
    f"script-src 'sha256-{base64.b64encode(hashlib.sha256(_JS.encode()).digest()).decode()}'"
)


@dataclass(frozen=True)
class _Mark:
    start: int
    end: int
    item: str  # e.g. "quote-2"
    kind: str  # css class of the field
    label: str


# what names an item in a highlight's tooltip, by field: its words, its figure, its body
_LABELS = {
    "key_developments": "text",
    "quotes": "text",
    "casualty_claims": "figure",
    "international_responses": "actor",
}


def _marks(brief: Brief) -> list[_Mark]:
    marks = []
    for field, (_, kind) in FIELDS.items():
        for i, item in enumerate(getattr(brief, field)):
            if item.span is not None:
                label = getattr(item, _LABELS[field]) or getattr(item, "evidence", "")
                marks.append(_Mark(item.span[0], item.span[1], f"{kind}-{i}", kind, f"{field}: {label}"))
    return marks


def _highlighted(text: str, marks: list[_Mark]) -> str:
    """The article as paragraphs, each cut at every span boundary inside it, so overlapping spans stay
    readable: each piece is marked with every item that covers it."""
    paragraphs = []
    at = 0
    for line in text.split("\n"):
        start, end = at, at + len(line)
        at = end + 1
        if not line.strip():
            continue
        inside = [m for m in marks if m.start < end and start < m.end]
        cuts = sorted(
            {start, end, *(max(start, m.start) for m in inside), *(min(end, m.end) for m in inside)}
        )
        pieces = []
        for a, b in pairwise(cuts):
            covering = [m for m in inside if m.start <= a and b <= m.end]
            chunk = escape(text[a:b])
            if not covering:
                pieces.append(chunk)
                continue
            innermost = min(covering, key=lambda m: m.end - m.start)
            classes = innermost.kind + (" many" if len(covering) > 1 else "")
            items = " ".join(m.item for m in covering)
            title = escape(" | ".join(m.label for m in covering))
            pieces.append(f'<mark class="{classes}" data-items="{items}" title="{title}">{chunk}</mark>')
        paragraphs.append("<p>" + "".join(pieces) + "</p>")
    return "\n".join(paragraphs)


def _brief_side(brief: Brief) -> str:
    out = [f"<h1>{escape(brief.headline)}</h1>"]
    partial = view.status(brief)
    if partial:
        out.append(f'<p class="partial"><b>Partial:</b> {escape(partial)}</p>')
    out.append(f'<p class="model">{escape(brief.summary)}</p>')
    out.append(f'<p class="legend">{escape(view.LEGEND)}</p>')
    out.append(_left_out(brief))
    for field, (title, kind) in FIELDS.items():
        items = getattr(brief, field)
        out.append(f'<h2><span class="key {kind}"></span>{title}</h2>')
        if not items:
            out.append(f'<p class="note">{escape(view.empty(field, brief))}</p>')
            continue
        out.append("<ul>")
        for i, item in enumerate(items):
            out.append(f'<li class="item" data-target="{kind}-{i}">{_describe(field, item, brief)}</li>')
        out.append("</ul>")
    out.append("<h2>Actors</h2>")
    out.append(
        f"<p>{escape(', '.join(view.actor(a) for a in brief.actors) or view.empty('actors', brief))}</p>"
    )
    return "\n".join(out)


def _left_out(brief: Brief) -> str:
    """What did not hold, was missed or is flagged: near the top, where an editor sees it first."""
    v = brief.verification
    notes = [escape(view.dropped(d)) for d in v.dropped] + [escape(view.missed(m)) for m in v.missed]
    for flag in v.flags:
        note, passage = view.flag(flag)
        notes.append(escape(note) + (f": “{escape(passage)}”" if passage else ""))
    if not notes:
        return ""
    items = "".join(f"<li>{note}</li>" for note in notes)
    title = f"<summary><b>{view.LEFT_OUT}</b> ({len(notes)})</summary>"
    return f'<details id="left-out" open>{title}<ul>{items}</ul></details>'


def _describe(field: str, item: object, brief: Brief) -> str:
    loose = (
        "" if getattr(item, "verified", True) else ' <span class="loose">(evidence matched loosely)</span>'
    )
    if isinstance(item, Quote):
        role = view.speaking_as(item, brief.actors)
        return f"“{escape(item.text)}” — <b>{escape(item.speaker)}</b>" + (
            f", {escape(role)}" if role else ""
        )
    if isinstance(item, CasualtyClaim):
        line = view.claim(item)
        return f"<b>{escape(line.lead)}</b> {escape(line.rest)}"
    if isinstance(item, InternationalResponse):
        line = view.response(item)
        return f"<b>{escape(line.lead)}</b> {escape(line.rest)}{loose}"
    assert isinstance(item, KeyDevelopment), field
    text, articles = view.development(item)
    if articles:
        return f'“{escape(text)}” <span class="note">({escape(articles)})</span>{loose}'
    return f'<span class="model">{escape(text)}</span>' + loose


def render(brief: Brief, article: str) -> str:
    meta = brief.meta
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{_POLICY}">
<title>Review: {escape(brief.headline)}</title><style>{_CSS}</style></head>
<body>
<header>Review · {escape(meta.source.name)} · <span class="note" style="color:#ccc">click an item to see where
it stands; hover a highlight to see what it supports</span></header>
<main>
<section id="article">{_highlighted(article, _marks(brief))}</section>
<section id="brief">{_brief_side(brief)}</section>
</main>
<footer>{escape(view.footer(brief))}</footer>
<script>{_JS}</script>
</body></html>
"""


def index(pages: list[Path], failed: dict[str, str]) -> str:
    """The front page of many review pages: one link per page, and what failed with why."""
    links = "".join(f'<li><a href="{escape(p.name)}">{escape(p.stem)}</a></li>' for p in pages)
    failures = "".join(f"<li>{escape(i)}: {escape(reason)}</li>" for i, reason in sorted(failed.items()))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Review pages</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>{_CSS}</style></head><body><header>Review pages: {len(pages)}</header>
<main style="display:block"><section><ul>{links}</ul>
{"<h2>Failed</h2><ul>" + failures + "</ul>" if failures else ""}</section></main></body></html>
"""
