"""A small OpenAI Batch API service on 127.0.0.1 whose outcomes are scripted, for tests and benchmarks.

The code under test uploads a JSONL file, creates a batch, polls it and downloads the results over real
HTTP, through openai's client, exactly as it would against the provider. The shapes (FileObject, Batch,
the output and error lines, the error bodies) are the provider's; what each batch comes to is scripted:
`outcomes` says, batch by batch, whether it completes, fails validation or expires, and `answer` writes
each line's response. Nothing runs on a clock: every GET of a batch moves it one step along its plan,
so a client that polls sees every state, and a test never waits.
"""

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesHeaderParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.scripted import send_json, serve

ENDPOINT = "/v1/chat/completions"
COMPLETION_WINDOW = "24h"
DAY = 24 * 60 * 60
FILE_LIFETIME = 30 * DAY  # batch files expire after 30 days unless told otherwise
PLANS = {  # the states a batch passes through after `validating`, one per GET
    "completed": ["in_progress", "finalizing", "completed"],
    "failed": ["failed"],
    "expired": ["in_progress", "expired"],
}
UNFINISHED = {"validating", "in_progress", "finalizing"}
EXPIRED_LINE = "This request could not be executed before the completion window expired."
CANCELLED_LINE = "This request could not be executed before the batch was cancelled."
ACTIONS = {"upload", "create", "poll", "cancel"}

Answer = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]


class ApiError(Exception):
    """An answer the provider gives as an error body, raised from deep in a handler."""

    def __init__(self, status: int, message: str, param: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = {
            "error": {"message": message, "type": "invalid_request_error", "param": param, "code": code}
        }


@dataclass
class StoredFile:
    meta: dict[str, Any]  # the FileObject, as the API shows it
    data: bytes


@dataclass
class StoredBatch:
    obj: dict[str, Any]  # the Batch object, as the API shows it
    plan: list[str]  # the states still to come, one per GET
    unlisted: int = 0  # listings still to miss it (a provider whose listing lags behind its creates)


@dataclass
class BatchService:
    """The provider's state, plus what a test asserts on; every field is guarded by `lock`."""

    answer: Answer
    outcomes: list[str] = field(default_factory=lambda: ["completed"])  # one per batch; the last repeats
    max_requests_per_file: int = 50_000
    max_file_bytes: int = 200_000_000  # "200 MB"; the stricter reading, so a client under it is safe
    drop_after: set[str] = field(default_factory=set)  # actions done, then the connection cut, once each
    keep_bodies: bool = True  # a benchmark of a thousand articles need not hold every request body
    list_lag: int = 0  # how many listings miss a batch just created
    shown: Callable[[dict[str, Any]], Any] | None = None  # rewrites each batch object as answered, for
    # providers that answer malformed ones (no status, an unknown status, no id)
    url: str = ""
    files: dict[str, StoredFile] = field(default_factory=dict)
    batches: dict[str, StoredBatch] = field(default_factory=dict)  # in creation order
    uploads: list[str] = field(default_factory=list)
    created: list[dict[str, Any]] = field(default_factory=list)
    answered: int = 0
    answered_ids: list[str] = field(default_factory=list)
    answered_bodies: list[dict[str, Any]] = field(default_factory=list)  # only while keep_bodies
    polls: int = 0
    headers: list[dict[str, str]] = field(default_factory=list)  # each request's, names in lower case
    lock: threading.Lock = field(default_factory=threading.Lock)
    counters: dict[str, int] = field(default_factory=dict)

    def next_id(self, prefix: str) -> str:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"{prefix}{self.counters[prefix]}"

    def next_outcome(self) -> str:
        index = min(len(self.created), len(self.outcomes) - 1)
        return self.outcomes[index]

    def view(self, obj: dict[str, Any]) -> Any:
        """A batch object as this provider answers it."""
        return obj if self.shown is None else self.shown(json.loads(json.dumps(obj)))

    def take_drop(self, action: str) -> bool:
        """Whether this action is the one to interrupt; it is interrupted once."""
        if action in self.drop_after:
            self.drop_after.discard(action)
            return True
        return False

    def store(self, data: bytes, filename: str, purpose: str) -> dict[str, Any]:
        now = int(time.time())
        meta = {
            "id": self.next_id("file-"),
            "object": "file",
            "bytes": len(data),
            "created_at": now,
            "expires_at": now + FILE_LIFETIME,
            "filename": filename,
            "purpose": purpose,
            "status": "processed",
            "status_details": None,
        }
        self.files[meta["id"]] = StoredFile(meta, data)
        return meta

    def file(self, file_id: str) -> StoredFile:
        if file_id not in self.files:
            raise ApiError(404, f"No such File object: {file_id}", "id")
        return self.files[file_id]

    def batch(self, batch_id: str) -> StoredBatch:
        if batch_id not in self.batches:
            raise ApiError(404, f"No batch found with id '{batch_id}'.")
        return self.batches[batch_id]

    def create(self, request: Any) -> dict[str, Any]:
        if not isinstance(request, dict):
            raise ApiError(
                400, "Invalid type for the request body: expected an object.", None, "invalid_type"
            )
        for name in ("input_file_id", "endpoint", "completion_window"):
            if name not in request:
                raise ApiError(
                    400, f"Missing required parameter: '{name}'.", name, "missing_required_parameter"
                )
        if request["endpoint"] != ENDPOINT:
            raise ApiError(
                400,
                f"Invalid value: '{request['endpoint']}'. Supported values are: '{ENDPOINT}'.",
                "endpoint",
                "invalid_value",
            )
        if request["completion_window"] != COMPLETION_WINDOW:
            raise ApiError(
                400,
                f"Invalid value: '{request['completion_window']}'. Supported values are: '24h'.",
                "completion_window",
                "invalid_value",
            )
        metadata = request.get("metadata")
        _check_metadata(metadata)
        now = int(time.time())
        outcome = self.next_outcome()
        obj = {
            "id": self.next_id("batch_"),
            "object": "batch",
            "endpoint": request["endpoint"],
            "model": None,
            "errors": None,
            "input_file_id": request["input_file_id"],
            "completion_window": request["completion_window"],
            "status": "validating",
            "output_file_id": None,
            "error_file_id": None,
            "created_at": now,
            "in_progress_at": None,
            "expires_at": now + DAY,
            "finalizing_at": None,
            "completed_at": None,
            "failed_at": None,
            "expired_at": None,
            "cancelling_at": None,
            "cancelled_at": None,
            "request_counts": {"total": 0, "completed": 0, "failed": 0},
            "usage": _usage([]),
            "metadata": metadata,
        }
        self.batches[obj["id"]] = StoredBatch(obj, list(PLANS[outcome]), unlisted=self.list_lag)
        self.created.append(json.loads(json.dumps(obj)))
        return obj

    def step(self, batch: StoredBatch) -> None:
        """Move a batch to the next state of its plan; a finished batch stays as it is."""
        if not batch.plan:
            return
        obj = batch.obj
        status = batch.plan.pop(0)
        now = int(time.time())
        if obj["status"] == "validating":
            if status == "failed":  # the scripted failure
                return self.fail(batch, [_error("scripted_failure", "This batch was scripted to fail.")])
            lines, errors = self.validate(obj)
            if errors:
                return self.fail(batch, errors)
            obj["model"] = lines[0]["body"].get("model")
            obj["request_counts"]["total"] = len(lines)
        obj["status"] = status
        obj[f"{status}_at"] = now
        if status in ("completed", "expired", "cancelled"):
            self.finish(batch, cut="batch_expired" if status == "expired" else "batch_cancelled")

    def fail(self, batch: StoredBatch, errors: list[dict[str, Any]]) -> None:
        batch.plan.clear()
        batch.obj.update(
            status="failed", failed_at=int(time.time()), errors={"object": "list", "data": errors}
        )

    def validate(self, obj: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The input's lines, or the errors the provider reports when it refuses them."""
        stored = self.files.get(obj["input_file_id"])
        if stored is None:  # the provider accepts the batch and fails it, not the create call
            message = f"Cannot find file {obj['input_file_id']}, or you do not have access to it."
            return [], [_error("invalid_request", message, param="file_id")]
        if len(stored.data) > self.max_file_bytes:
            message = f"The input file is larger than the {self.max_file_bytes}-byte maximum for a batch."
            return [], [_error("file_too_large", message)]
        lines: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        seen: set[str] = set()
        model = None
        for number, text in enumerate(stored.data.decode("utf-8", "replace").splitlines(), start=1):
            if not text.strip():
                continue
            try:
                line = json.loads(text)
            except ValueError:
                line = None
            if not isinstance(line, dict):
                errors.append(
                    _error("invalid_json_line", "This line is not parseable as valid JSON.", number)
                )
                continue
            error = _line_error(line, obj["endpoint"], number)
            if error is None and line["custom_id"] in seen:
                message = (
                    "The custom_id for this request is a duplicate of another request. "
                    "The custom_id parameter must be unique for each request in a batch."
                )
                error = _error("duplicate_custom_id", message, number, "custom_id")
            if error is None and model is not None and line["body"].get("model") != model:
                message = f"The provided model '{line['body'].get('model')}' does not match the model "
                message += f"'{model}' of the other requests in this batch."
                error = _error("model_mismatch", message, number, "body.model")
            if error is not None:
                errors.append(error)
                continue
            seen.add(line["custom_id"])
            model = line["body"].get("model")
            lines.append(line)
        if not errors and not lines:
            message = (
                "The batch input file is empty. Please ensure that the batch contains at least one request."
            )
            errors.append(_error("empty_file", message))
        if not errors and len(lines) > self.max_requests_per_file:
            message = (
                f"The batch has {len(lines)} requests; at most {self.max_requests_per_file} are allowed."
            )
            errors.append(_error("too_many_tasks", message))
        return lines, errors

    def finish(self, batch: StoredBatch, cut: str) -> None:
        """Answer the lines (all of them, or for an expired or cancelled batch the first half) and
        store the output and error files, as the provider does once a batch ends."""
        obj = batch.obj
        lines, errors = self.validate(obj)
        if errors:  # cancelled before validation, on input it would have refused: nothing ran
            return
        run = len(lines) if obj["status"] == "completed" else len(lines) // 2
        output: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        for index, line in enumerate(lines):
            entry: dict[str, Any] = {"id": self.next_id("batch_req_"), "custom_id": line["custom_id"]}
            if index < run:
                status, body = self.answer(line["body"])
                self.answered += 1
                self.answered_ids.append(line["custom_id"])
                if self.keep_bodies:
                    self.answered_bodies.append(line["body"])
                entry["response"] = {"status_code": status, "request_id": self.next_id("req_"), "body": body}
                entry["error"] = None
                (output if status == 200 else failed).append(entry)
            else:
                message = EXPIRED_LINE if cut == "batch_expired" else CANCELLED_LINE
                entry["response"] = None
                entry["error"] = {"code": cut, "message": message}
                failed.append(entry)
        if output:
            obj["output_file_id"] = self.store(_jsonl(output), f"{obj['id']}_output.jsonl", "batch_output")[
                "id"
            ]
        if failed:
            obj["error_file_id"] = self.store(_jsonl(failed), f"{obj['id']}_error.jsonl", "batch_output")[
                "id"
            ]
        obj["request_counts"] = {"total": len(lines), "completed": len(output), "failed": len(failed)}
        obj["usage"] = _usage([entry["response"]["body"] for entry in output])

    def cancel(self, batch: StoredBatch) -> dict[str, Any]:
        obj = batch.obj
        if obj["status"] in ("cancelling", "cancelled"):  # the provider lets a cancel be repeated
            return obj
        if obj["status"] not in UNFINISHED:
            raise ApiError(409, f"Cannot cancel a batch with status '{obj['status']}'.")
        obj.update(status="cancelling", cancelling_at=int(time.time()))
        batch.plan[:] = ["cancelled"]
        return obj

    def page(self, query: dict[str, list[str]]) -> dict[str, Any]:
        try:
            limit = int(query.get("limit", ["20"])[0])
        except ValueError:
            raise ApiError(400, "Invalid 'limit': expected an integer.", "limit", "invalid_type") from None
        if not 1 <= limit <= 100:
            raise ApiError(400, f"Invalid 'limit': {limit}; expected 1 to 100.", "limit", "invalid_value")
        newest = [batch.obj for batch in reversed(self.batches.values()) if not batch.unlisted]
        for batch in self.batches.values():
            batch.unlisted = max(0, batch.unlisted - 1)
        after = query.get("after", [None])[0]
        if after is not None:
            ids = [obj["id"] for obj in newest]
            if after not in ids:
                raise ApiError(404, f"No batch found with id '{after}'.", "after")
            newest = newest[ids.index(after) + 1 :]
        data = newest[:limit]
        return {
            "object": "list",
            "data": data,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
            "has_more": len(newest) > limit,
        }


def _error(code: str, message: str, line: int | None = None, param: str | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "param": param, "line": line}


def _line_error(line: dict[str, Any], endpoint: str, number: int) -> dict[str, Any] | None:
    """What the provider says of a line that is JSON but not a request it will run."""
    for name in ("custom_id", "method", "url", "body"):
        if name not in line:
            return _error(
                "missing_required_parameter", f"Missing required parameter: '{name}'.", number, name
            )
    if not isinstance(line["custom_id"], str):
        return _error("invalid_type", "Invalid type for 'custom_id': expected a string.", number, "custom_id")
    if line["method"] != "POST":
        message = f"Invalid value: '{line['method']}'. Supported values are: 'POST'."
        return _error("invalid_method", message, number, "method")
    if line["url"] != endpoint:
        message = "The URL provided for this request does not match the batch endpoint."
        return _error("invalid_url", message, number, "url")
    if not isinstance(line["body"], dict):
        return _error("invalid_type", "Invalid type for 'body': expected an object.", number, "body")
    if line["body"].get("stream"):
        message = "Chat Completions: Streaming is not supported in the Batch API."
        return _error("streaming_unsupported", message, number, "body.stream")
    return None


def _check_metadata(metadata: Any) -> None:
    if metadata is None:
        return
    if not isinstance(metadata, dict):
        raise ApiError(400, "Invalid type for 'metadata': expected an object.", "metadata", "invalid_type")
    if len(metadata) > 16:
        message = f"Invalid 'metadata': too many properties. Expected at most 16, but got {len(metadata)}."
        raise ApiError(400, message, "metadata", "object_above_max_properties")
    for key, value in metadata.items():
        param = f"metadata.{key}"
        if len(key) > 64:
            raise ApiError(400, f"Invalid 'metadata': key '{key}' is over 64 characters.", param)
        if not isinstance(value, str):
            kind = {list: "an array", dict: "an object", bool: "a boolean", type(None): "null"}.get(
                type(value), "a number"
            )
            message = f"Invalid type for '{param}': expected a string, but got {kind} instead."
            raise ApiError(400, message, param, "invalid_type")
        if len(value) > 512:
            message = f"Invalid '{param}': string too long. Expected a maximum length of 512."
            raise ApiError(400, message, param, "string_above_max_length")


def _usage(bodies: list[Any]) -> dict[str, Any]:
    """The batch's token usage, summed from the chat completions it returned."""
    prompt = completion = 0
    for body in bodies:
        usage = body.get("usage") if isinstance(body, dict) else None
        if isinstance(usage, dict):
            prompt += usage.get("prompt_tokens", 0)
            completion += usage.get("completion_tokens", 0)
    return {
        "input_tokens": prompt,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": completion,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": prompt + completion,
    }


def _jsonl(entries: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(entry) + "\n" for entry in entries).encode()


def _multipart(body: bytes, content_type: str) -> dict[str, tuple[str | None, bytes]]:
    """Form fields by name, each with its file name (None for a plain field) and its exact bytes.

    The parts are cut at the boundary by hand rather than by `email`'s parser, which may rewrite
    line endings inside a part: the file must come back byte for byte."""
    header = Message()
    header["content-type"] = content_type
    boundary = header.get_param("boundary")
    if header.get_content_type() != "multipart/form-data" or not isinstance(boundary, str):
        raise ApiError(400, "Expected a multipart/form-data body.")
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in body.split(b"--" + boundary.encode())[1:]:
        if part.startswith(b"--"):  # the closing delimiter
            break
        head, _, content = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        headers = BytesHeaderParser().parsebytes(head + b"\r\n\r\n")
        name = headers.get_param("name", header="content-disposition")
        filename = headers.get_param("filename", header="content-disposition")
        if isinstance(name, str):
            fields[name] = (filename if isinstance(filename, str) else None, content.removesuffix(b"\r\n"))
    return fields


def _read_body(handler: BaseHTTPRequestHandler) -> bytes:
    if "chunked" in handler.headers.get("transfer-encoding", "").lower():
        chunks = []
        while size := int(handler.rfile.readline().split(b";")[0], 16):
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
        while handler.rfile.readline() not in (b"\r\n", b"\n", b""):  # trailers
            pass
        return b"".join(chunks)
    return handler.rfile.read(int(handler.headers.get("content-length", 0)))


def _handler(service: BatchService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as providers speak: connection reuse is visible
        # headers and body go out in two writes: without this the body waits for the client's delayed
        # ACK (40 ms a request on Linux), a cost no provider charges
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            self.serve("GET")

        def do_POST(self) -> None:
            self.serve("POST")

        def do_DELETE(self) -> None:
            self.serve("DELETE")

        def serve(self, method: str) -> None:
            url = urlsplit(self.path)
            parts = url.path.strip("/").split("/")
            body = _read_body(self) if method == "POST" else b""
            with service.lock:
                # names lowered: clients differ in case ("authorization", "Authorization")
                service.headers.append({name.lower(): value for name, value in self.headers.items()})
                request_id = service.next_id("req_")
                try:
                    action, (status, answer) = self.route(method, parts, parse_qs(url.query), body)
                except ApiError as error:
                    action, status, answer = None, error.status, error.body
                dropped = action is not None and service.take_drop(action)
                headers = {"x-request-id": request_id}
                if isinstance(answer, bytes):
                    headers["content-type"] = "application/octet-stream"
                else:  # written out here: once the lock is let go, the next poll may change it
                    answer = json.dumps(answer).encode()
            if dropped:  # the provider did the work; the client never hears of it
                self.close_connection = True
                return
            send_json(self, answer, status, headers)

        def route(
            self, method: str, parts: list[str], query: dict[str, list[str]], body: bytes
        ) -> tuple[str | None, tuple[int, Any]]:
            """The action this request is (for `drop_after`) and its answer; called under the lock."""
            match method, parts:
                case "POST", ["v1", "files"]:
                    return "upload", (200, self.upload(body))
                case "GET", ["v1", "files", file_id]:
                    return None, (200, service.file(file_id).meta)
                case "GET", ["v1", "files", file_id, "content"]:
                    return None, (200, service.file(file_id).data)
                case "DELETE", ["v1", "files", file_id]:
                    service.file(file_id)
                    del service.files[file_id]
                    return None, (200, {"id": file_id, "object": "file", "deleted": True})
                case "POST", ["v1", "batches"]:
                    try:
                        request = json.loads(body)
                    except ValueError:
                        raise ApiError(400, "We could not parse the JSON body of your request.") from None
                    return "create", (200, service.view(service.create(request)))
                case "GET", ["v1", "batches"]:
                    return None, (200, service.page(query))
                case "GET", ["v1", "batches", batch_id]:
                    batch = service.batch(batch_id)
                    service.polls += 1
                    service.step(batch)
                    return "poll", (200, service.view(batch.obj))
                case "POST", ["v1", "batches", batch_id, "cancel"]:
                    return "cancel", (200, service.cancel(service.batch(batch_id)))
            raise ApiError(404, f"Invalid URL ({method} /{'/'.join(parts)})")

        def upload(self, body: bytes) -> dict[str, Any]:
            fields = _multipart(body, self.headers.get("content-type", ""))
            for name in ("purpose", "file"):
                if name not in fields:
                    raise ApiError(
                        400, f"Missing required parameter: '{name}'.", name, "missing_required_parameter"
                    )
            purpose = fields["purpose"][1].decode()
            if purpose != "batch":
                message = f"Invalid value: '{purpose}'. This service supports only 'batch'."
                raise ApiError(400, message, "purpose", "invalid_value")
            filename, data = fields["file"]
            filename = filename or "upload"
            if not filename.endswith(".jsonl"):
                raise ApiError(400, "Invalid file format for Batch API. Must be .jsonl", "file")
            meta = service.store(data, filename, purpose)
            service.uploads.append(meta["id"])
            return meta

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def start(
    answer: Answer,
    *,
    outcomes: list[str] | None = None,
    max_requests_per_file: int = 50_000,
    max_file_bytes: int = 200_000_000,
    drop_after: set[str] | None = None,
    keep_bodies: bool = True,
    list_lag: int = 0,
    shown: Callable[[dict[str, Any]], Any] | None = None,
) -> tuple[BatchService, ThreadingHTTPServer]:
    """A running batch service; stop it with `stop`."""
    outcomes = outcomes or ["completed"]
    for outcome in outcomes:
        if outcome not in PLANS:
            raise ValueError(f"unknown outcome {outcome!r}: expected one of {sorted(PLANS)}")
    for action in drop_after or set():
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}: expected one of {sorted(ACTIONS)}")
    service = BatchService(
        answer=answer,
        outcomes=list(outcomes),
        max_requests_per_file=max_requests_per_file,
        max_file_bytes=max_file_bytes,
        drop_after=set(drop_after or ()),
        keep_bodies=keep_bodies,
        list_lag=list_lag,
        shown=shown,
    )
    httpd, service.url = serve(_handler(service))
    return service, httpd


def stop(service: BatchService, httpd: ThreadingHTTPServer) -> None:
    httpd.shutdown()
    httpd.server_close()
