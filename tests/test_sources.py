"""Reading a SOURCE: encodings decoded, bad input refused in one line before any model request."""

import io
import os
import socket
import struct
import threading
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from summariser import InputError
from summariser.input import sources
from summariser.input.sources import MAX_BYTES, MAX_CHARS, Article, read, read_any

ARTICLE = "Kyiv’s “defenders” withdrew – officials said.\n"


@pytest.mark.parametrize(
    "encoded",
    [
        ARTICLE.encode("utf-8"),
        b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"),
        ARTICLE.encode("utf-16"),
        ARTICLE.encode("utf-16-le"),  # no BOM: told apart from binary by where its NULs fall
        ARTICLE.encode("utf-16-be"),
        ARTICLE.encode("cp1252") * 20,  # legacy exports need a little text to be detected
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "utf-16-le-no-bom", "utf-16-be-no-bom", "cp1252"],
)
def test_files_in_common_encodings_decode_to_the_same_text(tmp_path, encoded):
    path = tmp_path / "story.txt"
    path.write_bytes(encoded)
    article = read(str(path))
    name, text = article.name, article.text
    assert name == str(path)
    assert text.startswith(ARTICLE)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "absent.txt", "no such file"),
        (lambda p: p, "is a directory"),
        (lambda p: (p / "e.txt").write_text(" \n\t ") and p / "e.txt", "empty"),
        (lambda p: (p / "b.bin").write_bytes(bytes(range(256)) * 4) and p / "b.bin", "binary content"),
        (
            lambda p: (p / "w.bin").write_bytes(struct.pack("<64H", *range(64)) * 8) and p / "w.bin",
            "binary content",
        ),
    ],
    ids=["missing", "directory", "whitespace-only", "binary", "binary-with-nuls-like-utf-16"],
)
def test_bad_files_are_refused_with_one_clear_line(tmp_path, make, message):
    with pytest.raises(InputError, match=message) as caught:
        read(str(make(tmp_path)))
    assert "\n" not in str(caught.value)


def test_unsupported_schemes_are_refused():
    with pytest.raises(InputError, match="unsupported source"):
        read("ftp://example.org/story.txt")


def test_the_api_takes_article_text_itself_but_a_lone_word_must_be_a_file():
    assert read_any("Two sentences. Of news.") == Article("<text>", "Two sentences. Of news.")
    with pytest.raises(InputError, match="no such file"):
        read_any("storyy.txt")


@pytest.mark.parametrize("typo", ["my story.txt", "drafts/the story", "C:\\news\\the story"])
def test_the_api_takes_a_one_line_file_name_that_names_no_file_for_a_typo(typo):
    with pytest.raises(InputError, match="no such file"):
        read_any(typo)


@pytest.mark.parametrize(
    "text", ["Breaking: 12 killed/injured in blast.", "Floods hit the north. More rain is due."]
)
def test_a_short_article_with_a_sentence_in_it_is_text_even_with_a_slash(text):
    assert read_any(text) == Article("<text>", text)


def test_the_api_refuses_empty_text():
    with pytest.raises(InputError, match="empty"):
        read_any("  ")


def test_text_of_nothing_but_invisible_characters_is_refused(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text("\u200b\u200b \u2060\ufeff\n\u200d", encoding="utf-8")
    with pytest.raises(InputError, match="no visible text"):
        read(str(path))


def outcome_within(seconds: float, call: Callable[[], Any]) -> Any:
    """What `call()` returned or raised, failing the test if it is still running after `seconds`
    (it is left behind in a daemon thread, so a hang fails the test instead of stalling the suite)."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(call())
        except Exception as error:
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, f"still running after {seconds} s"
    return outcome[0]


def test_a_character_device_is_refused_by_what_it_is():
    with pytest.raises(InputError, match=r"^/dev/null: a character device, not an article file$"):
        read("/dev/null")


@pytest.mark.parametrize("reader", [read, read_any], ids=["cli", "api"])
def test_a_fifo_is_refused_without_opening_it(tmp_path, reader):
    fifo = tmp_path / "story.txt"
    os.mkfifo(fifo)  # no writer: opening it would wait for one forever
    error = outcome_within(2, lambda: reader(str(fifo)))
    assert isinstance(error, InputError)
    assert str(error) == f"{fifo}: a named pipe (FIFO), not an article file"


def test_a_socket_is_refused_by_what_it_is(tmp_path):
    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(str(path))
        with pytest.raises(InputError, match="a socket, not an article file"):
            read(str(path))


def test_a_huge_file_is_refused_having_read_no_more_than_the_byte_limit(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as file:
        file.truncate(64 * MAX_BYTES)  # sparse: no disk, but 512 MB to anyone who reads it all
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match=f"over {MAX_BYTES:,} bytes"):
            read(str(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2 * MAX_BYTES


def test_stdin_is_read_no_further_than_the_byte_limit(monkeypatch):
    endless = io.BytesIO(b"y\n" * 1_000_000)  # what `yes |` sends, cut short so a regression ends
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(endless))
    monkeypatch.setattr(sources, "MAX_BYTES", 1_000)
    with pytest.raises(InputError, match=r"^<stdin>: over 1,000 bytes"):
        read("-")
    assert endless.tell() <= 1_001


def test_a_file_of_the_full_character_limit_is_read_whatever_its_script(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("文" * (MAX_CHARS - 1) + "\n", encoding="utf-8")  # three bytes a character
    assert len(read(str(path)).text) == MAX_CHARS


@pytest.mark.parametrize("data", [b"\xff\xfeA", b"\xff\xfe\x00\xd8A\x00", b"\xfe\xff\x00"])
def test_a_byte_order_mark_on_what_is_no_utf16_is_binary_content(tmp_path, data):
    path = tmp_path / "odd.txt"
    path.write_bytes(data)

    with pytest.raises(InputError, match="binary content"):
        read(str(path))


def test_a_file_that_mixes_utf8_with_another_encoding_is_refused_not_read_as_mojibake(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes(
        "Café owners said the fire spread.".encode() + " The naïve plan failed.".encode("latin-1")
    )
    with pytest.raises(InputError, match="mixed encodings"):
        read(str(path))
