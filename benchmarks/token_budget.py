"""Prompt and completion tokens of each seed's first request, before and after a change, as the
real model counted them in the recordings (goal for the anchored draft: prompt at most 1.3x, and
completion lower). "Before" is the tape in `fixtures/` at a git revision; "after" a tape directory.

    python benchmarks/token_budget.py [REVISION] [fixtures]
"""

import json
import subprocess
import sys
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def tape_at(revision: str) -> list[dict]:
    names = subprocess.run(
        ["git", "ls-tree", "--name-only", f"{revision}:fixtures"], capture_output=True, text=True, check=True
    ).stdout.split()
    return [
        json.loads(
            subprocess.run(
                ["git", "show", f"{revision}:fixtures/{name}"], capture_output=True, check=True
            ).stdout
        )
        for name in names
        if name.endswith(".json")
    ]


def first_requests(exchanges: list[dict]) -> dict[str, dict]:
    """Each seed's first request: the extraction (two messages: instructions, article), no re-ask."""
    openings = {path.stem: path.read_text(encoding="utf-8").split()[:6] for path in SEEDS.glob("*.txt")}
    found: dict[str, dict] = {}
    for exchange in exchanges:
        messages = exchange["request"]["body"]["messages"]
        if len(messages) != 2 or messages[0]["role"] != "system":
            continue
        words = messages[1]["content"].replace("[S1] ", "").split()
        for seed, opening in openings.items():
            if " ".join(opening) in " ".join(words) and _article_of(messages[1]["content"], seed):
                found[seed] = exchange["response"]["body"]["usage"]
    return found


def _article_of(content: str, seed: str) -> bool:
    planted = "instructions" in content.lower() or "withheld" in content
    return planted == seed.endswith("planted")


def main(revision: str, tape: Path) -> None:
    before = first_requests(tape_at(revision))
    after = first_requests([json.loads(p.read_text()) for p in sorted(tape.glob("*.json"))])
    print(f"first request of each seed, {revision} -> {tape}:")
    for seed in sorted(set(before) & set(after)):
        b, a = before[seed], after[seed]
        print(
            f"  {seed}: prompt {b['prompt_tokens']} -> {a['prompt_tokens']} "
            f"({a['prompt_tokens'] / b['prompt_tokens']:.2f}x), completion {b['completion_tokens']} -> "
            f"{a['completion_tokens']} ({a['completion_tokens'] / b['completion_tokens']:.2f}x)"
        )


if __name__ == "__main__":
    main(
        sys.argv[1] if len(sys.argv) > 1 else "4f176a1",
        Path(sys.argv[2] if len(sys.argv) > 2 else "fixtures"),
    )
