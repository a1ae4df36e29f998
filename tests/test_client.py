"""The model client: which failures are the provider's, and transports that keep httpx's contract."""

import gzip
import json

import httpx
import pytest

from summariser import ProviderError, summarise
from summariser.model.client import CompletionTransport
from summariser.model.retry import RetryTransport
from summariser.model.stopping import Stop
from summariser.model.tape import RecordTransport, Tape
from tests.conftest import SEED, Reply, completion, handwritten
from tests.test_pipeline import options

NOT_A_COMPLETION = {
    "an HTML page": Reply(
        body=b"<!doctype html><title>Sign in to the hotel Wi-Fi</title>",
        headers={"content-type": "text/html"},
    ),
    "an event stream": Reply(
        body=b'data: {"choices": [{"delta": {"content": "{"}}]}\n\ndata: [DONE]\n\n',
        headers={"content-type": "text/event-stream"},
    ),
    "a body that is not JSON": Reply(body=b"upstream connect error or disconnect/reset before headers"),
    "JSON that is no chat completion": Reply(body={"choices": []}),
}


@pytest.mark.parametrize("what", NOT_A_COMPLETION)
def test_a_200_that_is_no_completion_is_the_providers_failure_after_one_request(model_server, what):
    server = model_server(NOT_A_COMPLETION[what])

    with pytest.raises(ProviderError, match=f"answered 200 with {what}") as caught:
        summarise(str(SEED), **options(server))

    assert len(server.requests) == 1  # not re-asked: the model never wrote it
    assert caught.value.exit_code == 3


class _Closable(httpx.BaseTransport):
    closed = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raise AssertionError("not sent")

    def close(self) -> None:
        self.closed = True


@pytest.mark.parametrize(
    "wrap",
    [
        RetryTransport,
        lambda inner: CompletionTransport(inner, Stop()),
        lambda inner: RecordTransport(Tape("unused"), inner, mode="json"),
    ],
    ids=["retry", "completion", "record"],
)
def test_every_transport_passes_close_down_to_the_one_it_wraps(wrap):
    bottom = _Closable()

    wrap(bottom).close()

    assert bottom.closed


def test_recording_from_a_server_that_gzips_stores_the_decoded_answer_and_replays_it(model_server, tmp_path):
    answer = json.dumps(completion(handwritten("kreminna-faithful"))).encode()
    server = model_server(Reply(body=gzip.compress(answer), headers={"content-encoding": "gzip"}))

    recorded = summarise(str(SEED), **options(server, record=tmp_path))
    replayed = summarise(str(SEED), replay=tmp_path)

    assert recorded.verification.status == "verified"
    entries = [json.loads(p.read_text()) for p in tmp_path.glob("*.json")]
    assert len(entries) == 2  # the extraction and the headline, the same answer to both
    entry = entries[0]
    assert entry["response"]["body"] == json.loads(answer)
    assert "content-encoding" not in entry["response"]["headers"]
    assert replayed.quotes == recorded.quotes


def test_an_answer_past_the_size_bound_is_the_providers_failure_read_no_further(model_server):
    from summariser.model.deadline import MAX_ANSWER_BYTES

    server = model_server(Reply(body=completion("x" * (MAX_ANSWER_BYTES + 1))))

    with pytest.raises(ProviderError, match="answered more than 8,000,000 bytes"):
        summarise(str(SEED), **options(server))

    assert len(server.requests) == 1


@pytest.fixture
def forward_proxy():
    """A plain HTTP forward proxy on 127.0.0.1 that counts what it carries."""
    import http.client
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import urlsplit

    carried: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            carried.append(self.path)  # absolute-form: the proxy is asked for the whole URL
            target = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
            headers = {
                k: v for k, v in self.headers.items() if k.lower() not in ("proxy-connection", "connection")
            }
            upstream.request("POST", target.path, body=body, headers=headers)
            answer = upstream.getresponse()
            data = answer.read()
            self.send_response(answer.status)
            self.send_header("content-type", answer.getheader("content-type", "application/json"))
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", carried
    httpd.shutdown()
    httpd.server_close()


def test_model_requests_go_through_the_proxy_the_environment_names(model_server, forward_proxy, monkeypatch):
    proxy, carried = forward_proxy
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful"))))
    monkeypatch.setenv("HTTP_PROXY", proxy)

    brief = summarise(str(SEED), **options(server))

    assert brief.verification.status == "verified"
    assert carried == [f"{server.url}/chat/completions"] * 2  # the extraction and the headline


def test_no_proxy_exempts_a_host_from_the_proxy(model_server, forward_proxy, monkeypatch):
    proxy, carried = forward_proxy
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful"))))
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")

    summarise(str(SEED), **options(server))

    assert carried == [] and len(server.requests) == 2
