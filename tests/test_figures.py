"""What a casualty figure states, read by code: its counts, its hedges, its harm and who it counts."""

import pytest

from summariser.extract import figures
from summariser.extract.anchors import anchor


def read(sentence: str) -> list[figures.Count]:
    found = anchor(sentence)
    return [
        figures.read(m, found.get(m.sentence), [o for o in found.mentions if o is not m])
        for m in found.mentions
    ]


@pytest.mark.parametrize(
    ("sentence", "low", "high", "qualifier"),
    [
        ("The ministry said 57 people had died.", 57, 57, None),
        ("About 200 people were killed.", 200, 200, "About"),
        ("At least 34 people were killed.", 34, None, "At least"),
        ("More than 80 people were killed.", 81, None, "More than"),
        ("Up to 15 people were killed.", None, 15, "Up to"),
        ("Nearly 300 people were killed.", None, 299, "Nearly"),
        ("Thousands of people were killed.", 2000, None, None),
        ("Dozens of people were injured.", 24, None, None),
        ("Some 1,500 people were injured.", 1500, 1500, "Some"),
        ("Seven people have died.", 7, 7, None),
        ("Officials said 2.5 million people were displaced.", 2_500_000, 2_500_000, None),
        ("Sixty-one people died.", 61, 61, None),
        ("one hundred and twelve people were missing.", 112, 112, None),
        ("Between 30 and 40 people died.", 30, 40, None),
        ("A dozen soldiers were wounded.", 12, None, None),
        ("Close to 900 people were evacuated.", None, 900, "Close to"),
    ],
)
def test_a_figure_allows_the_counts_its_words_allow(sentence, low, high, qualifier):
    [count] = read(sentence)
    assert (count.low, count.high, count.qualifier) == (low, high, qualifier)


def test_a_hedge_after_a_figure_belongs_to_the_nearest_figure_before_it():
    first, second = read(
        "The ministry said 57 people had died, but the charity counted 80 bodies "
        "and warned the toll would rise."
    )
    assert first.qualifier is None
    assert second.qualifier == "would rise"


def test_many_more_is_kept_as_the_article_writes_it():
    [count] = read("“We have official statistics - about 200 dead - but in reality there are many more.”")
    assert count.qualifier == "about; in reality there are many more"


@pytest.mark.parametrize(
    ("sentence", "outcome", "who"),
    [
        ("At least 34 people were killed.", "killed", "people"),
        ("Fifteen other people were wounded.", "injured", "people"),
        ("Police arrested 40 protesters.", "detained", "protesters"),
        ("Rebels killed 11 civilians in the raid.", "killed", "civilians"),
        ("Thousands have been evacuated.", "displaced", "people"),
        ("Two are missing.", "missing", "people"),
        ("There were 12 casualties.", None, "people"),
        ("The river rose overnight, forcing thousands from their homes.", "displaced", "people"),
        ("Sixty were killed in the attack.", "killed", "people"),
        ("Officials said 12 soldiers were injured.", "injured", "soldiers"),  # no "die" in "soldiers"
    ],
)
def test_the_word_for_harm_says_what_happened_and_the_words_after_the_figure_who(sentence, outcome, who):
    found = anchor(sentence)
    [mention] = found.mentions
    harm, counted = figures.harm(mention, found.get(mention.sentence))
    assert (harm.value if harm else None, counted) == (outcome, who)
