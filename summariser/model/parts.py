"""Which part of a brief a request is for, and the signal that it must wait: what the model
client's transports need to answer a brief in rounds (`summariser.jobs.rounds`) while the pipeline
that sends the requests knows nothing of batches."""

import contextlib
import contextvars
from collections.abc import Iterator


class Parked(BaseException):
    """A brief's next request waits for a round. A BaseException, as asyncio's CancelledError is,
    so that no `except Exception` on its way up (openai's, instructor's, ours) takes it for a
    failure of the model, the provider or our code."""


_chunk: contextvars.ContextVar[int] = contextvars.ContextVar("summariser_chunk", default=0)


@contextlib.contextmanager
def chunk(number: int) -> Iterator[None]:
    """Requests this thread sends inside the block are for this part of the brief: a chunk of the
    article, or the headline request, which follows the last chunk."""
    token = _chunk.set(number)
    try:
        yield
    finally:
        _chunk.reset(token)


def current_part() -> int:
    return _chunk.get()
