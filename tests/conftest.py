"""Shared test parts: a small OpenAI-compatible server on 127.0.0.1 that answers from a script.

The code under test talks real HTTP to it through openai and instructor, exactly as it talks to a
provider. What it answers is either a hand-written draft from `tests/handwritten/` (each says it was
written by hand) or a fault (a status code, a malformed body) written in the test itself.
"""

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "kreminna.txt"
HANDWRITTEN = Path(__file__).parent / "handwritten"


def handwritten(name: str) -> dict[str, Any]:
    """A hand-written draft; refuses any file that does not say it was written by hand."""
    entry = json.loads((HANDWRITTEN / f"{name}.json").read_text(encoding="utf-8"))
    assert entry["how"].startswith("written by hand"), name
    return entry["draft"]


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


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False  # accept the request and never answer (until the server stops)
    together: threading.Barrier | None = None  # answer only once this many requests are in flight
    gate: threading.Event | None = None  # answer only once the test opens the gate


@dataclass
class ScriptedServer:
    """Answers each POST with the next reply of its script (the last one repeats)."""

    script: list[Reply]
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    stopping: threading.Event = field(default_factory=threading.Event)

    def next_reply(self) -> Reply:
        return self.script[min(len(self.requests) - 1, len(self.script) - 1)]


def _handler(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            server.requests.append(
                {
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": json.loads(self.rfile.read(length)),
                }
            )
            reply = server.next_reply()
            if reply.hang:
                server.stopping.wait()
                return
            if reply.gate is not None:
                reply.gate.wait(timeout=30)
            if reply.together is not None:
                reply.together.wait()  # raises BrokenBarrierError after its timeout: the test fails
            data = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
            self.send_response(reply.status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            data = json.dumps({"object": "list", "data": [{"id": "scripted", "owned_by": "tests"}]}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def model_server() -> Iterator[Callable[..., ScriptedServer]]:
    """Start a scripted model server: `model_server(Reply(...), ...)` returns it, running."""
    started: list[tuple[ThreadingHTTPServer, ScriptedServer]] = []

    def start(*script: Reply) -> ScriptedServer:
        state = ScriptedServer(script=list(script))
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        started.append((httpd, state))
        state.url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
        return state

    yield start
    for httpd, state in started:
        state.stopping.set()
        httpd.shutdown()
        httpd.server_close()


@dataclass
class Page:
    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"content-type": "text/html; charset=utf-8"})


@pytest.fixture
def web_server() -> Iterator[Callable[[dict[str, Page]], str]]:
    """Serve `{path: Page}` on 127.0.0.1; returns the base URL."""
    started: list[ThreadingHTTPServer] = []

    def start(pages: dict[str, Page]) -> str:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                page = pages.get(self.path, Page(b"not found", 404, {"content-type": "text/plain"}))
                self.send_response(page.status)
                for name, value in page.headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(page.body)))
                self.end_headers()
                self.wfile.write(page.body)

            def log_message(self, *args: object) -> None:
                pass

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        started.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}"

    yield start
    for httpd in started:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch) -> Path:
    """Each test gets its own response cache, never the user's."""
    path = tmp_path_factory.mktemp("cache") / "cache.sqlite3"
    monkeypatch.setenv("SUMMARISER_CACHE", str(path))
    return path


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")
