"""The one transport retry policy: transient faults are retried here, below openai, and nowhere else.

openai's own retries are off and instructor re-asks only for invalid output, so the two layers never
multiply: a request the provider refuses for good (400, 401, 403, 404) is sent once; one it fails for
a while (429, 408, 409, 5xx, timeouts, dropped connections) is sent again after the wait the
provider asked for, or an exponential backoff with jitter, within a bound on attempts and total time.
"""

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    retry_if_result,
    stop_after_attempt,
    stop_after_delay,
)

from summariser.model import deadline

RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    total_seconds: float = 120.0
    initial_wait: float = 1.0
    max_wait: float = 30.0  # also the cap on a provider's Retry-After


def asked_wait(headers: Mapping[str, str]) -> float | None:
    """The wait a 429/503 asks for, from `retry-after-ms` or `Retry-After` (seconds), in an answer's
    headers."""
    for header, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(header)
        if value is None:
            continue
        try:
            asked = float(value) * scale
        except ValueError:
            continue  # an HTTP date: rare from model APIs; fall back to backoff
        if asked >= 0:  # NaN and negatives ask nothing usable; a huge wait is capped by the policy
            return asked
    return None


def _should_retry(response: httpx.Response) -> bool:
    return response.status_code in RETRY_STATUSES


class RetryTransport(httpx.BaseTransport):
    """Wraps another transport with the policy; `sleep` and `jitter` are injectable so tests never wait."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        attempt_seconds: float | None = None,
    ) -> None:
        self.inner = inner
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        self.jitter = jitter
        self.attempt_seconds = attempt_seconds or self.policy.total_seconds
        # one attempt may take its whole timeout: a local model given 900 s is not cut off at 120
        self.total_seconds = max(self.policy.total_seconds, self.attempt_seconds)

    def _attempt(self, request: httpx.Request) -> httpx.Response:
        """One try inside its own time limit (and the request's): the transport at the bottom reads
        each answer whole, so headers and body both keep to it."""
        with deadline.within(self.attempt_seconds):
            return self.inner.handle_request(request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """The request with its retries, all within the policy's total: no wait outlasts it."""
        request.read()  # so the body can be sent again
        with deadline.within(self.total_seconds):
            return self._retrying()(self._attempt, request)

    def _retrying(self) -> Retrying:
        return Retrying(sleep=self.sleep, **retry_rules(self.policy, self.total_seconds, self.jitter))

    def close(self) -> None:
        self.inner.close()


def retry_rules(policy: RetryPolicy, total_seconds: float, jitter: Callable[[], float]) -> dict[str, Any]:
    """What to retry, how long to wait and when to stop, for tenacity's `Retrying` and its async
    twin alike: the provider's asked wait (capped), else backoff with jitter, within the attempts
    and total time the policy allows; when they run out the last answer speaks."""

    def wait(state: RetryCallState) -> float:
        outcome = state.outcome
        if outcome is not None and not outcome.failed:
            asked = asked_wait(outcome.result().headers)
            if asked is not None:
                return _within_time_left(min(asked, policy.max_wait))
        backoff = policy.initial_wait * 2 ** (state.attempt_number - 1)
        return _within_time_left(min(policy.max_wait, backoff * (0.5 + jitter())))

    return {
        "stop": stop_after_attempt(policy.attempts) | stop_after_delay(total_seconds),
        "wait": wait,
        "retry": retry_if_exception_type(httpx.TransportError) | retry_if_result(_should_retry),
        "before_sleep": _close_failed_response,
        "retry_error_callback": _last_answer,
        "reraise": True,
    }


def _within_time_left(wait: float) -> float:
    remaining = deadline.left()
    return wait if remaining is None else min(wait, remaining)


def _close_failed_response(state: RetryCallState) -> None:
    outcome = state.outcome
    if outcome is not None and not outcome.failed:
        outcome.result().close()


def _last_answer(state: RetryCallState) -> httpx.Response:
    """When the attempts run out on a refusal, the last answer speaks (openai reads its status)."""
    assert state.outcome is not None  # called only once an attempt has ended
    answer: httpx.Response = state.outcome.result()
    return answer
