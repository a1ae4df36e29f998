"""The model client for async code: the same layers as `summariser.model.client`, awaited all the
way down (instructor on `openai.AsyncOpenAI` on an `httpx.AsyncClient`), so a service that briefs
fifty articles at once holds no thread per brief, and cancelling a brief cancels its request.

Each layer is the async twin of a sync one and shares its rules: the retry policy and its waits
(`retry`), the answer read whole under the size bound (`deadline.MAX_ANSWER_BYTES`), a 200 that is
no completion refused (`client`), recordings answered and written (`tape`). An attempt's time limit
is a total here by construction: `asyncio.timeout` bounds connecting, headers and body together.
"""

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from tenacity import AsyncRetrying

from summariser.config import Settings
from summariser.errors import InternalError, SummariserError
from summariser.model import deadline
from summariser.model.client import (
    asked,
    body_for,
    checked_completion,
    classified,
    endpoint_of,
    instructor_mode,
    openai_options,
    proxy_of,
    secrets_of,
    timeout_of,
)
from summariser.model.retry import RetryPolicy, retry_rules
from summariser.model.tape import RecordTransport, ReplayTransport, Tape, key_of


class _AsyncReadWhole(httpx.AsyncBaseTransport):
    """Reads each answer whole, under the size bound, at the bottom of the stack."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        body = bytearray()
        try:
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > deadline.MAX_ANSWER_BYTES:
                    raise deadline.too_large(request)
        finally:
            await response.aclose()
        return deadline.read_whole(response, bytes(body), request)

    async def aclose(self) -> None:
        await self.inner.aclose()


class _AsyncReplay(httpx.AsyncBaseTransport):
    """Answers only from the tape, as `tape.ReplayTransport` does: files, no network to await."""

    def __init__(self, tape: Tape) -> None:
        self.replay = ReplayTransport(tape)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self.replay.handle_request(request)


class _AsyncRecord(httpx.AsyncBaseTransport):
    """Answers what the tape holds; asks the server the rest and writes each exchange, as
    `tape.RecordTransport` does."""

    def __init__(self, tape: Tape, inner: httpx.AsyncBaseTransport, mode: str, served_by: str | None) -> None:
        self.record = RecordTransport(tape, _NoSyncNetwork(), mode=mode, served_by=served_by)
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = key_of(request)
        held = self.record.tape.answer(request, key)
        if held is not None:
            return held
        response = await self.inner.handle_async_request(request)
        content = await response.aread()
        if self.record.listing is None and response.status_code == 200:
            reply: httpx.Response | None = None
            try:
                reply = await self.inner.handle_async_request(self.record.listing_request(request))
                await reply.aread()
            except httpx.HTTPError:
                reply = None
            self.record.note_listing(request, reply)
        return self.record.keep(request, response, content, key)

    async def aclose(self) -> None:
        await self.inner.aclose()


class _NoSyncNetwork(httpx.BaseTransport):
    """The sync recorder's inner transport in an async stack: every request goes through `_AsyncRecord`."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raise InternalError("an async recording sent a request through the sync network")


class _AsyncCompletion(httpx.AsyncBaseTransport):
    """A 200 that is no chat completion is the provider's failure; usage is counted for the brief."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        content = await response.aread() if response.status_code == 200 else b""
        checked_completion(request, response, content)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


class _AsyncRetry(httpx.AsyncBaseTransport):
    """The retry policy of `retry.RetryTransport`, awaited: each attempt within its own total time,
    all of them within the policy's."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        attempt_seconds: float,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.inner = inner
        self.policy = policy or RetryPolicy()
        self.attempt_seconds = attempt_seconds
        self.total_seconds = max(self.policy.total_seconds, attempt_seconds)
        self.sleep = sleep

    async def _attempt(self, request: httpx.Request) -> httpx.Response:
        try:
            async with asyncio.timeout(self.attempt_seconds):
                return await self.inner.handle_async_request(request)
        except TimeoutError:
            raise httpx.ReadTimeout("the request ran past its deadline", request=request) from None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()  # so the body can be sent again
        retrying = AsyncRetrying(
            sleep=self.sleep, **retry_rules(self.policy, self.total_seconds, random.random)
        )
        try:
            async with asyncio.timeout(self.total_seconds):
                answered: httpx.Response = await retrying(self._attempt, request)
                return answered
        except TimeoutError:
            raise httpx.ReadTimeout("the request ran past its deadline", request=request) from None

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass
class AsyncModelClient:
    """One instructor client on `openai.AsyncOpenAI` for every brief of an `AsyncSummariser`."""

    create: Callable[..., Awaitable[Any]]
    endpoint: str
    http: httpx.AsyncClient
    secrets: tuple[str, ...] = field(default=())

    async def ask(
        self, response_model: type, messages: list[dict[str, str]], model: str, max_tokens: int
    ) -> Any:
        """As `ModelClient.ask`, awaited: `ModelFault` to re-ask, `ProviderError`, `InternalError`."""
        try:
            return await self.create(**asked(response_model, messages, model, max_tokens))
        except SummariserError:
            raise
        except Exception as error:
            raise classified(error, self.endpoint, self.secrets) from error

    async def close(self) -> None:
        await self.http.aclose()


def connect_async(
    settings: Settings,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    policy: RetryPolicy | None = None,
) -> AsyncModelClient:
    """The async twin of `client.connect`: the same layers, the same requests, awaited."""
    import instructor
    import openai
    from openai.types.chat import ChatCompletion

    bottom: httpx.AsyncBaseTransport
    if settings.replay is not None:
        bottom = _AsyncReplay(Tape(settings.replay))
    else:
        bottom = _AsyncReadWhole(httpx.AsyncHTTPTransport(proxy=proxy_of(settings)))
        if settings.record is not None:
            bottom = _AsyncRecord(Tape(settings.record), bottom, str(settings.mode), settings.served_by)
    http = httpx.AsyncClient(
        transport=_AsyncRetry(_AsyncCompletion(bottom), settings.request_timeout, policy, sleep),
        timeout=timeout_of(settings),
    )
    raw = openai.AsyncOpenAI(
        http_client=http,  # type: ignore[arg-type]  # openai 3 is typed on httpx2 and takes httpx's client
        **openai_options(settings),
    )
    # openai probes the platform for its headers in a worker thread on a client's first request, and
    # every request sent before that probe ends probes again: done once here, it takes no thread
    if getattr(raw, "_platform", "") is None:
        from openai._base_client import get_platform

        raw._platform = get_platform()
    sent = body_for(settings)

    async def create(**body: Any) -> ChatCompletion:
        answered: ChatCompletion = await raw.post(
            "/chat/completions", body=sent(body), cast_to=ChatCompletion
        )
        return answered

    patched = instructor.patch(create=create, mode=instructor_mode(settings))
    return AsyncModelClient(
        create=patched, endpoint=endpoint_of(settings), http=http, secrets=secrets_of(settings)
    )
