"""Batch speed-up against a model that answers after a fixed delay (goal: >= 90% of the ideal at
concurrency 6 and at 8).

Runs the real `summarise` command (process start-up and exit included, as a user pays them) on N
distinct articles against a scripted server on 127.0.0.1 that waits DELAY seconds before each answer,
at concurrency 1 and at each level given, and prints wall times, the speed-up over concurrency 1, the
ideal speed-up and the share of it reached.

At concurrency c the model's time cannot drop below ceil(n/c) waves of t seconds, and the one-brief
start-up S (interpreter, imports, one brief against a model that answers at once, exit) is paid once
whatever c is, so the ideal is (n*t + S) / (ceil(n/c)*t + S). S is the median wall time of one-article
batches against an instant model, measured in the same run as the rest, so every ratio comes from
one run on one machine.

With --baseline DIR (another checkout, e.g. `git worktree add /tmp/bench-old ed31d55`), S is measured
for that tree too, turn about with this one's so a change in the machine's load falls on both, under
the same interpreter and packages, and printed beside it.

    python benchmarks/batch_speedup.py [--articles 12] [--delay 1.0] [--levels 6,8] [--baseline DIR]
"""

import argparse
import json
import math
import os
import statistics
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
STARTUP_RUNS = 5


def timed(args: list[str], tree: Path | None = None) -> float:
    """Wall seconds of one `summarise` run; with `tree`, that checkout's code is the one imported (the
    console script puts its own folder first on sys.path, PYTHONPATH next, the editable install last)."""
    env = dict(os.environ, PYTHONPATH=str(tree)) if tree else None
    started = time.perf_counter()
    subprocess.run([SUMMARISE, *args], check=False, capture_output=True, env=env)
    return time.perf_counter() - started


def imports_from(tree: Path) -> None:
    """Refuses a baseline whose code would not be the one run: a figure for the wrong tree is worse
    than none."""
    probe = subprocess.run(
        [sys.executable, "-c", "import summariser.cli; print(summariser.cli.__file__)"],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(tree)),
        cwd=tempfile.gettempdir(),
        check=False,
    )
    if not probe.stdout.strip().startswith(str(tree)):
        raise SystemExit(f"--baseline {tree}: summariser imports from {probe.stdout.strip() or probe.stderr}")


def checked(out: Path, n: int, what: str) -> None:
    lines = out.read_text(encoding="utf-8").splitlines() if out.is_file() else []
    if len(lines) != n or not all('"brief"' in line for line in lines):
        raise SystemExit(f"{what}: expected {n} briefs in {out}, got {len(lines)} line(s); timings void")


def startups(
    one: Path, scratch: Path, model: list[str], trees: dict[str, Path | None]
) -> dict[str, list[float]]:
    """One-brief start-up of each tree, run turn about."""
    seconds: dict[str, list[float]] = {label: [] for label in trees}
    for i in range(STARTUP_RUNS):
        for label, tree in trees.items():
            out = scratch / f"startup-{label}-{i}.jsonl"
            seconds[label].append(timed([str(one), "--output", str(out), *model], tree))
            checked(out, 1, f"start-up ({label})")
    return seconds


def main(n: int, delay: float, levels: list[int], baseline: Path | None) -> None:
    if baseline is not None:
        baseline = baseline.resolve()
        imports_from(baseline)
    answer = scripted.completion(handwritten("kreminna-faithful"))
    slow, slow_httpd = scripted.start(scripted.Reply(body=answer, delay=delay))
    instant, instant_httpd = scripted.start(scripted.Reply(body=answer))
    seed = (ROOT / "seeds" / "kreminna.txt").read_text(encoding="utf-8")
    flags = ["--model", "m", "--mode", "json_schema", "--no-cache"]
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        wires = scratch / "wires.jsonl"
        wires.write_text(
            "\n".join(json.dumps({"id": f"w{i}", "text": f"{seed}\nWire {i}."}) for i in range(n))
        )
        one = scratch / "one.jsonl"
        one.write_text(json.dumps({"id": "one", "text": seed}))
        trees: dict[str, Path | None] = {"this tree": None}
        if baseline is not None:
            trees[f"baseline {baseline}"] = baseline
        startup = startups(one, scratch, ["--base-url", instant.url, *flags], trees)
        results = {}
        for level in [1, *levels]:
            out = scratch / f"out{level}.jsonl"
            at = ["--concurrency", str(level), "--base-url", slow.url]
            results[level] = timed([str(wires), "--output", str(out), *at, *flags])
            checked(out, n, f"concurrency {level}")
    scripted.stop(slow, slow_httpd)
    scripted.stop(instant, instant_httpd)
    s = statistics.median(startup["this tree"])
    print(f"one-brief start-up S (one-article batch, instant model), median of {STARTUP_RUNS}:")
    for label, runs in startup.items():
        print(f"  {label}: S = {statistics.median(runs):.2f} s  (runs {' '.join(f'{r:.2f}' for r in runs)})")
    print(f"{n} articles, model delay t = {delay:.1f} s, ideal (n*t + S) / (ceil(n/c)*t + S), S = {s:.2f} s")
    for level, seconds in results.items():
        speedup = results[1] / seconds
        ideal = (n * delay + s) / (math.ceil(n / level) * delay + s)
        print(
            f"  concurrency {level:2}: {seconds:6.2f} s  speed-up {speedup:4.2f}x  ideal {ideal:4.2f}x  "
            f"= {speedup / ideal:.0%} of ideal"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=12)
    parser.add_argument("--delay", type=float, default=1.0, help="seconds the model takes per answer")
    parser.add_argument("--levels", default="6,8", help="concurrency levels compared with 1")
    parser.add_argument("--baseline", type=Path, help="another checkout whose start-up to print beside")
    options = parser.parse_args()
    main(options.articles, options.delay, [int(x) for x in options.levels.split(",")], options.baseline)
