"""The casualty detector: every count of people beside a word for harm, and nothing that only looks
like one (the sentences are this file's own)."""

import pytest

from summariser.detect.harm import casualties


def found(text: str) -> list[str]:
    return [f.text for f in casualties(text)]


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("Forty people were killed when the bridge fell.", ["Forty"]),
        ("Thirty-seven miners were injured in the blast.", ["Thirty-seven"]),
        ("two hundred and forty villagers were missing after the storm.", ["two hundred and forty"]),
        ("A dozen soldiers were wounded.", ["A dozen"]),
        ("Dozens were arrested and hundreds of people fled.", ["Dozens", "hundreds"]),
        ("Between 40 and 50 people died in the fire.", ["Between 40 and 50"]),
        ("Sixty-one people died.", ["Sixty-one"]),
    ],
)
def test_a_number_in_words_or_digits_is_one_figure(sentence, figures):
    assert found(sentence) == figures


def test_a_harm_word_before_its_counts_takes_the_list_after_it():
    text = "Gunmen opened fire on a bus, killing nine passengers, four of them children, and two drivers."
    assert found(text) == ["nine", "four", "two"]


def test_a_count_after_its_harm_word_is_found_in_the_same_clause():
    assert found("Police shot three protesters outside the court, killing one.") == ["three", "one"]
    assert found("At 6 pm the toll stood at 23.") == ["23"]


def test_a_sentence_that_opens_with_a_count_and_ends_with_its_attribution():
    assert found("Eleven of the crew had been killed, the captain added.") == ["Eleven"]


def test_custody_is_harm():
    assert found("One woman was taken into custody on Sunday.") == ["One"]


@pytest.mark.parametrize(
    "sentence",
    [
        "No one was hurt in the second explosion.",
        "Nobody died, and none were injured.",
        "The 34-year-old nurse was killed instantly.",
        "A nurse, 34, was killed instantly.",
        "About 30% of the dead were children.",
        "Half of the 400 residents were evacuated.",
        "Forty per cent of the injured were women.",
    ],
)
def test_no_one_ages_and_shares_are_not_counts(sentence):
    assert found(sentence) == []


def test_ages_in_words_and_digits_are_not_counts_but_the_count_beside_them_is():
    assert found("Two girls aged four and 11 drowned in the river.") == ["Two"]
    assert found("Three brothers, aged 9, 12 and 15, were killed.") == ["Three"]


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("Three hours after the blast, 14 injured workers were still waiting.", ["14"]),
        ("Six days later, nine fishermen were still missing.", ["nine"]),
        ("A six-metre wave killed 19 fishermen.", ["19"]),
        ("A wall 200 metres long collapsed and killed 31 people.", ["31"]),
        ("Floods destroyed $8 million worth of maize, and 12 people died.", ["12"]),
        ("The crash on Highway 17 killed four.", ["four"]),
        ("In 2019, 31 people were killed.", ["31"]),
        ("On 12 May, 30 people were killed.", ["30"]),
        ("The attack at 5 pm killed seven.", ["seven"]),
    ],
)
def test_durations_measures_money_roads_years_dates_and_times_are_not_counts(sentence, figures):
    assert found(sentence) == figures


def test_a_count_with_its_own_harm_word_is_not_taken_into_the_list_before_it():
    text = "Officials said 2,300 people had been displaced and 1.5 million were without power."
    assert found(text) == ["2,300"]
