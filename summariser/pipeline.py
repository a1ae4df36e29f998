"""Article text in, grounded Brief out: prompt, call, validate, re-ask, drop.

The re-ask loop is ours rather than instructor's: instructor's appends every failed answer and its
errors to the conversation, so each re-ask grows; ours sends the first request plus one short note of
what did not hold. Each attempt is one instructor call validated against the source; when the
budget runs out, the best attempt is kept and what failed moves to `verification.dropped`.
"""

import functools
import hashlib
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from summariser import cache, chunking
from summariser.brief import Brief, Draft, Flag, Meta, SourceInfo, Verification
from summariser.cache import Cache
from summariser.client import Meter, ModelClient, connect, endpoint_of
from summariser.config import Settings
from summariser.detect import withhold
from summariser.errors import InputError, ProviderError, ValidationFailed
from summariser.grounding import CheckedDraft, Grounding, SourceText, ground
from summariser.prompts import PromptSet, load
from summariser.redact import redact
from summariser.tape import Tape

# A brief is ~1,000-1,500 tokens; the cap stops a model that loops from running for minutes.
MAX_OUTPUT_TOKENS = 3000
CHUNK_CONCURRENCY = 4


def resolve(settings: Settings) -> Settings:
    """Fill model and mode: from a replayed tape when it was made with one of each, else defaults."""
    if settings.replay is not None:
        return settings.with_defaults(*Tape(settings.replay).recorded_with())
    if settings.base_url is None and not settings.api_key:
        raise InputError(
            "no model configured: set OPENAI_API_KEY (or --base-url for a local server), "
            "or answer from recordings with --replay fixtures"
        )
    return settings.with_defaults(None, None)


def summarise_text(
    name: str,
    text: str,
    settings: Settings,
    connector: Callable[[Settings], ModelClient] = connect,
) -> Brief:
    settings = resolve(settings)
    prompts = load()
    source = SourceText(text)
    started = time.monotonic()
    # a tape already answers without cost, and a recording wants real exchanges
    store = Cache() if settings.cache and settings.replay is None and settings.record is None else None
    entry_key = _cache_key(settings, prompts, text)
    hit = store.get(entry_key) if store else None
    meter = Meter()
    if hit is not None:
        best = ground(Draft.model_validate(hit["draft"]), source)
    else:
        best = _from_model(text, source, settings, prompts, connector, meter)
        if store:
            store.put(entry_key, {"draft": best.draft.model_dump(mode="json")})
    if store:
        store.close()
    if settings.strict and best.dropped:
        raise ValidationFailed(
            f"--strict: {len(best.dropped)} item(s) did not hold after "
            f"{meter.requests} request(s); first: {best.problems()[0].lstrip('- ')}"
        )
    meta = Meta(
        model=str(settings.model),
        prompt_version=prompts.version,
        source=SourceInfo(name=name, sha256=hashlib.sha256(text.encode()).hexdigest(), chars=len(text)),
        usage=meter.usage,
        attempts=meter.requests,
        latency_ms=round((time.monotonic() - started) * 1000),
        cached=hit is not None,
    )
    return assemble(best, meta, source)


def _from_model(
    text: str,
    source: SourceText,
    settings: Settings,
    prompts: PromptSet,
    connector: Callable[[Settings], ModelClient],
    meter: Meter,
) -> Grounding:
    """One request (plus re-asks) for an article that fits the budget; past it, one per chunk, made
    concurrently, merged, and grounded against the whole article."""

    lock = threading.Lock()

    def brief_of(chunk: str, chunk_source: SourceText) -> Grounding:
        client = connector(settings)
        try:
            return _best(_attempts(client, settings, chunk, chunk_source, prompts))
        finally:
            client.close()
            with lock:
                meter.add(client.meter)

    if chunking.estimate_tokens(text) <= settings.max_article_tokens:
        return brief_of(text, source)
    spans = chunking.split(text, settings.max_article_tokens)
    with ThreadPoolExecutor(max_workers=min(len(spans), CHUNK_CONCURRENCY)) as pool:
        chunks = [text[start:end] for start, end in spans]
        parts = list(pool.map(lambda chunk: brief_of(chunk, SourceText(chunk)), chunks))
    return ground(chunking.merge([part.draft for part in parts]), source)


@functools.cache
def _draft_schema_hash() -> str:
    """The model-facing schema's fingerprint: fixed for a run, so made once, not once per brief."""
    return hashlib.sha256(json.dumps(Draft.model_json_schema(), sort_keys=True).encode()).hexdigest()


def _cache_key(settings: Settings, prompts: PromptSet, text: str) -> str:
    return cache.key(
        endpoint=endpoint_of(settings),
        model=str(settings.model),
        mode=str(settings.mode),
        prompt_version=prompts.version,
        schema=_draft_schema_hash(),
        max_requests=str(settings.max_requests),
        omission_reask=str(settings.omission_reask),
        max_article_tokens=str(settings.max_article_tokens),
        article=text,
    )


def _best(groundings: list[Grounding]) -> Grounding:
    """The attempt that kept the most, then dropped the least, then came last (it had the feedback)."""
    return max(reversed(groundings), key=lambda g: (g.kept(), -len(g.dropped)))


def _attempts(
    client: ModelClient, settings: Settings, text: str, source: SourceText, prompts: PromptSet
) -> list[Grounding]:
    from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException

    context: dict[str, object] = {"source": source, "groundings": []}
    groundings: list[Grounding] = context["groundings"]  # type: ignore[assignment]
    article = withhold(text, source.findings.injections)  # planted instructions never reach the model
    messages = prompts.messages(article)
    omissions_asked = not settings.omission_reask
    last_error = ""
    for _ in range(settings.max_requests):
        seen = len(groundings)
        problems: list[str] = []
        try:
            client.create(
                response_model=CheckedDraft,
                messages=messages,
                model=settings.model,
                context=context,
                max_retries=0,
                strict=False,
                temperature=0,
                max_tokens=MAX_OUTPUT_TOKENS,
            )
        except IncompleteOutputException:
            last_error = "the answer was cut off at the model's output limit"
            problems = ["- your answer was cut off: keep every field shorter"]
        except InstructorRetryException as error:
            cause = error.__cause__
            _raise_provider_error(cause, client.endpoint)
            last_error = _one_line(str(cause))
            fresh = groundings[seen:]
            problems = (
                fresh[-1].problems() if fresh else [f"- the answer did not fit the schema: {last_error}"]
            )
        attempt = groundings[seen:]
        # once per brief, inside the same budget: what the detectors found and this answer lacks
        missed = attempt[-1].missed if attempt and not omissions_asked else []
        if not problems and not missed:
            return groundings
        omissions_asked = omissions_asked or bool(missed)
        messages = prompts.reask(article, problems, [f'- {m.field}: "{m.text}"' for m in missed])
    if groundings:
        return groundings
    raise ValidationFailed(
        f"the model's output was still invalid after {client.meter.requests} request(s): {last_error}"
    )


def _raise_provider_error(cause: BaseException | None, endpoint: str) -> None:
    """Turn a transport or API failure into one line naming the endpoint and the cause."""
    import openai

    for link in _chain(cause):
        if isinstance(link, ProviderError):
            raise link
    if isinstance(cause, openai.APIStatusError):
        status = cause.status_code
        hint = {
            401: "check OPENAI_API_KEY",
            403: "the key may not have access to this model",
            404: "check the model name and --base-url",
            429: "rate limited; try again later",
        }.get(status, redact(_one_line(cause.message)))
        raise ProviderError(f"{status} from {endpoint}: {hint}") from None
    if isinstance(cause, openai.APITimeoutError):
        raise ProviderError(f"{endpoint} did not answer in time (see --timeout)") from None
    if isinstance(cause, openai.APIConnectionError):
        reason = redact(_one_line(str(cause.__cause__ or cause)))
        raise ProviderError(f"cannot reach {endpoint}: {reason}") from None


def _chain(error: BaseException | None):
    while error is not None:
        yield error
        error = error.__cause__ or error.__context__


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def assemble(grounding: Grounding, meta: Meta, source: SourceText) -> Brief:
    draft = grounding.draft
    flags = [Flag(kind="injection", text=f.text, span=f.span) for f in source.findings.injections]
    flags += grounding.issues
    return Brief(
        headline=draft.headline,
        summary=draft.summary,
        key_developments=grounding.key_developments,
        actors=grounding.actors,
        quotes=grounding.quotes,
        casualty_claims=grounding.casualty_claims,
        international_responses=grounding.international_responses,
        verification=Verification(
            status="partial" if grounding.dropped or grounding.issues else "verified",
            dropped=grounding.dropped,
            missed=grounding.missed,
            flags=flags,
        ),
        meta=meta,
    )
