"""One hierarchy for everything that can go wrong, so each door (CLI, API, Slack) maps it once.

Each class carries the CLI exit code the contract gives it; messages are written to be shown to an
editor as they are, on one line, and never hold a credential. The facts a script acts on (a status
code, what was dropped) are attributes, so no one parses a message.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from summariser.brief import Dropped


class SummariserError(Exception):
    """Base class: catch this to handle every failure summariser reports on purpose."""

    exit_code = 1


class InputError(SummariserError):
    """The source cannot become article text: missing, empty, binary, unsupported. `source` is the
    source as it was given (a path, a URL, `<text>`), where the door that read it knows it."""

    exit_code = 2

    def __init__(self, message: str, source: str | None = None) -> None:
        super().__init__(message)
        self.source = source


class ProviderError(SummariserError):
    """The model endpoint failed after retries (auth, rate limit, timeout, unreachable, no tape).

    `status_code` is the HTTP status of the last answer (None for a timeout, a refused connection or
    a missing recording); `retry_after` the seconds the provider last asked to wait, if it did;
    `request_id` the provider's id for the request, to quote to its support."""

    exit_code = 3

    def __init__(
        self,
        message: str,
        status_code: int | None = None,
        retry_after: float | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.retry_after = retry_after
        self.request_id = request_id


class ValidationFailed(SummariserError):
    """The model's output stayed invalid after its re-asks, or a drop happened under `strict`.

    `dropped` holds what was dropped, as the brief would list it (`summariser.Dropped`);
    `last_answer` the model's last answer as it sent it, every secret the run knows masked."""

    exit_code = 4

    def __init__(
        self, message: str, dropped: "Sequence[Dropped]" = (), last_answer: str | None = None
    ) -> None:
        super().__init__(message)
        self.dropped = list(dropped)
        self.last_answer = last_answer


class InternalError(SummariserError):
    """A bug in summariser itself: reported at once, never billed to the model or the provider.

    The original exception stays as `__cause__`, so `-v` shows its traceback.
    """

    exit_code = 1

    @classmethod
    def wrapping(cls, error: BaseException) -> "InternalError":
        """The one line a door shows for a bug; raise it `from error` to keep the traceback."""
        detail = " ".join(str(error).split())[:200]
        return cls(f"internal error ({type(error).__name__}: {detail}); rerun with -v and report it")
