"""Reading a SOURCE: encodings decoded, bad input refused in one line before any model request."""

import struct

import pytest

from summariser import InputError
from summariser.sources import read, read_any

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
    name, text = read(str(path))
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
    assert read_any("Two sentences. Of news.") == ("<text>", "Two sentences. Of news.")
    with pytest.raises(InputError, match="no such file"):
        read_any("storyy.txt")


def test_the_api_refuses_empty_text():
    with pytest.raises(InputError, match="empty"):
        read_any("  ")
