"""A progress bar on stderr for batches, only when a person is watching a terminal."""

from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
from rich.progress import Progress as RichProgress


class Progress:
    def __init__(self, total: int, enabled: bool) -> None:
        self._bar = (
            RichProgress(
                TextColumn("briefs"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            if enabled
            else None
        )
        self._task = self._bar.add_task("briefs", total=total) if self._bar else None

    def __enter__(self) -> "Progress":
        if self._bar:
            self._bar.start()
        return self

    def advance(self) -> None:
        if self._bar and self._task is not None:
            self._bar.advance(self._task)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._bar:
            self._bar.stop()
