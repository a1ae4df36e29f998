"""The model client: httpx (retry, meter, tape) under openai under instructor.

Every request, live or replayed, takes the same path through the real openai and instructor code;
only the bottom transport changes. openai and instructor are imported here, when a brief is actually
made, so `summarise --help` stays fast.
"""

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from summariser.brief import Usage
from summariser.config import Settings
from summariser.retry import RetryPolicy, RetryTransport
from summariser.tape import RecordTransport, ReplayTransport, Tape

REPLAY_BASE_URL = "http://replay.invalid/v1"


class _OurReasks(logging.Filter):
    """instructor logs "Max retries exceeded" at ERROR whenever one of its calls ends unvalidated,
    which with `max_retries=0` is every ordinary re-ask of ours, and "API call failed" for errors we
    report ourselves as one line. Left alone, Python prints both to stderr of every script."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        return not message.startswith(("Max retries exceeded", "API call failed on attempt"))


logging.getLogger("instructor.v2.retry").addFilter(_OurReasks())


@dataclass
class Meter:
    """Requests sent and tokens used, counted from the responses themselves."""

    requests: int = 0
    usage: Usage = field(default_factory=Usage)

    def add(self, other: "Meter") -> None:
        self.requests += other.requests
        self.usage.add(other.usage)

    def count(self, response: httpx.Response) -> None:
        self.requests += 1
        if response.status_code != 200:
            return
        try:
            reported = json.loads(response.read()).get("usage") or {}
        except (ValueError, AttributeError):
            return
        if isinstance(reported, dict):
            self.usage.add(reported)


class MeteredTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, meter: Meter) -> None:
        self.inner = inner
        self.meter = meter

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        self.meter.count(response)
        return response


@dataclass
class ModelClient:
    """An instructor client for one brief, with what it has spent so far."""

    create: Callable[..., Any]
    meter: Meter
    endpoint: str
    http: httpx.Client

    def close(self) -> None:
        self.http.close()


def endpoint_of(settings: Settings) -> str:
    if settings.replay is not None:
        return f"replay:{settings.replay}"
    return settings.base_url or "https://api.openai.com/v1"


def connect(
    settings: Settings,
    sleep: Callable[[float], None] | None = None,
    policy: RetryPolicy | None = None,
) -> ModelClient:
    import instructor
    import openai

    bottom: httpx.BaseTransport
    if settings.replay is not None:
        bottom = ReplayTransport(Tape(settings.replay))
    else:
        bottom = httpx.HTTPTransport()
        if settings.record is not None:
            bottom = RecordTransport(
                Tape(settings.record), bottom, mode=str(settings.mode), served_by=settings.served_by
            )
    meter = Meter()
    retry_options: dict[str, Any] = {"policy": policy}
    if sleep is not None:
        retry_options["sleep"] = sleep
    http = httpx.Client(
        transport=RetryTransport(MeteredTransport(bottom, meter), **retry_options),
        timeout=httpx.Timeout(settings.request_timeout, connect=min(settings.request_timeout, 10.0)),
    )
    raw = openai.OpenAI(
        base_url=REPLAY_BASE_URL if settings.replay is not None else settings.base_url,
        api_key=settings.api_key or "unused",  # local servers want no key; openai wants a string
        http_client=http,
        max_retries=0,
        timeout=settings.request_timeout,
    )
    modes = {
        "tools": instructor.Mode.TOOLS,
        "json_schema": instructor.Mode.JSON_SCHEMA,
        "json": instructor.Mode.JSON,
    }
    patched = instructor.from_openai(raw, mode=modes[str(settings.mode)])
    return ModelClient(
        create=patched.chat.completions.create,
        meter=meter,
        endpoint=endpoint_of(settings),
        http=http,
    )
