"""Where article text comes from: a file path or `-` for stdin, decoded and checked before any
model request is made, so bad input costs nothing and fails with one clear line."""

import sys
from pathlib import Path

from summariser.errors import InputError

MAX_CHARS = 2_000_000
_BINARY_SHARE = 0.01  # more control characters than this and it is not an article


def read(spec: str) -> tuple[str, str]:
    """`(name, text)` for a SOURCE argument."""
    if spec.startswith(("http://", "https://")):
        raise InputError(f"{spec}: fetching URLs is not supported yet; save the page and pass the file")
    if "://" in spec:
        raise InputError(f"{spec}: unsupported source; give a file path or - for stdin")
    if spec == "-":
        return "<stdin>", _checked("<stdin>", decode("<stdin>", sys.stdin.buffer.read()))
    path = Path(spec)
    if not path.exists():
        raise InputError(f"{spec}: no such file")
    if path.is_dir():
        raise InputError(f"{spec}: is a directory; give an article file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{spec}: cannot read ({error.strerror})") from None
    return spec, _checked(spec, decode(spec, data))


def decode(name: str, data: bytes) -> str:
    """Text from bytes: UTF-8 (BOM or not), UTF-16 with a BOM, else the best legacy guess."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise InputError(f"{name}: binary content, not article text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    guess = from_bytes(data).best()
    if guess is None:
        raise InputError(f"{name}: binary content, not article text")
    return str(guess)


def _checked(name: str, text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{name}: empty; there is no article text to summarise")
    if len(text) > MAX_CHARS:
        raise InputError(f"{name}: {len(text):,} characters is over the {MAX_CHARS:,} limit")
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\t\f")
    if control > _BINARY_SHARE * len(text):
        raise InputError(f"{name}: binary content, not article text")
    return text


def read_any(source: str) -> tuple[str, str]:
    """For the Python API: a SOURCE as the CLI takes it, or the article text itself.

    A string with no whitespace is taken for a path (so a typo fails as 'no such file' instead of
    being summarised as an article); anything else that is not an existing file is text.
    """
    if source.strip() and not any(c.isspace() for c in source):
        return read(source)
    if "\n" not in source and Path(source).is_file():
        return read(source)
    return "<text>", _checked("<text>", source)
