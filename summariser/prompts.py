"""The prompt templates in `prompts/`, loaded and filled in.

Templates are plain files so an editor can change the wording without touching code. Each starts with
a `version:` line and a `---` line; the versions of all templates together make the prompt version
recorded in every brief (and in the cache key), so a brief always says which wording produced it.
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template

from summariser.brief import field_guide
from summariser.errors import SummariserError

TEMPLATES = ("system", "user", "reask", "omission")

# An article that writes our delimiter could close the data block early and speak as the prompt;
# a look-alike character keeps its words readable while it stays inside the block.
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

    def messages(self, article: str) -> list[dict[str, str]]:
        """The first request: instructions, then the article as delimited data."""
        return [
            {"role": "system", "content": self.templates["system"].substitute(fields=field_guide())},
            {"role": "user", "content": self.templates["user"].substitute(article=fence(article))},
        ]

    def reask(
        self, article: str, problems: list[str], missing: list[str] | None = None
    ) -> list[dict[str, str]]:
        """The first request plus one note (what did not hold, what was left out), never the whole
        history, so a re-ask does not grow with each failed attempt."""
        notes = []
        if problems:
            notes.append(self.templates["reask"].substitute(problems="\n".join(_capped(problems))))
        if missing:
            notes.append(self.templates["omission"].substitute(missing="\n".join(_capped(missing))))
        return [*self.messages(article), {"role": "user", "content": "\n\n".join(notes)}]


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
