"""`summariser.AsyncSummariser`: briefs awaited all the way down, over HTTP to the scripted server on
127.0.0.1 (or from the recordings): no thread per brief, many at once, a cancel that stops its
request, and the same errors, recordings and retries as the sync client."""

import asyncio
import threading

import pytest

from summariser import AsyncSummariser, ProviderError, Summariser, ValidationFailed, asummarise
from tests.conftest import ROOT, SEED, Reply, completion, handwritten

FIXTURES = ROOT / "fixtures"
KEY = "sk-live-never-shown-0123456789abcdef"
SEED_TEXT = SEED.read_text(encoding="utf-8")


def scripted(server, **more):
    return AsyncSummariser(
        base_url=server.url, api_key=KEY, model="m", mode="json_schema", cache=False, **more
    )


def threads_of_ours() -> list[str]:
    """Threads a brief could have taken: a pool's, or asyncio's default executor's."""
    return [t.name for t in threading.enumerate() if t.name.startswith(("asyncio_", "ThreadPoolExecutor"))]


def test_eight_briefs_at_once_run_together_with_no_thread_of_their_own(model_server):
    seen_threads: list[list[str]] = []
    together = threading.Barrier(8, timeout=30)  # the server answers once all eight requests are in

    def answer(body: dict) -> dict:
        seen_threads.append(threads_of_ours())
        return completion(handwritten("kreminna-faithful"))

    server = model_server(Reply(together=together, answer=answer))

    async def run() -> list:
        async with scripted(server, concurrency=8) as client:
            return await asyncio.gather(*(client.brief(text=SEED_TEXT) for _ in range(8)))

    briefs = asyncio.run(run())

    assert len(briefs) == 8 and all(b.quotes for b in briefs)
    assert server.most_in_flight == 8, "all eight were waiting on the model at once"
    assert len(seen_threads) == 16  # eight extractions and eight headlines, each answered together
    assert all(names == [] for names in seen_threads), "no thread, let alone one per brief"


def in_flight(server, count: int) -> bool:
    """Wait (in the test's own thread) until the server holds `count` requests."""
    with server.arrived:
        return server.arrived.wait_for(lambda: server.in_flight == count, timeout=30)


def test_a_cancelled_brief_stops_its_request_at_once(model_server):
    gate = threading.Event()
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful")), gate=gate))

    async def run() -> BaseException | None:
        async with scripted(server) as client:
            task = asyncio.ensure_future(client.brief(text=SEED_TEXT))
            arrived = await asyncio.to_thread(in_flight, server, 1)
            assert arrived
            task.cancel()
            try:
                await task
            except asyncio.CancelledError as cancelled:
                return cancelled
            return None

    stopped = asyncio.run(run())

    assert isinstance(stopped, asyncio.CancelledError)
    assert not gate.is_set(), "the brief ended while the server still held its answer"
    assert len(server.requests) == 1
    gate.set()


def test_an_exhausted_rate_limit_is_a_provider_error_with_its_status_and_wait(model_server):
    limited = Reply(
        status=429,
        body={"error": {"message": "slow down"}},
        headers={"retry-after": "0", "x-request-id": "req_async1"},
    )
    server = model_server(limited)

    async def run() -> None:
        async with scripted(server) as client:
            await client.brief(path=SEED)

    with pytest.raises(ProviderError) as caught:
        asyncio.run(run())

    assert (caught.value.status_code, caught.value.retry_after, caught.value.request_id) == (
        429,
        0.0,
        "req_async1",
    )
    assert len(server.requests) == 4


def test_an_answer_never_valid_is_kept_on_the_error_with_the_key_masked(model_server):
    server = model_server(Reply(body=completion(f"no brief today, {KEY}")))

    async def run() -> None:
        async with scripted(server) as client:
            await client.brief(path=SEED)

    with pytest.raises(ValidationFailed) as caught:
        asyncio.run(run())

    last = caught.value.last_answer
    assert last is not None and last.startswith("no brief today") and KEY not in last


def test_the_recordings_answer_the_async_client_as_they_answer_the_sync_one():
    async def run():
        async with AsyncSummariser(replay=FIXTURES) as client:
            return await client.brief(path=SEED), await asummarise(SEED, replay=FIXTURES)

    awaited, wrapped = asyncio.run(run())
    with Summariser(replay=FIXTURES) as client:
        synced = client.brief(path=SEED)

    for brief in (awaited, wrapped):
        assert brief.model_dump(exclude={"meta"}) == synced.model_dump(exclude={"meta"})


def test_many_async_briefs_come_in_the_order_given_when_asked(tmp_path):
    sources = [SEED, tmp_path / "gone.txt", ROOT / "seeds" / "valdora-floods.txt"]

    async def run():
        async with AsyncSummariser(replay=FIXTURES) as client:
            return [pair async for pair in client.brief_many(sources, ordered=True)]

    results = asyncio.run(run())

    assert [source for source, _ in results] == sources
    assert type(results[1][1]).__name__ == "InputError"


def test_an_async_recording_replays_to_the_same_brief_with_the_sync_client(model_server, tmp_path):
    server = model_server(
        Reply(body=completion(handwritten("kreminna-faithful")), headers={"server": "scripted"})
    )

    async def record():
        async with scripted(server, record=tmp_path / "tape") as client:
            return await client.brief(path=SEED)

    recorded = asyncio.run(record())
    with Summariser(replay=tmp_path / "tape") as client:
        replayed = client.brief(path=SEED)

    assert len(list((tmp_path / "tape").glob("*.json"))) == 2  # the extraction and the headline
    assert replayed.model_dump(exclude={"meta"}) == recorded.model_dump(exclude={"meta"})


def test_a_long_articles_chunks_are_asked_at_once_and_merge_as_in_the_sync_client(model_server):
    long_article = "\n\n".join([SEED_TEXT] * 12)
    together = threading.Barrier(2, timeout=30)  # the two chunks' requests are answered only together
    faithful = completion(handwritten("kreminna-faithful"))
    chunks = [Reply(body=faithful, together=together) for _ in range(2)]
    chunked = model_server(*chunks, Reply(body=faithful))  # then the headline, alone

    async def run():
        async with scripted(chunked) as client:
            return await client.brief(text=long_article)

    awaited = asyncio.run(run())
    at_once = chunked.most_in_flight
    one_by_one = model_server(Reply(body=completion(handwritten("kreminna-faithful"))))
    with Summariser(
        base_url=one_by_one.url, api_key=KEY, model="m", mode="json_schema", cache=False
    ) as client:
        synced = client.brief(text=long_article)

    assert at_once == 2
    assert awaited.model_dump(exclude={"meta"}) == synced.model_dump(exclude={"meta"})
    assert awaited.meta.attempts == synced.meta.attempts == 3  # two chunks and the headline


def test_a_provider_failure_in_one_chunk_ends_the_async_brief_with_that_error(model_server):
    server = model_server(Reply(status=401, body={"error": {"message": "bad key"}}))

    async def run():
        async with scripted(server) as client:
            await client.brief(text="\n\n".join([SEED_TEXT] * 12))

    with pytest.raises(ProviderError, match="401 from") as caught:
        asyncio.run(run())

    assert caught.value.status_code == 401
