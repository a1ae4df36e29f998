"""The prompt templates in `prompts/`, loaded and filled in.

Templates are plain files so an editor can change the wording without touching code. Each starts with
a `version:` line and a `---` line; the versions of all templates together make the prompt version
recorded in every brief (and in the cache key), so a brief always says which wording produced it.

The article reaches the model as data (spotlighting, Hines et al. 2024): its sentences numbered
`[S1]…`, between an opening and a closing line that carry a marker derived from the article itself,
which a planted text cannot know before it is written and which the system prompt names as the only
boundary. The marker is a hash, not a random token, so the same article makes the same request and
recordings replay.
"""

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template

from summariser import nations
from summariser.anchors import Anchor, Anchors
from summariser.brief import Span, field_guide
from summariser.detect import PLACEHOLDER
from summariser.errors import SummariserError

TEMPLATES = ("system", "user", "reask", "omission", "headline", "rewrite")

# An article that writes a delimiter of ours could seem to close the data block and speak as the
# prompt; a look-alike character keeps its words readable while it stays inside the block.
_DELIMITER = re.compile(r"<(/?)(article)\b", re.IGNORECASE)


def _directory() -> Path:
    here = Path(__file__).parent
    for candidate in (here / "_data" / "prompts", here.parent / "prompts"):
        if candidate.is_dir():
            return candidate
    raise SummariserError(f"prompt templates not found beside {here}")


@dataclass(frozen=True)
class PromptSet:
    templates: dict[str, Template]
    version: str

    def messages(self, text: str, asked: Anchors, withheld: Sequence[Span] = ()) -> list[dict[str, str]]:
        """The first request: instructions, then the sentences `asked` holds (a chunk's own, or
        all), each passage and casualty figure marked with its id where it stands."""
        tag = marker(text)
        marks = sorted(
            [(_opening(p), p.id) for p in asked.passages] + [(m.span[0], m.id) for m in asked.mentions]
        )
        article = "\n".join(
            " ".join(f"[{s.id}] {_shown(s, withheld, marks)}" for s in paragraph)
            for paragraph in asked.paragraphs()
        )
        user = self.templates["user"].substitute(
            marker=tag,
            article=article,
            passages="\n".join(f"{p.id} (in {p.sentence}): {_names_before(p, asked)}" for p in asked.passages)
            or "none",
            foreign=_foreign(text, asked),
            mentions="\n".join(f"{m.id} (in {m.sentence}): {_source_of(m, asked)}" for m in asked.mentions)
            or "none",
        )
        # the same for every article, so a server that caches a prompt's beginning reuses it
        system = self.templates["system"].substitute(fields=field_guide())
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def reask(
        self,
        text: str,
        asked: Anchors,
        withheld: Sequence[Span],
        problems: list[str],
        missing: list[str] | None = None,
    ) -> list[dict[str, str]]:
        """The first request plus one note (what did not hold, what was left out), never the whole
        history, so a re-ask does not grow with each failed attempt."""
        notes = []
        if problems:
            notes.append(self.templates["reask"].substitute(problems="\n".join(_capped(problems))))
        if missing:
            notes.append(self.templates["omission"].substitute(missing="\n".join(_capped(missing))))
        return [*self.messages(text, asked, withheld), {"role": "user", "content": "\n\n".join(notes)}]

    def headline(
        self, lead: str, facts: list[str], problems: list[str] | None = None
    ) -> list[dict[str, str]]:
        """The short second request: the headline and summary, from the article's opening sentence
        and the checked facts, never the whole article (a small model pastes it back); asked
        again, the same request plus what did not hold."""
        listed = "\n".join(_capped(facts)) or "- (nothing else in the article could be checked)"
        content = self.templates["headline"].substitute(lead=fence(lead), facts=listed)
        messages = [{"role": "user", "content": content}]
        if problems:
            note = self.templates["rewrite"].substitute(problems="\n".join(_capped(problems)))
            messages.append({"role": "user", "content": note})
        return messages


def marker(text: str) -> str:
    """The article's own boundary token: the same for the same article, unknowable to its author."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]


_NOT_NAME_LIST = (
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june "
    "july august september october november december "
)
_NOT_NAMES = frozenset(_NOT_NAME_LIST.split())
_TITLE_LIST = (
    "spokesman spokeswoman spokesperson minister president governor chancellor negotiator official "
    "secretary commander chief mayor ambassador envoy general director head leader coordinator "
)
_TITLES = frozenset(_TITLE_LIST.split())
_WORDS = re.compile(r"[^\W\d_][\w’'-]*")
NAMES_SHOWN = 3


def _names_before(passage: Anchor, asked: Anchors) -> str:
    """Who the article names where a passage stands: in its own sentence (outside any quotation),
    else in the sentences before it, up to two paragraphs back, nearest first. Only a hint for
    the model's choice; the trust rules judge the speaker it gives."""
    sentences = asked.sentences
    at = next((i for i, s in enumerate(sentences) if s.id == passage.sentence), None)
    if at is None:
        return "no name near it"
    line = asked.line_of(sentences[at].span[0])
    for i in range(at, -1, -1):
        if line - asked.line_of(sentences[i].span[0]) > 2:
            break
        names = _names_in(sentences[i], asked.passages)
        if names:
            where = "named in its sentence" if i == at else f"named before it, in {sentences[i].id}"
            return f"{where}: {', '.join(names[:NAMES_SHOWN])}"
    return "no name near it"


def _foreign(text: str, asked: Anchors) -> str:
    """The sentences that name a government or body from outside the story's own countries: where
    international responses are found. A hint; the model says which report one."""
    home = nations.home(text)
    found = []
    for sentence in asked.sentences:
        names = [name for name, country in nations.named(sentence.text) if country not in home]
        if names:
            found.append(f"{sentence.id} ({', '.join(dict.fromkeys(names))})")
    return "; ".join(found) or "none"


def _source_of(mention: Anchor, asked: Anchors) -> str:
    """Who gives a figure, as its sentence puts it (`Anchors.source_of`); for a pronoun or none,
    the names before it. A hint only, like `_names_before`."""
    source = asked.source_of(mention)
    if source is None:
        return _names_before(mention, asked)
    return f"given by {source}"


def _names_in(sentence: Anchor, passages: list[Anchor]) -> list[str]:
    """Runs of capitalised words outside quotation marks (the sentence's first word alone excepted),
    a title between two kept with them ("Pentagon spokesman John Kirby"), as the article writes them."""
    start = sentence.span[0]
    quoted = [(p.span[0] - start, p.span[1] - start) for p in passages if p.sentence == sentence.id]
    runs: list[list[int]] = []  # [start, end] of each run in the sentence
    for word in _WORDS.finditer(sentence.text):
        inside = any(a - 1 <= word.start() < b + 1 for a, b in quoted)
        name = word.group().removesuffix("’s").removesuffix("'s")
        if inside or not name[0].isupper() or name.lower() in _NOT_NAMES or _is_demonym(name):
            continue
        end = word.start() + len(name)
        gap = sentence.text[runs[-1][1] : word.start()] if runs else "-"
        if runs and (not gap.strip() or all(w in _TITLES for w in gap.split())):
            runs[-1][1] = end
        else:
            runs.append([word.start(), end])
    if runs and runs[0][0] == 0 and " " not in sentence.text[: runs[0][1]]:
        runs = runs[1:]  # "He said", "The ministry": a capital that only opens the sentence
    return list(dict.fromkeys(sentence.text[a:b] for a, b in runs))


def _is_demonym(word: str) -> bool:
    """A people or a capital ("Russian", "Berlin"): another name for a country, seldom a speaker's."""
    return nations.country_of(word) not in (None, word) or word in ("Western", "European")


def _opening(passage: Anchor) -> int:
    """Where a passage's opening quotation mark stands: its id goes before the mark."""
    return passage.span[0] - max(0, passage.label.find(passage.text))


def _shown(sentence: Anchor, withheld: Sequence[Span], marks: Sequence[tuple[int, str]]) -> str:
    """A sentence as the model sees it: each passage and figure after its id, and a withheld
    instruction replaced by a neutral placeholder (spans stay the article's, so nothing shifts)."""
    start, end = sentence.span
    edits = [(max(a, start), min(b, end), PLACEHOLDER) for a, b in withheld if a < end and start < b]
    edits += [(at, at, f"[{anchor_id}]") for at, anchor_id in marks if start <= at < end]
    out, at = [], start
    for edit_start, edit_end, replacement in sorted(edits):
        if edit_start < at:
            continue  # a mark inside withheld text goes with it
        out += [sentence.text[at - start : edit_start - start], replacement]
        at = max(at, edit_end)
    out.append(sentence.text[at - start :])
    return fence("".join(out).strip())


# A re-ask names what to fix, not everything a runaway answer got wrong: a model that invents ten
# thousand actors must not make the next request ten times the first (the goal is <= 1.5x).
NOTE_ITEMS = 15
NOTE_CHARS = 1800
LINE_CHARS = 300


def _capped(lines: list[str]) -> list[str]:
    """The first lines of a note list, each clipped, within the item and size budget, then how many
    more were left unsaid."""
    kept: list[str] = []
    used = 0
    for line in lines:
        line = line if len(line) <= LINE_CHARS else line[: LINE_CHARS - 1] + "…"
        if len(kept) == NOTE_ITEMS or used + len(line) > NOTE_CHARS:
            break
        kept.append(line)
        used += len(line) + 1
    if len(kept) < len(lines):
        kept.append(f"- and {len(lines) - len(kept)} more like these")
    return kept


def fence(article: str) -> str:
    return _DELIMITER.sub(lambda m: f"‹{m.group(1)}{m.group(2)}", article)


def _parse(name: str, raw: str) -> tuple[str, Template]:
    header, sep, body = raw.partition("\n---\n")
    match = re.fullmatch(r"version:\s*(\S+)\s*", header)
    if not sep or not match:
        raise SummariserError(f"prompts/{name}.txt must start with 'version: X' and a '---' line")
    return match.group(1), Template(body.strip("\n"))


@cache
def load() -> PromptSet:
    directory = _directory()
    templates: dict[str, Template] = {}
    versions: list[str] = []
    for name in TEMPLATES:
        version, template = _parse(name, (directory / f"{name}.txt").read_text(encoding="utf-8"))
        templates[name] = template
        versions.append(f"{name}@{version}")
    return PromptSet(templates=templates, version="+".join(versions))
