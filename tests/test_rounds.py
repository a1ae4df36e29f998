"""Briefs answered from rounds: a request without an answer parks its brief, naming its chunk."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from summariser.config import Settings
from summariser.errors import ProviderError
from summariser.input.sources import Article
from summariser.jobs.rounds import Answer, Ledger, Parked, RoundTransport, custom_id
from summariser.model.client import connect
from summariser.runs.pipeline import CHUNK_CONCURRENCY, Session, _every

SETTINGS = Settings(base_url="http://batch.invalid/v1", api_key="k", model="m", mode="tools", cache=False)


def session(ledger: Ledger, article: int = 0, **settings: object) -> Session:
    transport = RoundTransport(ledger)
    transport.article = article
    made = Settings(**{**SETTINGS.__dict__, **settings})
    return Session(made, connector=lambda s: connect(s, answered_by=transport))


def test_a_brief_with_no_answers_parks_every_chunks_first_request_under_its_chunk(seed_text):
    ledger = Ledger()
    long_article = "\n\n".join([seed_text] * 12)

    # a request for every chunk and the headline: within the brief's max_requests, every chunk asks
    with (
        pytest.raises(Parked),
        session(ledger, article=4, max_article_tokens=600, max_requests=40) as briefing,
    ):
        briefing.brief(Article("long", long_article))

    chunks = sorted(ledger.parked)
    assert len(chunks) > CHUNK_CONCURRENCY  # more chunks than run at once: none left for a later round
    assert chunks == [(4, n) for n in range(len(chunks))]
    assert all(request.body["model"] == "m" and request.body["tools"] for request in ledger.parked.values())


def test_a_request_its_round_failed_is_that_briefs_provider_error(seed_text):
    ledger = Ledger()
    with pytest.raises(Parked), session(ledger) as briefing:
        briefing.brief(Article("seed", seed_text))
    request = ledger.parked[(0, 0)]
    ledger.sent(custom_id(0, 0, 1), request.sha256)
    ledger.answered(custom_id(0, 0, 1), Answer(None, "a0-c0-r1 failed in batch batch_1 (500): overloaded"))
    ledger.parked.clear()

    with pytest.raises(ProviderError, match="a0-c0-r1 failed in batch batch_1"), session(ledger) as briefing:
        briefing.brief(Article("seed", seed_text))

    assert ledger.parked == {}


def test_a_request_sent_and_awaiting_its_round_is_not_parked_again(seed_text):
    ledger = Ledger()
    with pytest.raises(Parked), session(ledger) as briefing:
        briefing.brief(Article("seed", seed_text))
    ledger.sent(custom_id(0, 0, 1), ledger.parked.pop((0, 0)).sha256)

    with pytest.raises(Parked), session(ledger) as briefing:
        briefing.brief(Article("seed", seed_text))

    assert ledger.parked == {}


def test_a_chunk_waiting_for_its_round_lets_every_other_chunk_reach_its_first_request():
    reached: list[int] = []

    def chunk(number: int):
        reached.append(number)
        raise Parked()

    with ThreadPoolExecutor(max_workers=1) as pool:  # one at a time: the rest wait their turn
        futures = [pool.submit(chunk, number) for number in range(6)]
        with pytest.raises(Parked):
            _every(futures)

    assert reached == list(range(6))


def test_a_chunk_that_fails_stops_the_chunks_not_yet_started():
    reached: list[int] = []
    release = threading.Event()

    def failing() -> None:
        raise ProviderError("down")

    def chunk(number: int) -> None:
        reached.append(number)
        release.wait(timeout=10)

    with ThreadPoolExecutor(max_workers=1) as pool:  # one at a time: the rest wait their turn
        futures = [pool.submit(failing)] + [pool.submit(chunk, number) for number in range(1, 6)]
        with pytest.raises(ProviderError):
            _every(futures)
        release.set()

    assert reached in ([], [1])  # at most the one already started when the failure was heard
