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
from summariser.errors import InputError, ProviderError, SummariserError
from summariser.input.sources import Article
from summariser.jobs import rounds
from summariser.jobs.api import MAX_FILE_BYTES, MAX_REQUESTS, TERMINAL, BatchAPI
from summariser.jobs.rounds import Parked, Request, RoundTransport
from summariser.jobs.state import (
    Part,
    State,
    answer_of,
    endpoint,
    ledger_of,
    read_results,
    result_lines,
    scrub,
)
from summariser.model.client import OPENAI_URL, ModelClient, connect
from summariser.model.pulled import sha256_of
from summariser.model.redact import redact
from summariser.runs.many import Item, JsonLinesWriter, Result, article_of, entries
from summariser.runs.pipeline import Session, resolve

EXPORT_BASE_URL = "http://batch-export.invalid/v1"  # never contacted: exported rounds answer by file
FIRST_POLL = 5.0  # seconds; a batch takes minutes at best, hours at worst
LONGEST_POLL = 300.0
LONGEST_WAIT = 25 * 3600.0  # the provider's 24-hour window, and an hour for it to say so
UNLISTED_GRACE = 3600.0  # a batch whose create went unanswered is looked for this long before another
EXPORT_MARK = ".summariser-run"  # in an export folder: the run whose rounds it holds
UNFINISHED = frozenset({"validating", "in_progress", "finalizing", "cancelling"})
MAX_IMPORT_BYTES = 2_000_000_000


@dataclass
class Outcome:
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
        self.resend = {part.name for part in self.state.parts if part.status in ("cancelling", "cancelled")}
        self.outcome = Outcome(skipped=len(items) - len(self.todo))
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
        if export is not None and _mark(export) not in (None, state.run):
            raise InputError(f"--batch-export {export}: holds another run's rounds; give this run's folder")
        return state

    def _recover(self) -> None:
        """What was deleted from the folder by hand: results downloaded again (the provider keeps
        them), rounds planned but never sent planned again."""
        state = self.state
        state.folder.mkdir(parents=True, exist_ok=True)
        for part in list(state.parts):
            if part.ended and part.batch_id is not None and state.missing(part):
                part.status, part.downloaded = "refetching", []
            elif (part.status in ("planned", "exported") and not state.requests_file(part).is_file()) or (
                part.status == "imported" and state.missing(part)
            ):
                state.parts.remove(part)
                for identifier in part.ids:
                    state.requests.pop(identifier, None)
        state.save()

    def run(self, results: Path | None = None) -> Outcome:
        """Rounds until every brief is written or, by files, until a round waits to be run elsewhere."""

        def answered_by_rounds(settings: Settings) -> ModelClient:
            return connect(settings, answered_by=self.transport)

        with self.writer, Session(self.settings, connector=answered_by_rounds) as session:
            if results is not None:
                self._import(results)
            if self.api is not None:
                self._finish([part for part in self.state.parts if not part.ended])
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
                    self._finish(parts)
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
                    parts.append(Part(number, len(parts), [], "exported" if exported else "planned"))
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

    def _exported(self) -> Path | None:
        """The exported round still waiting for its results, if any."""
        waiting = [part for part in self.state.parts if part.status == "exported"]
        return self.state.requests_file(waiting[0]) if waiting else None

    def _import(self, results: Path) -> None:
        """Results of the exported round, from wherever it ran, read as the provider's are: copied
        once into the folder under a bound, then read from there. A file that answers none of the
        round's requests is refused, so a wrong file (the request file, another round's) never fails
        a round; requests a right one leaves out fail, and are exported again by the next run."""
        waiting = [part for part in self.state.parts if part.status == "exported"]
        if not waiting:
            if self._imported_already(results):
                return  # the same command again, after an interruption: nothing new to read
            raise InputError(f"--batch-import {results}: no exported round waits for results")
        part = waiting[0]
        name = f"{part.name}.imported.jsonl"
        kept = self.state.folder / name
        _copy_bounded(results, kept)
        scrub(kept, self.secrets)
        answered = {
            identifier
            for line in result_lines(kept)
            if line is not None and (identifier := answer_of(line, str(results))[0]) is not None
        }
        if not answered & set(part.ids):
            kept.unlink()
            raise InputError(
                f"--batch-import {results}: holds no results of round {part.round} "
                f"({self.state.requests_file(part)})"
            )
        left = len(set(part.ids) - answered)
        if left:
            self.report(f"round {part.round}: {results} answers all but {left} request(s); they fail")
        part.status, part.downloaded = "imported", [name]
        part.error = f"not answered in {results}"
        self.state.save()
        read_results(self.ledger, self.state, part, secrets=self.secrets)

    def _imported_already(self, results: Path) -> bool:
        """Whether `results` is the file an earlier run of this command imported, byte for byte."""
        if not results.is_file():
            return False
        digest = sha256_of(results)
        copies = [
            self.state.folder / f"{p.name}.imported.jsonl" for p in self.state.parts if p.status == "imported"
        ]
        return any(copy.is_file() and sha256_of(copy) == digest for copy in copies)

    def _finish(self, parts: list[Part]) -> None:
        """Parts uploaded, created and polled to their end, results downloaded: each step recorded
        before the next, so an interruption anywhere resumes without paying twice. Polling backs
        off, and stops (exit 3) when a batch outlasts the provider's window by an hour."""
        api, state = self.api, self.state
        assert api is not None
        for part in parts:
            if part.file_id is None:
                part.file_id = api.upload(state.requests_file(part))
                part.status = "uploaded"
                state.save()
            if part.batch_id is None:
                metadata = {"summariser_run": state.run, "round": str(part.round)}
                lost = self._created_before(part, metadata)
                if lost is None:
                    part.status, part.tried_at = "creating", self.wall()
                    state.save()
                batch = lost or api.create(part.file_id, metadata)
                part.batch_id, part.status, part.tried_at = batch["id"], "validating", None
                state.save()
                self.report(
                    f"round {part.round}: batch {part.batch_id} of {len(part.ids)} request(s) submitted"
                )
        wait, started = FIRST_POLL, self.clock()
        pending = [part for part in parts if not part.ended]
        while pending:
            for part in pending:
                self._poll(part)
            pending = [part for part in pending if not part.ended]
            if pending and self.clock() - started > LONGEST_WAIT:
                late = pending[0]
                raise ProviderError(
                    f"batch {late.batch_id} is still {late.status} after {LONGEST_WAIT / 3600:.0f} hours; "
                    f"rerun the same command to keep waiting, or summarise jobs cancel {self.output}"
                )
            if pending:
                self.sleep(wait)
                wait = min(wait * 1.5, LONGEST_POLL)

    def _created_before(self, part: Part, metadata: dict[str, str]) -> dict | None:
        """The batch a create made when its answer never came back (the run stopped, the line
        dropped): looked for by metadata and input file. One the provider does not list yet is
        waited for, never paid twice, until it has been unlisted for an hour (the create never
        arrived, then)."""
        api = self.api
        if part.status != "creating" or api is None or part.file_id is None:
            return None
        found = api.find(metadata, part.file_id)
        if found is None and self.wall() - (part.tried_at or 0) < UNLISTED_GRACE:
            raise ProviderError(
                f"round {part.round}'s batch was being created when a run stopped, and {api.base_url} does "
                f"not list it yet; rerun in a few minutes (after {UNLISTED_GRACE / 60:.0f} minutes unlisted "
                "it is created again)"
            )
        return found

    def _poll(self, part: Part) -> None:
        api, state = self.api, self.state
        assert api is not None and part.batch_id is not None
        batch = api.get(part.batch_id)
        status = batch.get("status")
        self.report(f"round {part.round}: batch {part.batch_id} {status}, {_progress(batch, part)}")
        if status in UNFINISHED:
            part.status = str(status)
            return
        if status not in TERMINAL:
            raise ProviderError(
                f"{api.base_url} answered batch {part.batch_id} with status {status!r}, unknown"
            )
        part.downloaded = []
        for key, kind in (("output_file_id", "output"), ("error_file_id", "errors")):
            if isinstance(batch.get(key), str) and batch[key]:
                path = state.results_file(part, kind)
                api.download(batch[key], path)
                scrub(path, self.secrets)
                part.downloaded.append(path.name)
        if status == "failed":
            part.error = redact(f"batch {part.batch_id} failed: {_first_error(batch)}", self.secrets)
        part.status = status
        state.save()
        read_results(self.ledger, state, part, resend=part.name in self.resend, secrets=self.secrets)


def _progress(batch: dict, part: Part) -> str:
    """How far the provider says a batch has come, as "completed/total done"."""
    counts = batch.get("request_counts") if isinstance(batch.get("request_counts"), dict) else {}
    return f"{counts.get('completed', 0)}/{counts.get('total', len(part.ids))} done"


def _first_error(batch: dict) -> str:
    """Why a batch failed validation, as the provider says it."""
    errors = batch.get("errors") if isinstance(batch.get("errors"), dict) else {}
    data = errors.get("data") if isinstance(errors.get("data"), list) else []
    said = data[0].get("message") if data and isinstance(data[0], dict) else None
    return " ".join(str(said or "no reason given").split())[:300]


def _mark(export: Path) -> str | None:
    """The run an export folder belongs to, if any."""
    try:
        return (export / EXPORT_MARK).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None


def _copy_bounded(source: Path, target: Path) -> None:
    """A user's file copied within MAX_IMPORT_BYTES; anything but a regular file is refused (a
    pipe or a device has no size to check first)."""
    where = f"--batch-import {source}"
    try:
        if not source.is_file():
            raise InputError(f"{where}: not a regular file; give the results file itself")
        copied = 0
        with source.open("rb") as reading, target.open("wb") as writing:
            while chunk := reading.read(1 << 20):
                copied += len(chunk)
                if copied > MAX_IMPORT_BYTES:
                    raise InputError(f"{where}: larger than {MAX_IMPORT_BYTES:,} bytes")
                writing.write(chunk)
    except OSError as error:
        target.unlink(missing_ok=True)
        raise InputError(f"{where}: cannot read it ({error.strerror})") from None
    except InputError:
        target.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _quiet(name: str) -> Iterator[None]:
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)


def status(output: Path, api: BatchAPI | None = None) -> list[str]:
    """A run's progress, a line each: articles written, then every batch, asked afresh of the
    provider when `api` is given and it has not ended (what the state holds, when it cannot be)."""
    state = _state_of(output)
    written, failed = _written(output)
    where = f"exported to {state.export}" if state.export else f"at {state.endpoint}"
    lines = [
        f"run {state.run}: {len(state.inputs)} article(s), {written} briefed, {failed} failed, "
        f"{state.round} round(s); model {state.model} {where}"
    ]
    for part in state.parts:
        progress = ""
        if api is not None and part.batch_id is not None and not part.ended:
            try:
                batch = api.get(part.batch_id)
            except ProviderError as error:
                lines.append(f"  (as last recorded: {error})")
                api = None
            else:
                part.status = str(batch.get("status"))
                progress = f", {_progress(batch, part)}"
        name = part.batch_id or (str(state.requests_file(part)) if state.export else "not submitted")
        lines.append(
            f"round {part.round} part {part.part}: {name} {part.status}, {len(part.ids)} request(s){progress}"
        )
        if part.error:
            lines.append(f"  {part.error}")
    return [redact(line) for line in lines]


def cancel(output: Path, api: BatchAPI) -> tuple[list[str], list[str]]:
    """Every batch of the run still running, cancelled, each recorded as it is (a rerun sends what
    they left undone); what could not be cancelled is said, and the rest still cancelled."""
    state = _state_of(output)
    with JsonLinesWriter(output) as writer:
        writer.claim()  # a run still going would plan its next round from what is cancelled here
    done, failed = [], []
    for part in state.parts:
        if part.batch_id is None or part.ended:
            continue
        try:
            batch = api.cancel(part.batch_id)
        except ProviderError as error:
            failed.append(redact(f"round {part.round}: batch {part.batch_id} not cancelled: {error}"))
            continue
        part.status = str(batch.get("status") or "cancelling")
        state.save()
        done.append(f"round {part.round}: batch {part.batch_id} {part.status}")
    return (done or ([] if failed else ["nothing running"])), failed


def _state_of(output: Path) -> State:
    state = State.load(State.path_for(output))
    if state is None:
        raise InputError(f"{output}: no batch run here (no {State.path_for(output).name})")
    return state


def _written(output: Path) -> tuple[int, int]:
    briefs, errors = set(), set()
    if output.is_file():
        for entry in entries(output):
            (briefs if "brief" in entry else errors).add(str(entry.get("id")))
    return len(briefs), len(errors - briefs)


def batch_run(
    items: list[Item],
    settings: Settings,
    output: Path,
    *,
    export: Path | None = None,
    results: Path | None = None,
    report: Report = lambda line: None,
) -> Outcome:
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
