"""Per-article overhead with the model taken away (goal: under 20 ms): the seed's brief replayed
from `fixtures/` in one process, so everything but the model runs: reading, prompting, openai and
instructor, validation, grounding, detectors, assembling. The first brief (imports, templates) is
reported apart.

    python benchmarks/overhead.py [RUNS=50]
"""

import statistics
import sys
import time
from pathlib import Path

from summariser.config import Settings
from summariser.input.sources import read
from summariser.runs.pipeline import summarise_article

ROOT = Path(__file__).resolve().parent.parent


def main(runs: int) -> None:
    article = read(str(ROOT / "seeds" / "kreminna.txt"))
    settings = Settings.from_env(replay=ROOT / "fixtures", cache=False)
    started = time.perf_counter()
    brief = summarise_article(article, settings)
    first = time.perf_counter() - started
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        summarise_article(article, settings)
        timings.append((time.perf_counter() - started) / brief.meta.attempts)
    print(
        f"first brief (imports included): {first * 1000:.0f} ms for {brief.meta.attempts} replayed request(s)"
    )
    print(f"per model request, median of {runs}: {statistics.median(timings) * 1000:.1f} ms (goal < 20 ms)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
