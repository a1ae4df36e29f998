"""summariser: a news article in, a validated, source-grounded brief out.

    >>> from summariser import summarise
    >>> brief = summarise("seeds/kreminna.txt", replay="fixtures")
    >>> brief.quotes[0].span

`source` is a file path, `-` for stdin, or the article text itself; options mirror the CLI's
(model, base_url, api_key, mode, timeout, replay, record, strict, cache, local_model,
max_requests). With no key, no base_url and no replay, a model pulled by `summarise models pull`
answers (one line on stderr says so).
"""

from typing import TYPE_CHECKING, Any

from summariser.errors import InputError, InternalError, ProviderError, SummariserError, ValidationFailed

if TYPE_CHECKING:
    from summariser.brief import Brief
    from summariser.jobs.job import Tally

# The models load pydantic, and the CLI imports this package for `--help` too: they load on first use.
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


def __getattr__(name: str) -> Any:
    if name in _MODELS:
        from summariser import brief

        return getattr(brief, name)
    raise AttributeError(f"module 'summariser' has no attribute {name!r}")


__all__ = [
    "Actor",
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
    "ProviderError",
    "Quote",
    "SourceInfo",
    "SummariserError",
    "Usage",
    "ValidationFailed",
    "Verification",
    "asummarise",
    "summarise",
    "summarise_batch",
    "summarise_many",
]


def summarise(source: str, **options: Any) -> "Brief":
    """Summarise one article; raises a `SummariserError` subclass on every expected failure."""
    from summariser.input.sources import read_any
    from summariser.model.local import serving_from
    from summariser.runs.pipeline import summarise_article

    article = read_any(source)
    with serving_from(**options) as settings:
        return summarise_article(article, settings)


def summarise_many(
    sources: list[str], concurrency: int = 4, **options: Any
) -> list["Brief | SummariserError"]:
    """Summarise many articles at once; results in the order given, a failure as its error object."""
    from summariser.input.sources import read_any
    from summariser.model.local import serving_from
    from summariser.runs import many
    from summariser.runs.pipeline import Session

    items = [many.Item(id=str(i), source=source) for i, source in enumerate(sources)]
    results: dict[str, Brief | SummariserError] = {}

    def keep(result: many.Result) -> None:
        results[result.item.id] = result.brief or result.error  # type: ignore[assignment]

    def work(item: many.Item, session: Session) -> "tuple[Brief, str]":
        article = read_any(item.source)
        return session.brief(article), article.text

    with serving_from(**options) as settings:
        many.run(items, settings, concurrency, on_result=keep, work=work)
    return [results[item.id] for item in items]


def summarise_batch(
    sources: list[str], output: str, export: str | None = None, results: str | None = None, **options: Any
) -> "Tally":
    """Brief many articles through the provider's Batch API, in rounds, as `summarise --batch` does:
    JSON Lines to `output`, the run's state beside it. Returns when every brief is written (hours,
    at the provider's pace) or, with `export`, when a round's request file waits there to be run
    elsewhere; call again with the same arguments to resume, and with `results` to bring a round in."""
    from pathlib import Path

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


async def asummarise(source: str, **options: Any) -> "Brief":
    """`summarise` for async code: the work runs in a worker thread, the event loop stays free."""
    import asyncio

    return await asyncio.to_thread(summarise, source, **options)
