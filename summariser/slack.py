"""The newsroom Slack bot: `/brief`, the "Summarise" message shortcut and `@bot summarise <URL>`.

Every listener acks at once and makes the brief afterwards (Bolt returns the HTTP response as soon as
`ack()` is called), so Slack never waits past its 3 seconds. The brief goes to the thread it was
asked from; a failure goes back to the asker alone, as one short ephemeral line; nothing crashes the
app. Slack's own re-deliveries (`x-slack-retry-num`) are acknowledged and dropped, and each user may
have only a few briefs in flight at once. Newsrooms that run their own Bolt app call `register(app)`.
"""

import argparse
import logging
import os
import re
import sys
import threading
from collections.abc import Callable
from typing import Any

from summariser.brief import Brief
from summariser.config import Settings
from summariser.errors import InputError, SummariserError
from summariser.redact import redact
from summariser.render.slack import blocks

log = logging.getLogger("summariser.slack")

PER_USER_LIMIT = 2
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
        return links[0]
    plain = _SLACK_LINK.sub(lambda m: m.group(1), text)
    return plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def make_brief(source: str, settings: Settings) -> Brief:
    """A link is fetched (under the same URL rules as the CLI); anything else is the article text.
    Never a path: a Slack user must not be able to read the server's files."""
    from summariser.pipeline import summarise_text
    from summariser.sources import from_text, read

    if not source.strip():
        raise InputError("nothing to summarise: give article text or a link")
    if source.startswith(("http://", "https://")) and not any(c.isspace() for c in source):
        name, text = read(source)
    else:
        name, text = "slack message", from_text("slack message", source)
    return summarise_text(name, text, settings)


class _InFlight:
    """Counts each user's briefs in progress, so one person cannot queue up the whole bot."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def enter(self, user: str) -> bool:
        with self._lock:
            if self._counts.get(user, 0) >= self.limit:
                return False
            self._counts[user] = self._counts.get(user, 0) + 1
            return True

    def leave(self, user: str) -> None:
        with self._lock:
            self._counts[user] -= 1


def register(
    app: Any,
    settings: Settings | None = None,
    brief_maker: Callable[[str, Settings], Brief] = make_brief,
    per_user_limit: int = PER_USER_LIMIT,
) -> None:
    """Add the `/brief` command, the "Summarise" message shortcut and the mention listener to a Bolt
    `App`. Settings come from the environment unless given."""
    settings = settings or Settings.from_env()
    in_flight = _InFlight(per_user_limit)

    def deliver(client: Any, user: str, channel: str, thread_ts: str | None, source: str) -> None:
        if not in_flight.enter(user):
            client.chat_postEphemeral(
                channel=channel, user=user, text=f"You already have {per_user_limit} briefs in progress."
            )
            return
        try:
            brief = brief_maker(source, settings)
            client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, blocks=blocks(brief), text=brief.headline[:150]
            )
        except SummariserError as error:
            client.chat_postEphemeral(
                channel=channel, user=user, text=f"Could not summarise: {redact(str(error))}"
            )
        except Exception:  # the bot must outlive any one bad request
            log.exception("brief failed")
            client.chat_postEphemeral(
                channel=channel, user=user, text="Could not summarise: an internal error."
            )
        finally:
            in_flight.leave(user)

    @app.middleware
    def _drop_slack_retries(request: Any, next: Callable[[], Any]) -> Any:  # Bolt passes `next` by name
        if request.headers.get("x-slack-retry-num"):
            from slack_bolt import BoltResponse

            return BoltResponse(status=200, body="")  # the first delivery is already being answered
        return next()

    @app.command("/brief")
    def _command(ack: Callable[..., None], command: dict, client: Any) -> None:
        ack()
        deliver(
            client,
            command["user_id"],
            command["channel_id"],
            None,
            source_from_slack(command.get("text", "")),
        )

    @app.message_shortcut(SHORTCUT_ID)
    def _shortcut(ack: Callable[..., None], shortcut: dict, client: Any) -> None:
        ack()
        message = shortcut.get("message", {})
        thread = message.get("thread_ts") or message.get("ts")
        deliver(
            client,
            shortcut["user"]["id"],
            shortcut["channel"]["id"],
            thread,
            source_from_slack(message.get("text", "")),
        )

    @app.event("app_mention")
    def _mention(ack: Callable[..., None], event: dict, client: Any) -> None:
        ack()
        thread = event.get("thread_ts") or event.get("ts")
        deliver(
            client, event.get("user", ""), event["channel"], thread, source_from_slack(event.get("text", ""))
        )


def build_app(settings: Settings | None = None, **options: Any) -> Any:
    """A Bolt app from the environment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and, for GovSlack or a
    test server, SLACK_API_URL."""
    from slack_bolt import App
    from slack_sdk import WebClient

    token = os.environ.get("SLACK_BOT_TOKEN")
    secret = os.environ.get("SLACK_SIGNING_SECRET")
    if not token or not secret:
        raise InputError("set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (from your Slack app's settings)")
    client_options = {"token": token}
    if os.environ.get("SLACK_API_URL"):
        client_options["base_url"] = os.environ["SLACK_API_URL"].rstrip("/") + "/"
    app = App(signing_secret=secret, client=WebClient(**client_options), **options)
    register(app, settings)
    return app


def serve(app: Any, port: int, host: str = "0.0.0.0") -> Any:
    """An HTTP server for the app's events at /slack/events (threaded: a slow brief never blocks an ack)."""
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from slack_bolt.adapter.wsgi import SlackRequestHandler

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args: object) -> None:
            log.debug("%s", args)

    return make_server(host, port, SlackRequestHandler(app), server_class=Server, handler_class=QuietHandler)


def main() -> None:
    """`summarise-slack`: serve the bot over HTTP (--port) or Socket Mode (--socket)."""
    parser = argparse.ArgumentParser(prog="summarise-slack", description=main.__doc__)
    parser.add_argument("--port", type=int, default=3000, help="HTTP port (events at /slack/events)")
    parser.add_argument("--socket", action="store_true", help="Socket Mode (needs SLACK_APP_TOKEN)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    from summariser.local import serving
    from summariser.redact import RedactingFilter

    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())
    try:
        with serving(Settings.from_env()) as settings:
            app = build_app(settings)
            if args.socket:
                from slack_bolt.adapter.socket_mode import SocketModeHandler

                if not os.environ.get("SLACK_APP_TOKEN"):
                    raise InputError("--socket needs SLACK_APP_TOKEN (an app-level token, xapp-...)")
                SocketModeHandler(app, os.environ["SLACK_APP_TOKEN"]).start()
            else:
                log.info("listening on :%d, events at /slack/events", args.port)
                serve(app, args.port).serve_forever()
    except SummariserError as error:
        print(f"summarise-slack: {redact(str(error))}", file=sys.stderr)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        pass
