"""summariser: a news article in, a validated, source-grounded brief out.

    >>> from summariser import Summariser
    >>> with Summariser(replay="fixtures") as client:
    ...     brief = client.brief(path="seeds/kreminna.txt")
    >>> brief.quotes[0].span

`Summariser` (and `AsyncSummariser`, awaited all the way down) is the client: built once, one
connection pool and one cap on requests in flight for every brief it makes. `summarise()`,
`summarise_many()` and `asummarise()` are one-call wrappers over them, taking the same options.
With no key, no base_url and no replay, a model pulled by `summarise models pull` answers (one line
on stderr says so).
"""

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from summariser.errors import InputError, InternalError, ProviderError, SummariserError, ValidationFailed

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from summariser.brief import Brief
    from summariser.client import AsyncSummariser, Summariser
    from summariser.jobs.job import Tally

try:
    __version__ = version("summariser")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"


class Options(TypedDict, total=False):
    """The options `Summariser(...)` takes, for the one-call wrappers."""

    model: str | None
    base_url: str | None
    api_key: str | None
    mode: Literal["tools", "json_schema", "json"] | None
    timeout: float | None
    cache: bool
    local_model: str | Path | None
    replay: str | Path | None
    record: str | Path | None
    strict: bool
    max_requests: int | None
    omission_reask: bool
    max_article_tokens: int | None


# The models and the client load pydantic and openai's machinery, and the CLI imports this package for
# `--help` too: they load on first use.
_MODELS = (
    "Actor",
    "Brief",
    "CasualtyClaim",
    "Dropped",
    "Flag",
    "InternationalResponse",
    "KeyDevelopment",
    "Meta",
    "Missed",
    "Quote",
    "SourceInfo",
    "Usage",
    "Verification",
)
_CLIENTS = ("Summariser", "AsyncSummariser")


def __getattr__(name: str) -> Any:
    if name in _MODELS:
        from summariser import brief

        return getattr(brief, name)
    if name in _CLIENTS:
        from summariser import client

        return getattr(client, name)
    raise AttributeError(f"module 'summariser' has no attribute {name!r}")


__all__ = [
    "Actor",
    "AsyncSummariser",
    "Brief",
    "CasualtyClaim",
    "Dropped",
    "Flag",
    "InputError",
    "InternalError",
    "InternationalResponse",
    "KeyDevelopment",
    "Meta",
    "Missed",
    "Options",
    "ProviderError",
    "Quote",
    "SourceInfo",
    "Summariser",
    "SummariserError",
    "Usage",
    "ValidationFailed",
    "Verification",
    "__version__",
    "asummarise",
    "summarise",
    "summarise_batch",
    "summarise_many",
]


def summarise(source: str | Path, **options: "Unpack[Options]") -> "Brief":
    """Brief one article: a `Path`, a path or URL, `-` for stdin, or the article text itself (a
    one-line string that looks like a file name but names none is an `InputError`, never an
    article). Raises a `SummariserError` subclass on every expected failure."""
    from summariser.client import Summariser, article_of

    with Summariser(**options) as client:
        return client._brief_article(article_of(source))


def summarise_many(
    sources: list[str | Path], concurrency: int = 4, **options: "Unpack[Options]"
) -> "list[Brief | SummariserError]":
    """Brief many articles at once, each as `summarise` takes it; results in the order given, a
    failure as its error object."""
    from summariser.client import Summariser, article_of

    with Summariser(concurrency=concurrency, **options) as client:
        return [outcome for _, outcome in client._brief_each(sources, article_of, ordered=True)]


def summarise_batch(
    sources: list[str], output: str, export: str | None = None, results: str | None = None, **options: Any
) -> "Tally":
    """Brief many articles through the provider's Batch API, in rounds, as `summarise --batch` does:
    JSON Lines to `output`, the run's state beside it. Returns when every brief is written (hours,
    at the provider's pace) or, with `export`, when a round's request file waits there to be run
    elsewhere; call again with the same arguments to resume, and with `results` to bring a round in."""
    from summariser.config import Settings
    from summariser.jobs import job
    from summariser.runs import many

    items = many.gather(sources)
    return job.batch_run(
        items,
        Settings.from_env(**options),
        Path(output),
        export=Path(export) if export is not None else None,
        results=Path(results) if results is not None else None,
    )


async def asummarise(source: str | Path, **options: "Unpack[Options]") -> "Brief":
    """`summarise` for async code, on an `AsyncSummariser` of its own: no thread for the brief."""
    from summariser.client import AsyncSummariser, article_of

    async with AsyncSummariser(**options) as client:
        return await client._brief_article(article_of(source))
