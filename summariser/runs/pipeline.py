"""Article text in, grounded Brief out: prompt, call, validate, re-ask, drop.

The re-ask loop is ours rather than instructor's: instructor's appends every failed answer and its
errors to the conversation, so each re-ask grows; ours sends the first request plus one short note of
what did not hold. instructor only parses each answer into a draft; grounding runs here, outside it,
so a bug in grounding is a bug (exit 1 at once), never "invalid output" re-asked and paid for. When
the budget runs out, the best attempt is kept and what failed moves to `verification.dropped`.
"""

import asyncio
import contextlib
import functools
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from pydantic import BaseModel

from summariser.brief import (
    Brief,
    Flag,
    Meta,
    SourceInfo,
    Span,
)
from summariser.config import Settings
from summariser.errors import InputError, InternalError, SummariserError, ValidationFailed
from summariser.extract import facts, wording
from summariser.extract.anchors import Anchor, Anchors, overlaps
from summariser.extract.draft import (
    DevelopmentDraft,
    Draft,
    Writing,
    writing_for,
)
from summariser.extract.grounding import Grounding, ground
from summariser.extract.prompts import Facts, PromptSet, load, marker
from summariser.extract.text import SourceText
from summariser.input.sources import Article
from summariser.model import cache, parts
from summariser.model.asynchronous import AsyncModelClient, connect_async
from summariser.model.cache import Cache
from summariser.model.client import Meter, ModelClient, ModelFault, connect, endpoint_of, metering
from summariser.model.stopping import Stopped
from summariser.model.tape import Tape
from summariser.runs import chunking
from summariser.runs.assemble import assemble

log = logging.getLogger("summariser")

Answer = TypeVar("Answer", bound=BaseModel)
Result = TypeVar("Result")

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


@dataclass
class Ask:
    """A request a brief needs answered: its driver sends it, counting it into `meter`, and gives
    back the parsed answer, or throws in what went wrong."""

    messages: list[dict[str, str]]
    answer: type[BaseModel]
    part: int
    meter: Meter


@dataclass
class Together:
    """Parts of a brief asked at once (a long article's chunks): its driver runs every one and gives
    back their results in order."""

    parts: "list[Steps[Grounding]]"


# How a brief is made, written once for the sync and the async session: a generator that yields each
# request it needs (`Ask`, `Together`) and is sent the answer, so the same steps run in threads or on
# an event loop.
Steps = Generator[Ask | Together, Any, Result]


class Briefing:
    """How a brief is made, whoever sends its requests: the settings resolved once, the prompts, and
    the steps from article to brief."""

    def __init__(self, settings: Settings) -> None:
        self.settings = resolve(settings)
        self.prompts = load()

    def steps(self, article: Article) -> "Steps[Brief]":
        """A grounded brief of one article, as steps; a bug of ours surfaces as `InternalError`."""
        try:
            return (yield from self._brief(article))
        except SummariserError:
            raise
        except Exception as error:
            raise InternalError.wrapping(error) from error

    def _brief(self, article: Article) -> "Steps[Brief]":
        settings, prompts = self.settings, self.prompts
        name, text = article.name, article.text
        source = SourceText(text)
        started = time.monotonic()
        # a tape already answers without cost, and a recording wants real exchanges
        store = Cache() if settings.cache and settings.replay is None and settings.record is None else None
        entry_key = _cache_key(settings, prompts, text)
        hit = _cached_draft(store, entry_key) if store else None
        meter = Meter()
        try:
            if hit is not None:
                best = ground(hit, source)
            else:
                best = yield from self._from_model(source, meter)
                if store:
                    store.put(entry_key, {"draft": best.draft.model_dump(mode="json")})
        finally:
            if store:
                store.close()
        if settings.strict and best.dropped:
            first = best.dropped[0]
            raise ValidationFailed(
                f"--strict: {len(best.dropped)} item(s) did not hold after {meter.requests} request(s); "
                f"first: {first.label()[:80]!r}, {first.reason}",
                dropped=best.dropped,
                last_answer=best.draft.model_dump_json(),
            )
        meta = Meta(
            model=settings.model_name,
            prompt_version=prompts.version,
            source=SourceInfo(name=name, sha256=hashlib.sha256(text.encode()).hexdigest(), chars=len(text)),
            usage=meter.usage,
            attempts=meter.requests,
            latency_ms=round((time.monotonic() - started) * 1000),
            cached=hit is not None,
        )
        best.flags += _left_out(source, settings)
        return assemble(best, meta, source, article.hidden_instructions)

    def _from_model(self, source: SourceText, meter: Meter) -> "Steps[Grounding]":
        """The extraction: one request (plus re-asks) for an article that fits the budget; past it,
        one per chunk, each listing its own ids (global over the article), asked together and
        merged. Then one short request writes the headline and summary from what held. Every
        request, chunks', re-asks' and the headline's, counts against the brief's `max_requests`."""
        spans, budgets = _plan(source, self.settings)
        spent = [Meter() for _ in budgets]  # a chunk's own: chunks are asked at once, in threads or tasks

        def extract(n: int, asked: Anchors) -> "Steps[Grounding]":
            return _best((yield from self._attempts(source, asked, budgets[n], n, spent[n])))

        try:
            if len(spans) == 1:
                extracted = yield from extract(0, source.anchors)
            else:
                chunks = yield Together(
                    [extract(n, source.anchors.within(*spans[n])) for n in range(len(budgets))]
                )
                extracted = ground(chunking.merge_drafts([chunk.draft for chunk in chunks]), source)
        finally:
            for chunk_meter in spent:
                meter.add(chunk_meter)
        if self.settings.max_requests < 2:
            return extracted
        budget = self.settings.max_requests - meter.requests
        return (yield from self._headlined(source, extracted, budget, len(budgets), meter))

    def _headlined(
        self, source: SourceText, extracted: Grounding, budget: int, part: int, meter: Meter
    ) -> "Steps[Grounding]":
        """The brief with the model's own words: a few for each development, then the
        headline and summary, written from the checked sentences alone (with the article in view a
        small model pastes its opening as the summary), in the requests the extraction left. A reply
        that does not parse, or that denies the casualties the article reports, is asked again while
        any are left, then kept flagged. None that parses leaves no headline or summary, flagged,
        and the developments without words of the model's, never costing the brief."""
        lead = _lead(source)
        given = facts.facts(extracted, source.flagged)
        opening = lead.text if lead else ""
        code = marker(source.text)
        messages = self.prompts.headline(opening, given, code)
        answer = writing_for(list(given.developments))
        briefed: Grounding | None = None
        for _ in range(max(1, budget)):
            try:
                written = yield Ask(messages, answer, part, meter)
            except ModelFault as fault:
                messages = self.prompts.headline(opening, given, code, [fault.note])
                continue
            briefed = ground(_worded(extracted, given, written, source), source)
            if not briefed.issues:
                break
            messages = self.prompts.headline(
                opening, given, code, [f"- {issue.text}" for issue in briefed.issues]
            )
        if briefed is None:
            return ground(extracted.draft.model_copy(update={"headline": "", "summary": ""}), source)
        return _attributed(briefed, extracted, lead, source)

    def _attempts(
        self, source: SourceText, asked: Anchors, budget: int, part: int, meter: Meter
    ) -> "Steps[list[Grounding]]":
        """The first request and at most `budget - 1` re-asks, each grounded here, in our loop: the
        model is re-asked only for its own faults (output that does not parse, items the article
        does not bear out, what it left out); a provider's failure or a bug of ours ends the brief."""
        settings, prompts = self.settings, self.prompts
        groundings: list[Grounding] = []
        withheld = source.withheld
        offered = source.choices_for(asked)
        asked = asked.outside(withheld)
        answer = offered.schema()
        messages = prompts.messages(source.text, asked, offered, withheld)
        omissions_asked = not settings.omission_reask
        last: ModelFault | None = None
        for _ in range(budget):
            try:
                answered = yield Ask(messages, answer, part, meter)
                draft = Draft(**answered.model_dump(), headline="", summary="")
            except ModelFault as fault:
                last = fault
                problems, missed = [fault.note], []
            else:
                grounding = ground(draft, source, asked, offered)
                groundings.append(grounding)
                problems = grounding.problems()
                # once per brief, inside the same budget: what the detectors found and this answer lacks
                missed = grounding.omitted if not omissions_asked else []
                if not problems and not missed:
                    return groundings
            omissions_asked = omissions_asked or bool(missed)
            messages = prompts.reask(
                source.text, asked, offered, withheld, problems, [f"- {a.id}: {a.label}" for a in missed]
            )
        if groundings:
            return groundings
        raise ValidationFailed(
            f"the model's output was still invalid after {budget} request(s): {last or ''}",
            last_answer=last.answer if last else None,
        )


class Session(Briefing):
    """What every brief of one run shares: settings resolved once, one model client (one connection
    pool, opened on the first request, so cache hits and replays of nothing import no openai), and
    one cap on model requests in flight across articles and chunks alike."""

    def __init__(
        self,
        settings: Settings,
        concurrency: int = CHUNK_CONCURRENCY,
        connector: Callable[[Settings], ModelClient] = connect,
    ) -> None:
        super().__init__(settings)
        self._connector = connector
        self._client: ModelClient | None = None
        self._opening = threading.Lock()
        self._slots = threading.BoundedSemaphore(max(1, concurrency))
        self._interrupted = False

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def interrupt(self) -> None:
        """Ctrl-C, wherever the main thread heard it: no request of the session starts again, and
        those in flight in other threads end now, raising `Stopped` there."""
        with self._opening:
            self._interrupted = True
            if self._client is not None:
                self._client.interrupt()

    def ask(self, messages: list[dict[str, str]], answer: type[Answer], part: int = 0) -> Answer:
        """One model request, waiting for a free slot under the run's cap. `part` says which part
        of the brief asks: chunk k is k, the headline request the one after the last chunk (a batch
        names its requests by it)."""
        with self._opening:
            if self._interrupted:
                raise Stopped()
            if self._client is None:
                self._client = self._connector(self.settings)
            client = self._client
        with self._slots, parts.chunk(part):
            answered: Answer = client.ask(answer, messages, str(self.settings.model), MAX_OUTPUT_TOKENS)
            return answered

    @contextlib.contextmanager
    def interruptible(self, pool: ThreadPoolExecutor) -> Iterator[ThreadPoolExecutor]:
        """A pool of this session's workers that Ctrl-C stops at once: the session is interrupted
        for good and the pool let go without waiting for the answers its threads were reading (they
        end now). Any other exit cancels the work not yet started and waits for the rest."""
        try:
            yield pool
        except KeyboardInterrupt:
            self.interrupt()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)

    def brief(self, article: Article) -> Brief:
        """A grounded brief of one article; a bug of ours surfaces as `InternalError` at once."""
        return self._drive(self.steps(article))

    def _drive(self, steps: "Steps[Result]") -> Result:
        """Run the steps, sending each request in this thread and the parts asked together in
        worker threads (a chunk waiting for a batch round lets the others run on)."""
        sent: Any = None
        thrown: BaseException | None = None
        while not isinstance(step := _resumed(steps, sent, thrown), _Done):
            sent, thrown = None, None
            try:
                if isinstance(step, Ask):
                    with metering(step.meter):
                        sent = self.ask(step.messages, step.answer, step.part)
                else:
                    workers = ThreadPoolExecutor(min(len(step.parts), CHUNK_CONCURRENCY))
                    with self.interruptible(workers) as pool:
                        sent = _every([pool.submit(self._drive, part) for part in step.parts])
            except BaseException as error:  # the steps handle the model's faults; the rest end them
                thrown = error
        return cast(Result, step.value)


class AsyncSession(Briefing):
    """The async twin of `Session`: the same steps, awaited on one event loop with no thread per
    brief; one async model client, and one cap on requests in flight. A long article's chunks are
    asked as tasks; cancelling a brief cancels its requests. (The article's analysis and the checks
    are CPU work done on the loop, a few tens of milliseconds for a news article.)"""

    def __init__(
        self,
        settings: Settings,
        concurrency: int = CHUNK_CONCURRENCY,
        connector: Callable[[Settings], AsyncModelClient] = connect_async,
    ) -> None:
        super().__init__(settings)
        self._connector = connector
        self._client: AsyncModelClient | None = None
        self._slots = asyncio.Semaphore(max(1, concurrency))

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def ask(self, messages: list[dict[str, str]], answer: type[Answer], part: int = 0) -> Answer:
        if self._client is None:
            self._client = self._connector(self.settings)
        async with self._slots:
            answered: Answer = await self._client.ask(
                answer, messages, str(self.settings.model), MAX_OUTPUT_TOKENS
            )
            return answered

    async def brief(self, article: Article) -> Brief:
        """A grounded brief of one article; a bug of ours surfaces as `InternalError` at once."""
        return await self._drive(self.steps(article))

    async def _drive(self, steps: "Steps[Result]") -> Result:
        sent: Any = None
        thrown: BaseException | None = None
        while not isinstance(step := _resumed(steps, sent, thrown), _Done):
            sent, thrown = None, None
            try:
                if isinstance(step, Ask):
                    with metering(step.meter):
                        sent = await self.ask(step.messages, step.answer, step.part)
                else:
                    tasks = [asyncio.ensure_future(self._drive(part)) for part in step.parts]
                    try:
                        sent = await asyncio.gather(*tasks)
                    except BaseException:  # one chunk's failure, or a cancel: the others stop too
                        for task in tasks:
                            task.cancel()
                        raise
            except BaseException as error:  # the steps handle the model's faults; the rest end them
                thrown = error
        return cast(Result, step.value)


@dataclass
class _Done:
    """The steps have ended, with this brief (or part of one)."""

    value: Any


def _resumed(steps: "Steps[Result]", sent: Any, thrown: BaseException | None) -> Ask | Together | _Done:
    """The steps' next request, once they are given the last one's answer or what went wrong with
    it (which they handle, or which ends them here): how both sessions drive them."""
    try:
        return steps.send(sent) if thrown is None else steps.throw(thrown)
    except StopIteration as done:
        return _Done(done.value)


@functools.lru_cache(maxsize=8)
def _plan(source: SourceText, settings: Settings) -> tuple[list[Span], list[int]]:
    """The article's parts (the whole, or its chunks, none asking more answers than fit one reply)
    and each asked part's requests; made once a brief, for its requests and for `_left_out`."""
    text = source.text
    if chunking.estimate_tokens(text) <= settings.max_article_tokens:
        spans = [(0, len(text))]
    else:
        spans = chunking.split(text, settings.max_article_tokens)
    spans = chunking.within_answers(spans, source.anchors.outside(source.withheld))
    return spans, chunking.budgets(len(spans), settings.max_requests)


def _left_out(source: SourceText, settings: Settings) -> list[Flag]:
    """What a brief says when its requests could not read the whole article: how many of its parts
    were asked about. What those parts hold stands in `verification.missed`, as any omission does."""
    spans, budgets = _plan(source, settings)
    if len(budgets) == len(spans):
        return []
    headline = " (the headline takes one)" if settings.max_requests >= 2 else ""
    note = (
        f"the article ran to {len(spans)} parts; within max_requests={settings.max_requests} the first "
        f"{len(budgets)} were read{headline}, and what the rest hold is not in this brief"
    )
    return [Flag(kind="truncated", text=note, span=None)]


def _every(futures: list[Future[Grounding]]) -> list[Grounding]:
    """Every chunk's result. A failure cancels the chunks not yet started (their requests would be
    paid for nothing); a chunk waiting for a batch round lets the others run on to their own first
    request, so one round holds every chunk's."""
    results, waiting = [], None
    for future in futures:
        try:
            results.append(future.result())
        except parts.Parked as parked:
            waiting = parked
        except BaseException:
            for pending in futures:
                pending.cancel()
            raise
    if waiting is not None:
        raise waiting
    return results


def summarise_article(
    article: Article, settings: Settings, connector: Callable[[Settings], ModelClient] = connect
) -> Brief:
    """One brief in a session of its own (for one-off callers; runs share a `Session`)."""
    with Session(settings, connector=connector) as session:
        return session.brief(article)


@functools.cache
def _draft_schema_hash() -> str:
    """The draft schema's fingerprint (an article's own adds only its ids, which the article fixes):
    fixed for a run, so made once, not once per brief."""
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


def _lead(source: SourceText) -> Anchor | None:
    """The article's opening sentence, unless the detectors withheld or flagged it as a planted
    instruction (then the first that is neither)."""
    return next((s for s in source.anchors.sentences if not overlaps(s.span, source.flagged)), None)


def _attributed(
    briefed: Grounding, extracted: Grounding, lead: Anchor | None, source: SourceText
) -> Grounding:
    """The brief with who did what in its headline and summary checked against the facts the model
    was given, and their words against the passages flagged as instructions: each act given to the
    wrong body, and each flagged passage's words, is flagged, and a headline that does either is
    replaced by the lead development's words, for the headline is what an editor reads first."""
    given = facts.record(extracted, (lead.text, lead.span) if lead else None)
    wrong = facts.misattributed("headline", briefed.draft.headline, given)
    wrong += wording.from_flagged("headline", briefed.draft.headline, source)
    briefed.flags += wording.from_flagged("summary", briefed.draft.summary, source)
    first = next(iter(briefed.key_developments), None) or wording.lead_development(source)
    if wrong and first is not None:
        briefed.draft = briefed.draft.model_copy(update={"headline": first.text})
        note = ", so the brief is headlined with its lead development instead"
        wrong = [f.model_copy(update={"text": f.text + note}) for f in wrong]
    briefed.flags += wrong + facts.misattributed("summary", briefed.draft.summary, given)
    return briefed


def _worded(extracted: Grounding, given: Facts, written: Writing, source: SourceText) -> Draft:
    """The extraction's draft with the model's words for what held: each development under the
    sentence it was checked against, and the headline and summary."""
    words = {sentence: written.developments.get(key, "") for key, sentence in given.developments.items()}

    def worded(development: DevelopmentDraft) -> DevelopmentDraft:
        sentence = source.anchors.get(development.evidence.strip())
        text = words.get(sentence.text, development.text) if sentence else development.text
        return development.model_copy(update={"text": text})

    return extracted.draft.model_copy(
        update={
            "headline": written.headline,
            "summary": written.summary,
            "key_developments": [worded(d) for d in extracted.draft.key_developments],
        }
    )
