"""Shared test parts: paths, hand-written drafts, and servers on 127.0.0.1 (a scripted model, web
pages) that the code under test reaches over real HTTP."""

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from summariser.brief import Brief
from summariser.extract.draft import Draft
from tests import scripted
from tests.scripted import Reply, ScriptedServer, completion

__all__ = ["Reply", "ScriptedServer", "completion"]

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "kreminna.txt"
HANDWRITTEN = Path(__file__).parent / "handwritten"


def handwritten(name: str) -> dict[str, Any]:
    """A hand-written draft; refuses any file that does not say it was written by hand."""
    entry = json.loads((HANDWRITTEN / f"{name}.json").read_text(encoding="utf-8"))
    assert entry["how"].startswith("written by hand"), name
    return entry["draft"]


@pytest.fixture
def model_server() -> Iterator[Callable[..., ScriptedServer]]:
    """Start a scripted model server: `model_server(Reply(...), ...)` returns it, running."""
    started: list[tuple[ScriptedServer, ThreadingHTTPServer]] = []

    def start(*script: Reply) -> ScriptedServer:
        started.append(scripted.start(*script))
        return started[-1][0]

    yield start
    for state, httpd in started:
        scripted.stop(state, httpd)


def model_args(server: ScriptedServer) -> list[str]:
    """CLI options that point `summarise` at a scripted model server."""
    return ["--base-url", server.url, "--model", "m", "--mode", "json_schema"]


def drafted(text: str, answer: dict[str, Any]) -> Draft:
    """A draft from a hand-made answer, read as the pipeline reads the model's: through the article's
    own schema (responses by R id), with the second request's words for each development (D1… in
    the order the developments were chosen) and its headline and summary."""
    from summariser.extract.text import SourceText

    source = SourceText(text)
    extraction = source.choices_for().schema().model_validate(answer)
    words = answer.get("developments", {})
    developments = [
        d.model_copy(update={"text": words.get(f"D{n}", d.text)})
        for n, d in enumerate(extraction.key_developments, 1)
    ]
    return Draft(
        **extraction.model_dump(exclude={"key_developments"}),
        key_developments=developments,
        headline=answer.get("headline", ""),
        summary=answer.get("summary", ""),
    )


def grounded_brief(text: str, draft: dict[str, Any]) -> Brief:
    """A brief made by the real grounding and assembly from a hand-made answer, with no model."""
    from summariser.brief import Meta, SourceInfo
    from summariser.extract.grounding import ground
    from summariser.extract.text import SourceText
    from summariser.runs.assemble import assemble

    source = SourceText(text)
    meta = Meta(
        model="m",
        prompt_version="p",
        source=SourceInfo(name="article", sha256="x", chars=len(text)),
        attempts=1,
        latency_ms=1,
    )
    return assemble(ground(drafted(text, draft), source), meta, source)


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
def no_proxy_from_the_user(monkeypatch) -> None:
    """Tests reach their own servers on 127.0.0.1 directly, whatever proxy the machine names."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch) -> Path:
    """Each test gets its own response cache, never the user's."""
    path = tmp_path_factory.mktemp("cache") / "cache.sqlite3"
    monkeypatch.setenv("SUMMARISER_CACHE", str(path))
    return path


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")
