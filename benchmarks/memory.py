"""Memory across a long batch (goal: flat): 1,000 distinct articles briefed in one process against a
scripted model server on 127.0.0.1. Every 100 briefs it prints the Python memory still held after a
garbage collection (tracemalloc: what a leak would grow) and the peak resident size (a high-water
mark that also counts the allocator's fragmentation across threads).

    python benchmarks/memory.py [N=1000]
"""

import gc
import resource
import sys
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summariser.config import Settings  # noqa: E402
from summariser.runs import many  # noqa: E402
from tests import scripted  # noqa: E402
from tests.conftest import handwritten  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(n: int) -> None:
    state, httpd = scripted.start(
        scripted.Reply(body=scripted.completion(handwritten("kreminna-faithful"))), keep_requests=False
    )
    seed = (ROOT / "seeds" / "kreminna.txt").read_text(encoding="utf-8")
    settings = Settings.from_env(base_url=state.url, model="m", mode="json_schema", cache=False)
    items = [many.Item(id=f"a{i}", source=f"a{i}", text=f"{seed}\nArticle {i}.") for i in range(n)]
    done = 0

    def on_result(result: many.Result) -> None:
        nonlocal done
        assert result.brief is not None, result.error
        done += 1
        if done % 100 == 0:
            gc.collect()
            held = tracemalloc.get_traced_memory()[0] / 2**20
            print(
                f"  {done:5} briefs: Python memory held {held:5.1f} MB, peak RSS {rss_mb():.0f} MB",
                flush=True,
            )

    print(f"{n} articles, one process, concurrency 4")
    tracemalloc.start()
    many.run(items, settings, 4, on_result)
    scripted.stop(state, httpd)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
