"""Batch jobs: a run's briefs made through the provider's Batch API (or exported request files), in
rounds, resumable at any point.

Round 1 holds every article's first request (each chunk's); when its results come back every brief
is made again from its start, answered from them (`summariser.jobs.rounds`): briefs whose answers held are
written, and the requests they make next, re-asks and headline requests, go out together as round 2,
and so on, inside the live per-brief budget. The state (`summariser.jobs.state`) records every
request and batch before the step that depends on it (a request file before its upload, "creating"
before a create), so a rerun of the same command picks up where the last one stopped and never pays
for a request twice: a batch whose create went unanswered is found by its metadata, one still running
is polled, results already downloaded are read from disk (or downloaded again if deleted).
"""

import contextlib
import dataclasses
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from summariser.config import Settings
from summariser.errors import InputError, SummariserError
from summariser.input.sources import Article
from summariser.jobs import rounds
from summariser.jobs.api import MAX_FILE_BYTES, MAX_REQUESTS, BatchAPI
from summariser.jobs.files import EXPORT_MARK, import_results, mark
from summariser.jobs.rounds import Request, RoundTransport
from summariser.jobs.state import (
    Part,
    State,
    Status,
    endpoint,
    ledger_of,
)
from summariser.jobs.submit import Submission
from summariser.model.client import OPENAI_URL, ModelClient, connect
from summariser.model.parts import Parked
from summariser.runs.many import Item, JsonLinesWriter, Result, article_of
from summariser.runs.pipeline import Session, resolve

EXPORT_BASE_URL = "http://batch-export.invalid/v1"  # never contacted: exported rounds answer by file


@dataclass
class Tally:
    """What one invocation of a batch run did: briefs and failures (their exit codes) written,
    inputs already done before it, rounds so far, and the request file waiting to be run elsewhere."""

    briefs: int = 0
    failures: list[int] = field(default_factory=list)
    skipped: int = 0
    rounds: int = 0
    exported: Path | None = None  # the request file waiting for --batch-import


Report = Callable[[str], None]


class Job:
    """One invocation of a batch run over `items`, through `api` or, with `export`, by files."""

    def __init__(
        self,
        items: list[Item],
        settings: Settings,
        output: Path,
        *,
        api: BatchAPI | None = None,
        export: Path | None = None,
        limits: tuple[int, int] = (MAX_REQUESTS, MAX_FILE_BYTES),
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        report: Report = lambda line: None,
    ) -> None:
        if (api is None) == (export is None):
            raise ValueError("a job runs through a Batch API or by exported files, one of the two")
        self.items = items
        self.settings = resolve(settings)
        self.output = output
        self.api = api
        self.limits = limits
        self.sleep = sleep
        self.clock = clock
        self.wall = wall
        self.report = report
        self.secrets = (self.settings.api_key or "",)
        self.writer = JsonLinesWriter(output)
        try:
            self.writer.claim()  # before the state is read: one process a run
            self.state = self._state(export.absolute() if export is not None else None)
            self._recover()
        except BaseException:
            self.writer.close()
            raise
        done = self.writer.done()
        self.todo = [index for index, item in enumerate(items) if item.id not in done]
        written = set(range(len(items))) - set(self.todo)
        self.ledger = ledger_of(self.state, self.secrets, skip=written)
        self.ledger.forget_failures()  # what failed in an earlier run is sent again by this one
        # cancelled by `summarise jobs cancel` before this run: what they left undone is sent again
        self.resend = {
            part.name for part in self.state.parts if part.status in (Status.CANCELLING, Status.CANCELLED)
        }
        self.outcome = Tally(skipped=len(items) - len(self.todo))
        self._articles: dict[int, Article] = {}
        self.transport = RoundTransport(self.ledger)

    def _state(self, export: Path | None) -> State:
        """The run this output belongs to, or a new one; refused when it was made otherwise."""
        path = State.path_for(self.output)
        settings = self.settings
        where = endpoint(settings.base_url or OPENAI_URL)
        ids = [item.id for item in self.items]
        state = State.load(path)
        if state is None:
            if export is not None and (any(export.glob("round-*.jsonl")) or (export / EXPORT_MARK).exists()):
                raise InputError(f"--batch-export {export}: holds another run's rounds; give an empty folder")
            state = State(
                path=path,
                run=uuid.uuid4().hex,
                inputs=ids,
                model=str(settings.model),
                mode=str(settings.mode),
                endpoint=where,
                export=str(export) if export is not None else None,
            )
            state.folder.mkdir(parents=True, exist_ok=True)
            if export is not None:
                export.mkdir(parents=True, exist_ok=True)
                (export / EXPORT_MARK).write_text(state.run + "\n", encoding="utf-8")
            state.save()
            return state
        if state.inputs != ids:
            raise InputError(
                f"{path} belongs to a run over other inputs ({len(state.inputs)} articles, first "
                f"{state.inputs[0] if state.inputs else 'none'}); give the same SOURCEs, another --output, "
                "or move it aside to start afresh"
            )
        if (state.model, state.mode, state.endpoint) != (settings.model, settings.mode, where):
            raise InputError(
                f"{path} was started with model {state.model}, mode {state.mode} at {state.endpoint}; "
                "continue it with the same, or use another --output"
            )
        if (state.export is None) != (export is None):
            how = "by exported files (--batch-export/--batch-import)" if state.export else "through --batch"
            raise InputError(f"{path} is a run {how}; continue it the same way, or use another --output")
        if export is not None and Path(state.export or "") != export:
            raise InputError(f"{path} exports its rounds to {state.export}; give that folder")
        if export is not None and mark(export) not in (None, state.run):
            raise InputError(f"--batch-export {export}: holds another run's rounds; give this run's folder")
        return state

    def _recover(self) -> None:
        """What was deleted from the folder by hand: results downloaded again (the provider keeps
        them), rounds planned but never sent planned again."""
        state = self.state
        state.folder.mkdir(parents=True, exist_ok=True)
        for part in list(state.parts):
            if part.ended and part.batch_id is not None and state.missing(part):
                part.status, part.downloaded = Status.REFETCHING, []
            elif (
                part.status in (Status.PLANNED, Status.EXPORTED) and not state.requests_file(part).is_file()
            ) or (part.status == Status.IMPORTED and state.missing(part)):
                state.parts.remove(part)
                for identifier in part.ids:
                    state.requests.pop(identifier, None)
        state.save()

    def run(self, results: Path | None = None) -> Tally:
        """Rounds until every brief is written or, by files, until a round waits to be run elsewhere."""

        def answered_by_rounds(settings: Settings) -> ModelClient:
            return connect(settings, answered_by=self.transport)

        with self.writer, Session(self.settings, connector=answered_by_rounds) as session:
            if results is not None:
                self._import(results)
            if self.api is not None:
                self._submitted().finish([part for part in self.state.parts if not part.ended])
            while True:
                waiting = self._exported()
                if waiting is not None:
                    self.outcome.exported = waiting
                    break
                parked = self._pass(session)
                if not parked:
                    break
                parts = self._plan(parked)
                if self.state.export is None:
                    self._submitted().finish(parts)
        self.outcome.rounds = self.state.round
        return self.outcome

    def _pass(self, session: Session) -> dict[tuple[int, int], Request]:
        """Every brief not yet written, made as far as the answers so far go; those that end are
        written at once. What they asked that no round has answered is the next round."""
        with _quiet("httpx"):  # its "HTTP Request: POST …" lines would read as requests sent
            for index in list(self.todo):
                item = self.items[index]
                try:
                    article = self._article(index)
                    self.transport.article = index
                    brief = session.brief(article)
                except Parked:
                    continue
                except SummariserError as error:
                    result = Result(item, error=error)
                else:
                    result = Result(item, brief=brief, text=article.text)
                self.todo.remove(index)
                self.ledger.done_with(index)
                self._articles.pop(index, None)
                self.writer.write(result)
                if result.error is None:
                    self.outcome.briefs += 1
                else:
                    self.outcome.failures.append(result.error.exit_code)
        parked, self.ledger.parked = self.ledger.parked, {}
        return parked

    def _article(self, index: int) -> Article:
        """Each article read once a run (a page fetched again might have changed, and its requests
        with it)."""
        if index not in self._articles:
            self._articles[index] = article_of(self.items[index])
        return self._articles[index]

    def _plan(self, parked: dict[tuple[int, int], Request]) -> list[Part]:
        """The next round's request files, each within the provider's limits (an exported round is
        one file: it runs where no such limit applies), recorded in the state before anything is
        uploaded."""
        state = self.state
        number = state.round + 1
        exported = state.export is not None
        state.round = number
        most_requests, most_bytes = self.limits if not exported else (len(parked), float("inf"))
        parts: list[Part] = []
        size = 0
        with contextlib.ExitStack() as files:
            for (article, chunk), request in sorted(parked.items()):
                identifier = rounds.custom_id(article, chunk, number)
                line = (json.dumps(request.line(identifier), ensure_ascii=False) + "\n").encode()
                if not parts or len(parts[-1].ids) >= most_requests or size + len(line) > most_bytes:
                    files.close()
                    parts.append(
                        Part(number, len(parts), [], Status.EXPORTED if exported else Status.PLANNED)
                    )
                    path = state.requests_file(parts[-1])
                    path.parent.mkdir(parents=True, exist_ok=True)
                    file = files.enter_context(path.open("wb"))
                    size = 0
                file.write(line)
                parts[-1].ids.append(identifier)
                size += len(line)
                state.requests[identifier] = request.sha256
                self.ledger.sent(identifier, request.sha256)
        state.parts += parts
        state.save()
        count = sum(len(part.ids) for part in parts)
        self.report(f"round {number}: {count} request(s) in {len(parts)} batch file(s)")
        return parts

    def _import(self, results: Path) -> None:
        import_results(self.state, self.ledger, results, self.secrets, self.report)

    def _submitted(self) -> Submission:
        assert self.api is not None  # only a run through the Batch API submits
        return Submission(
            self.api,
            self.state,
            self.ledger,
            self.output,
            self.secrets,
            self.report,
            self.resend,
            self.sleep,
            self.clock,
            self.wall,
        )

    def _exported(self) -> Path | None:
        """The exported round still waiting for its results, if any."""
        waiting = [part for part in self.state.parts if part.status == Status.EXPORTED]
        return self.state.requests_file(waiting[0]) if waiting else None


@contextlib.contextmanager
def _quiet(name: str) -> Iterator[None]:
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)


def batch_run(
    items: list[Item],
    settings: Settings,
    output: Path,
    *,
    export: Path | None = None,
    results: Path | None = None,
    report: Report = lambda line: None,
) -> Tally:
    """A batch run as the CLI and the Python API start it: through the Batch API of the settings'
    provider or, with `export`, by files (`results`: the exported round's, run elsewhere)."""
    if settings.replay is not None or settings.record is not None:
        raise InputError(
            "batch runs answer from the provider's batches, never from --replay or into --record"
        )
    if settings.local_model is not None:
        raise InputError(
            "a local model server has no Batch API: use --batch-export DIR and run its files there"
        )
    if results is not None and export is None:
        raise InputError("--batch-import needs the --batch-export DIR the round was exported to")
    api = None
    if export is None:
        if settings.base_url is None and not settings.api_key:
            raise InputError("--batch needs a provider: set OPENAI_API_KEY (and --base-url for another one)")
        api = BatchAPI(settings.base_url or OPENAI_URL, settings.api_key, settings.request_timeout)
    elif settings.base_url is None and not settings.api_key:
        settings = dataclasses.replace(settings, base_url=EXPORT_BASE_URL)  # nothing is called
    try:
        return Job(items, settings, output, api=api, export=export, report=report).run(results)
    except OSError as error:  # a full disk, a read-only folder: nothing sent is lost, the state says so
        where = error.filename or "a file of the run"
        raise InputError(
            f"cannot write {where} ({error.strerror}); rerun the same command once it can be"
        ) from error
    finally:
        if api is not None:
            api.close()
