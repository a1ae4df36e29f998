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

from summariser.brief import Span
from summariser.errors import SummariserError
from summariser.extract.anchors import Anchor, Anchors
from summariser.extract.choices import Choices
from summariser.extract.draft import field_guide

TEMPLATES = ("system", "user", "reask", "omission", "writer", "headline", "rewrite")
# what the model sees in place of a sentence the detector is sure addresses instructions to an AI
PLACEHOLDER = "[passage withheld: it addressed instructions to an AI]"

# An article that writes a delimiter of ours could seem to close the data block and speak as the
# prompt; a look-alike character keeps its words readable while it stays inside the block.
_DELIMITER = re.compile(r"<(/?)(article|facts)\b", re.IGNORECASE)  # the fences' own tags, blunted


def _directory() -> Path:
    here = Path(__file__).parent.parent  # the package: a wheel carries the templates inside it
    for candidate in (here / "_data" / "prompts", here.parent / "prompts"):
        if candidate.is_dir():
            return candidate
    raise SummariserError(f"prompt templates not found beside {here}")


@dataclass(frozen=True)
class Facts:
    """What held in the article, for the second request: the chosen sentences, each under the id the
    model writes its words for (D1…), and the other checked facts one line each."""

    developments: dict[str, str]
    other: list[str]


@dataclass(frozen=True)
class PromptSet:
    templates: dict[str, Template]
    version: str

    def messages(
        self, text: str, asked: Anchors, choices: Choices, withheld: Sequence[Span] = ()
    ) -> list[dict[str, str]]:
        """The first request: instructions, then the sentences `asked` holds (a chunk's own, or
        all), each passage and casualty figure marked with its id where it stands, and after them
        the names the model may choose from for each id."""
        tag = marker(text)
        marks = sorted(
            [(_opening(p), p.id) for p in asked.passages if p.id in choices.passages]
            + [(m.span[0], m.id) for m in asked.mentions]
        )
        article = "\n".join(
            " ".join(f"[{s.id}] {_shown(s, withheld, marks)}" for s in paragraph)
            for paragraph in asked.paragraphs()
        )
        user = self.templates["user"].substitute(
            marker=tag,
            article=article,
            passages=_listed(choices.passages) or "none",
            mentions=_claims(choices) or "none",
            news=", ".join(choices.news) or "none",
            responses=_responses(choices) or "none",
        )
        # the same for every article, so a server that caches a prompt's beginning reuses it
        system = self.templates["system"].substitute(fields=field_guide())
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def reask(
        self,
        text: str,
        asked: Anchors,
        choices: Choices,
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
        return [
            *self.messages(text, asked, choices, withheld),
            {"role": "user", "content": "\n\n".join(notes)},
        ]

    def headline(
        self, lead: str, facts: Facts, code: str, problems: list[str] | None = None
    ) -> list[dict[str, str]]:
        """The second request: the model's own words for the developments and responses the
        extraction chose, and the headline and summary, from the article's opening sentence and
        the checked facts, never the whole article (a small model pastes it back); fenced as the
        first is, between lines carrying the article's `code`, under a system message that says
        they are data; asked again, the same request plus what did not hold."""
        content = self.templates["headline"].substitute(
            marker=code,
            lead=fence(lead),
            developments=_listed_sentences(facts.developments) or "- (none)",
            facts="\n".join(fence(fact) for fact in _capped(facts.other))
            or "- (nothing else in the article could be checked)",
        )
        messages = [
            {"role": "system", "content": self.templates["writer"].substitute()},
            {"role": "user", "content": content},
        ]
        if problems:
            note = self.templates["rewrite"].substitute(problems="\n".join(_capped(problems)))
            messages.append({"role": "user", "content": note})
        return messages


def _listed_sentences(sentences: dict[str, str]) -> str:
    return "\n".join(f"{key}: {fence(sentence)}" for key, sentence in sentences.items())


def marker(text: str) -> str:
    """The article's own boundary token: the same for the same article, unknowable to its author."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _claims(choices: Choices) -> str:
    """One figure a line, with the outcome its word for harm names and the names it may be given by."""
    lines = []
    for key, names in choices.mentions.items():
        outcome = choices.outcomes[key]
        shown = f" ({outcome[0]})" if len(outcome) == 1 else ""
        lines.append(f"{key}{shown}: {_names(names)}")
    return "\n".join(lines)


def _responses(choices: Choices) -> str:
    """One outside body a line, with its sentence and the kind of response its clause names."""
    lines = []
    for key, (sentence, body) in choices.responses.items():
        kinds = choices.kinds[key]
        shown = f", {kinds[0]}" if len(kinds) == 1 else ""
        lines.append(f"{key} ({sentence}{shown}): {fence(body)}")
    return "\n".join(lines)


def _listed(choices: dict[str, list[str] | None]) -> str:
    """One id a line with the names it may be answered with: "Q2: Name Surname | Other Name"."""
    return "\n".join(f"{key}: {_names(names)}" for key, names in choices.items())


def _names(names: list[str] | None) -> str:
    if names is None:
        return "(whom the article names near it)"
    return fence(" | ".join(names)) or "(no name near it)"


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
