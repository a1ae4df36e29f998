"""Prompt size of a re-ask relative to the first request (goal: at most 1.5x), read from a tape.

Uses prompt_tokens as the server that answered counted them, so the figure is the real cost of the
re-ask on that model, and the size of each request body in characters.

    python benchmarks/reask_size.py [fixtures]
"""

import json
import sys
from pathlib import Path


def main(directory: Path) -> None:
    exchanges = [json.loads(p.read_text()) for p in sorted(directory.glob("*.json"))]
    by_article: dict[str, list[dict]] = {}
    for exchange in exchanges:
        messages = exchange["request"]["body"]["messages"]
        if messages[0]["role"] != "system":
            continue  # a headline request: short, and never a re-ask of the extraction
        by_article.setdefault(messages[1]["content"], []).append(exchange)
    reasks = 0
    for group in by_article.values():
        group.sort(key=lambda e: len(e["request"]["body"]["messages"]))
        reasks += len(group) - 1
        first = group[0]
        base_tokens = first["response"]["body"]["usage"]["prompt_tokens"]
        base_chars = len(json.dumps(first["request"]["body"]))
        print(
            f"first request: {base_tokens} prompt tokens, {base_chars} chars "
            f"({first['recorded'].get('served_by') or first['recorded'].get('server')})"
        )
        for reask in group[1:]:
            tokens = reask["response"]["body"]["usage"]["prompt_tokens"]
            chars = len(json.dumps(reask["request"]["body"]))
            print(
                f"  re-ask: {tokens} prompt tokens = {tokens / base_tokens:.2f}x, "
                f"{chars} chars = {chars / base_chars:.2f}x (goal <= 1.5x)"
            )
    if not reasks:
        print(f"no re-asks in {directory}: every first answer held, so there is no ratio to give")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "fixtures"))
