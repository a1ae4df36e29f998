"""Where article text comes from: a file, stdin or a web page, decoded, extracted and checked before
any model request is made, so bad input costs nothing and fails with one clear line.

Pages are fetched defensively: only http(s); the host is resolved once, every address is checked
(globally reachable unicast only, by `summariser.input.addresses`, unless
SUMMARISER_ALLOW_PRIVATE_URLS=1), and the connection goes to the address that was checked, so a DNS
answer cannot change between check and use. Each redirect is checked the same way; size and redirect
count are bounded, and so is time, by one deadline for the whole fetch; only text/html and text/plain
are read.
"""

import codecs
import os
import queue
import re
import socket
import stat
import sys
import threading
import time
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urljoin, urlsplit

import httpx

from summariser import detect
from summariser.errors import InputError
from summariser.input.addresses import is_public

MAX_CHARS = 2_000_000
MAX_BYTES = 8_000_000  # a file or stdin: MAX_CHARS characters of up to four bytes each
MAX_PAGE_BYTES = 5_000_000  # a fetched page, markup and all
MAX_REDIRECTS = 5
FETCH_SECONDS = 20.0  # the whole fetch: lookups, connections, redirects, headers and body
_BINARY_SHARE = 0.01  # more control characters than this and it is not an article
_UTF16_SAMPLE = 65_536  # bytes looked at to tell UTF-16 without a BOM from binary
_UTF16_NULS = 0.1  # share of characters that are ASCII (a NUL high byte) in UTF-16 text, at least
_HTML_START = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<article|<!--)", re.IGNORECASE)
USER_AGENT = "summariser/0.1 (+newsroom brief tool)"


@dataclass(frozen=True)
class Article:
    """An article as read: its name (a path, a URL, `<stdin>`), its text, and the instructions to an AI
    that its page hid from readers, which never reach the model but which the brief must mention."""

    name: str
    text: str
    hidden_instructions: tuple[str, ...] = ()


def is_web_address(spec: str) -> bool:
    """Whether a SOURCE is a page to fetch: an http(s) URL, in any case."""
    return spec.lower().startswith(("http://", "https://"))


def read(spec: str) -> Article:
    """The article a SOURCE argument names: a path, `-`, or an http(s) URL."""
    if is_web_address(spec):
        return replace(fetch(spec), name=spec)  # named as asked, wherever its redirects led
    if "://" in spec or spec.lower().startswith(("file:", "ftp:", "data:")):
        raise InputError(f"{spec}: unsupported source; give a file path, - for stdin, or an http(s) URL")
    if spec == "-":
        return to_text("<stdin>", _read_capped("<stdin>", sys.stdin.buffer))
    return to_text(spec, file_bytes(spec), html=Path(spec).suffix.lower() in (".html", ".htm"))


def file_bytes(spec: str, what: str = "an article file") -> bytes:
    """A regular file's bytes, bounded before they are read: a directory, a FIFO (which would block
    open() forever), a device or a file over MAX_BYTES is refused in one line."""
    try:
        mode = os.stat(spec).st_mode
        if stat.S_ISDIR(mode):
            raise InputError(f"{spec}: is a directory; give {what}")
        if not stat.S_ISREG(mode):  # judged before opening: a FIFO with no writer blocks open() forever
            raise InputError(f"{spec}: {_special_kind(mode)}, not {what}")
        with open(spec, "rb") as file:
            return _read_capped(spec, file)
    except (FileNotFoundError, NotADirectoryError, ValueError):  # ValueError: a NUL in the path
        raise InputError(f"{spec}: no such file") from None
    except OSError as error:
        raise InputError(f"{spec}: cannot read ({error.strerror})") from None


def _read_capped(name: str, stream: BinaryIO) -> bytes:
    """All of a file or stdin, but never more than MAX_BYTES + 1 held: `yes |` or /dev/zero on stdin
    is refused at the limit instead of growing without end. A buffered stream's read(n) returns n
    bytes or all there is, in one buffer, so nothing is held twice."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InputError(f"{name}: over {MAX_BYTES:,} bytes; an article is at most {MAX_CHARS:,} characters")
    return data


def _special_kind(mode: int) -> str:
    kinds = (
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((kind for test, kind in kinds if test(mode)), "a special file")


def read_any(source: str | Path) -> Article:
    """For `summarise()`: a `Path`, a SOURCE as the CLI takes it, or the article text itself.

    A string with no whitespace is taken for a path or URL, and so is one line that names a file or
    looks like a file's name (`_FILE_NAME`: "my article.txt", "drafts/story"), so that a typo fails as
    'no such file' instead of being briefed, at the provider's price, as an article of a few words.
    Anything else is text.
    """
    if isinstance(source, Path):
        return read(str(source))
    if source.strip() and not any(c.isspace() for c in source):
        return read(source)
    if "\n" not in source and (_is_file(source) or _FILE_NAME.fullmatch(source.strip())):
        return read(source)
    return Article("<text>", from_text("<text>", source))


# one line of at most six words, no sentence in it, that ends in a file's extension or holds a path
# separator
_FILE_NAME = re.compile(
    r"(?=(?:\S+\s+){0,5}\S+$)"  # at most six words
    r"(?!.*[.!?][\"'”’)]?(?:\s|$))"  # no sentence ends in it
    r"(?:.*\.(?:txt|html?|md|json|jsonl|xml|csv|pdf|docx?|rtf)|.*[/\\].*)",  # an extension, a separator
    re.IGNORECASE,
)


def _is_file(candidate: str) -> bool:
    try:
        return Path(candidate).is_file()
    except (OSError, ValueError):  # too long, or not a possible path at all
        return False


def to_text(name: str, data: bytes, html: bool = False, charset: str | None = None) -> Article:
    """The article in bytes read under a byte limit: decoded, and extracted from HTML when it is a
    page (what the page hid from its readers left out, and its instructions kept apart)."""
    text = decode(name, data, charset)
    if not (html or _HTML_START.match(data[:512])):
        return Article(name, from_text(name, text))
    shown, hidden = without_hidden(text)
    return Article(
        name,
        from_text(name, extract_article(name, shown)),
        tuple(f.text for passage in hidden for f in detect.injections(passage)),
    )


_HIDING_STYLE = re.compile(r"display:none|visibility:hidden|font-size:0(?![.\d])", re.IGNORECASE)


def without_hidden(html: str) -> tuple[str, list[str]]:
    """The page less what a browser would not show (comments, `display:none`, `visibility:hidden`,
    zero-size text, the `hidden` attribute, `aria-hidden="true"`), and the text of what was taken
    out: a planted instruction hides there, out of the reader's sight but not a scraper's."""
    import lxml.etree
    import lxml.html

    try:  # as bytes, so a prolog declaring an encoding is no error
        root = lxml.html.document_fromstring(html.encode(), lxml.html.HTMLParser(encoding="utf-8"))
    except lxml.etree.ParserError:  # nothing to parse: trafilatura will say so
        return html, []
    hidden: list[str] = []
    for comment in list(root.iter(lxml.etree.Comment)):
        hidden.append(comment.text or "")
        comment.drop_tree()
    for element in [element for element in root.iter(lxml.etree.Element) if _unseen(element)]:
        if element.getparent() is None or any(_unseen(above) for above in element.iterancestors()):
            continue  # the page itself, or inside what was taken out already
        hidden.append(element.text_content())
        element.drop_tree()
    return lxml.html.tostring(root, encoding="unicode"), hidden


def _unseen(element: Any) -> bool:
    if element.get("hidden") is not None or (element.get("aria-hidden") or "").strip().lower() == "true":
        return True
    return _HIDING_STYLE.search(re.sub(r"\s+", "", element.get("style") or "")) is not None


# a character of two to four bytes written as UTF-8 writes it: a file that holds one, and bytes UTF-8
# cannot read, mixes two encodings, and any one guess turns part of it into mojibake
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def decode(name: str, data: bytes, charset: str | None = None) -> str:
    """Text from bytes: UTF-8 (BOM or not), UTF-16 (BOM or not), a declared charset, else the best guess.

    UTF-16 is settled before the NUL test for binary, since its ASCII characters are half NULs.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:  # a byte-order mark on what is no UTF-16 text
            raise InputError(f"{name}: binary content, not article text") from None
    utf16 = _utf16_without_bom(data, charset)
    if utf16 is not None:
        return utf16
    if b"\x00" in data:
        raise InputError(f"{name}: binary content, not article text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if not charset and _UTF8_SEQUENCE.search(data):  # valid UTF-8 beside bytes that are not
        raise InputError(f"{name}: mixed encodings (UTF-8 and another); save it in one encoding, UTF-8")
    if charset:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    from charset_normalizer import from_bytes

    guess = from_bytes(data).best()
    if guess is None:
        raise InputError(f"{name}: binary content, not article text")
    return str(guess)


def _utf16_without_bom(data: bytes, charset: str | None) -> str | None:
    """The text when `data` is UTF-16 with no BOM: declared as UTF-16LE/BE, or with its NULs (the high
    bytes of ASCII characters) falling at one parity only; None otherwise."""
    try:
        declared = codecs.lookup(charset).name if charset else None
    except LookupError:
        declared = None
    if declared in ("utf-16-le", "utf-16-be"):
        candidates = [declared]
    else:
        head = data[:_UTF16_SAMPLE]
        pairs = len(head) // 2
        even, odd = head[0::2].count(0), head[1::2].count(0)
        candidates = [
            codec
            for codec, nuls, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd))
            if nuls >= _UTF16_NULS * pairs and others * 10 <= nuls
        ]
    for codec in candidates:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    return None


def extract_article(name: str, html: str) -> str:
    """The article body of a page, without navigation, asides, footers or cookie notices."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    if not text or not text.strip():
        raise InputError(f"{name}: no article text found on the page")
    return text


# characters that take no space on a page: zero-width spaces and joiners, marks of direction, the BOM
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]"
)


def from_text(name: str, text: str) -> str:
    """Article text given as text (never taken for a path), checked like every other source."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{name}: empty; there is no article text to summarise")
    if not _INVISIBLE.sub("", text).strip():
        raise InputError(f"{name}: no visible text, only invisible characters; there is nothing to summarise")
    if len(text) > MAX_CHARS:
        raise InputError(f"{name}: {len(text):,} characters is over the {MAX_CHARS:,} limit")
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\t\f")
    if control > _BINARY_SHARE * len(text):
        raise InputError(f"{name}: binary content, not article text")
    return text


# --- Fetching -------------------------------------------------------------------------------------


class _Deadline:
    """One clock for a whole fetch: lookups, connections, redirects, headers and body together.

    httpx's timeouts restart with every read, so a server trickling a byte at a time could hold a fetch
    open for ever. Each step is given the time left, and a watchdog shuts every socket the fetch opened
    when the time is up, which ends whatever read is waiting, headers included.
    """

    def __init__(self, url: str, seconds: float) -> None:
        self.error = InputError(f"{url}: took over {seconds:g} s to fetch")
        self._end = time.monotonic() + seconds
        self._sockets: list[socket.socket] = []
        self._watchdog = threading.Timer(seconds, self._shut)
        self._watchdog.daemon = True

    def __enter__(self) -> "_Deadline":
        self._watchdog.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._watchdog.cancel()

    def left(self) -> float:
        """Seconds left; refuses the fetch once there are none."""
        left = self._end - time.monotonic()
        if left <= 0:
            raise self.error
        return left

    def expired(self) -> bool:
        return time.monotonic() >= self._end

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpx's `trace` extension: each new connection's socket is put under the watchdog."""
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            self._sockets.append(info["return_value"].get_extra_info("socket"))
            if self.expired():  # the watchdog may have gone off while this connection was being made
                self._shut()

    def _shut(self) -> None:
        for sock in self._sockets:
            with suppress(OSError):  # closed already, or detached by TLS
                sock.shutdown(socket.SHUT_RDWR)


def _allowed(address: str) -> bool:
    return os.environ.get("SUMMARISER_ALLOW_PRIVATE_URLS") == "1" or is_public(address)


def _resolve(url: str, deadline: _Deadline) -> tuple[str, str, int]:
    """(host, checked address, port) for a URL, or a refusal naming why."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise InputError(f"{url}: only http and https URLs are fetched")
    host = parts.hostname
    if not host:
        raise InputError(f"{url}: no host in URL")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = _lookup(host, port, deadline)
    except socket.gaierror:
        raise InputError(f"{url}: cannot resolve {host}") from None
    addresses = [str(info[4][0]) for info in infos]
    refused = [a for a in addresses if not _allowed(a)]
    if refused:
        raise InputError(
            f"{url}: {host} resolves to a private or reserved address ({refused[0]}); "
            "set SUMMARISER_ALLOW_PRIVATE_URLS=1 to allow it"
        )
    return host, addresses[0], port


def _lookup(host: str, port: int, deadline: _Deadline) -> list[Any]:
    """getaddrinfo within the deadline. It has no timeout of its own and cannot be interrupted, so it
    runs in a daemon thread that is left to finish on its own if the deadline passes first."""
    answer: queue.SimpleQueue[Any] = queue.SimpleQueue()

    def lookup() -> None:
        try:
            answer.put(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except Exception as error:  # handed to the caller, raised there
            answer.put(error)

    threading.Thread(target=lookup, daemon=True).start()
    try:
        infos = answer.get(timeout=deadline.left())
    except queue.Empty:
        raise deadline.error from None
    if isinstance(infos, Exception):
        raise infos
    found: list[Any] = infos
    return found


def fetch(url: str, transport: httpx.BaseTransport | None = None) -> Article:
    """A page's article text, fetched under the rules in this module's docstring."""
    with (
        _Deadline(url, FETCH_SECONDS) as deadline,
        httpx.Client(transport=transport, follow_redirects=False) as client,
    ):
        for _ in range(MAX_REDIRECTS + 1):
            host, address, port = _resolve(url, deadline)
            parts = urlsplit(url)
            pinned = parts._replace(
                netloc=f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
            ).geturl()
            headers = {"Host": parts.netloc.rsplit("@", 1)[-1], "User-Agent": USER_AGENT}
            try:
                with client.stream(
                    "GET",
                    pinned,
                    headers=headers,
                    timeout=deadline.left(),
                    extensions={"sni_hostname": host, "trace": deadline.trace},
                ) as response:
                    if response.is_redirect:
                        url = urljoin(url, response.headers.get("location", ""))
                        continue
                    return _page_text(url, response, deadline)
            except httpx.HTTPError as error:
                if deadline.expired():  # the watchdog shut the connection, or a step ran out of time
                    raise deadline.error from None
                raise InputError(f"{url}: fetch failed ({type(error).__name__})") from None
    raise InputError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _page_text(url: str, response: httpx.Response, deadline: _Deadline) -> Article:
    if response.status_code != 200:
        raise InputError(f"{url}: the server answered {response.status_code}")
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("text/html", "text/plain", "application/xhtml+xml"):
        raise InputError(f"{url}: {kind or 'unknown content'} is not an article page")
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > MAX_PAGE_BYTES:
            raise InputError(f"{url}: page is over the {MAX_PAGE_BYTES:,} byte limit")
    if deadline.expired():  # a page sent until the watchdog cut it off is not the whole page
        raise deadline.error
    return to_text(url, bytes(body), html=kind != "text/plain", charset=response.charset_encoding)
