"""Total time and size limits on model requests: a deadline no trickling peer can stretch, and
answers read whole under a byte bound before anything above sees them.

httpx's timeouts bound each socket operation and start again with every byte, so a server that
sends one byte a second holds a request open for as long as it likes. Here every socket operation
is given at most the time left before the deadline the calling thread has set (`within`), so
connecting, sending, headers and body together finish in time or fail with httpx's own timeout
errors, which the retry policy and openai already understand. Deadlines nest: the tighter one wins.
"""

import contextlib
import contextvars
import ssl
import time
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

import httpcore
import httpx

from summariser.errors import ProviderError
from summariser.model.stopping import Stop

_end: contextvars.ContextVar[float | None] = contextvars.ContextVar("summariser_deadline", default=None)


@contextlib.contextmanager
def within(seconds: float) -> Iterator[None]:
    """Every request this thread sends inside the block finishes within `seconds` of now."""
    end = time.monotonic() + seconds
    current = _end.get()
    token = _end.set(end if current is None else min(current, end))
    try:
        yield
    finally:
        _end.reset(token)


def left() -> float | None:
    """Seconds before the current deadline (None without one); never negative."""
    end = _end.get()
    return None if end is None else max(0.0, end - time.monotonic())


def _bounded(timeout: float | None, error: type[Exception]) -> float | None:
    remaining = left()
    if remaining is None:
        return timeout
    if remaining <= 0:
        raise error("the request ran past its deadline")
    return remaining if timeout is None else min(timeout, remaining)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, stop: Stop | None) -> None:
        self.inner = inner
        self.stop = stop
        if stop is not None:
            stop.opened(self)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _Stream(
            self.inner.start_tls(ssl_context, server_hostname, _bounded(timeout, httpcore.ConnectTimeout)),
            self.stop,
        )

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    """httpcore's own backend, its streams keeping to the deadline and shut when `stop` is."""

    def __init__(self, stop: Stop | None) -> None:
        self.inner = httpcore.SyncBackend()
        self.stop = stop

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _bounded(timeout, httpcore.ConnectTimeout)
        return _Stream(self.inner.connect_tcp(host, port, timeout, local_address, socket_options), self.stop)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        timeout = _bounded(timeout, httpcore.ConnectTimeout)
        return _Stream(self.inner.connect_unix_socket(path, timeout, socket_options), self.stop)

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


MAX_ANSWER_BYTES = 8_000_000  # a brief's completion is tens of kilobytes


class _ReadWhole(httpx.BaseTransport):
    """Reads each answer whole, decoded, at the bottom of the stack: inside the caller's deadline, and
    never past `MAX_ANSWER_BYTES`, whatever the endpoint sends or claims to send."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        body = bytearray()
        try:
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_ANSWER_BYTES:
                    raise too_large(request)
        finally:
            response.close()
        return read_whole(response, bytes(body), request)

    def close(self) -> None:
        self.inner.close()


def too_large(request: httpx.Request) -> ProviderError:
    return ProviderError(
        f"{request.url.scheme}://{request.url.netloc.decode()} answered more than "
        f"{MAX_ANSWER_BYTES:,} bytes, which no chat completion is"
    )


def read_whole(response: httpx.Response, body: bytes, request: httpx.Request) -> httpx.Response:
    """The answer with its body read whole and decoded: an encoding header left on it would make
    httpx decode it again."""
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _ENCODING_HEADERS]
    return httpx.Response(response.status_code, headers=headers, content=body, request=request)


_ENCODING_HEADERS = ("content-encoding", "content-length", "transfer-encoding")


def transport(proxy: str | None = None, stop: Stop | None = None) -> httpx.BaseTransport:
    """httpx's own transport (through `proxy` when one is given), its sockets keeping to the
    deadline and shut when `stop` is, under one that reads each answer whole within the size bound."""
    return _ReadWhole(streaming(proxy, stop))


def streaming(proxy: str | None = None, stop: Stop | None = None) -> httpx.HTTPTransport:
    """httpx's own transport, its sockets keeping to the deadline, its answers left for the caller
    to read under a bound of its own (a batch's result file is far larger than any completion).

    HTTPTransport takes no network backend, so its pool (a plain pool, or httpcore's proxy pool) is
    given ours after it is built: everything else, TLS, limits, proxying and exception mapping, stays
    httpx's own."""
    made = httpx.HTTPTransport(proxy=proxy)
    made._pool._network_backend = _Backend(stop)
    return made


def proxy_for(url: str) -> str | None:
    """The proxy the environment names for `url` (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY), unless
    NO_PROXY exempts its host: a newsroom behind a proxy reaches its provider as curl would.

    httpx reads these only for clients it builds its transport for, and ours is always given one."""
    parts = urlsplit(url)
    proxies = getproxies()
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if not proxy or proxy_bypass(parts.hostname or ""):
        return None
    return proxy
