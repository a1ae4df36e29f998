"""Batch jobs: a run's briefs made through the provider's Batch API (or exported request files), in
rounds, resumable at any point.

Round 1 holds every article's first request (each chunk's); when its results come back every brief
is made again from its start, answered from them (`summariser.rounds`): briefs whose answers held are
written, and the requests they make next, re-asks and headline requests, go out together as round 2,
and so on, inside the live per-brief budget. The state file beside the output records every request
and batch before the step that depends on it (a request file before its upload, "creating" before a
create), so a rerun of the same command picks up where the last one stopped and never pays for a
request twice: a batch whose create went unanswered is found by its metadata, one still running is
polled, results already downloaded are read from disk.
"""

import contextlib
import dataclasses
import json
import logging
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from summariser import rounds
from summariser.batch import Item, JsonLinesWriter, Result, article_of
from summariser.batch_api import MAX_FILE_BYTES, MAX_REQUESTS, TERMINAL, BatchAPI
from summariser.client import OPENAI_URL, ModelClient, connect
from summariser.config import Settings
from summariser.errors import InputError, SummariserError
from summariser.pipeline import Session, resolve
from summariser.rounds import Answer, Ledger, Parked, Request, RoundTransport
from summariser.sources import Article

log = logging.getLogger("summariser")

STATE_VERSION = 1
EXPORT_BASE_URL = "http://batch-export.invalid/v1"  # never contacted: exported rounds answer by file
FIRST_POLL = 5.0  # seconds; a batch takes minutes at best, hours at worst
LONGEST_POLL = 300.0
MAX_IMPORT_BYTES = 2_000_000_000


@dataclass
class Part:
    """One batch: the requests of one round that fit one input file."""

    round: int
    part: int
    ids: list[str]
    status: str = "planned"  # planned, uploaded, creating, then the provider's; or exported, imported
    file_id: str | None = None
    batch_id: str | None = None
    error: str = ""

    @property
    def name(self) -> str:
        return f"r{self.round}-p{self.part}"

    @property
    def ended(self) -> bool:
        return self.status in TERMINAL or self.status == "imported"


@dataclass
class State:
    """What a run has sent and received, beside its output (`OUT.jsonl.batch.json`), with the
    request and result files in a folder beside it (`OUT.jsonl.batch/`)."""

    path: Path
    run: str
    inputs: list[str]  # article ids by index: `a<index>` in a custom id
    model: str
    mode: str
    endpoint: str
    export: str | None = None  # the folder rounds are exported to, for a run done by files
    round: int = 0
    requests: dict[str, str] = field(default_factory=dict)  # custom id -> sha256 of its body
    parts: list[Part] = field(default_factory=list)

    @property
    def folder(self) -> Path:
        return self.path.with_suffix("")

    @staticmethod
    def path_for(output: Path) -> Path:
        return output.with_name(output.name + ".batch.json")

    @classmethod
    def load(cls, path: Path) -> "State | None":
        if not path.is_file():
            return None
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
            if saved.pop("version") != STATE_VERSION:
                raise ValueError("another version")
            parts = [Part(**part) for part in saved.pop("parts")]
            return cls(path=path, parts=parts, **saved)
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
            raise InputError(
                f"{path}: not a batch state this version can read ({error}); move it aside"
            ) from None

    def save(self) -> None:
        """Written whole to a side file, then renamed over the old: an interruption leaves one or
        the other, never half."""
        saved = {"version": STATE_VERSION, **dataclasses.asdict(self)}
        del saved["path"]
        partial = self.path.with_name(self.path.name + ".part")
        partial.write_text(json.dumps(saved, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(partial, self.path)

    def requests_file(self, part: Part) -> Path:
        if part.status in ("exported", "imported"):
            return Path(str(self.export)) / f"round-{part.round}.jsonl"
        return self.folder / f"{part.name}.requests.jsonl"

    def results_files(self, part: Part) -> list[Path]:
        return [self.folder / f"{part.name}.{kind}.jsonl" for kind in ("output", "errors")]

    def ledger(self) -> Ledger:
        """What every round so far sent and brought back, read from the result files on disk."""
        ledger = Ledger()
        for identifier, sha256 in self.requests.items():
            ledger.sent(identifier, sha256)
        for part in self.parts:
            if part.ended:
                _read_results(ledger, self, part)
        return ledger


def _read_results(ledger: Ledger, state: State, part: Part, resend: bool = False) -> None:
    """A finished part's answers; a request it holds no answer for failed with the batch, or, with
    `resend` (a batch the user cancelled before this run), is sent again."""
    mine = set(part.ids)
    for path in state.results_files(part):
        if not path.is_file():
            continue
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                identifier, answer = _answer(line, part)
                if identifier in mine and (answer.completion is not None or not resend):
                    ledger.answered(identifier, answer)
                    mine.discard(identifier)
                elif identifier is not None:
                    log.warning("%s:%d: %s is no request of this round; skipped", path, number, identifier)
    why = part.error or f"batch {part.batch_id or part.name} ended {part.status} without answering it"
    for identifier in mine:
        if resend:
            ledger.unsent(identifier)
        else:
            ledger.answered(identifier, Answer(None, f"{identifier}: {why}"))


def _answer(line: str, part: Part) -> tuple[str | None, Answer]:
    """One line of a result file (the Batch API's output and error files, vLLM's run-batch)."""
    try:
        entry = json.loads(line)
        identifier = str(entry["custom_id"])
    except (ValueError, KeyError, TypeError):
        return None, Answer(None)
    response = entry.get("response") if isinstance(entry.get("response"), dict) else {}
    if "choices" in response:  # the completion itself, as some batch runners write it
        response = {"status_code": 200, "body": response}
    status, body, error = response.get("status_code"), response.get("body"), entry.get("error")
    if status == 200 and isinstance(body, dict) and not error:
        return identifier, Answer(body)
    said = (error or {}).get("message") if isinstance(error, dict) else None
    if said is None and isinstance(body, dict) and isinstance(body.get("error"), dict):
        said = body["error"].get("message")
    reason = " ".join(str(said or "no message").split())[:300]
    batch = part.batch_id or part.name
    return identifier, Answer(
        None, f"{identifier} failed in batch {batch} ({status or 'no status'}): {reason}"
    )


@dataclass
class Outcome:
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
        sleep: Callable[[float], None] | None = None,
        report: Report = lambda line: None,
    ) -> None:
        if (api is None) == (export is None):
            raise ValueError("a job runs through a Batch API or by exported files, one of the two")
        self.items = items
        self.settings = resolve(settings)
        self.output = output
        self.api = api
        self.limits = limits
        self.sleep = sleep or _sleep
        self.report = report
        self.state = self._state(export)
        self.ledger = self.state.ledger()
        self.ledger.forget_failures()  # what failed in an earlier run is sent again by this one
        # cancelled by `summarise jobs cancel` before this run: what they left undone is sent again
        self.resend = {part.name for part in self.state.parts if part.status in ("cancelling", "cancelled")}
        self.writer = JsonLinesWriter(output)
        done = self.writer.done()
        self.todo = [index for index, item in enumerate(items) if item.id not in done]
        self.outcome = Outcome(skipped=len(items) - len(self.todo))
        self._articles: dict[int, Article] = {}
        self.transport = RoundTransport(self.ledger)

    def _state(self, export: Path | None) -> State:
        """The run this output belongs to, or a new one; refused when it was made otherwise."""
        path = State.path_for(self.output)
        settings = self.settings
        endpoint = settings.base_url or OPENAI_URL
        ids = [item.id for item in self.items]
        state = State.load(path)
        if state is None:
            state = State(
                path=path,
                run=uuid.uuid4().hex,
                inputs=ids,
                model=str(settings.model),
                mode=str(settings.mode),
                endpoint=endpoint,
                export=str(export) if export is not None else None,
            )
            state.folder.mkdir(parents=True, exist_ok=True)
            state.save()
            return state
        if state.inputs != ids:
            raise InputError(
                f"{path} belongs to a run over other inputs ({len(state.inputs)} articles, first "
                f"{state.inputs[0] if state.inputs else 'none'}); give the same SOURCEs, another --output, "
                "or move it aside to start afresh"
            )
        made = (state.model, state.mode, state.endpoint)
        if made != (settings.model, settings.mode, endpoint):
            raise InputError(
                f"{path} was started with model {state.model}, mode {state.mode} at {state.endpoint}; "
                "continue it with the same, or use another --output"
            )
        if (state.export is None) != (export is None):
            how = "by exported files (--batch-export/--batch-import)" if state.export else "through --batch"
            raise InputError(f"{path} is a run {how}; continue it the same way, or use another --output")
        if export is not None and Path(state.export or "") != export:
            raise InputError(f"{path} exports its rounds to {state.export}; give that folder")
        return state

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
                if self.state.export is not None and self._exported() is not None:
                    self.outcome.exported = self._exported()
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
        state.round += 1
        most_requests, most_bytes = self.limits if state.export is None else (len(parked), float("inf"))
        parts: list[Part] = []
        size = 0
        with contextlib.ExitStack() as files:
            for (article, chunk), request in sorted(parked.items()):
                identifier = rounds.custom_id(article, chunk, state.round)
                line = (json.dumps(request.line(identifier), ensure_ascii=False) + "\n").encode()
                if not parts or len(parts[-1].ids) >= most_requests or size + len(line) > most_bytes:
                    files.close()
                    parts.append(Part(state.round, len(parts), [], "exported" if state.export else "planned"))
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
        self.report(f"round {state.round}: {count} request(s) in {len(parts)} batch file(s)")
        return parts

    def _exported(self) -> Path | None:
        """The exported round still waiting for its results, if any."""
        waiting = [part for part in self.state.parts if part.status == "exported"]
        return self.state.requests_file(waiting[0]) if waiting else None

    def _import(self, results: Path) -> None:
        """Results of the exported round, from wherever it ran, read as the provider's are. A file
        that answers none of the round's requests is refused, so a wrong file never fails a round."""
        waiting = [part for part in self.state.parts if part.status == "exported"]
        if not waiting:
            raise InputError(f"--batch-import {results}: no exported round waits for results")
        part = waiting[0]
        try:
            if results.stat().st_size > MAX_IMPORT_BYTES:
                raise InputError(f"--batch-import {results}: larger than {MAX_IMPORT_BYTES:,} bytes")
            with results.open(encoding="utf-8") as lines:
                answered = {_answer(line, part)[0] for line in lines}
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"--batch-import {results}: cannot read it ({error})") from None
        if not answered & set(part.ids):
            raise InputError(
                f"--batch-import {results}: holds no results of round {part.round} "
                f"({self.state.requests_file(part)})"
            )
        shutil.copyfile(results, self.state.results_files(part)[0])
        part.status = "imported"
        self.state.save()
        _read_results(self.ledger, self.state, part)

    def _finish(self, parts: list[Part]) -> None:
        """Parts uploaded, created and polled to their end, results downloaded: each step recorded
        before the next, so an interruption anywhere resumes without paying twice."""
        api, state = self.api, self.state
        assert api is not None
        for part in parts:
            if part.file_id is None:
                part.file_id = api.upload(state.requests_file(part))
                part.status = "uploaded"
                state.save()
            if part.batch_id is None:
                metadata = {"summariser_run": state.run, "round": str(part.round)}
                lost = api.find(metadata, part.file_id) if part.status == "creating" else None
                if lost is None:
                    part.status = "creating"
                    state.save()
                batch = lost or api.create(part.file_id, metadata)
                part.batch_id, part.status = str(batch["id"]), str(batch.get("status") or "validating")
                state.save()
                self.report(
                    f"round {part.round}: batch {part.batch_id} of {len(part.ids)} request(s) submitted"
                )
        wait = FIRST_POLL
        pending = [part for part in parts if not part.ended]
        while pending:
            for part in pending:
                self._poll(part)
            pending = [part for part in pending if not part.ended]
            if pending:
                self.sleep(wait)
                wait = min(wait * 1.5, LONGEST_POLL)

    def _poll(self, part: Part) -> None:
        api, state = self.api, self.state
        assert api is not None and part.batch_id is not None
        batch = api.get(part.batch_id)
        status = str(batch.get("status"))
        counts = batch.get("request_counts") or {}
        self.report(
            f"round {part.round}: batch {part.batch_id} {status}, "
            f"{counts.get('completed', 0)}/{counts.get('total', len(part.ids))} done"
        )
        if status not in TERMINAL:
            part.status = status
            return
        output, errors = state.results_files(part)
        for key, path in (("output_file_id", output), ("error_file_id", errors)):
            if batch.get(key):
                api.download(str(batch[key]), path)
        if status == "failed":
            found = (batch.get("errors") or {}).get("data") or [{}]
            part.error = f"batch {part.batch_id} failed: {found[0].get('message') or 'no reason given'}"
        part.status = status
        state.save()
        _read_results(self.ledger, state, part, resend=part.name in self.resend)


def _sleep(seconds: float) -> None:
    import time

    time.sleep(seconds)


def status(output: Path, api: BatchAPI | None = None) -> list[str]:
    """A run's progress, a line each: articles written, then every batch (asked afresh of the
    provider when `api` is given and it has not ended)."""
    state = State.load(State.path_for(output))
    if state is None:
        raise InputError(f"{output}: no batch run here (no {State.path_for(output).name})")
    written, failed = _written(output)
    lines = [
        f"run {state.run}: {len(state.inputs)} article(s), {written} briefed, {failed} failed, "
        f"{state.round} round(s); model {state.model} at {state.endpoint}"
    ]
    for part in state.parts:
        if api is not None and part.batch_id is not None and not part.ended:
            batch = api.get(part.batch_id)
            part.status = str(batch.get("status"))
            counts = batch.get("request_counts") or {}
            progress = f", {counts.get('completed', 0)}/{counts.get('total', len(part.ids))} done"
        else:
            progress = ""
        where = part.batch_id or (str(state.requests_file(part)) if state.export else "not submitted")
        counted = f"{len(part.ids)} request(s){progress}"
        lines.append(f"round {part.round} part {part.part}: {where} {part.status}, {counted}")
        if part.error:
            lines.append(f"  {part.error}")
    return lines


def cancel(output: Path, api: BatchAPI) -> list[str]:
    """Every batch of the run still running, cancelled; a rerun sends their unanswered requests again."""
    state = State.load(State.path_for(output))
    if state is None:
        raise InputError(f"{output}: no batch run here (no {State.path_for(output).name})")
    lines = []
    for part in state.parts:
        if part.batch_id is not None and not part.ended:
            batch = api.cancel(part.batch_id)
            part.status = str(batch.get("status") or "cancelling")
            lines.append(f"round {part.round}: batch {part.batch_id} {part.status}")
    state.save()
    return lines or ["nothing running"]


def _written(output: Path) -> tuple[int, int]:
    briefs, errors = set(), set()
    if output.is_file():
        for line in output.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            (briefs if "brief" in entry else errors).add(str(entry.get("id")))
    return len(briefs), len(errors - briefs)


def export_settings(settings: Settings) -> Settings:
    """Settings for a run by files: no provider is called, so none need be configured."""
    if settings.base_url is None and not settings.api_key:
        return dataclasses.replace(settings, base_url=EXPORT_BASE_URL)
    return settings
