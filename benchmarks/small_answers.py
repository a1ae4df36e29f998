"""Tokens and seconds per request with a local GGUF model, for each article, beside the naive pipeline.

One llama.cpp server (`--local-model`'s own code path) serves both, in one run, so the two are
measured on the same model, machine and load: first summariser's brief (its requests recorded, then
read back with the server's own token counts and timings), then the naive instructor pipeline a
newcomer would write (one request: the article and the output's pydantic model, JSON-schema mode),
whose quotes and figures are checked against the article the way an editor would: verbatim or not.
The cache is off. Start-up of the server is not counted.

    python benchmarks/small_answers.py MODEL.gguf [seeds | DIR | ARTICLE.txt ...]
"""

import json
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from pydantic import BaseModel

from summariser.config import Settings
from summariser.extract.text import SourceText
from summariser.input.sources import read
from summariser.model.local import serving
from summariser.runs.pipeline import summarise_article


class NaiveQuote(BaseModel):
    speaker: str
    text: str


class NaiveClaim(BaseModel):
    figure: str
    outcome: str
    claimed_by: str | None


class NaiveResponse(BaseModel):
    actor: str
    description: str


class NaiveBrief(BaseModel):
    """A brief of one news article."""

    headline: str
    summary: str
    key_developments: list[str]
    actors: list[str]
    quotes: list[NaiveQuote]
    casualty_claims: list[NaiveClaim]
    international_responses: list[NaiveResponse]


def ours(article_path: Path, settings: Settings) -> tuple[float, list[dict]]:
    """summariser's brief of one article: its wall time, and each request as the server counted it."""
    with tempfile.TemporaryDirectory() as tape:
        started = time.monotonic()
        summarise_article(read(str(article_path)), replace(settings, record=Path(tape)))
        seconds = time.monotonic() - started
        exchanges = [json.loads(p.read_text()) for p in Path(tape).glob("*.json")]
    exchanges.sort(key=lambda e: e["recorded"]["at"])
    return seconds, [_counted(e["response"]["body"]) for e in exchanges]


def naive(article_path: Path, settings: Settings) -> tuple[float, dict, int]:
    """The naive pipeline: one instructor request for the whole brief; its wall time, counts, and
    how many of its quotes and figures do not stand in the article as written."""
    import instructor
    import openai

    text = read(str(article_path)).text
    client = instructor.from_openai(
        openai.OpenAI(base_url=settings.base_url, api_key="local", timeout=900),
        mode=instructor.Mode.JSON_SCHEMA,
    )
    started = time.monotonic()
    brief, completion = client.chat.completions.create_with_completion(
        model=str(settings.model),
        response_model=NaiveBrief,
        max_retries=0,
        temperature=0,
        messages=[
            {"role": "system", "content": "You brief editors on a news article. Answer in JSON."},
            {"role": "user", "content": f"Brief this news article:\n\n{text}"},
        ],
    )
    seconds = time.monotonic() - started
    source = SourceText(text)
    broken = sum(not source.contains(q.text) for q in brief.quotes)
    broken += sum(not source.contains(c.figure) for c in brief.casualty_claims)
    return seconds, _counted(completion.model_dump()), broken


def _counted(body: dict) -> dict:
    usage, timings = body.get("usage") or {}, body.get("timings") or {}
    return {
        "prompt": usage.get("prompt_tokens", 0),
        "cached": (usage.get("prompt_tokens_details") or {}).get("cached_tokens", 0),
        "completion": usage.get("completion_tokens", 0),
        "seconds": (timings.get("prompt_ms", 0) + timings.get("predicted_ms", 0)) / 1000,
    }


def main(model: Path, paths: list[Path]) -> None:
    articles = [p for path in paths for p in (sorted(path.glob("*.txt")) if path.is_dir() else [path])]
    ours_seconds, naive_seconds, naive_broken = [], [], 0
    with serving(Settings.from_env(local_model=model, cache=False)) as settings:
        for path in articles:
            seconds, requests = ours(path, settings)
            ours_seconds.append(seconds)
            for n, r in enumerate(requests, 1):
                print(
                    f"{path.name:32} summariser request {n}: {r['prompt']:5} prompt ({r['cached']} cached)"
                    f" + {r['completion']:4} completion tokens, {r['seconds']:5.1f} s"
                )
            print(f"{path.name:32} summariser brief: {seconds:.1f} s")
            seconds, r, broken = naive(path, settings)
            naive_seconds.append(seconds)
            naive_broken += broken
            print(
                f"{path.name:32} naive      request 1: {r['prompt']:5} prompt ({r['cached']} cached)"
                f" + {r['completion']:4} completion tokens, {r['seconds']:5.1f} s;"
                f" {broken} quote(s) or figure(s) not in the article"
            )
    print(
        f"median seconds a brief: summariser {statistics.median(ours_seconds):.1f} "
        f"(slowest {max(ours_seconds):.1f}), naive {statistics.median(naive_seconds):.1f}; "
        f"naive quotes and figures not in their article: {naive_broken}"
    )


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]] or [Path("seeds")])
