"""The transport retry policy, against a fault-injecting server on 127.0.0.1; waits are recorded,
never slept."""

import json
import socket
import time

import pytest

from summariser import ProviderError
from summariser.config import Settings
from summariser.input.sources import Article
from summariser.model.client import connect
from summariser.model.retry import RetryPolicy
from summariser.runs.pipeline import summarise_article
from tests.conftest import SEED, Reply, completion, handwritten


def brief_from(url: str, waits: list[float], policy: RetryPolicy | None = None, timeout: float = 30):
    settings = Settings.from_env(base_url=url, model="m", mode="json_schema", timeout=timeout)
    return summarise_article(
        Article("seed", SEED.read_text()),
        settings,
        connector=lambda s: connect(s, sleep=waits.append, policy=policy),
    )


def test_retry_after_ms_is_honoured_and_a_huge_retry_after_is_capped(model_server):
    server = model_server(
        Reply(status=429, body={}, headers={"retry-after-ms": "1500"}),
        Reply(status=503, body={}, headers={"retry-after": "86400"}),
        Reply(body=completion(handwritten("kreminna-faithful"))),
    )
    waits: list[float] = []

    brief_from(server.url, waits)

    assert waits == [1.5, RetryPolicy().max_wait]


@pytest.mark.parametrize("status", [400, 403, 404])
def test_refusals_for_good_are_sent_once(model_server, status):
    server = model_server(Reply(status=status, body={"error": {"message": "no"}}))
    waits: list[float] = []

    with pytest.raises(ProviderError, match=f"^{status} from "):
        brief_from(server.url, waits)

    assert len(server.requests) == 1 and waits == []


def test_a_server_failing_for_good_gets_bounded_attempts_with_growing_backoff(model_server):
    server = model_server(Reply(status=500, body={"error": {"message": "down"}}))
    waits: list[float] = []

    with pytest.raises(ProviderError, match=r"^500 from "):
        brief_from(server.url, waits)

    assert len(server.requests) == RetryPolicy().attempts
    assert len(waits) == RetryPolicy().attempts - 1
    for attempt, wait in enumerate(waits, start=1):  # exponential, with jitter of +-50%
        assert 0.5 * 2 ** (attempt - 1) <= wait < 1.5 * 2 ** (attempt - 1)


def test_a_hung_server_fails_within_the_timeout_budget(model_server):
    server = model_server(Reply(hang=True))
    waits: list[float] = []
    policy = RetryPolicy(attempts=2)

    started = time.monotonic()
    with pytest.raises(ProviderError, match="did not answer in time"):
        brief_from(server.url, waits, policy=policy, timeout=0.3)

    assert time.monotonic() - started < 0.3 * policy.attempts + 5
    assert len(server.requests) == policy.attempts


def test_connection_refused_is_retried_then_named():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/v1"
    waits: list[float] = []

    with pytest.raises(ProviderError, match=f"cannot reach {url}"):
        brief_from(url, waits)

    assert len(waits) == RetryPolicy().attempts - 1


@pytest.mark.parametrize("timeout", [0.4, 1.0])
def test_a_model_that_trickles_bytes_fails_within_the_timeout_per_attempt(model_server, timeout):
    # a byte every 0.05 s: no single read ever waits long, so a per-read timeout never fires
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful")), trickle=0.05))
    waits: list[float] = []
    policy = RetryPolicy(attempts=2)

    started = time.monotonic()
    with pytest.raises(ProviderError, match="did not answer in time"):
        brief_from(server.url, waits, policy=policy, timeout=timeout)

    assert time.monotonic() - started < timeout * policy.attempts + 1.0
    assert len(server.requests) == policy.attempts


def test_a_request_with_its_retries_keeps_to_the_policys_total(model_server):
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful")), trickle=0.05))
    waits: list[float] = []
    policy = RetryPolicy(attempts=10, total_seconds=1.0)

    started = time.monotonic()
    with pytest.raises(ProviderError, match="did not answer in time"):
        brief_from(server.url, waits, policy=policy, timeout=0.6)

    assert time.monotonic() - started < policy.total_seconds + 1.0
    assert len(server.requests) <= 3


def test_a_replayed_429_is_answered_at_once_without_waiting(tmp_path, model_server):
    from summariser import summarise

    server = model_server(Reply(body=completion(handwritten("kreminna-faithful"))))
    summarise(str(SEED), base_url=server.url, model="m", mode="json_schema", record=tmp_path)
    # the extraction's exchange (the headline's is the other), made to say what a rate-limited
    # provider says: an edit of a test's own recording
    entry_path = next(p for p in tmp_path.glob("*.json") if "<article" in p.read_text())
    entry = json.loads(entry_path.read_text())
    entry["response"] = {
        "status": 429,
        "headers": {"retry-after": "30"},
        "body": {"error": {"message": "slow"}},
    }
    entry_path.write_text(json.dumps(entry))

    started = time.monotonic()
    with pytest.raises(ProviderError, match="429"):
        summarise(str(SEED), replay=tmp_path)

    assert time.monotonic() - started < 5  # four attempts with 30 s asked between each: 90 s before


def test_recording_keeps_the_answer_not_the_fault_retried_before_it(model_server, tmp_path):
    from summariser import summarise

    server = model_server(
        Reply(status=503, body={"error": {"message": "busy"}}),
        Reply(body=completion(handwritten("kreminna-faithful"))),
    )
    waits: list[float] = []
    settings = Settings.from_env(base_url=server.url, model="m", mode="json_schema", record=tmp_path)
    summarise_article(
        Article("seed", SEED.read_text()), settings, connector=lambda s: connect(s, sleep=waits.append)
    )

    entries = [json.loads(p.read_text()) for p in tmp_path.glob("*.json")]
    assert [e["response"]["status"] for e in entries] == [200, 200]  # the extraction and the headline
    assert summarise(str(SEED), replay=tmp_path).verification.status == "verified"


def test_an_attempt_longer_than_the_policys_total_gets_its_whole_timeout(model_server):
    # a local model is given 900 s a request; the 120 s total must not cut it off at 120
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful")), delay=0.6))
    waits: list[float] = []
    policy = RetryPolicy(attempts=1, total_seconds=0.2)  # the model answers after it, within the timeout

    brief = brief_from(server.url, waits, policy=policy, timeout=5)

    assert brief.verification.status == "verified"
    assert len(server.requests) == 2  # the extraction and the headline, each within its timeout


@pytest.mark.parametrize("asked", ["-5", "nan", "-inf"])
def test_a_retry_after_that_asks_nothing_usable_backs_off_as_for_any_fault(model_server, asked):
    server = model_server(
        Reply(status=429, body={}, headers={"retry-after": asked}),
        Reply(body=completion(handwritten("kreminna-faithful"))),
    )
    waits: list[float] = []

    brief_from(server.url, waits)

    assert len(waits) == 1 and 0.5 <= waits[0] < 1.5  # the first backoff, with its jitter
