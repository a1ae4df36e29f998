"""Alignment time for a 20,000-word article (goal: under 50 ms to index it and ground a brief).

The article is the seed repeated with numbered paragraphs until it reaches 20,000 words; the brief is
the hand-written faithful brief of the seed, one development pointing a sentence off, so the search
for the sentence that bears it out runs too. Indexing includes the article's ids and its detectors
(casualty mentions in four languages, planted instructions). Prints the median of several runs.

    python benchmarks/grounding_speed.py
"""

import json
import statistics
import time
from pathlib import Path
from typing import Any

from summariser.detect.harm import casualty_phrases
from summariser.extract.draft import Draft
from summariser.extract.grounding import ground
from summariser.extract.text import SourceText

ROOT = Path(__file__).resolve().parent.parent
WORDS = 20_000


def long_article() -> str:
    seed = (ROOT / "seeds" / "kreminna.txt").read_text(encoding="utf-8").splitlines()
    paragraphs: list[str] = []
    copy = 0
    while sum(len(p.split()) for p in paragraphs) < WORDS:
        copy += 1
        paragraphs += [f"({copy}.{i}) {line}" for i, line in enumerate(seed)]
    return "\n".join(paragraphs)


def answered(source: SourceText, answer: dict[str, Any]) -> Draft:
    """The hand-written answer read as the pipeline reads the model's: through the article's own
    schema (its speakers, claimants and responses as choices)."""
    answer_model = source.choices_for().schema()
    return Draft(**answer_model.model_validate(answer).model_dump(), headline="", summary="")


def main() -> None:
    text = long_article()
    entry = json.loads((ROOT / "tests" / "handwritten" / "kreminna-faithful.json").read_text())
    draft = answered(SourceText(text), entry["draft"])
    draft.key_developments[1].evidence = "S13"  # one sentence off: the support check looks for the right one
    timings = []
    for _ in range(7):
        casualty_phrases.cache_clear()  # each run a new article: nothing remembered
        started = time.perf_counter()
        result = ground(draft, SourceText(text))
        timings.append((time.perf_counter() - started) * 1000)
    kept = len(result.quotes) + len(result.casualty_claims) + len(result.key_developments)
    print(
        f"article: {len(text.split()):,} words, {len(text):,} chars; items kept: {kept}, dropped: "
        f"{len(result.dropped)}"
    )
    print(f"index + ground, median of {len(timings)}: {statistics.median(timings):.1f} ms (goal < 50 ms)")


if __name__ == "__main__":
    main()
