"""A run by files: each round's requests exported to run elsewhere (vLLM's run-batch, any
OpenAI-compatible batch service), and its results imported from wherever it ran."""

from collections.abc import Callable
from pathlib import Path

from summariser.errors import InputError
from summariser.jobs.rounds import Ledger
from summariser.jobs.state import State, Status, answer_of, read_results, result_lines, scrub
from summariser.model.pulled import sha256_of

EXPORT_MARK = ".summariser-run"  # in an export folder: the run whose rounds it holds


MAX_IMPORT_BYTES = 2_000_000_000


def import_results(
    state: State, ledger: Ledger, results: Path, secrets: tuple[str, ...], report: Callable[[str], None]
) -> None:
    """Results of the exported round, from wherever it ran, read as the provider's are: copied
    once into the folder under a bound, then read from there. A file that answers none of the
    round's requests is refused, so a wrong file (the request file, another round's) never fails
    a round; requests a right one leaves out fail, and are exported again by the next run."""
    waiting = [part for part in state.parts if part.status == Status.EXPORTED]
    if not waiting:
        if _imported_already(state, results):
            return  # the same command again, after an interruption: nothing new to read
        raise InputError(f"--batch-import {results}: no exported round waits for results")
    part = waiting[0]
    name = f"{part.name}.imported.jsonl"
    kept = state.folder / name
    copy_bounded(results, kept)
    scrub(kept, secrets)
    answered = {
        identifier
        for line in result_lines(kept)
        if line is not None and (identifier := answer_of(line, str(results))[0]) is not None
    }
    if not answered & set(part.ids):
        kept.unlink()
        raise InputError(
            f"--batch-import {results}: holds no results of round {part.round} ({state.requests_file(part)})"
        )
    left = len(set(part.ids) - answered)
    if left:
        report(f"round {part.round}: {results} answers all but {left} request(s); they fail")
    part.status, part.downloaded = Status.IMPORTED, [name]
    part.error = f"not answered in {results}"
    state.save()
    read_results(ledger, state, part, secrets=secrets)


def _imported_already(state: State, results: Path) -> bool:
    """Whether `results` is the file an earlier run of this command imported, byte for byte."""
    if not results.is_file():
        return False
    digest = sha256_of(results)
    copies = [state.folder / f"{p.name}.imported.jsonl" for p in state.parts if p.status == Status.IMPORTED]
    return any(copy.is_file() and sha256_of(copy) == digest for copy in copies)


def mark(export: Path) -> str | None:
    """The run an export folder belongs to, if any."""
    try:
        return (export / EXPORT_MARK).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None


def copy_bounded(source: Path, target: Path) -> None:
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
