"""What a batch run has sent and received, on disk beside its output: the state file
(`OUT.jsonl.batch.json`) and a folder (`OUT.jsonl.batch/`) of request files and downloaded results.

The state is checked whole when read (a hand-edited or truncated one is refused as input, never
half-trusted), written whole and renamed into place (an interruption leaves the old one or the new
one), and never holds a credential: the endpoint is kept without userinfo or query, and every error
text is masked. Result files are read a bounded line at a time, whatever the provider wrote into them.
"""

import json
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import asdict, field
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from pydantic import ConfigDict, ValidationError
from pydantic.dataclasses import dataclass

from summariser.errors import InputError
from summariser.jobs.rounds import Answer, Ledger, article_of
from summariser.model.client import NO_COMPLETION, is_completion
from summariser.model.deadline import MAX_ANSWER_BYTES
from summariser.model.redact import MASK, redact

log = logging.getLogger("summariser")

STATE_VERSION = 1
CUSTOM_ID = re.compile(r"a(\d+)-c\d+-r\d+")
RESULTS_NAME = re.compile(r"r\d+-p\d+\.(output|errors|imported)\.jsonl")
MAX_LINE_BYTES = MAX_ANSWER_BYTES  # a result line is one completion
_STRICT = ConfigDict(strict=True)


class Status(StrEnum):
    """Where a batch stands: ours until the provider has it, then the provider's own words (kept as
    it says them, so an unknown one is refused rather than guessed); or, in a run by files, ours."""

    PLANNED = "planned"
    UPLOADED = "uploaded"
    CREATING = "creating"
    VALIDATING = "validating"
    IN_PROGRESS = "in_progress"
    FINALIZING = "finalizing"
    CANCELLING = "cancelling"
    COMPLETED = "completed"
    FAILED = "failed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    REFETCHING = "refetching"  # ended, but its results were deleted by hand: downloaded again
    EXPORTED = "exported"
    IMPORTED = "imported"


TERMINAL = frozenset({Status.COMPLETED, Status.FAILED, Status.EXPIRED, Status.CANCELLED})
UNFINISHED = frozenset({Status.VALIDATING, Status.IN_PROGRESS, Status.FINALIZING, Status.CANCELLING})


@dataclass(config=_STRICT)
class Part:
    """One batch: the requests of one round that fit one input file."""

    round: int
    part: int
    ids: list[str]
    status: str = Status.PLANNED
    file_id: str | None = None
    batch_id: str | None = None
    error: str = ""
    downloaded: list[str] = field(default_factory=list)  # result files kept in the folder
    tried_at: float | None = None  # when its create was sent (wall clock), while its answer is unknown

    @property
    def name(self) -> str:
        return f"r{self.round}-p{self.part}"

    @property
    def ended(self) -> bool:
        return self.status in TERMINAL or self.status == Status.IMPORTED


@dataclass(config=_STRICT)
class State:
    """A run: its id (the batches' metadata), inputs, how its requests are made, where they went,
    and every request and part so far."""

    path: Path
    run: str
    inputs: list[str]  # article ids by index: `a<index>` in a custom id
    model: str
    mode: str
    endpoint: str  # where the batches went, without userinfo or query
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
        """The state at `path`, None when there is none; refused (exit 2) when it is not whole."""
        if not path.is_file():
            return None
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(saved, dict) or saved.pop("version", None) != STATE_VERSION:
                raise ValueError(f"not a version {STATE_VERSION} state")
            saved["parts"] = [Part(**part) for part in saved.get("parts", [])]
            state = cls(path=path, **saved)
            _check_ids(state)
        except (OSError, ValueError, TypeError, ValidationError) as error:
            reason = " ".join(str(error).split())[:200]
            raise InputError(
                f"{path}: not a batch state this version can read ({reason}); move it aside"
            ) from None
        return state

    def save(self) -> None:
        saved = {"version": STATE_VERSION, **asdict(self)}
        del saved["path"]
        partial = self.path.with_name(self.path.name + ".part")
        partial.write_text(json.dumps(saved, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(partial, self.path)

    def requests_file(self, part: Part) -> Path:
        if part.status in (Status.EXPORTED, Status.IMPORTED):
            return Path(str(self.export)) / f"round-{part.round}.jsonl"
        return self.folder / f"{part.name}.requests.jsonl"

    def results_file(self, part: Part, kind: str) -> Path:
        return self.folder / f"{part.name}.{kind}.jsonl"

    def missing(self, part: Part) -> bool:
        """Whether results it downloaded are gone from the folder (deleted by hand)."""
        return any(not (self.folder / name).is_file() for name in part.downloaded)


def _check_ids(state: State) -> None:
    """Every custom id well formed and naming one of the run's articles; every result file one of
    the folder's own names (a state edited to read files elsewhere is refused)."""
    for identifier in [*state.requests, *(i for part in state.parts for i in part.ids)]:
        found = CUSTOM_ID.fullmatch(identifier)
        if found is None or int(found[1]) >= len(state.inputs):
            raise ValueError(f"{identifier!r} is no request of this run")
    for name in (name for part in state.parts for name in part.downloaded):
        if not RESULTS_NAME.fullmatch(name):
            raise ValueError(f"{name!r} is no result file of this run")


def endpoint(url: str) -> str:
    """A base URL as the state keeps it: no credentials (userinfo, query), no trailing slash."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[-1], parts.path.rstrip("/"), "", ""))


def ledger_of(state: State, secrets: tuple[str, ...] = (), skip: set[int] | None = None) -> Ledger:
    """What every round so far sent and brought back, read from the folder; answers for the
    articles in `skip` (briefs already written) are not kept."""
    ledger = Ledger()
    for identifier, sha256 in state.requests.items():
        ledger.sent(identifier, sha256)
    for part in state.parts:
        if part.ended:
            read_results(ledger, state, part, secrets=secrets, skip=skip)
    return ledger


def read_results(
    ledger: Ledger,
    state: State,
    part: Part,
    resend: bool = False,
    secrets: tuple[str, ...] = (),
    skip: set[int] | None = None,
) -> None:
    """A finished part's answers into the ledger. A request it holds no answer for failed with
    the batch or, with `resend` (a batch the user cancelled before this run), is to be sent again."""
    mine = {i for i in part.ids if not skip or article_of(i) not in skip}
    source = f"batch {part.batch_id}" if part.batch_id else str(state.requests_file(part))
    for name in part.downloaded:
        path = state.folder / name
        if not path.is_file():
            continue
        unreadable, foreign, repeated = 0, 0, 0
        for line in result_lines(path):
            identifier, answer = answer_of(line, source, secrets) if line is not None else (None, None)
            if identifier is None or answer is None:
                unreadable += 1
            elif identifier not in part.ids:
                foreign += 1
            elif identifier not in mine:
                repeated += ledger.answer_to(identifier) is not None  # the first answer stands
            elif answer.completion is not None or not resend:
                ledger.answered(identifier, answer)
                mine.discard(identifier)
        if unreadable or foreign or repeated:
            log.warning(
                "%s: %d unreadable line(s), %d for no request of this batch, %d repeating an answer; skipped",
                path,
                unreadable,
                foreign,
                repeated,
            )
    why = redact(part.error, secrets) or f"{source} ended {part.status} without answering it"
    for identifier in mine:
        if resend:
            ledger.unsent(identifier)
        else:
            ledger.answered(identifier, Answer(None, f"{identifier}: {why}"))


def result_lines(path: Path) -> Iterator[str | None]:
    """Each line of a result file, None for one that is not UTF-8 or runs past MAX_LINE_BYTES
    (read no further than that)."""
    with path.open("rb") as file:
        while raw := file.readline(MAX_LINE_BYTES + 1):
            if len(raw) > MAX_LINE_BYTES:
                while raw and not raw.endswith(b"\n"):
                    raw = file.readline(MAX_LINE_BYTES)
                yield None
                continue
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                yield None


def scrub(path: Path, secrets: tuple[str, ...]) -> None:
    """A result file rewritten with any credential the provider echoed masked (an error line
    saying "Incorrect API key provided: sk-…"); left as it is when it holds none."""
    known = [secret.encode() for secret in secrets if len(secret) >= 6]
    if not known or not any(found for _, found in _masked(path, known)):
        return
    masked = path.with_name(path.name + ".part")
    with masked.open("wb") as writing:
        for block, _ in _masked(path, known):
            writing.write(block)
    os.replace(masked, path)


def _masked(path: Path, known: list[bytes]) -> Iterator[tuple[bytes, bool]]:
    """The file in blocks with the secrets masked, and whether a block held one. Read a megabyte
    at a time, never a line (a line can be as long as the file); the end of each block is carried
    into the next, so a secret split between two reads is still whole when it is masked."""
    keep = max(len(secret) for secret in known) - 1
    carried = b""
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            data, found = carried + block, False
            for secret in known:
                found = found or secret in data
                data = data.replace(secret, MASK.encode())
            cut = max(0, len(data) - keep)
            yield data[:cut], found
            carried = data[cut:]
    yield carried, False


def answer_of(line: str, source: str, secrets: tuple[str, ...] = ()) -> tuple[str | None, Answer | None]:
    """One line of a result file (the Batch API's output and error files, vLLM's run-batch): its
    custom id and answer, or (None, None) for a line that is none."""
    try:
        entry = json.loads(line)
        identifier = entry["custom_id"]
    except (ValueError, KeyError, TypeError):
        return None, None
    if not isinstance(identifier, str) or ("response" not in entry and "error" not in entry):
        return None, None
    response = entry.get("response") if isinstance(entry.get("response"), dict) else {}
    if "choices" in response:  # the completion itself, as some batch runners write it
        response = {"status_code": 200, "body": response}
    status, body, error = response.get("status_code"), response.get("body"), entry.get("error")
    if status == 200 and not error:
        if is_completion(body):
            return identifier, Answer(body)
        return identifier, Answer(None, f"{identifier} in {source}: answered with {NO_COMPLETION}")
    said = error.get("message") if isinstance(error, dict) else None
    if said is None and isinstance(body, dict) and isinstance(body.get("error"), dict):
        said = body["error"].get("message")
    reason = redact(" ".join(str(said or "no message").split())[:300], secrets)
    return identifier, Answer(None, f"{identifier} failed in {source} ({status or 'no status'}): {reason}")
