"""A batch run of N articles through the scripted Batch API (goal of the batch issue: 1,000 articles
give 1,000 lines, every brief grounded, the re-ask rounds visible).

The service (tests/batch_service.py) speaks the Batch API over real HTTP on 127.0.0.1 and answers
each request with tests/oracle.py, a scripted stand-in for a good model (not a model) that gets the
first answer of every EVERY-th article wrong once, so those briefs need a re-ask round. Polling waits
are counted, not slept: the wall time printed is our side alone (planning, uploads, downloads, and
making every brief again from its answers after each round), which a real provider's hours dwarf.

    python benchmarks/batch_jobs.py [--articles 1000] [--every 5] [--mode tools]
"""

import argparse
import collections
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summariser.config import Settings  # noqa: E402
from summariser.jobs.api import BatchAPI  # noqa: E402
from summariser.jobs.job import Job  # noqa: E402
from summariser.runs.many import Item  # noqa: E402
from tests import batch_service, oracle  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--every", type=int, default=5, help="one article in EVERY gets a first answer wrong")
    parser.add_argument("--mode", default="tools", choices=["tools", "json_schema"])
    args = parser.parse_args()

    articles = [
        Item(id=name, source=f"archive#{name}", text=text) for name, text in oracle.articles(args.articles)
    ]
    faulty = oracle.faulty(args.every)
    service, httpd = batch_service.start(lambda body: (200, faulty(body)), keep_bodies=False)
    waits: list[float] = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "briefs.jsonl"
            settings = Settings(
                base_url=service.url, api_key="benchmark", model="scripted", mode=args.mode, cache=False
            )
            api = BatchAPI(service.url, "benchmark", 60.0)
            started = time.perf_counter()
            outcome = Job(articles, settings, out, api=api, sleep=waits.append).run()
            wall = time.perf_counter() - started
            api.close()
            lines = [json.loads(line) for line in out.read_text().splitlines()]
    finally:
        batch_service.stop(service, httpd)

    briefs = [line["brief"] for line in lines if "brief" in line]
    grounded = [b for b in briefs if not b["verification"]["dropped"]]
    per_round = collections.Counter(identifier.rsplit("-r", 1)[1] for identifier in service.answered_ids)
    attempts = collections.Counter(b["meta"]["attempts"] for b in briefs)
    faulted = sum(oracle.faulted(item.text or "", args.every) for item in articles)
    print(f"articles {len(articles)}, lines {len(lines)}, briefs {len(briefs)}, grounded {len(grounded)}")
    print(f"articles whose first answer was wrong: {faulted}")
    print(
        f"rounds {outcome.rounds}: "
        + ", ".join(f"round {r} {n} requests" for r, n in sorted(per_round.items()))
    )
    print(f"batches created {len(service.created)}, requests answered {service.answered}")
    print(f"duplicate requests {len(service.answered_ids) - len(set(service.answered_ids))}")
    print(
        f"requests per brief {service.answered / max(1, len(briefs)):.2f} ("
        + ", ".join(f"{n} briefs in {k}" for k, n in sorted(attempts.items()))
        + ")"
    )
    print(f"polls {service.polls}, waited (not slept) {sum(waits):.0f} s")
    print(f"wall time of our side {wall:.1f} s ({wall / len(articles) * 1000:.1f} ms an article)")


if __name__ == "__main__":
    main()
