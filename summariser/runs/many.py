"""Many articles: inputs gathered from paths, directories and JSON Lines, briefs made concurrently,
one output line per input as soon as it is done.

A failed input becomes an error record and never stops the rest; every line is written and flushed
when its brief finishes, so an interrupted run loses nothing, and a rerun with the same output skips
the inputs that already have a brief (failed ones are tried again; readers take the last line per id).
"""

import json
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, as_completed, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from summariser.brief import Brief
from summariser.config import Settings
from summariser.errors import InputError, InternalError, SummariserError
from summariser.input.sources import Article, from_text, read
from summariser.runs.pipeline import Session

ARTICLE_GLOBS = ("*.txt", "*.html", "*.htm")  # what a directory's articles are; not its README.md


@dataclass(frozen=True)
class Item:
    id: str
    source: str  # a path, URL or '-', or, with `text` set, a label
    text: str | None = None


def gather(specs: Iterable[str], globs: Iterable[str] = ARTICLE_GLOBS) -> list[Item]:
    """Inputs from SOURCE arguments: files and URLs as they are, a directory's files that match
    `globs`, a JSON Lines file's records (`{"id", "text"}` or `{"id", "url"}`)."""
    globs = tuple(globs)
    for pattern in globs:
        if not pattern or Path(pattern).is_absolute() or ".." in Path(pattern).parts:
            raise InputError(f"--glob {pattern!r}: give a pattern inside the directory, such as '*.txt'")
    items: list[Item] = []
    for spec in specs:
        path = Path(spec)
        if path.is_dir():
            found = sorted({p for pattern in globs for p in path.glob(pattern) if p.is_file()})
            if not found:
                raise InputError(f"{spec}: a directory with no articles ({', '.join(globs)})")
            items += [Item(id=p.name, source=str(p)) for p in found]
        elif path.suffix.lower() == ".jsonl" and path.is_file():
            items += _records(path)
        else:
            items.append(Item(id=spec, source=spec))
    ids = [item.id for item in items]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise InputError(f"the same id appears more than once: {', '.join(duplicates[:3])}")
    return items


def _records(path: Path) -> list[Item]:
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            identifier = str(record["id"])
        except (ValueError, KeyError, TypeError):
            raise InputError(f"{path}:{number}: not a JSON object with an id") from None
        if isinstance(record.get("text"), str):
            items.append(Item(id=identifier, source=f"{path}#{identifier}", text=record["text"]))
        elif isinstance(record.get("url"), str):
            items.append(Item(id=identifier, source=record["url"]))
        else:
            raise InputError(f"{path}:{number}: a record needs a text or a url")
    return items


@dataclass
class Result:
    item: Item
    brief: Brief | None = None
    text: str | None = None  # the article as read, for renderers that show it
    error: SummariserError | None = None


def article_of(item: Item) -> Article:
    if item.text is not None:  # a JSON Lines record's text is the article, never a path to read
        return Article(item.source, from_text(item.source, item.text))
    return read(item.source)


def summarise_item(item: Item, session: Session) -> tuple[Brief, str]:
    article = article_of(item)
    return session.brief(article), article.text


Work = Callable[[Item, Session], tuple[Brief, str]]


def run(
    items: list[Item],
    settings: Settings,
    concurrency: int,
    on_result: Callable[[Result], None],
    work: Work = summarise_item,
) -> None:
    """Brief every item in one session: at most `concurrency` model requests in flight, whether they
    are articles or chunks of one, over one connection pool; `on_result` hears each item as it
    finishes."""
    with Session(settings, concurrency) as session:
        for result in briefed(items, session, concurrency, work):
            on_result(result)


def briefed(
    items: Iterable[Item], session: Session, concurrency: int, work: Work = summarise_item
) -> Iterator[Result]:
    """Each item's result as it finishes, briefed in `session` (its pool, its cap on requests in
    flight) by `concurrency` workers. Only a small window of items is queued ahead, and finished
    results are let go, so memory stays flat however long the batch."""
    window = max(1, concurrency) * 2
    with session.interruptible(ThreadPoolExecutor(max_workers=max(1, concurrency))) as pool:
        pending: set[Future[Result]] = set()
        for item in items:
            if len(pending) >= window:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield future.result()
            pending.add(pool.submit(_result, work, item, session))
        for future in as_completed(pending):
            yield future.result()


def _result(work: Work, item: Item, session: Session) -> Result:
    """An item's brief, or its error: a failure of any kind, a bug of ours included, is that item's
    alone and never stops the rest."""
    try:
        brief, text = work(item, session)
    except SummariserError as error:
        return Result(item, error=error)
    except Exception as error:
        wrapped = InternalError.wrapping(error)
        wrapped.__cause__ = error
        return Result(item, error=wrapped)
    return Result(item, brief=brief, text=text)


class Sink(Protocol):
    def done(self) -> set[str]: ...
    def write(self, result: Result) -> None: ...
    def close(self) -> None: ...


class JsonLinesWriter:
    """One line per result, appended and flushed at once, from any thread."""

    def __init__(self, output: Path) -> None:
        self.output = output
        output.parent.mkdir(parents=True, exist_ok=True)
        self._file = output.open("a", encoding="utf-8")
        cut_short = self._file.tell() > 0 and _last_byte(output) != b"\n"
        if cut_short:
            self._file.write("\n")  # an interrupted run's half line stays a line of its own
        self._lock = threading.Lock()

    def claim(self) -> None:
        """This process alone writes the output while the writer is open: a second run of the same
        command would pay for every request again (POSIX advisory lock; elsewhere, nothing)."""
        try:
            import fcntl
        except ImportError:
            return
        try:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise InputError(
                f"{self.output}: another run is writing it; let it finish or stop it first"
            ) from None

    def done(self) -> set[str]:
        """Ids that already have a brief: a rerun skips them."""
        return {str(entry["id"]) for entry in entries(self.output) if "brief" in entry and "id" in entry}

    def write(self, result: Result) -> None:
        line = json.dumps(record(result), ensure_ascii=False)
        with self._lock:
            self._file.write(line + "\n")
            self._file.flush()

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> "JsonLinesWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def entries(output: Path) -> Iterator[dict[str, Any]]:
    """The lines of a JSON Lines output, read one at a time; a line cut short by an interrupted run,
    or anything else that is no JSON object, is skipped."""
    with output.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict):
                yield entry


def _last_byte(path: Path) -> bytes:
    with path.open("rb") as file:
        file.seek(-1, 2)
        return file.read(1)


def record(result: Result) -> dict[str, Any]:
    """One output line: the brief, or why there is none."""
    entry: dict[str, Any] = {"id": result.item.id, "source": result.item.source}
    if result.brief is not None:
        entry["brief"] = result.brief.model_dump(mode="json")
    elif result.error is not None:
        error = result.error
        entry["error"] = {"exit_code": error.exit_code, "kind": type(error).__name__, "message": str(error)}
    return entry
