"""Batch speed-up against a model that answers after a fixed delay (goal: >= 90% of ideal at
concurrency 8; the issue's check: 12 articles at 1 s each >= 4x faster at 6 than at 1).

Runs the real `summarise` command (process start-up included, as a user pays it) on N distinct
articles against a scripted server on 127.0.0.1 that waits DELAY seconds before each answer, at
concurrency 1 and at each level given, and prints wall times, the speed-up and the share of the
ideal speed-up (n*t + S) / (n*t/c + S), with S measured in the same run as the wall time of a
one-article batch against a model that answers at once (interpreter, imports, one brief).

    python benchmarks/batch_speedup.py [N=12] [DELAY=1.0] [LEVELS=6,8]
"""

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import scripted  # noqa: E402
from tests.conftest import handwritten  # noqa: E402

SUMMARISE = str(Path(sys.executable).parent / "summarise")


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([SUMMARISE, *args], check=False, capture_output=True)
    return time.perf_counter() - started


def main(n: int, delay: float, levels: list[int]) -> None:
    answer = scripted.completion(handwritten("kreminna-faithful"))
    state, httpd = scripted.start(scripted.Reply(body=answer, delay=delay))
    instant, instant_httpd = scripted.start(scripted.Reply(body=answer))
    seed = (ROOT / "seeds" / "kreminna.txt").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as scratch:
        wires = Path(scratch) / "wires.jsonl"
        wires.write_text(
            "\n".join(json.dumps({"id": f"w{i}", "text": f"{seed}\nWire {i}."}) for i in range(n))
        )
        model = ["--base-url", state.url, "--model", "m", "--mode", "json_schema", "--no-cache"]
        one = Path(scratch) / "one.jsonl"
        one.write_text(json.dumps({"id": "one", "text": seed}))
        instant_model = ["--base-url", instant.url, *model[2:]]
        startup = min(
            timed([str(one), "--output", str(Path(scratch) / f"s{i}.jsonl"), *instant_model])
            for i in range(3)
        )
        results = {}
        for level in [1, *levels]:
            out = Path(scratch) / f"out{level}.jsonl"
            results[level] = timed([str(wires), "--output", str(out), "--concurrency", str(level), *model])
            lines = out.read_text().splitlines()
            assert len(lines) == n and all('"brief"' in line for line in lines), f"concurrency {level}"
    scripted.stop(state, httpd)
    scripted.stop(instant, instant_httpd)
    print(f"{n} articles, model delay {delay:.1f} s, start-up S = {startup:.2f} s")
    for level, seconds in results.items():
        speedup = results[1] / seconds
        ideal = (n * delay + startup) / (n * delay / level + startup)
        print(
            f"  concurrency {level:2}: {seconds:6.2f} s  speed-up {speedup:4.2f}x  ideal {ideal:4.2f}x  "
            f"= {speedup / ideal:.0%} of ideal"
        )


if __name__ == "__main__":
    args = sys.argv[1:]
    main(
        int(args[0]) if args else 12,
        float(args[1]) if len(args) > 1 else 1.0,
        [int(x) for x in args[2].split(",")] if len(args) > 2 else [6, 8],
    )
