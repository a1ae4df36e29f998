"""Pulled models: `summarise models pull|list|rm` against a Hub stand-in on 127.0.0.1 (HF_ENDPOINT), and
the pulled default answering when nothing else is configured.

The stand-in speaks what huggingface_hub needs of the Hub: HEAD and GET on
/{repo}/resolve/{revision}/{filename} with X-Repo-Commit, ETag and X-Linked-Etag (the file's sha256),
Content-Length, and Range requests. Run it by hand to mirror a real GGUF under the default's name:
`python -m tests.test_pulled MODEL.gguf [PORT]`, then `HF_ENDPOINT=http://127.0.0.1:PORT`.
"""

import hashlib
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from summariser import InputError, ProviderError, summarise
from summariser.config import Settings
from summariser.model.local import serving
from summariser.model.pulled import DEFAULT, TABLE, locate, models_dir, sha256_of, with_pulled_default
from tests.conftest import SEED

SUMMARISE = str(Path(sys.executable).parent / "summarise")
COMMIT = "0123456789abcdef0123456789abcdef01234567"
CONTENT = b"GGUF" + bytes(range(256)) * 64  # 16 KiB and a bit: several chunks, small enough to ignore
SUM = hashlib.sha256(CONTENT).hexdigest()
SPEC = "hf:owner/repo/tiny.gguf"
PATH = "/owner/repo/resolve/main/tiny.gguf"


@dataclass
class Served:
    body: Path
    sha256: str  # what the Hub says the file's sum is, whatever the body holds


@dataclass
class Hub:
    url: str
    files: dict[str, Served]
    requests: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)

    def gets(self) -> list[tuple[str, str | None]]:
        return [(path, byte_range) for method, path, byte_range, _ in self.requests if method == "GET"]


def start_hub(files: dict[str, Served], port: int = 0) -> tuple[Hub, ThreadingHTTPServer]:
    hub = Hub("", files)

    class Handler(BaseHTTPRequestHandler):
        def do_HEAD(self) -> None:
            self._answer(body=False)

        def do_GET(self) -> None:
            self._answer(body=True)

        def _answer(self, body: bool) -> None:
            hub.requests.append(
                (self.command, self.path, self.headers.get("Range"), self.headers.get("Authorization"))
            )
            served = hub.files.get(self.path)
            if served is None:
                self.send_response(404)
                self.send_header("X-Error-Code", "EntryNotFound")
                self.send_header("X-Repo-Commit", COMMIT)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            size = served.body.stat().st_size
            start = 0
            byte_range = self.headers.get("Range")
            if byte_range and body:
                start = int(byte_range.removeprefix("bytes=").split("-")[0])
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{size - 1}/{size}")
            else:
                self.send_response(200)
            self.send_header("X-Repo-Commit", COMMIT)
            self.send_header("ETag", f'"{served.sha256}"')
            self.send_header("X-Linked-Etag", f'"{served.sha256}"')
            self.send_header("X-Linked-Size", str(size))
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(size - start))
            self.end_headers()
            if body:
                with served.body.open("rb") as handle, suppress(ConnectionError):  # a pull cut short
                    handle.seek(start)
                    while chunk := handle.read(1 << 20):
                        self.wfile.write(chunk)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    hub.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    return hub, httpd


@pytest.fixture
def isolated(tmp_path, monkeypatch) -> Path:
    """Nothing of the user's: no key, no Hub token, caches under tmp_path, nothing but 127.0.0.1."""
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "HF_")) or (
            name.startswith("SUMMARISER_") and name != "SUMMARISER_CACHE"
        ):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # discard: a test that forgets its hub fails
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    return tmp_path / "cache" / "summariser" / "models"


@pytest.fixture
def hub(isolated, tmp_path, monkeypatch) -> Iterator[Hub]:
    body = tmp_path / "served.gguf"
    body.write_bytes(CONTENT)
    server, httpd = start_hub({PATH: Served(body, SUM)})
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    yield server
    httpd.shutdown()
    httpd.server_close()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SUMMARISE, *args], capture_output=True, text=True, timeout=120)


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int, *texts: str) -> None:
    assert result.returncode == code, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    for text in texts:
        assert text in result.stderr, result.stderr


def fake_default(directory: Path, size: int = 1 << 40) -> Path:
    """A file that passes for the pulled default until the memory check: sparse, so a terabyte costs
    nothing, and far too big to load, so no llama.cpp is ever started."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / TABLE[DEFAULT].filename
    with path.open("wb") as handle:
        handle.write(b"GGUF")
        handle.truncate(size)
    return path


def test_a_hub_file_is_pulled_into_the_cache_checked_and_named_on_stdout(hub, isolated):
    result = run("models", "pull", SPEC)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{isolated / 'tiny.gguf'}\n"
    assert result.stderr == ""  # no progress bar off a terminal
    assert (isolated / "tiny.gguf").read_bytes() == CONTENT
    assert list(isolated.iterdir()) == [isolated / "tiny.gguf"]
    assert hub.gets() == [(PATH, None)]


def test_an_interrupted_download_resumes_with_a_range_request(hub, isolated):
    isolated.mkdir(parents=True)
    (isolated / "tiny.gguf.incomplete").write_bytes(CONTENT[:5000])
    result = run("models", "pull", SPEC)
    assert result.returncode == 0, result.stderr
    assert hub.gets() == [(PATH, "bytes=5000-")]
    assert (isolated / "tiny.gguf").read_bytes() == CONTENT
    assert not (isolated / "tiny.gguf.incomplete").exists()


def test_a_corrupted_download_is_deleted_and_exits_3_naming_both_sums(hub, isolated, tmp_path):
    corrupt = tmp_path / "corrupt.gguf"
    corrupt.write_bytes(CONTENT[:-1] + b"!")
    hub.files[PATH] = Served(corrupt, SUM)  # the Hub vouches for one file and sends another
    result = run("models", "pull", SPEC)
    got = hashlib.sha256(corrupt.read_bytes()).hexdigest()
    assert_one_line_error(result, 3, "tiny.gguf", SUM, got, "deleted")
    assert list(isolated.iterdir()) == []


def test_a_hub_sum_other_than_the_expected_one_fails_before_downloading(hub, isolated):
    result = run("models", "pull", SPEC, "--sha256", "ab" * 32)
    assert_one_line_error(result, 3, SUM, "ab" * 32, "nothing downloaded")
    assert hub.gets() == []


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["no-such-model"], "unknown model 'no-such-model'"),
        (["hf:owner/repo"], "give hf:OWNER/REPO/FILE.gguf"),
        (["hf:owner/repo/readme.md"], "give hf:OWNER/REPO/FILE.gguf"),
        ([SPEC + "@"], "give hf:OWNER/REPO/FILE.gguf"),
        ([SPEC, "--sha256", "xyz"], "--sha256 must be 64 hex digits"),
    ],
)
def test_unknown_names_and_bad_arguments_exit_2_before_any_request(hub, args, text):
    assert_one_line_error(run("models", "pull", *args), 2, text)
    assert hub.requests == []


def test_a_file_the_hub_does_not_have_exits_2(hub):
    assert_one_line_error(run("models", "pull", "hf:owner/repo/other.gguf"), 2, "not found on the Hub")


def test_an_unreachable_hub_exits_3(isolated):
    assert_one_line_error(run("models", "pull", SPEC), 3, "cannot reach the Hub")


def test_a_full_disk_exits_3_and_says_so(hub, isolated):
    isolated.mkdir(parents=True)
    (isolated / "tiny.gguf.incomplete").symlink_to("/dev/full")  # every write: ENOSPC
    assert_one_line_error(run("models", "pull", SPEC), 3, "no space left on device")
    assert not (isolated / "tiny.gguf").exists()


def test_hf_token_reaches_the_hub_and_never_the_output(hub, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_notarealtokenbutsecret")
    result = run("models", "pull", SPEC)
    assert result.returncode == 0, result.stderr
    assert {auth for *_, auth in hub.requests} == {"Bearer hf_notarealtokenbutsecret"}
    assert "hf_notareal" not in result.stdout + result.stderr


def test_list_shows_what_is_pulled_and_rm_removes_it(hub, isolated):
    assert run("models", "list").stdout == ""
    run("models", "pull", SPEC)
    fake_default(isolated, size=2_000_000_000)
    listed = run("models", "list").stdout.splitlines()
    assert listed == [
        f"{DEFAULT}\t2.00 GB\t{isolated / TABLE[DEFAULT].filename}  (default)",
        f"tiny\t0.00 GB\t{isolated / 'tiny.gguf'}",
    ]
    removed = run("models", "rm", "tiny")
    assert removed.returncode == 0, removed.stderr
    assert not (isolated / "tiny.gguf").exists()
    assert_one_line_error(run("models", "rm", "tiny"), 2, "no pulled model named 'tiny'")


def test_local_model_takes_a_pulled_name_but_an_existing_path_wins(isolated, tmp_path, monkeypatch):
    with pytest.raises(InputError, match=f"not pulled yet: run summarise models pull {DEFAULT}"):
        locate(Path(DEFAULT))
    pulled = fake_default(models_dir())
    assert locate(Path(DEFAULT)) == pulled
    monkeypatch.chdir(tmp_path)
    (tmp_path / DEFAULT).write_bytes(b"GGUF")
    assert locate(Path(DEFAULT)) == Path(DEFAULT)
    assert locate(Path("elsewhere.gguf")) == Path("elsewhere.gguf")  # for 'no such model file'


def test_local_model_by_name_reaches_the_model_checks(isolated):
    fake_default(models_dir())
    with (
        pytest.raises(ProviderError, match=r"needs about .* GiB of memory"),
        serving(Settings(local_model=Path(DEFAULT))),
    ):
        pass


def test_with_no_key_the_cli_uses_the_pulled_default_and_says_so(isolated):
    path = fake_default(isolated)
    result = run(str(SEED))
    lines = result.stderr.splitlines()
    assert result.returncode == 3, result.stderr
    assert (
        lines[0]
        == f"summariser: no key or endpoint configured: using the pulled local model {DEFAULT} ({path})"
    )
    assert "needs about" in lines[1] and len(lines) == 2


def test_with_no_key_the_api_uses_the_pulled_default_and_says_so(isolated, caplog):
    fake_default(isolated)
    with caplog.at_level(logging.WARNING, "summariser"), pytest.raises(ProviderError, match="memory"):
        summarise(str(SEED))
    assert next(r.getMessage() for r in caplog.records).startswith("no key or endpoint configured: using")


def test_a_key_an_endpoint_or_recordings_keep_the_pulled_default_out(isolated, tmp_path):
    fake_default(isolated)
    for settings in (Settings(api_key="k"), Settings(base_url="http://x"), Settings(replay=tmp_path)):
        assert with_pulled_default(settings) is settings


def test_with_nothing_pulled_and_no_key_there_is_still_no_model(isolated):
    with pytest.raises(InputError, match="no model configured"):
        summarise(str(SEED))


def test_the_slack_bot_never_picks_the_pulled_default(isolated):
    from summariser.client import Summariser

    fake_default(isolated)
    with pytest.raises(InputError, match="no model configured"):
        Summariser.over(Settings.from_env())


REAL_MODEL = os.environ.get("SUMMARISER_LOCAL_MODEL")  # read before `isolated` clears it


@pytest.mark.local
@pytest.mark.skipif(not REAL_MODEL, reason="set SUMMARISER_LOCAL_MODEL to the default's GGUF")
def test_the_default_pulled_from_a_mirror_briefs_an_article_with_no_key(isolated, monkeypatch):
    real = Path(str(REAL_MODEL))
    model = TABLE[DEFAULT]
    mirror, httpd = start_hub({f"/{model.repo}/resolve/main/{model.filename}": Served(real, sha256_of(real))})
    monkeypatch.setenv("HF_ENDPOINT", mirror.url)
    try:
        pulled = run("models", "pull")
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert pulled.returncode == 0, pulled.stderr
    brief = summarise(str(SEED), cache=False)
    assert brief.meta.model == "local" and 1 <= brief.meta.attempts <= 3


if __name__ == "__main__":
    model = TABLE[DEFAULT]
    served = Path(sys.argv[1]).resolve()
    mirror, httpd = start_hub(
        {f"/{model.repo}/resolve/main/{model.filename}": Served(served, sha256_of(served))},
        int(sys.argv[2]) if len(sys.argv) > 2 else 0,
    )
    print(f"HF_ENDPOINT={mirror.url}", flush=True)
    threading.Event().wait()
