"""Seconds and tokens per article for a local GGUF model, every article in a directory.

Starts the llama.cpp server once per article through `--local-model`'s own code path, with the
cache off, and prints what each brief cost as `meta` reports it (start-up of the server excluded).

    python benchmarks/local_model.py MODEL.gguf [seeds | ARTICLE.txt]
"""

import sys
import time
from pathlib import Path

from summariser.config import Settings
from summariser.local import serving
from summariser.pipeline import summarise_article
from summariser.sources import read


def main(model: Path, directory: Path) -> None:
    with serving(Settings.from_env(local_model=model, cache=False)) as settings:
        for path in sorted(directory.glob("*.txt")) if directory.is_dir() else [directory]:
            article = read(str(path))
            started = time.monotonic()
            brief = summarise_article(article, settings)
            seconds = time.monotonic() - started
            usage = brief.meta.usage
            print(
                f"{path.name}: {seconds:.1f} s, {brief.meta.attempts} request(s), "
                f"{usage.prompt_tokens} prompt + {usage.completion_tokens} completion tokens, "
                f"{len(brief.quotes)} quotes kept, {len(brief.verification.dropped)} dropped"
            )


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2] if len(sys.argv) > 2 else "seeds"))
