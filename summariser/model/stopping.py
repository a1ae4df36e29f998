"""Stopping a client's requests at once. Ctrl-C and SIGTERM reach only the main thread, while the
requests of a long article's chunks, or of a run of many, are made in worker threads: left alone,
each would send its next request and then wait out the model's answer before the process could end.

A client's `Stop` is checked before every attempt at a request (retries included), cuts a retry's
wait short, and shuts the sockets of the requests in flight, so that a thread blocked reading an
answer returns at once.
"""

import contextlib
import socket
import threading
import weakref
from typing import Any


class Stopped(KeyboardInterrupt):
    """A request not sent, or cut off, because the run was interrupted: a KeyboardInterrupt, so
    that nothing on its way up takes it for the model's, the provider's or our failure."""


class Stop:
    """One client's stop: once `stop()` is called no request of it starts again."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._open: weakref.WeakSet[Any] = weakref.WeakSet()  # network streams, while they live
        self._lock = threading.Lock()

    def stop(self) -> None:
        """No request starts after this, and those in flight end now."""
        self._event.set()
        with self._lock:
            streams = list(self._open)
        for stream in streams:
            _shut(stream)

    def check(self) -> None:
        """Raise `Stopped` once the client was stopped: called before each attempt at a request."""
        if self._event.is_set():
            raise Stopped()

    def wait(self, seconds: float) -> None:
        """A retry's wait, cut short by a stop."""
        if self._event.wait(seconds):
            raise Stopped()

    def opened(self, stream: Any) -> Any:
        """A network stream of this client's, to shut if it is stopped while the stream is open."""
        with self._lock:
            self._open.add(stream)
        if self._event.is_set():
            _shut(stream)
        return stream


def _shut(stream: Any) -> None:
    sock = stream.get_extra_info("socket")
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):  # closed already
            sock.shutdown(socket.SHUT_RDWR)
