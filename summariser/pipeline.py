"""Article text in, grounded Brief out: prompt, call, validate, re-ask, drop.

The re-ask loop is ours rather than instructor's: instructor's appends every failed answer and its
errors to the conversation, so each re-ask grows; ours sends the first request plus one short note of
what did not hold. instructor only parses each answer into a draft; grounding runs here, outside it,
so a bug in grounding is a bug (exit 1 at once), never "invalid output" re-asked and paid for. When
the budget runs out, the best attempt is kept and what failed moves to `verification.dropped`.
"""

import functools
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from pydantic import BaseModel

from summariser import cache, chunking
from summariser.brief import Brief, CheckedDraft, Draft, Flag, Meta, SourceInfo, Verification
from summariser.cache import Cache
from summariser.client import Meter, ModelClient, ModelFault, connect, endpoint_of, metering
from summariser.config import Settings
from summariser.detect import withhold
from summariser.errors import InputError, InternalError, SummariserError, ValidationFailed
from summariser.grounding import Grounding, SourceText, ground
from summariser.prompts import PromptSet, load
from summariser.sources import Article
from summariser.tape import Tape

log = logging.getLogger("summariser")

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
            "run `summarise models pull` for a local one, or answer from recordings with --replay fixtures"
        )
    return settings.with_defaults(None, None)


class Session:
    """What every brief of one run shares: settings resolved once, one model client (one connection
    pool, opened on the first request, so cache hits and replays of nothing import no openai), and
    one cap on model requests in flight across articles and chunks alike."""

    def __init__(
        self,
        settings: Settings,
        concurrency: int = CHUNK_CONCURRENCY,
        connector: Callable[[Settings], ModelClient] = connect,
    ) -> None:
        self.settings = resolve(settings)
        self.prompts = load()
        self._connector = connector
        self._client: ModelClient | None = None
        self._opening = threading.Lock()
        self._slots = threading.BoundedSemaphore(max(1, concurrency))

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def ask(self, messages: list[dict[str, str]]) -> CheckedDraft:
        """One model request, waiting for a free slot under the run's cap."""
        with self._opening:
            if self._client is None:
                self._client = self._connector(self.settings)
            client = self._client
        with self._slots:
            return client.ask(CheckedDraft, messages, str(self.settings.model), MAX_OUTPUT_TOKENS)

    def brief(self, article: Article) -> Brief:
        """A grounded brief of one article; a bug of ours surfaces as `InternalError` at once."""
        try:
            return self._brief(article)
        except SummariserError:
            raise
        except Exception as error:
            raise InternalError.wrapping(error) from error

    def _brief(self, article: Article) -> Brief:
        settings, prompts = self.settings, self.prompts
        name, text = article.name, article.text
        source = SourceText(text)
        started = time.monotonic()
        # a tape already answers without cost, and a recording wants real exchanges
        store = Cache() if settings.cache and settings.replay is None and settings.record is None else None
        entry_key = _cache_key(settings, prompts, text)
        hit = _cached_draft(store, entry_key) if store else None
        meter = Meter()
        if hit is not None:
            best = ground(hit, source)
        else:
            best = self._from_model(text, source, meter)
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
        return assemble(best, meta, source, article.hidden_instructions)

    def _from_model(self, text: str, source: SourceText, meter: Meter) -> Grounding:
        """One request (plus re-asks) for an article that fits the budget; past it, one per chunk,
        made concurrently, merged, and grounded against the whole article."""
        lock = threading.Lock()

        def brief_of(chunk: str, chunk_source: SourceText) -> Grounding:
            with metering(Meter()) as spent:
                try:
                    return _best(self._attempts(chunk, chunk_source))
                finally:
                    with lock:
                        meter.add(spent)

        if chunking.estimate_tokens(text) <= self.settings.max_article_tokens:
            return brief_of(text, source)
        spans = chunking.split(text, self.settings.max_article_tokens)
        with ThreadPoolExecutor(max_workers=min(len(spans), CHUNK_CONCURRENCY)) as pool:
            chunks = [text[start:end] for start, end in spans]
            parts = list(pool.map(lambda chunk: brief_of(chunk, SourceText(chunk)), chunks))
        return ground(chunking.merge([part.draft for part in parts]), source)

    def _attempts(self, text: str, source: SourceText) -> list[Grounding]:
        """The first request and at most `max_requests - 1` re-asks, each grounded here, in our loop:
        the model is re-asked only for its own faults (output that does not parse, items the article
        does not bear out, what it left out); a provider's failure or a bug of ours ends the brief."""
        settings, prompts = self.settings, self.prompts
        groundings: list[Grounding] = []
        # confident planted instructions never reach the model; doubtful ones reach it, flagged
        article = withhold(text, [f for f in source.findings.injections if f.kind == "injection"])
        messages = prompts.messages(article)
        omissions_asked = not settings.omission_reask
        last_error = ""
        for _ in range(settings.max_requests):
            try:
                draft = self.ask(messages)
            except ModelFault as fault:
                last_error = str(fault)
                problems, missed = [fault.note], []
            else:
                grounding = ground(draft, source)
                groundings.append(grounding)
                problems = grounding.problems()
                # once per brief, inside the same budget: what the detectors found and this answer lacks
                missed = grounding.missed if not omissions_asked else []
                if not problems and not missed:
                    return groundings
            omissions_asked = omissions_asked or bool(missed)
            messages = prompts.reask(article, problems, [f'- {m.field}: "{m.text}"' for m in missed])
        if groundings:
            return groundings
        raise ValidationFailed(
            f"the model's output was still invalid after {settings.max_requests} request(s): {last_error}"
        )


def summarise_article(
    article: Article, settings: Settings, connector: Callable[[Settings], ModelClient] = connect
) -> Brief:
    """One brief in a session of its own (for one-off callers; runs share a `Session`)."""
    with Session(settings, connector=connector) as session:
        return session.brief(article)


@functools.cache
def _draft_schema_hash() -> str:
    """The model-facing schema's fingerprint: fixed for a run, so made once, not once per brief."""
    return hashlib.sha256(json.dumps(CheckedDraft.model_json_schema(), sort_keys=True).encode()).hexdigest()


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


def _cached_draft(store: Cache, entry_key: str) -> Draft | None:
    """The cached draft, or None: a row that holds no draft (another version's, or written by
    something else) is skipped with a warning, and the model asked again."""
    value = store.get(entry_key)
    if value is None:
        return None
    try:
        return Draft.model_validate(value["draft"])
    except (KeyError, TypeError, ValueError, RecursionError) as error:
        log.warning("cache %s: an entry that is no draft, skipped (%s)", store.path, _first_line(error))
        return None


def _first_line(error: Exception) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0]


def _best(groundings: list[Grounding]) -> Grounding:
    """The attempt that kept the most, then dropped the least, then came last (it had the feedback)."""
    return max(reversed(groundings), key=lambda g: (g.kept(), -len(g.dropped)))


def assemble(
    grounding: Grounding, meta: Meta, source: SourceText, hidden_instructions: tuple[str, ...] = ()
) -> Brief:
    draft = grounding.draft
    flags = [Flag(kind=f.kind, text=f.text, span=f.span) for f in source.findings.injections]
    # hidden from the page's readers, so in no span of its text
    flags += [Flag(kind="injection", text=text, span=None) for text in hidden_instructions]
    flags += grounding.issues
    cuts: list[Flag] = []
    items = {
        field: [_clipped(item, FREE_TEXT[field], cuts, field) for item in getattr(grounding, field)]
        for field in FREE_TEXT
    }
    headline = _cut(" ".join(draft.headline.split()), HEADLINE_CHARS, "headline", cuts)
    summary = _cut(draft.summary, SUMMARY_CHARS, "summary", cuts)
    flags += cuts
    return Brief(
        headline=headline,
        summary=summary,
        **items,
        verification=Verification(
            status="partial" if grounding.dropped or flags else "verified",
            dropped=grounding.dropped,
            missed=grounding.missed,
            flags=flags,
        ),
        meta=meta,
    )


# What a reader is shown of the model's own words, at most: a headline is one line, a summary a
# paragraph, an item's wording a sentence or two. Verbatim text (quotes, evidence) is exempt.
HEADLINE_CHARS = 150
SUMMARY_CHARS = 1200
ITEM_CHARS = 400
FREE_TEXT = {
    "key_developments": ("text",),
    "actors": ("role", "affiliation"),
    "quotes": ("context",),
    "casualty_claims": ("who", "location", "qualifier"),
    "international_responses": ("description",),
}


def _cut(text: str, limit: int, name: str, cuts: list[Flag]) -> str:
    """Text within its limit; a cut is flagged, never re-asked: it costs neither the brief nor a request."""
    if len(text) <= limit:
        return text
    cuts.append(
        Flag(
            kind="truncated", text=f"the {name} ran to {len(text):,} characters, cut to {limit:,}", span=None
        )
    )
    return text[: limit - 1].rstrip() + "…"


Item = TypeVar("Item", bound=BaseModel)


def _clipped(item: Item, names: tuple[str, ...], cuts: list[Flag], field: str) -> Item:
    changes = {
        name: _cut(value, ITEM_CHARS, f"{field.replace('_', ' ')} {name}", cuts)
        for name in names
        if isinstance(value := getattr(item, name), str) and len(value) > ITEM_CHARS
    }
    return item.model_copy(update=changes) if changes else item
