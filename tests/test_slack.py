"""The Slack bot over real HTTP: the app on 127.0.0.1 receives signed requests, a fake Slack Web API
on 127.0.0.1 records what the bot posts, and a scripted model server answers the brief."""

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from slack_sdk.signature import SignatureVerifier

from summariser.brief import Brief, KeyDevelopment
from summariser.config import Settings
from summariser.errors import InputError, ProviderError
from summariser.render.slack import MAX_BLOCKS, MAX_SECTION_CHARS, blocks
from summariser.slack import build_app, serve, source_from_slack
from tests.conftest import SEED, Reply, completion, grounded_brief, handwritten
from tests.scripted import send_json

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"
SUMMARISE_SLACK = str(Path(sys.executable).parent / "summarise-slack")


@dataclass
class FakeSlack:
    """Records Web API calls; `posted` is set whenever a message or ephemeral arrives."""

    url: str = ""
    token_valid: bool = True
    calls: list[tuple[str, dict]] = field(default_factory=list)
    posted: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, method: str, count: int = 1) -> list[dict]:
        with self.posted:
            self.posted.wait_for(lambda: len(self.of(method)) >= count, timeout=30)
        return self.of(method)

    def of(self, method: str) -> list[dict]:
        return [body for name, body in self.calls if name == method]


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    state = FakeSlack()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
            if self.headers.get("content-type", "").startswith("application/json"):
                body = json.loads(raw or "{}")
            else:
                body = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
            method = self.path.rsplit("/", 1)[-1]
            reply = {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "ts": "1.0"}
            if method == "auth.test" and not state.token_valid:
                reply = {"ok": False, "error": "invalid_auth"}
            with state.posted:
                state.calls.append((method, body))
                state.posted.notify_all()
            send_json(self, reply)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/api/"
    yield state
    httpd.shutdown()


@pytest.fixture
def slack_env(fake_slack, monkeypatch) -> None:
    """The bot's Slack settings, pointing at the fake Slack."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("SLACK_API_URL", fake_slack.url)


@pytest.fixture
def bot(slack_env, model_server, monkeypatch):
    """Start the bot against the fake Slack and a model server scripted by the test; keyword
    arguments go to `serve`."""
    started = []

    def start(*script: Reply, **serve_options: float) -> str:
        model = model_server(*script)
        models.append(model)
        monkeypatch.setenv("OPENAI_BASE_URL", model.url)
        monkeypatch.setenv("SUMMARISER_MODEL", "m")
        monkeypatch.setenv("SUMMARISER_MODE", "json_schema")
        server = serve(build_app(), port=0, host="127.0.0.1", **serve_options)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/slack/events"

    models: list = []
    start.models = models  # type: ignore[attr-defined]
    yield start
    for server in started:
        server.shutdown()


def signed(body: str, age: int = 0, content_type: str = "application/x-www-form-urlencoded") -> dict:
    timestamp = str(int(time.time()) - age)
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=timestamp, body=body)
    return {
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature,
        "Content-Type": content_type,
    }


def slash(text: str, user: str = "U1") -> str:
    return urllib.parse.urlencode(
        {
            "command": "/brief",
            "text": text,
            "user_id": user,
            "channel_id": "C1",
            "team_id": "T1",
            "response_url": "http://127.0.0.1:9/unused",
            "trigger_id": "t1",
        }
    )


def posted_blocks(fake_slack: FakeSlack) -> list[dict]:
    [message] = fake_slack.wait_for("chat.postMessage")
    return message["blocks"] if isinstance(message["blocks"], list) else json.loads(message["blocks"])


def test_brief_acks_before_the_brief_is_made_and_posts_block_kit_with_quotes(bot, fake_slack):
    gate = threading.Event()
    url = bot(Reply(body=completion(handwritten("kreminna-faithful")), gate=gate))
    body = slash(SEED.read_text(encoding="utf-8"))

    response = httpx.post(url, content=body, headers=signed(body), timeout=3)  # Slack's own limit
    assert response.status_code == 200
    assert fake_slack.of("chat.postMessage") == []  # acked while the model has not answered yet
    gate.set()

    text = json.dumps(posted_blocks(fake_slack))
    assert "Our defenders had to withdraw." in text and "Serhiy Gaidai" in text
    assert fake_slack.of("chat.postMessage")[0]["channel"] == "C1"


def test_a_headline_that_pings_the_channel_arrives_escaped(bot, fake_slack):
    draft = handwritten("kreminna-faithful")
    draft["headline"] = "<!channel> Kreminna falls <https://evil.example|read more>"
    url = bot(Reply(body=completion(draft)))
    body = slash(SEED.read_text(encoding="utf-8"))

    httpx.post(url, content=body, headers=signed(body), timeout=3)

    text = json.dumps(posted_blocks(fake_slack))
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "<https://evil.example" not in text


@pytest.mark.parametrize(
    "headers", [{}, {"X-Slack-Signature": "v0=forged", "X-Slack-Request-Timestamp": "1"}]
)
def test_unsigned_or_forged_requests_get_401(bot, headers):
    url = bot(Reply(body=completion(handwritten("kreminna-faithful"))))
    body = slash("text")
    assert (
        httpx.post(
            url, content=body, headers={"Content-Type": "application/x-www-form-urlencoded", **headers}
        ).status_code
        == 401
    )


def test_a_request_signed_over_five_minutes_ago_gets_401(bot):
    url = bot(Reply(body=completion(handwritten("kreminna-faithful"))))
    body = slash("text")
    assert httpx.post(url, content=body, headers=signed(body, age=6 * 60)).status_code == 401


def test_slack_retries_of_an_event_do_not_post_twice(bot, fake_slack):
    url = bot(Reply(body=completion(handwritten("kreminna-faithful"))))
    text = SEED.read_text(encoding="utf-8").replace("\n", " ")
    event = json.dumps(
        {
            "type": "event_callback",
            "team_id": "T1",
            "api_app_id": "A1",
            "event_id": "Ev1",
            "event_time": 1,
            "event": {
                "type": "app_mention",
                "user": "U1",
                "channel": "C1",
                "ts": "100.1",
                "text": f"<@UBOT> summarise {text}",
            },
        }
    )
    first = httpx.post(url, content=event, headers=signed(event, content_type="application/json"))
    retry = httpx.post(
        url,
        content=event,
        headers={
            **signed(event, content_type="application/json"),
            "X-Slack-Retry-Num": "1",
            "X-Slack-Retry-Reason": "http_timeout",
        },
    )
    assert (first.status_code, retry.status_code) == (200, 200)

    posted_blocks(fake_slack)
    [message] = fake_slack.of("chat.postMessage")
    assert message["thread_ts"] == "100.1"  # answered in the thread it was asked from


def test_the_message_shortcut_answers_in_the_messages_thread(bot, fake_slack):
    url = bot(Reply(body=completion(handwritten("kreminna-faithful"))))
    payload = {
        "type": "message_action",
        "callback_id": "summarise",
        "trigger_id": "t1",
        "team": {"id": "T1"},
        "user": {"id": "U1"},
        "channel": {"id": "C9"},
        "response_url": "http://127.0.0.1:9/unused",
        "message": {
            "type": "message",
            "ts": "200.2",
            "thread_ts": "150.0",
            "text": SEED.read_text(encoding="utf-8"),
        },
    }
    body = urllib.parse.urlencode({"payload": json.dumps(payload)})

    assert httpx.post(url, content=body, headers=signed(body)).status_code == 200

    posted_blocks(fake_slack)
    [message] = fake_slack.of("chat.postMessage")
    assert (message["channel"], message["thread_ts"]) == ("C9", "150.0")


def test_failures_come_back_as_a_short_ephemeral_message_and_the_bot_lives_on(bot, fake_slack):
    url = bot(Reply(status=401, body={"error": {"message": "bad key"}}))
    for text in ("", SEED.read_text(encoding="utf-8")):
        body = slash(text)
        assert httpx.post(url, content=body, headers=signed(body)).status_code == 200
    first, second = fake_slack.wait_for("chat.postEphemeral", 2)
    assert first["user"] == "U1" and first["text"].startswith("Could not summarise: nothing to summarise")
    assert second["text"].startswith("Could not summarise: 401 from")
    assert fake_slack.of("chat.postMessage") == []


def test_slack_links_and_escapes_are_undone_before_summarising():
    assert (
        source_from_slack("<@UBOT> summarise <https://example.org/story|example.org/story>")
        == "https://example.org/story"
    )
    assert source_from_slack("Troops &amp; tanks &lt;moved&gt;") == "Troops & tanks <moved>"


def brief_with(**changes) -> Brief:
    return grounded_brief(SEED.read_text(encoding="utf-8"), {**handwritten("kreminna-faithful"), **changes})


def test_blocks_stay_within_slacks_limits_with_a_note_when_trimmed():
    many = [
        KeyDevelopment(
            text=f"Development number {i} " + "x" * 400,
            evidence="Russian troops seized a Ukrainian town on Tuesday",
            verified=True,
        )
        for i in range(400)
    ]
    result = blocks(brief_with().model_copy(update={"key_developments": many}))
    assert len(result) <= MAX_BLOCKS
    for block in result:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= MAX_SECTION_CHARS
    assert any("left out" in b.get("text", {}).get("text", "") for b in result)


def test_a_path_typed_into_slack_is_text_never_a_file_on_the_server(bot, fake_slack, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(
        "Officials said 99 people were killed. “This is the server's private file,” Anna Berg said."
    )
    url = bot(Reply(body=completion(handwritten("kreminna-faithful"))))
    body = slash(str(secret))

    httpx.post(url, content=body, headers=signed(body), timeout=3)

    fake_slack.wait_for("chat.postMessage")
    [model] = bot.models
    article = model.requests[0]["body"]["messages"][1]["content"]
    assert str(secret) in article and "private file" not in article


def test_the_contract_names_register_and_blocks_on_summariser_slack():
    import summariser.slack

    assert summariser.slack.blocks is blocks
    assert callable(summariser.slack.register)


def ask_at_once(url: str, users: list[str]) -> list[int]:
    """Each user sends `/brief` with the seed article, all at the same time; the statuses, within
    Slack's own 3 seconds."""
    article = SEED.read_text(encoding="utf-8")

    def ask(user: str) -> int:
        body = slash(article, user=user)
        return httpx.post(url, content=body, headers=signed(body), timeout=3).status_code

    with ThreadPoolExecutor(len(users)) as pool:
        return list(pool.map(ask, users))


def test_every_asker_is_acknowledged_in_time_and_those_past_the_global_cap_hear_busy(bot, fake_slack):
    gate = threading.Event()
    url = bot(Reply(body=completion(handwritten("kreminna-faithful")), gate=gate))
    try:
        statuses = ask_at_once(url, [f"U{n}" for n in range(15)])
        busy = fake_slack.wait_for("chat.postEphemeral", 7)  # 15 askers, 8 briefs at a time by default
    finally:
        gate.set()

    assert statuses == [200] * 15
    fake_slack.wait_for("chat.postMessage", 8)
    assert len(fake_slack.of("chat.postMessage")) == 8 and len(fake_slack.of("chat.postEphemeral")) == 7
    assert len({message["user"] for message in busy}) == 7
    assert all("busy, try again in a minute" in message["text"] for message in busy)


def test_the_global_cap_comes_from_the_environment(bot, fake_slack, monkeypatch):
    monkeypatch.setenv("SUMMARISER_SLACK_CONCURRENCY", "1")
    gate = threading.Event()
    url = bot(Reply(body=completion(handwritten("kreminna-faithful")), gate=gate))
    try:
        assert ask_at_once(url, ["U1", "U2"]) == [200, 200]
        [busy] = fake_slack.wait_for("chat.postEphemeral")
    finally:
        gate.set()
    fake_slack.wait_for("chat.postMessage")
    assert "busy" in busy["text"]


@pytest.mark.parametrize("value", ["0", "eight"])
def test_a_global_cap_that_is_not_a_positive_whole_number_is_refused_before_slack_is_asked(
    slack_env, fake_slack, monkeypatch, value
):
    monkeypatch.setenv("SUMMARISER_SLACK_CONCURRENCY", value)
    with pytest.raises(InputError, match="SUMMARISER_SLACK_CONCURRENCY"):
        build_app(Settings())
    assert fake_slack.calls == []


def test_one_user_past_their_own_limit_is_told_so_while_others_still_get_briefs(bot, fake_slack):
    gate = threading.Event()
    url = bot(Reply(body=completion(handwritten("kreminna-faithful")), gate=gate))
    try:
        assert ask_at_once(url, ["U1", "U1", "U1", "U2"]) == [200] * 4
        [refusal] = fake_slack.wait_for("chat.postEphemeral")
    finally:
        gate.set()
    fake_slack.wait_for("chat.postMessage", 3)
    assert refusal["user"] == "U1" and refusal["text"] == "You already have 2 briefs in progress."
    assert len(fake_slack.of("chat.postEphemeral")) == 1


@pytest.mark.parametrize(
    "opening",
    [
        b"POST /slack/events HTTP/1.1\r\nHost: bot\r\nX-Trickle: ",  # still sending its headers
        b"POST /slack/events HTTP/1.1\r\nHost: bot\r\nContent-Length: 100000\r\n\r\n",  # its body
    ],
    ids=["headers", "body"],
)
def test_a_client_that_trickles_its_request_is_cut_off_at_a_total_bound(bot, capsys, opening):
    url = bot(Reply(body=completion(handwritten("kreminna-faithful"))), read_timeout=0.5)
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", urllib.parse.urlsplit(url).port)) as client:
        client.sendall(opening)
        client.settimeout(0.1)  # one byte every 0.1 s: never idle long enough for a per-read timeout
        cut_off = False
        while not cut_off and time.monotonic() - started < 2.5:
            try:
                client.sendall(b"x")
                cut_off = client.recv(4096) == b""
            except TimeoutError:
                continue
            except OSError:  # reset: the server closed with our bytes unread
                cut_off = True
    assert cut_off and time.monotonic() - started < 2
    assert "Traceback" not in capsys.readouterr().err


def test_a_timestamp_that_is_not_a_number_gets_401_without_a_traceback(bot, caplog, capsys):
    url = bot(Reply(body=completion(handwritten("kreminna-faithful"))))
    body = slash("text")
    headers = {**signed(body), "X-Slack-Request-Timestamp": "abc"}

    assert httpx.post(url, content=body, headers=headers).status_code == 401
    assert [record for record in caplog.records if record.exc_info] == []
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("length", ["2000000", "-5", "lots"])
def test_a_request_claiming_a_huge_or_senseless_length_is_refused_before_its_body_is_read(
    bot, length, capsys
):
    url = bot(Reply(body=completion(handwritten("kreminna-faithful"))))
    host, port = httpx.URL(url).host, httpx.URL(url).port

    with socket.create_connection((host, port), timeout=5) as client:
        client.sendall(f"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n".encode())
        status = client.recv(64).split(b"\r\n", 1)[0]

    assert status == b"HTTP/1.0 413 Content Too Large"
    assert "Traceback" not in capsys.readouterr().err


def test_the_app_is_given_its_token_once_so_bolt_warns_of_nothing(slack_env, caplog):
    with caplog.at_level(logging.WARNING):
        build_app(Settings(base_url="http://127.0.0.1:9/v1"))
    assert [r.getMessage() for r in caplog.records if r.name.startswith("slack")] == []


def test_a_bot_with_no_model_configured_stops_at_start_not_at_its_first_brief(slack_env):
    with pytest.raises(InputError, match="no model configured"):
        build_app(Settings())


def test_a_bot_token_slack_refuses_is_a_provider_error_that_does_not_show_it(slack_env, fake_slack):
    fake_slack.token_valid = False
    with pytest.raises(ProviderError, match="invalid_auth") as error:
        build_app(Settings())
    assert TOKEN not in str(error.value)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_slack_bot(**env: str) -> subprocess.CompletedProcess:
    """`summarise-slack` as an operator starts it, with only the Slack settings given here."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_", "SUMMARISER_"))}
    return subprocess.run(
        [SUMMARISE_SLACK, "--port", str(closed_port())],
        capture_output=True,
        text=True,
        env={**clean, "OPENAI_BASE_URL": f"http://127.0.0.1:{closed_port()}/v1", **env},
        timeout=30,
    )


def test_summarise_slack_without_tokens_exits_2_with_one_line():
    result = run_slack_bot()
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "SLACK_BOT_TOKEN" in result.stderr, result.stderr


def test_summarise_slack_exits_3_with_one_line_when_slack_is_unreachable():
    result = run_slack_bot(
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=f"http://127.0.0.1:{closed_port()}/api/",
    )
    assert result.returncode == 3, result.stderr
    assert result.stderr.count("\n") == 1 and "unreachable" in result.stderr, result.stderr
    assert TOKEN not in result.stderr and SECRET not in result.stderr


def test_every_section_keeps_within_slacks_3000_characters_labels_counted():
    long_text = "Our defenders had to withdraw. " * 200  # far past one section
    brief = brief_with()
    brief.quotes = [brief.quotes[0].model_copy(update={"text": long_text}) for _ in range(3)]

    texts = [b["text"]["text"] for b in blocks(brief) if b["type"] == "section"]

    assert any("(cont.)" in t for t in texts)
    assert max(len(t) for t in texts) <= 3000


def test_a_failure_that_quotes_the_model_is_escaped_in_the_ephemeral_line(bot, fake_slack):
    url = bot(Reply(body=completion("<!channel> <https://evil.example|click here>")))
    body = slash(SEED.read_text(encoding="utf-8"))

    assert httpx.post(url, content=body, headers=signed(body)).status_code == 200

    (ephemeral,) = fake_slack.wait_for("chat.postEphemeral", 1)
    assert ephemeral["text"].startswith("Could not summarise: the model's output was still invalid")
    assert "<!channel>" not in ephemeral["text"] and "&lt;!channel&gt;" in ephemeral["text"]


def test_clipped_text_never_ends_inside_an_escape_and_no_text_is_empty():
    brief = brief_with()
    brief.headline = "&" * 400
    brief.summary = ""

    rendered = blocks(brief)

    header = rendered[0]["text"]["text"]
    assert len(header) <= 150 and header.endswith("&amp;…")
    assert all(b["text"]["text"] for b in rendered if "text" in b)


def test_the_blocks_say_once_what_was_checked_and_set_the_models_words_apart():
    from summariser.render.view import LEGEND

    result = blocks(brief_with())
    texts = [e["text"] for b in result if b["type"] == "context" for e in b["elements"]]
    assert texts.count(LEGEND) == 1
    summary = result[1]["text"]["text"]
    assert summary.startswith("_") and summary.endswith("_"), "the summary is the model's own words"
    developments = next(
        b["text"]["text"] for b in result if "Key developments" in b.get("text", {}).get("text", "")
    )
    assert all(line.startswith("• _") for line in developments.splitlines()[1:])
