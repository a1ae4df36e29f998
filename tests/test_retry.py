"""The transport retry policy, against a fault-injecting server on 127.0.0.1; waits are recorded,
never slept."""

import socket
import time

import pytest

from summariser import ProviderError
from summariser.client import connect
from summariser.config import Settings
from summariser.pipeline import summarise_text
from summariser.retry import RetryPolicy
from tests.conftest import SEED, Reply, completion, handwritten


def brief_from(url: str, waits: list[float], policy: RetryPolicy | None = None, timeout: float = 30):
    settings = Settings.from_env(base_url=url, model="m", mode="json_schema", timeout=timeout)
    return summarise_text(
        "seed", SEED.read_text(), settings, connector=lambda s: connect(s, sleep=waits.append, policy=policy)
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
