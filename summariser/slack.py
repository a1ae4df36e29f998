"""The newsroom Slack bot: `/brief`, the "Summarise" message shortcut and `@bot summarise <URL>`.

Every listener acks at once and hands the brief to the bot's own bounded pool, so Slack never waits
past its 3 seconds. Bolt runs listeners (and lazy listeners) on one pool of 5 threads and gives up on
a request whose listener has not acked within 3 s, so a listener that made the brief itself would
starve every ack behind five slow briefs. The brief goes to the thread it was asked from; a failure
goes back to the asker alone, as one short ephemeral line; nothing crashes the app. Slack's own
re-deliveries (`x-slack-retry-num`) are acknowledged and dropped. Each user may have only a few
briefs in flight, and the bot only so many in all; past either cap the asker is told at once rather
than queued behind briefs that take a minute each. Newsrooms that run their own Bolt app call
`register(app)`.
"""

import argparse
import io
import logging
import os
import re
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from summariser.brief import Brief
from summariser.config import Settings
from summariser.errors import InputError, ProviderError, SummariserError
from summariser.model.redact import redact
from summariser.render.slack import blocks, escape

if TYPE_CHECKING:
    from summariser.client import Summariser

log = logging.getLogger("summariser.slack")

PER_USER_LIMIT = 2
DEFAULT_CONCURRENCY = 8  # briefs in flight in all; env SUMMARISER_SLACK_CONCURRENCY
READ_TIMEOUT = 5.0  # seconds for a whole request to arrive; Slack itself gives up after 3
MAX_BODY_BYTES = 1_000_000  # a slash command or shortcut payload is a few kilobytes
BUSY = "Summariser is busy, try again in a minute."
SHORTCUT_ID = "summarise"
_SLACK_LINK = re.compile(r"<(https?://[^>|]+)(?:\|[^>]*)?>")
_MENTION = re.compile(r"<@[A-Z0-9]+>")


def source_from_slack(text: str) -> str:
    """What to summarise from a Slack message: its URL if it is just a link, else its text, with
    Slack's own escaping undone."""
    text = _MENTION.sub("", text).strip()
    text = re.sub(r"^summari[sz]e\b", "", text, flags=re.IGNORECASE).strip()
    links = _SLACK_LINK.findall(text)
    if links and not _SLACK_LINK.sub("", text).strip():
        return str(links[0])
    plain = _SLACK_LINK.sub(lambda m: m.group(1), text)
    return plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def make_brief(source: str, client: "Summariser") -> Brief:
    """A link is fetched (under the same URL rules as the CLI); anything else is the article text.
    Never a path: a Slack user must not be able to read the server's files."""
    if not source.strip():
        raise InputError("nothing to summarise: give article text or a link")
    if source.startswith(("http://", "https://")) and not any(c.isspace() for c in source):
        return client.brief(url=source)
    return client.brief(text=source)


class _Admission:
    """Counts briefs in progress, per user and in all, so one person cannot take the whole bot and a
    burst cannot start more briefs than the model and the machine can carry. Nothing is queued: whoever
    is refused hears so at once."""

    def __init__(self, per_user: int, total: int) -> None:
        self.per_user = per_user
        self.total = total
        self._counts: dict[str, int] = {}
        self._running = 0
        self._lock = threading.Lock()

    def enter(self, user: str) -> str | None:
        """None when the brief may start, else the line to tell the asker."""
        with self._lock:
            if self._counts.get(user, 0) >= self.per_user:
                return f"You already have {self.per_user} briefs in progress."
            if self._running >= self.total:
                return BUSY
            self._counts[user] = self._counts.get(user, 0) + 1
            self._running += 1
            return None

    def leave(self, user: str) -> None:
        with self._lock:
            self._running -= 1
            self._counts[user] -= 1
            if not self._counts[user]:
                del self._counts[user]  # a newsroom has many users; keep only those with briefs


def _concurrency_from_env() -> int:
    """SUMMARISER_SLACK_CONCURRENCY, or the default; a bad value is refused at start-up (exit 2)
    rather than leaving the bot with no cap or none that works."""
    raw = os.environ.get("SUMMARISER_SLACK_CONCURRENCY", "").strip()
    if not raw:
        return DEFAULT_CONCURRENCY
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise InputError(
            f"SUMMARISER_SLACK_CONCURRENCY must be a whole number of briefs, at least 1, not {raw!r}"
        )
    return value


class _Briefs:
    """Briefs made on our own pool, so each listener returns right after its ack and Bolt's thread
    is free for the next one."""

    def __init__(
        self,
        client: "Summariser",
        brief_maker: Callable[[str, "Summariser"], Brief],
        admission: _Admission,
        concurrency: int,
    ) -> None:
        self.client = client
        self.brief_maker = brief_maker
        self.admission = admission
        self.pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="summariser-brief")

    def start(self, client: Any, user: str, channel: str, thread_ts: str | None, source: str) -> None:
        """The brief started on the pool, or the asker told why not."""
        refusal = self.admission.enter(user)
        if refusal is not None:
            client.chat_postEphemeral(channel=channel, user=user, text=refusal)
            return
        self.pool.submit(self._deliver, client, user, channel, thread_ts, source)

    def _deliver(self, client: Any, user: str, channel: str, thread_ts: str | None, source: str) -> None:
        try:
            brief = self.brief_maker(source, self.client)
            client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, blocks=blocks(brief), text=escape(brief.headline[:150])
            )
        except SummariserError as error:
            # an error may quote the model's answer or the asker's link: as text, never as a ping
            client.chat_postEphemeral(
                channel=channel, user=user, text=f"Could not summarise: {escape(redact(str(error)))}"
            )
        except Exception:  # the bot must outlive any one bad request
            log.exception("brief failed")
            client.chat_postEphemeral(
                channel=channel, user=user, text="Could not summarise: an internal error."
            )
        finally:
            self.admission.leave(user)


def register(
    app: Any,
    settings: Settings | None = None,
    brief_maker: Callable[[str, "Summariser"], Brief] = make_brief,
    per_user_limit: int = PER_USER_LIMIT,
    concurrency: int | None = None,
) -> None:
    """Add the `/brief` command, the "Summarise" message shortcut and the mention listener to a Bolt
    `App`. Settings and the cap on briefs in flight (`concurrency`) come from the environment unless
    given. Every brief is made by one client: one connection pool, one cap on model requests."""
    from summariser.client import Summariser

    settings = settings or Settings.from_env()
    concurrency = _concurrency_from_env() if concurrency is None else concurrency
    client = Summariser.over(settings, concurrency)
    start = _Briefs(client, brief_maker, _Admission(per_user_limit, concurrency), concurrency).start

    @app.middleware
    def _drop_slack_retries(request: Any, next: Callable[[], Any]) -> Any:  # Bolt passes `next` by name
        if request.headers.get("x-slack-retry-num"):
            from slack_bolt import BoltResponse

            return BoltResponse(status=200, body="")  # the first delivery is already being answered
        return next()

    @app.command("/brief")
    def _command(ack: Callable[..., None], command: dict[str, Any], client: Any) -> None:
        ack()
        start(
            client,
            command["user_id"],
            command["channel_id"],
            None,
            source_from_slack(command.get("text", "")),
        )

    @app.message_shortcut(SHORTCUT_ID)
    def _shortcut(ack: Callable[..., None], shortcut: dict[str, Any], client: Any) -> None:
        ack()
        message = shortcut.get("message", {})
        thread = message.get("thread_ts") or message.get("ts")
        start(
            client,
            shortcut["user"]["id"],
            shortcut["channel"]["id"],
            thread,
            source_from_slack(message.get("text", "")),
        )

    @app.event("app_mention")
    def _mention(ack: Callable[..., None], event: dict[str, Any], client: Any) -> None:
        ack()
        thread = event.get("thread_ts") or event.get("ts")
        start(
            client, event.get("user", ""), event["channel"], thread, source_from_slack(event.get("text", ""))
        )


def build_app(settings: Settings | None = None, **options: Any) -> Any:
    """A Bolt app from the environment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and, for GovSlack or a
    test server, SLACK_API_URL. Slack is asked once here whether it knows the token, so a wrong token
    or URL stops the bot at start-up (ProviderError) instead of showing only as briefs that never come.
    """
    from slack_bolt import App

    token = os.environ.get("SLACK_BOT_TOKEN")
    secret = os.environ.get("SLACK_SIGNING_SECRET")
    if not token or not secret:
        raise InputError("set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (from your Slack app's settings)")
    concurrency = _concurrency_from_env()  # a bad setting is exit 2 before Slack is asked anything
    # Bolt takes SLACK_BOT_TOKEN from the environment even when handed a client, and then warns that
    # the token is unused; so it builds its own client from the token, and the API URL is set on that
    # client before any call. Bolt's own token check would run before that, against slack.com.
    app = App(signing_secret=secret, token=token, token_verification_enabled=False, **options)
    if os.environ.get("SLACK_API_URL"):
        app.client.base_url = os.environ["SLACK_API_URL"].rstrip("/") + "/"
    _check_token(token, app.client.base_url)
    register(app, settings, concurrency=concurrency)
    return app


def _check_token(token: str, base_url: str) -> None:
    """auth.test, reported in one line. Its client logs nowhere: slack_sdk logs every failed attempt
    as an error, and the ProviderError already says what went wrong."""
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    unlogged = logging.Logger("summariser.slack.token-check")
    unlogged.disabled = True
    try:
        WebClient(token=token, base_url=base_url, logger=unlogged).auth_test()
    except SlackApiError as error:
        raise ProviderError(f"Slack refused SLACK_BOT_TOKEN: {error.response.get('error')}") from error
    except OSError as error:  # urllib's URLError, refused connections, timeouts
        reason = getattr(error, "reason", error)
        raise ProviderError(f"Slack is unreachable at {base_url}: {reason}") from error


class _ReadBefore(io.RawIOBase):
    """A connection's reading side that gives up at one deadline for the whole request. A socket
    timeout alone bounds each read, so a client that trickles a byte at a time would hold its thread
    for ever."""

    def __init__(self, connection: socket.socket, deadline: float) -> None:
        self._connection = connection
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request did not arrive in time")
        self._connection.settimeout(left)
        return self._connection.recv_into(buffer)


def _guarded(app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    """The WSGI app in front of Bolt's: it answers the requests that would make Bolt or wsgiref raise
    (a 500 and a traceback each) or hold memory — a body over Slack's sizes or with no sane length
    (413), a body still unread at the deadline (408) and a timestamp that is not a number (401:
    Bolt's signature check calls `int()` on it before anything else)."""

    def guarded(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:  # refused before a byte of it is read
            start_response("413 Content Too Large", [("Content-Length", "0")])
            return [b""]
        try:
            body = environ["wsgi.input"].read(length)
        except TimeoutError:
            log.info("cut off a client still sending its request body")
            start_response("408 Request Timeout", [("Content-Length", "0")])
            return [b""]
        try:
            int(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or 0)
        except ValueError:
            start_response("401 Unauthorized", [("Content-Type", "application/json")])
            return [b'{"error": "invalid request"}']
        environ["wsgi.input"] = io.BytesIO(body)
        return app(environ, start_response)

    return guarded


def serve(app: Any, port: int, host: str = "0.0.0.0", read_timeout: float = READ_TIMEOUT) -> Any:
    """An HTTP server for the app's events at /slack/events (threaded: a slow brief never blocks an
    ack). Each request must arrive whole within `read_timeout` seconds, so stalled clients cannot
    pile up threads."""
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from slack_bolt.adapter.wsgi import SlackRequestHandler

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True
        request_queue_size = 64  # socketserver's 5 made a burst of Slack's retries wait a second each

    class Handler(WSGIRequestHandler):
        def setup(self) -> None:
            super().setup()
            self.rfile.close()  # else the socket stays open until this file is collected
            self.rfile = io.BufferedReader(_ReadBefore(self.connection, time.monotonic() + read_timeout))

        def handle(self) -> None:
            try:
                super().handle()
            except TimeoutError:  # still sending its request line or headers
                log.info("cut off a client still sending its request headers")

        def log_message(self, *args: object) -> None:
            log.debug("%s", args)

    return make_server(
        host, port, _guarded(SlackRequestHandler(app)), server_class=Server, handler_class=Handler
    )


def main() -> None:
    """`summarise-slack`: serve the bot over HTTP (--port) or Socket Mode (--socket)."""
    parser = argparse.ArgumentParser(prog="summarise-slack", description=main.__doc__)
    parser.add_argument("--port", type=int, default=3000, help="HTTP port (events at /slack/events)")
    parser.add_argument("--socket", action="store_true", help="Socket Mode (needs SLACK_APP_TOKEN)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    from summariser.model.local import serving
    from summariser.model.redact import RedactingFilter

    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())
    try:
        with serving(Settings.from_env()) as settings:
            app = build_app(settings)
            if args.socket:
                from slack_bolt.adapter.socket_mode import SocketModeHandler

                if not os.environ.get("SLACK_APP_TOKEN"):
                    raise InputError("--socket needs SLACK_APP_TOKEN (an app-level token, xapp-...)")
                SocketModeHandler(app, os.environ["SLACK_APP_TOKEN"]).start()  # type: ignore[no-untyped-call]
            else:
                log.info("listening on :%d, events at /slack/events", args.port)
                serve(app, args.port).serve_forever()
    except SummariserError as error:
        print(f"summarise-slack: {redact(str(error))}", file=sys.stderr)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        pass
