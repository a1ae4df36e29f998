"""The one number reader: every number an English sentence states, read whole, with its span."""

from hypothesis import given
from hypothesis import strategies as st

from summariser.detect.numbers import numbers

_UNITS = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
_UNITS += "seventeen eighteen nineteen"
UNITS = ["", *_UNITS.split()]
TENS = ["", "", *["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]]


def in_words(n: int, hyphen: bool = True, joiner: str = " and ") -> str:
    """The test's own speller, the oracle the reader is held to (1 to 999)."""
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    small = (
        UNITS[rest] if rest < 20 else TENS[tens] + (("-" if hyphen else " ") + UNITS[units] if units else "")
    )
    if not hundreds:
        return small
    return f"{UNITS[hundreds]} hundred" + (joiner + small if rest else "")


def read(text: str) -> list[tuple[str, int | None, int | None]]:
    return [(text[n.span[0] : n.span[1]], n.low, n.high) for n in numbers(text)]


@given(
    st.integers(1, 999),
    st.booleans(),
    st.sampled_from([" and ", " "]),
    st.sampled_from([str.lower, str.capitalize, str.upper]),
)
def test_every_number_from_one_to_999_in_words_reads_as_one_figure_with_its_value(n, hyphen, joiner, case):
    words = case(in_words(n, hyphen, joiner))
    assert read(words) == [(words, n, n)]
    sentence = f"Officials said {words} people were taken to hospital on Monday."
    assert read(sentence) == [(words, n, n)]


def test_digits_take_their_separators_and_scales():
    assert read("at least 1,200 died and 1.2 million fled") == [
        ("at least 1,200", 1200, None),
        ("1.2 million", 1_200_000, 1_200_000),
    ]


def test_hedges_bound_the_count_as_they_say():
    assert read("nearly 500") == [("nearly 500", None, 499)]
    assert read("more than eighty") == [("more than eighty", 81, None)]
    assert read("up to 40") == [("up to 40", None, 40)]
    assert read("an estimated 3,000") == [("an estimated 3,000", 3000, 3000)]


def test_ranges_are_one_figure_with_both_ends():
    assert read("between 30 and 40 people") == [("between 30 and 40", 30, 40)]
    assert read("Between twelve and fifteen") == [("Between twelve and fifteen", 12, 15)]
    assert read("30 to 40 people") == [("30 to 40", 30, 40)]


def test_vague_counts_read_from_their_smallest_sense():
    assert read("a dozen, dozens, scores, hundreds of them, tens of thousands") == [
        ("a dozen", 12, None),
        ("dozens", 24, None),
        ("scores", 40, None),
        ("hundreds", 200, None),
        ("tens of thousands", 20_000, None),
    ]


def test_a_scale_after_an_article_is_one_number():
    assert read("A hundred people and a thousand more") == [
        ("A hundred", 100, 100),
        ("a thousand", 1000, 1000),
    ]


def test_two_numbers_side_by_side_stay_two():
    assert read("two and three") == [("two", 2, 2), ("three", 3, 3)]
    assert read("Three, four and 13") == [("Three", 3, 3), ("four", 4, 4), ("13", 13, 13)]


def test_words_that_only_look_like_numbers_are_none():
    assert read("zero, o, none, nobody, first, second, someone, an eighty-year-old") == []
