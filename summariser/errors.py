"""One hierarchy for everything that can go wrong, so each door (CLI, API, Slack) maps it once.

Each class carries the CLI exit code the contract gives it; messages are written to be shown to an
editor as they are, on one line, and never hold a credential.
"""


class SummariserError(Exception):
    """Base class: catch this to handle every failure summariser reports on purpose."""

    exit_code = 1


class InputError(SummariserError):
    """The source cannot become article text: missing, empty, binary, unsupported."""

    exit_code = 2


class ProviderError(SummariserError):
    """The model endpoint failed after retries (auth, rate limit, timeout, unreachable, no tape)."""

    exit_code = 3


class ValidationFailed(SummariserError):
    """The model's output stayed invalid after its re-asks, or a drop happened under `strict`."""

    exit_code = 4


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
