"""A round's batches through the provider's Batch API: uploaded, created and polled to their end,
results downloaded, each step recorded in the state before the next."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summariser.errors import ProviderError
from summariser.jobs.api import BatchAPI
from summariser.jobs.rounds import Ledger
from summariser.jobs.state import TERMINAL, UNFINISHED, Part, State, Status, read_results, scrub
from summariser.model.redact import redact

FIRST_POLL = 5.0  # seconds; a batch takes minutes at best, hours at worst


LONGEST_POLL = 300.0


LONGEST_WAIT = 25 * 3600.0  # the provider's 24-hour window, and an hour for it to say so


UNLISTED_GRACE = 3600.0  # a batch whose create went unanswered is looked for this long before another


@dataclass
class Submission:
    """The Batch API side of a run: its state, the ledger its results go into, and the clocks."""

    api: BatchAPI
    state: State
    ledger: Ledger
    output: Path
    secrets: tuple[str, ...]
    report: Callable[[str], None]
    resend: set[str] = field(default_factory=set)  # parts cancelled before this run: sent again
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    wall: Callable[[], float] = time.time

    def finish(self, parts: list[Part]) -> None:
        """Parts uploaded, created and polled to their end, results downloaded: each step recorded
        before the next, so an interruption anywhere resumes without paying twice. Polling backs
        off, and stops (exit 3) when a batch outlasts the provider's window by an hour."""
        api, state = self.api, self.state
        for part in parts:
            if part.file_id is None:
                part.file_id = api.upload(state.requests_file(part))
                part.status = Status.UPLOADED
                state.save()
            if part.batch_id is None:
                metadata = {"summariser_run": state.run, "round": str(part.round)}
                lost = self._created_before(part, metadata)
                if lost is None:
                    part.status, part.tried_at = Status.CREATING, self.wall()
                    state.save()
                batch = lost or api.create(part.file_id, metadata)
                part.batch_id, part.status, part.tried_at = batch["id"], Status.VALIDATING, None
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

    def _created_before(self, part: Part, metadata: dict[str, str]) -> dict[str, Any] | None:
        """The batch a create made when its answer never came back (the run stopped, the line
        dropped): looked for by metadata and input file. One the provider does not list yet is
        waited for, never paid twice, until it has been unlisted for an hour (the create never
        arrived, then)."""
        api = self.api
        if part.status != Status.CREATING or part.file_id is None:
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
        assert part.batch_id is not None
        batch = api.get(part.batch_id)
        status = batch.get("status")
        self.report(f"round {part.round}: batch {part.batch_id} {status}, {done_count(batch, part)}")
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
        if status == Status.FAILED:
            part.error = redact(f"batch {part.batch_id} failed: {_first_error(batch)}", self.secrets)
        part.status = status
        state.save()
        read_results(self.ledger, state, part, resend=part.name in self.resend, secrets=self.secrets)


def done_count(batch: dict[str, Any], part: Part) -> str:
    """How far the provider says a batch has come, as "completed/total done"."""
    given = batch.get("request_counts")
    counts: dict[str, Any] = given if isinstance(given, dict) else {}
    return f"{counts.get('completed', 0)}/{counts.get('total', len(part.ids))} done"


def _first_error(batch: dict[str, Any]) -> str:
    """Why a batch failed validation, as the provider says it."""
    given = batch.get("errors")
    errors: dict[str, Any] = given if isinstance(given, dict) else {}
    data = errors.get("data") if isinstance(errors.get("data"), list) else []
    said = data[0].get("message") if data and isinstance(data[0], dict) else None
    return " ".join(str(said or "no reason given").split())[:300]
