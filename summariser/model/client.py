"""The model client: httpx (retry, completion check, tape) under openai under instructor, and the one
place where a failed request is told apart: the model's fault, the provider's, or ours.

Every request, live or replayed, takes the same path through the real openai and instructor code;
only the bottom transport changes. openai and instructor are imported here, when a brief is actually
made, so `summarise --help` stays fast. One client serves a whole run (one connection pool), so the
tokens each brief spends are counted through a context variable its thread sets, not per client.
"""

import contextlib
import contextvars
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from summariser.brief import Usage
from summariser.config import Settings
from summariser.errors import InternalError, ProviderError, SummariserError
from summariser.model import deadline
from summariser.model.redact import redact
from summariser.model.retry import RetryPolicy, RetryTransport, asked_wait
from summariser.model.stopping import Stop
from summariser.model.strict import enforces_schema, strict_request
from summariser.model.tape import RecordTransport, ReplayTransport, Tape

REPLAY_BASE_URL = "http://replay.invalid/v1"
OPENAI_URL = "https://api.openai.com/v1"


class _OurReasks(logging.Filter):
    """instructor logs "Max retries exceeded" at ERROR whenever one of its calls ends unvalidated,
    which with `max_retries=0` is every ordinary re-ask of ours, and "API call failed" for errors we
    report ourselves as one line. Left alone, Python prints both to stderr of every script."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        return not message.startswith(("Max retries exceeded", "API call failed on attempt"))


logging.getLogger("instructor.v2.retry").addFilter(_OurReasks())


class ModelFault(Exception):
    """The model answered, but with nothing that parses as a draft: the re-ask loop's business.

    Never leaves the pipeline; `note` is what the model is told in the re-ask, `answer` what the
    model sent (secrets masked), for the error that ends a brief no answer of which held."""

    def __init__(self, message: str, note: str, answer: str | None = None) -> None:
        super().__init__(message)
        self.note = note
        self.answer = answer


@dataclass
class Meter:
    """Requests sent and tokens used, counted from the responses themselves."""

    requests: int = 0
    usage: Usage = field(default_factory=Usage)

    def add(self, other: "Meter") -> None:
        self.requests += other.requests
        self.usage.add(other.usage)


_meter: contextvars.ContextVar[Meter | None] = contextvars.ContextVar("summariser_meter", default=None)


@contextlib.contextmanager
def metering(meter: Meter) -> Iterator[Meter]:
    """Count every request this thread sends, retries included, into `meter`."""
    token = _meter.set(meter)
    try:
        yield meter
    finally:
        _meter.reset(token)


def _not_a_completion(response: httpx.Response, content: bytes) -> tuple[str, dict[str, Any] | None]:
    """What came back, in words, when it is no chat completion (else ""), and the parsed body."""
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "text/event-stream" or content.lstrip().startswith(b"data:"):
        return "an event stream, to a request that asked for none", None
    if kind == "text/html" or content.lstrip()[:15].lower().startswith((b"<!doctype", b"<html")):
        return "an HTML page", None
    try:
        body = json.loads(content)
    except ValueError:
        return f"a body that is not JSON ({kind or 'no content type'}, {len(content)} bytes)", None
    if not is_completion(body):
        return NO_COMPLETION, None
    return "", body


NO_COMPLETION = "JSON that is no chat completion (no choice with a message)"


def is_completion(body: Any) -> bool:
    """Whether a parsed body has what instructor reads a draft from: a choice with a message."""
    choices = body.get("choices") if isinstance(body, dict) else None
    return (
        isinstance(choices, list)
        and bool(choices)
        and all(isinstance(c, dict) and isinstance(c.get("message"), dict) for c in choices)
    )


class CompletionTransport(httpx.BaseTransport):
    """Reads each answer once: counts it for the brief that sent it, and refuses a 200 that is no
    completion (a captive portal's page, an event stream, a proxy's error text) as the provider's
    failure, so it is never re-asked and paid for again as if the model had written it. Once the
    client is stopped, no attempt starts."""

    def __init__(self, inner: httpx.BaseTransport, stop: Stop) -> None:
        self.inner = inner
        self.stop = stop

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.stop.check()  # no attempt, first or retry, starts once the run is interrupted
        response = self.inner.handle_request(request)
        checked_completion(request, response, response.read() if response.status_code == 200 else b"")
        return response

    def close(self) -> None:
        self.inner.close()


def checked_completion(request: httpx.Request, response: httpx.Response, content: bytes) -> None:
    """Count an answer for the brief that sent it (`metering`), and refuse a 200 that is no chat
    completion as the provider's failure."""
    meter = _meter.get()
    if meter is not None:
        meter.requests += 1
    if response.status_code != 200:
        return
    problem, body = _not_a_completion(response, content)
    if problem:
        raise ProviderError(
            f"{_origin(request.url)} answered 200 with {problem}, not a chat completion", status_code=200
        )
    reported = body.get("usage") if body else None
    if meter is not None and isinstance(reported, dict):
        meter.usage.add(reported)


def _origin(url: httpx.URL) -> str:
    return redact(str(url.copy_with(query=None, fragment=None)))


@dataclass
class ModelClient:
    """One instructor client for a run: every brief and chunk shares its connection pool."""

    create: Callable[..., Any]
    endpoint: str
    http: httpx.Client
    secrets: tuple[str, ...] = ()  # masked in every message this client raises
    stop: Stop = field(default_factory=Stop)

    def ask(self, response_model: type, messages: list[dict[str, str]], model: str, max_tokens: int) -> Any:
        """One request, parsed into `response_model`. Raises `ModelFault` when the model's answer
        does not parse (re-ask it), `ProviderError` when the endpoint failed, `InternalError` for
        anything else: that is a bug of ours and no further request should be made for it; and
        `Stopped`, whatever else went wrong, once the client was interrupted."""
        try:
            return self.create(**asked(response_model, messages, model, max_tokens))
        except Exception as error:
            self.stop.check()  # an answer cut off by the interruption is the interruption
            if isinstance(error, SummariserError):
                raise
            raise classified(error, self.endpoint, self.secrets) from error

    def interrupt(self) -> None:
        """No request starts again, and those in flight end now (their threads get `Stopped`)."""
        self.stop.stop()

    def close(self) -> None:
        self.http.close()


def asked(
    response_model: type, messages: list[dict[str, str]], model: str, max_tokens: int
) -> dict[str, Any]:
    """instructor's arguments for one request: parsed into `response_model`, never re-asked by
    instructor (the pipeline re-asks, with a note), at temperature 0."""
    return {
        "response_model": response_model,
        "messages": messages,
        "model": model,
        "max_retries": 0,
        "strict": False,
        "temperature": 0,
        "max_tokens": max_tokens,
    }


def classified(error: Exception, endpoint: str, secrets: tuple[str, ...]) -> Exception:
    """What a failed call to instructor was: the model's fault (`ModelFault`, to re-ask), the
    provider's (`ProviderError`, raised from here), or ours (`InternalError`). Sync and async
    clients alike raise what this returns."""
    from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException

    if isinstance(error, IncompleteOutputException):
        return ModelFault(
            "the answer was cut off at the model's output limit",
            "- your answer was cut off: keep every field shorter",
            _answer_of(error.last_completion, secrets),
        )
    if isinstance(error, InstructorRetryException):
        cause = error.__cause__
        _raise_provider_error(cause, endpoint, secrets)
        if _is_model_fault(cause):
            line = redact(_one_line(str(cause)), secrets)
            answer = _answer_of(error.last_completion, secrets)
            return ModelFault(line, f"- the answer did not fit the schema: {line}", answer)
        return InternalError.wrapping(cause or error)
    return InternalError.wrapping(error)


def _answer_of(completion: Any, secrets: tuple[str, ...]) -> str | None:
    """What a completion said, as the model sent it (its message, or its function call's
    arguments), every secret of the run masked."""
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return None
    calls = getattr(message, "tool_calls", None) or []
    said = calls[0].function.arguments if calls else message.content
    return None if said is None else redact(str(said), secrets)


def _is_model_fault(cause: BaseException | None) -> bool:
    """What the contract re-asks: output that does not parse or does not fit the schema."""
    import pydantic
    from instructor.core.exceptions import ResponseParsingError
    from instructor.core.exceptions import ValidationError as InstructorValidationError

    faults = (pydantic.ValidationError, json.JSONDecodeError, ResponseParsingError, InstructorValidationError)
    return isinstance(cause, faults)


def _raise_provider_error(cause: BaseException | None, endpoint: str, secrets: tuple[str, ...] = ()) -> None:
    """Turn a transport or API failure into one line naming the endpoint and the cause; the original
    stays as `__cause__`, for -v."""
    import openai

    for link in _chain(cause):
        if isinstance(link, SummariserError):  # ours, raised under openai by a transport (a tape)
            raise link
    if isinstance(cause, openai.APIStatusError):
        status = cause.status_code
        hint = {
            401: "check OPENAI_API_KEY",
            403: "the key may not have access to this model",
            404: "check the model name and --base-url",
            429: "rate limited; try again later",
        }.get(status, redact(_one_line(cause.message), secrets))
        raise ProviderError(
            f"{status} from {endpoint}: {hint}",
            status_code=status,
            retry_after=asked_wait(cause.response.headers),
            request_id=cause.request_id,
        ) from cause
    if isinstance(cause, openai.APITimeoutError):
        raise ProviderError(f"{endpoint} did not answer in time (see --timeout)") from cause
    if isinstance(cause, openai.APIConnectionError):
        reason = redact(_one_line(str(cause.__cause__ or cause)), secrets)
        raise ProviderError(f"cannot reach {endpoint}: {reason}") from cause


def _chain(error: BaseException | None) -> Iterator[BaseException]:
    while error is not None:
        yield error
        error = error.__cause__ or error.__context__


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def endpoint_of(settings: Settings) -> str:
    """The endpoint as a message may name it: never its query or user info, where keys ride."""
    if settings.replay is not None:
        return f"replay:{settings.replay}"
    url = httpx.URL(settings.base_url or OPENAI_URL)
    return redact(str(url.copy_with(query=None, fragment=None, userinfo=b"")), secrets_of(settings))


def secrets_of(settings: Settings) -> tuple[str, ...]:
    """Every secret a run knows: its key, and what its base URL carries in its query and user info."""
    found = [settings.api_key or ""]
    if settings.base_url:
        url = httpx.URL(settings.base_url)
        found += [value for _, value in url.params.multi_items()]
        found += [url.username, url.password]
    return tuple(s for s in found if s)


def proxy_of(settings: Settings) -> str | None:
    """The proxy the environment names for the endpoint; a local model server we started ourselves
    is never reached through one."""
    return None if settings.local_model else deadline.proxy_for(settings.base_url or OPENAI_URL)


def timeout_of(settings: Settings) -> httpx.Timeout:
    return httpx.Timeout(settings.request_timeout, connect=min(settings.request_timeout, 10.0))


def openai_options(settings: Settings) -> dict[str, Any]:
    """openai's client options for the run (its own retries off: ours are below it)."""
    return {
        "base_url": REPLAY_BASE_URL if settings.replay is not None else settings.base_url,
        "api_key": settings.api_key or "unused",  # local servers want no key; openai wants a string
        "max_retries": 0,
        "timeout": settings.request_timeout,
    }


def body_for(settings: Settings) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """What a request's body becomes before it is sent: OpenAI's own API is asked to hold the
    answer to the schema; every other server gets it as it is."""
    if enforces_schema(settings.base_url, replaying=settings.replay is not None):
        return strict_request
    return lambda body: body


def instructor_mode(settings: Settings) -> Any:
    """instructor's mode for the run's `--mode`."""
    import instructor

    modes = {
        "tools": instructor.Mode.TOOLS,
        "json_schema": instructor.Mode.JSON_SCHEMA,
        "json": instructor.Mode.JSON,
    }
    return modes[str(settings.mode)]


def _no_wait(seconds: float) -> None:
    pass


def connect(
    settings: Settings,
    sleep: Callable[[float], None] | None = None,
    policy: RetryPolicy | None = None,
    answered_by: httpx.BaseTransport | None = None,
) -> ModelClient:
    """The run's client. `answered_by` replaces the network at the bottom (a batch run's rounds
    answer there); everything above it, retries, checks, openai and instructor, is the same."""
    import instructor
    import openai
    from openai.types.chat import ChatCompletion

    stop = Stop()
    bottom: httpx.BaseTransport
    retry_options: dict[str, Any] = {
        "policy": policy,
        "attempt_seconds": settings.request_timeout,
        "sleep": stop.wait,
    }
    if answered_by is not None:
        bottom = answered_by
    elif settings.replay is not None:
        bottom = ReplayTransport(Tape(settings.replay))
        retry_options["sleep"] = _no_wait  # a recorded 429 is answered at once: nothing to wait for
    else:
        bottom = deadline.transport(proxy_of(settings), stop)
        if settings.record is not None:
            bottom = RecordTransport(
                Tape(settings.record), bottom, mode=str(settings.mode), served_by=settings.served_by
            )
    if sleep is not None:
        retry_options["sleep"] = sleep
    http = httpx.Client(
        transport=RetryTransport(CompletionTransport(bottom, stop), **retry_options),
        timeout=timeout_of(settings),
    )
    raw = openai.OpenAI(
        http_client=http,  # type: ignore[arg-type]  # openai 3 is typed on httpx2 and takes httpx's client
        **openai_options(settings),
    )
    sent = body_for(settings)

    def create(**body: Any) -> ChatCompletion:
        """openai's chat completion call without `raw.chat`, whose first touch loads every resource
        module of the SDK (~0.3 s of each run); the request still goes through openai's client, so
        its error types and response parsing are the same. OpenAI's own API is asked to hold the
        answer to the schema."""
        return raw.post("/chat/completions", body=sent(body), cast_to=ChatCompletion)

    patched = instructor.patch(create=create, mode=instructor_mode(settings))
    return ModelClient(
        create=patched, endpoint=endpoint_of(settings), http=http, secrets=secrets_of(settings), stop=stop
    )
