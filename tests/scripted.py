"""A small OpenAI-compatible server on 127.0.0.1 that answers from a script, for tests and benchmarks.

The code under test talks real HTTP to it through openai and instructor, exactly as it talks to a
provider. What it answers is either a hand-written draft from `tests/handwritten/` (each says it was
written by hand) or a fault (a status code, a malformed body) written by the caller.
"""

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def completion(draft: dict[str, Any] | str, tokens: tuple[int, int] = (100, 50)) -> dict[str, Any]:
    """A chat completion carrying `draft` the way json_schema mode expects it: as message content."""
    content = draft if isinstance(draft, str) else json.dumps(draft)
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": "scripted",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content},
            }
        ],
        "usage": {
            "prompt_tokens": tokens[0],
            "completion_tokens": tokens[1],
            "total_tokens": sum(tokens),
        },
    }


def tool_call(draft: dict[str, Any], tokens: tuple[int, int] = (100, 50)) -> dict[str, Any]:
    """A chat completion carrying `draft` the way tools mode expects it: as a function call."""
    answer = completion("", tokens)
    answer["choices"][0]["finish_reason"] = "tool_calls"
    answer["choices"][0]["message"] = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "Extraction", "arguments": json.dumps(draft)},
            }
        ],
    }
    return answer


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False  # accept the request and never answer (until the server stops)
    together: threading.Barrier | None = None  # answer only once this many requests are in flight
    gate: threading.Event | None = None  # answer only once the test opens the gate
    delay: float = 0.0  # a model that takes this long to answer, once the request has arrived
    trickle: float = 0.0  # send the answer a byte at a time, this many seconds apart, headers included
    answer: Callable[[dict[str, Any]], Any] | None = None  # the body made from the request's, when set


@dataclass
class ScriptedServer:
    """Answers each POST with the next reply of its script (the last one repeats)."""

    script: list[Reply]
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    stopping: threading.Event = field(default_factory=threading.Event)
    keep_requests: bool = True  # a benchmark of a thousand briefs need not hold every request
    answered: int = 0
    in_flight: int = 0
    most_in_flight: int = 0
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def next_reply(self) -> Reply:
        self.answered += 1
        return self.script[min(self.answered - 1, len(self.script) - 1)]


def send_json(
    handler: BaseHTTPRequestHandler, payload: Any, status: int = 200, headers: dict[str, str] | None = None
) -> None:
    """Answer a request with a JSON body (or raw bytes, for malformed answers; `headers` may say
    another content type)."""
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = headers or {}
    handler.send_response(status)
    if "content-type" not in {name.lower() for name in headers}:
        handler.send_header("content-type", "application/json")
    handler.send_header("content-length", str(len(data)))
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(data)


def _handler(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as providers speak: connection reuse is visible
        # headers and body go out in two writes: without this the body waits for the client's delayed
        # ACK (40 ms a request on Linux), a cost no provider charges
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")  # a Batch API cancel sends no body
            with server.arrived:
                if server.keep_requests:
                    server.requests.append(
                        {
                            "path": self.path,
                            "headers": dict(self.headers),
                            "body": body,
                            "peer": self.client_address,
                        }
                    )
                reply = server.next_reply()
                server.in_flight += 1
                server.most_in_flight = max(server.most_in_flight, server.in_flight)
                server.arrived.notify_all()
            if reply.hang:
                server.stopping.wait()
                return
            try:
                if reply.gate is not None:
                    reply.gate.wait(timeout=30)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.together is not None:
                    reply.together.wait()  # raises BrokenBarrierError after its timeout: the test fails
            finally:
                with server.arrived:  # no longer in flight once it answers: the client may ask again
                    server.in_flight -= 1
            if reply.trickle:
                _trickle(self, reply, server.stopping)
                return
            answer = reply.body if reply.answer is None else reply.answer(body)
            try:
                send_json(self, answer, reply.status, reply.headers)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client left first (an interrupted run): no one to answer

        def do_GET(self) -> None:
            send_json(self, {"object": "list", "data": [{"id": "scripted", "owned_by": "tests"}]})

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def _trickle(handler: BaseHTTPRequestHandler, reply: Reply, stopping: threading.Event) -> None:
    """A peer that keeps a connection busy without ever being idle long enough for a read timeout."""
    body = json.dumps(reply.body).encode()
    head = (
        f"HTTP/1.1 {reply.status} OK\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
    )
    for byte in head.encode() + body:
        if stopping.wait(reply.trickle):
            return
        try:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
        except OSError:  # the client gave up: that is what the test wants to see
            return


def start(*script: Reply, keep_requests: bool = True) -> tuple[ScriptedServer, ThreadingHTTPServer]:
    """A running scripted server; stop it with `stop`."""
    state = ScriptedServer(script=list(script), keep_requests=keep_requests)
    httpd, state.url = serve(_handler(state))
    return state, httpd


def serve(handler: type[BaseHTTPRequestHandler]) -> tuple[ThreadingHTTPServer, str]:
    """`handler` answering on a free port of 127.0.0.1 in threads of its own, and its /v1 base URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/v1"


def stop(state: ScriptedServer, httpd: ThreadingHTTPServer) -> None:
    state.stopping.set()
    httpd.shutdown()
    httpd.server_close()
