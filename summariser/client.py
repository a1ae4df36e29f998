"""The Python API's client: built once with typed options, it holds one connection pool and one cap
on requests in flight for every brief it makes, as httpx's and openai's clients do.

    with Summariser(replay="fixtures") as client:
        brief = client.brief(path="seeds/kreminna.txt")

A source is named for what it is (`text=`, `path=`, `url=`), never guessed: a mistyped file name is
an `InputError`, never an article briefed at the provider's price.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from pathlib import Path
from typing import Generic, Literal, TypeVar

from summariser.brief import Brief
from summariser.config import Settings
from summariser.errors import InputError, SummariserError
from summariser.input.sources import Article, from_text, is_web_address, read, read_any
from summariser.model.local import serving_from
from summariser.runs import many
from summariser.runs.pipeline import CHUNK_CONCURRENCY, AsyncSession, Session

Mode = Literal["tools", "json_schema", "json"]
Source = str | Path  # a file's path, or an http(s) URL
S = TypeVar("S", Session, AsyncSession)


class _Client(Generic[S]):
    """The options both clients take, keyword-only and typed, with the CLI's names; unset ones come
    from the environment as the CLI's do."""

    def __init__(
        self,
        *,
        model: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        mode: Mode | None = None,
        timeout: float | None = None,
        cache: bool = True,
        local_model: str | Path | None = None,
        replay: str | Path | None = None,
        record: str | Path | None = None,
        strict: bool = False,
        max_requests: int | None = None,
        concurrency: int = CHUNK_CONCURRENCY,
        omission_reask: bool = True,
        max_article_tokens: int | None = None,
    ) -> None:
        self._closing = contextlib.ExitStack()
        self.concurrency = max(1, concurrency)
        try:
            settings = self._closing.enter_context(
                serving_from(
                    model=model,
                    base_url=base_url,
                    api_key=api_key,
                    mode=mode,
                    timeout=timeout,
                    cache=cache,
                    local_model=local_model,
                    replay=replay,
                    record=record,
                    strict=strict,
                    max_requests=max_requests,
                    omission_reask=omission_reask,
                    max_article_tokens=max_article_tokens,
                )
            )
            self._session: S = self._opened(settings)
        except BaseException:
            self._closing.close()
            raise

    def _opened(self, settings: Settings) -> S:
        raise NotImplementedError


class Summariser(_Client[Session]):
    """Briefs articles, every one over the same connection pool and under the same cap on model
    requests in flight. A local model it starts is stopped by `close()`. After Ctrl-C the client
    makes no further request: make another.
    """

    def _opened(self, settings: Settings) -> Session:
        return self._closing.enter_context(Session(settings, self.concurrency))

    @classmethod
    def over(cls, settings: Settings, concurrency: int = CHUNK_CONCURRENCY) -> "Summariser":
        """A client for settings a door has already resolved and served (the Slack bot's)."""
        client = cls.__new__(cls)
        client._closing = contextlib.ExitStack()
        client.concurrency = max(1, concurrency)
        client._session = client._opened(settings)
        return client

    def __enter__(self) -> "Summariser":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool, and stop the local model server this client started."""
        self._closing.close()

    def brief(self, *, text: str | None = None, path: Source | None = None, url: str | None = None) -> Brief:
        """The brief of one article, given as exactly one of `text`, `path` or `url`."""
        return self._brief_article(_article(text=text, path=path, url=url))

    def brief_many(
        self, sources: Iterable[Source], *, ordered: bool = False
    ) -> Iterator[tuple[Source, Brief | SummariserError]]:
        """(source, its brief or its error) for each path or URL, as each finishes, or in the order
        given with `ordered`. A failure is that source's alone and never stops the rest."""
        return self._brief_each(sources, _path_or_url, ordered)

    def _brief_article(self, article: Article) -> Brief:
        return self._session.brief(article)

    def _brief_each(
        self, sources: Iterable[Source], reader: Callable[[Source], Article], ordered: bool
    ) -> Iterator[tuple[Source, Brief | SummariserError]]:
        given = list(sources)
        items = [many.Item(id=str(n), source=str(source)) for n, source in enumerate(given)]

        def work(item: many.Item, session: Session) -> tuple[Brief, str]:
            article = reader(given[int(item.id)])
            return session.brief(article), article.text

        order = _Order(given, ordered)
        for result in many.briefed(items, self._session, self.concurrency, work):
            outcome = result.brief if result.brief is not None else _error_of(result)
            yield from order.ready(int(result.item.id), outcome)


class AsyncSummariser(_Client[AsyncSession]):
    """`Summariser` for async code, awaited all the way down: no thread per brief, and cancelling a
    `brief()` cancels its request. The same options, recordings, cache and retries; `async with`."""

    def _opened(self, settings: Settings) -> AsyncSession:
        return AsyncSession(settings, self.concurrency)

    async def __aenter__(self) -> "AsyncSummariser":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connection pool, and stop the local model server this client started."""
        try:
            await self._session.close()
        finally:
            self._closing.close()

    async def brief(
        self, *, text: str | None = None, path: Source | None = None, url: str | None = None
    ) -> Brief:
        """The brief of one article, given as exactly one of `text`, `path` or `url` (a page is
        fetched in a worker thread, under the same rules as the sync client's)."""
        if url is not None:
            article = await asyncio.to_thread(_article, text=text, path=path, url=url)
        else:
            article = _article(text=text, path=path, url=url)
        return await self._brief_article(article)

    async def brief_many(
        self, sources: Iterable[Source], *, ordered: bool = False
    ) -> AsyncIterator[tuple[Source, Brief | SummariserError]]:
        """(source, its brief or its error) for each path or URL, as each finishes, or in the order
        given with `ordered`; at most `concurrency` requests in flight among them."""
        async for pair in self._brief_each(sources, _path_or_url, ordered):
            yield pair

    async def _brief_article(self, article: Article) -> Brief:
        return await self._session.brief(article)

    async def _brief_each(
        self, sources: Iterable[Source], reader: Callable[[Source], Article], ordered: bool
    ) -> AsyncIterator[tuple[Source, Brief | SummariserError]]:
        given = list(sources)

        async def one(n: int) -> tuple[int, Brief | SummariserError]:
            try:
                article = (
                    await asyncio.to_thread(reader, given[n])
                    if is_web_address(str(given[n]))
                    else reader(given[n])
                )
                return n, await self._brief_article(article)
            except SummariserError as error:
                return n, error

        window = self.concurrency * 2  # briefs under way at once; the session caps their requests
        pending: set[asyncio.Task[tuple[int, Brief | SummariserError]]] = set()
        order = _Order(given, ordered)
        started = 0
        try:
            while started < len(given) or pending:
                while started < len(given) and len(pending) < window:
                    pending.add(asyncio.ensure_future(one(started)))
                    started += 1
                finished, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for task in sorted(finished, key=lambda t: t.result()[0]):
                    for pair in order.ready(*task.result()):
                        yield pair
        finally:
            for task in pending:
                task.cancel()


class _Order:
    """Results of many sources, handed on as each finishes, or held back until every one given
    before it has been handed on (`ordered`)."""

    def __init__(self, given: list[Source], ordered: bool) -> None:
        self.given = given
        self.ordered = ordered
        self.waiting: dict[int, Brief | SummariserError] = {}
        self.next_up = 0

    def ready(self, n: int, outcome: Brief | SummariserError) -> list[tuple[Source, Brief | SummariserError]]:
        """(source, outcome) pairs to hand on now that the `n`th source's outcome is in."""
        if not self.ordered:
            return [(self.given[n], outcome)]
        self.waiting[n] = outcome
        handed = []
        while self.next_up in self.waiting:
            handed.append((self.given[self.next_up], self.waiting.pop(self.next_up)))
            self.next_up += 1
        return handed


def _error_of(result: many.Result) -> SummariserError:
    assert result.error is not None  # a result holds a brief or an error
    return result.error


def article_of(source: Source) -> Article:
    """An article as `summarise()` takes it: a `Path`, a path or URL, `-`, or the text itself."""
    try:
        return read_any(source)
    except InputError as error:
        error.source = error.source or str(source)
        raise


def _path_or_url(source: Source) -> Article:
    return (
        _article(url=source) if isinstance(source, str) and is_web_address(source) else _article(path=source)
    )


def _article(*, text: str | None = None, path: Source | None = None, url: str | None = None) -> Article:
    given = [name for name, value in (("text", text), ("path", path), ("url", url)) if value is not None]
    if len(given) != 1:
        raise TypeError(f"give exactly one of text=, path= or url=, not {' and '.join(given) or 'none'}")
    if text is not None:
        if not isinstance(text, str):
            raise TypeError(f"text= takes the article as a str, not {type(text).__name__}")
        return Article("<text>", from_text("<text>", text))
    if url is not None:
        if not is_web_address(str(url)):
            raise InputError(f"{url}: not an http(s) URL; give a file as path=", source=str(url))
        return _read(str(url))
    named = str(path)
    if named != "-" and not Path(named).exists():
        raise InputError(f"{named}: no such file", source=named)
    return _read(named)


def _read(spec: str) -> Article:
    try:
        return read(spec)
    except InputError as error:
        error.source = error.source or spec
        raise
