"""What `summarise jobs status|cancel` does: a run's progress in lines for a person, and its batches
cancelled at the provider."""

from pathlib import Path

from summariser.errors import InputError, ProviderError
from summariser.jobs.api import BatchAPI
from summariser.jobs.state import State, Status
from summariser.jobs.submit import done_count
from summariser.model.redact import redact
from summariser.runs.many import JsonLinesWriter, entries


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
        counts = ""
        if api is not None and part.batch_id is not None and not part.ended:
            try:
                batch = api.get(part.batch_id)
            except ProviderError as error:
                lines.append(f"  (as last recorded: {error})")
                api = None
            else:
                part.status = str(batch.get("status"))
                counts = f", {done_count(batch, part)}"
        name = part.batch_id or (str(state.requests_file(part)) if state.export else "not submitted")
        lines.append(
            f"round {part.round} part {part.part}: {name} {part.status}, {len(part.ids)} request(s){counts}"
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
        part.status = str(batch.get("status") or Status.CANCELLING)
        state.save()
        done.append(f"round {part.round}: batch {part.batch_id} {part.status}")
    return (done or ([] if failed else ["nothing running"])), failed


def _state_of(output: Path) -> State:
    state = State.load(State.path_for(output))
    if state is None:
        raise InputError(f"{output}: no batch run here (no {State.path_for(output).name})")
    return state


def _written(output: Path) -> tuple[int, int]:
    briefs: set[str] = set()
    errors: set[str] = set()
    if output.is_file():
        for entry in entries(output):
            (briefs if "brief" in entry else errors).add(str(entry.get("id")))
    return len(briefs), len(errors - briefs)
