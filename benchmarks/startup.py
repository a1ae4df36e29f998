"""Start-up cost of the command (goal: `summarise --help` within 10x of a bare `python -c pass`):
openai, instructor and pydantic must load only when a brief is made.

    python benchmarks/startup.py [RUNS=15]
"""

import statistics
import subprocess
import sys
import time
from pathlib import Path


def median_seconds(command: list[str], runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main(runs: int) -> None:
    bare = median_seconds([sys.executable, "-c", "pass"], runs)
    helped = median_seconds([str(Path(sys.executable).parent / "summarise"), "--help"], runs)
    print(
        f"python -c pass: {bare * 1000:.0f} ms; summarise --help: {helped * 1000:.0f} ms; "
        f"ratio {helped / bare:.1f}x (goal <= 10x), median of {runs}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
