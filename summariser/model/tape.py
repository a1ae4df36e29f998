"""Record and replay model exchanges as an httpx transport, below openai and instructor.

Because the tape sits under the real client, a replayed brief goes through exactly the code a live
one does. Each exchange is one JSON file named by a hash of its canonical request (method, path and
JSON body: model, messages, schema or tools), so base URLs and keys never matter and never land on
disk. A recording also says which server and model produced it; a file written by hand says so
instead, and lives apart from recordings.
"""

import hashlib
import json
import logging
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from summariser.errors import InputError, ProviderError

log = logging.getLogger("summariser")
MAX_EXCHANGE_BYTES = 8_000_000  # a recorded exchange is tens of kilobytes
_KEPT_RESPONSE_HEADERS = ("content-type", "retry-after", "retry-after-ms", "server")


class TapeMiss(ProviderError):
    """A replayed request that nothing in the tape answers."""


def canonical(request: httpx.Request) -> dict[str, Any]:
    """What identifies a request, whatever endpoint it was sent to."""
    path = request.url.path.rstrip("/").rsplit("/v1/", 1)[-1].lstrip("/")
    body = json.loads(request.content) if request.content else None
    return {"method": request.method, "path": path, "body": body}


def key_of(request: httpx.Request) -> str:
    blob = json.dumps(canonical(request), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def _describe(body: Any) -> str:
    if not isinstance(body, dict):
        return "a request without a JSON body"
    messages = body.get("messages") or []
    last = str(messages[-1].get("content", ""))[:60] if messages else ""
    return f"model {body.get('model')!r}, {len(messages)} messages, last {last!r}"


class Tape:
    """A directory of exchanges."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def path_for(self, key: str) -> Path:
        return self.directory / f"{key[:20]}.json"

    def entries(self) -> list[dict[str, Any]]:
        """Every usable exchange; each file that is not one is skipped with a warning, and a tape
        with files but no usable exchange at all is refused."""
        if not self.directory.is_dir():
            return []
        paths = sorted(self.directory.glob("*.json"))
        entries, skipped = [], []
        for path in paths:
            try:
                entries.append(_load(path))
            except _NotAnExchange as error:
                skipped.append((path, error))
        if skipped and not entries:
            first, why = skipped[0]
            raise InputError(
                f"{self.directory}: no usable recording among its {len(paths)} .json file(s) "
                f"({first.name}: {why})"
            )
        for path, reason in skipped:
            log.warning("%s: skipped, not a recorded exchange (%s)", path, reason)
        return entries

    def recorded_with(self) -> tuple[str | None, str | None, str | None]:
        """The one model, mode and server every exchange on this tape was made with (None where
        there is not exactly one); lets `--replay DIR` run without repeating how it was recorded,
        and a brief replayed from it name the model that answered."""
        found: tuple[set[Any], set[Any], set[Any]] = (set(), set[Any](), set[Any]())
        for entry in self.entries():
            recorded = entry.get("recorded", {})
            for seen, key in zip(found, ("model", "mode", "served_by"), strict=True):
                value = recorded.get(key)
                if isinstance(value, str):
                    seen.add(value)
        model, mode, served_by = (seen.pop() if len(seen) == 1 else None for seen in found)
        return model, mode, served_by

    def answer(self, request: httpx.Request, key: str) -> httpx.Response | None:
        """The recorded response to a request, if the tape holds one."""
        path = self.path_for(key)
        if not path.exists() and not path.is_symlink():
            return None
        try:
            recorded = _load(path)["response"]
        except _NotAnExchange as why:
            raise InputError(f"{path}: the recording of this request is unusable ({why})") from None
        kept = {k: v for k, v in recorded.get("headers", {}).items() if k.lower() in _KEPT_RESPONSE_HEADERS}
        return httpx.Response(
            status_code=recorded["status"],
            headers=kept,  # never an encoding: the body is stored decoded
            content=json.dumps(recorded["body"]).encode(),
            request=request,
        )


class _NotAnExchange(Exception):
    pass


def _load(path: Path) -> dict[str, Any]:
    """One exchange file, read only if it is a plain file of a sane size and checked for the shape
    replay relies on: a tape is a directory anyone may have put anything in."""
    try:
        info = path.lstat()
    except OSError as error:
        raise _NotAnExchange(error.strerror) from None
    if stat.S_ISLNK(info.st_mode):
        raise _NotAnExchange("a symbolic link; a tape holds files")
    if not stat.S_ISREG(info.st_mode):
        raise _NotAnExchange("not a regular file")
    if info.st_size > MAX_EXCHANGE_BYTES:
        raise _NotAnExchange(f"over {MAX_EXCHANGE_BYTES:,} bytes")
    try:
        with path.open("rb") as handle:
            entry = json.loads(handle.read(MAX_EXCHANGE_BYTES + 1).decode("utf-8"))
    except OSError as error:
        raise _NotAnExchange(error.strerror) from None
    except UnicodeDecodeError:
        raise _NotAnExchange("not UTF-8") from None
    except ValueError as error:
        raise _NotAnExchange(f"not JSON: {error}") from None
    except RecursionError:
        raise _NotAnExchange("JSON nested too deep") from None
    response = entry.get("response") if isinstance(entry, dict) else None
    recorded = entry.get("recorded", {}) if isinstance(entry, dict) else None
    headers = response.get("headers", {}) if isinstance(response, dict) else None
    if not (
        isinstance(response, dict)
        and type(response.get("status")) is int
        and 100 <= response["status"] <= 599
        and "body" in response
        and isinstance(headers, dict)
        and all(isinstance(v, str) for v in headers.values())
        and isinstance(recorded, dict)
        and all(isinstance(recorded.get(k), str | None) for k in ("model", "mode"))
    ):
        raise _NotAnExchange("no recorded response in it")
    checked: dict[str, Any] = entry
    return checked


class ReplayTransport(httpx.BaseTransport):
    """Answers only from the tape; an unknown request fails and names what is missing."""

    def __init__(self, tape: Tape) -> None:
        self.tape = tape

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        key = key_of(request)
        response = self.tape.answer(request, key)
        if response is None:
            raise TapeMiss(
                f"no recorded exchange in {self.tape.directory} for "
                f"{_describe(canonical(request)['body'])} (key {key[:20]}); record it with --record"
            )
        return response

    def close(self) -> None:
        pass  # answers come from files read whole; nothing stays open


class RecordTransport(httpx.BaseTransport):
    """Answers what the tape already holds from it; passes every other request on and writes the
    exchange, with who answered it, to the tape. Reusing what is recorded keeps a tape consistent
    (a re-ask always follows the answer it was made from) and lets two variants of a run (say, with
    and without a re-ask) share their common exchanges. Delete the directory to record afresh."""

    def __init__(
        self, tape: Tape, inner: httpx.BaseTransport, mode: str, served_by: str | None = None
    ) -> None:
        self.tape = tape
        self.inner = inner
        self.mode = mode
        self.served_by = served_by
        self.listing: dict[str, Any] | None = None  # the server's /models entry, asked once

    def listing_request(self, request: httpx.Request) -> httpx.Request:
        """The request for the server's own description of the model (its /models entry): evidence
        of what answered, beyond the name the client asked for."""
        url = request.url.copy_with(path=request.url.path.rsplit("/", 2)[0] + "/models")
        headers = {k: v for k, v in request.headers.items() if k.lower() == "authorization"}
        return httpx.Request("GET", url, headers=headers)

    def note_listing(self, request: httpx.Request, reply: httpx.Response | None) -> None:
        """Keep the entry of the model `request` asked for from the server's read /models answer."""
        try:
            entries = reply.json().get("data", []) if reply is not None and reply.status_code == 200 else []
        except (ValueError, AttributeError):
            entries = []
        model = (canonical(request)["body"] or {}).get("model")
        found = [e for e in entries if isinstance(e, dict) and e.get("id") == model]
        self.listing = found[0] if found else {}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        key = key_of(request)
        held = self.tape.answer(request, key)
        if held is not None:
            return held
        response = self.inner.handle_request(request)
        content = response.read()
        if self.listing is None and response.status_code == 200:
            reply: httpx.Response | None = None
            try:
                reply = self.inner.handle_request(self.listing_request(request))
                reply.read()
            except httpx.HTTPError:
                reply = None
            self.note_listing(request, reply)
        return self.keep(request, response, content, key)

    def keep(
        self, request: httpx.Request, response: httpx.Response, content: bytes, key: str
    ) -> httpx.Response:
        """Write the exchange, with who answered it, to the tape: a completion only, for a fault is
        retried or reported, never kept (a replay would repeat it)."""
        if response.status_code != 200:
            return response
        try:
            body = json.loads(content)
        except ValueError:
            return response  # not an exchange worth keeping (an HTML page, say)
        self.tape.directory.mkdir(parents=True, exist_ok=True)
        sent = canonical(request)
        entry = {
            "recorded": {
                "how": "recorded from a real server by summariser --record",
                "at": datetime.now(UTC).isoformat(timespec="seconds"),
                "endpoint": f"{request.url.scheme}://{request.url.host}:{request.url.port}",
                "server": response.headers.get("server"),
                "model": (sent["body"] or {}).get("model"),
                "answered_as": body.get("model") if isinstance(body, dict) else None,
                "system_fingerprint": body.get("system_fingerprint") if isinstance(body, dict) else None,
                "mode": self.mode,
                "served_by": self.served_by,
                "server_model_listing": self.listing or None,
            },
            "request": sent,
            "response": {
                "status": response.status_code,
                "headers": {k: v for k, v in response.headers.items() if k in _KEPT_RESPONSE_HEADERS},
                "body": body,
            },
        }
        path = self.tape.path_for(key)
        path.write_text(json.dumps(entry, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return response  # read already: its content stays as decoded, whatever encoding it came in

    def close(self) -> None:
        self.inner.close()
