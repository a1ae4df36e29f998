"""Who an article names: people and bodies (never places), in full, near a passage, with their titles."""

from summariser.extract.anchors import anchor
from summariser.extract.matching import is_person, kind_of, same_person
from summariser.extract.names import Names
from tests.conftest import ROOT

ARTICLE = (
    "Rebels seized the town of Velmar in the Ostra province on Monday, officials said.\n"
    "“We had to withdraw,” Anna Kowal, the governor of the Ostra province, told a briefing.\n"
    "“Our people are safe.”\n"
    "Ministry spokesman Piotr Lind said 40 people had been killed in Velmar. "
    "Mr Lind said more were missing.\n"
    "The health ministry said 12 were injured, and the Red Crescent said it had counted 30 bodies.\n"
    "Elsewhere, fighting continued around Dorsk and Velmar.\n"
)


def names(text: str = ARTICLE) -> Names:
    return Names(text, anchor(text))


def test_people_and_bodies_are_named_in_full_and_places_are_not_names():
    found = names().everyone()
    assert "Anna Kowal" in found and "Piotr Lind" in found and "Red Crescent" in found
    assert "Velmar" not in found and "Dorsk" not in found and "Ostra" not in found
    assert "Elsewhere" not in found, "a capital that only opens a sentence names no one"
    assert "Mr Lind" not in found and "Lind" not in found, "a surname is the person the article named in full"


def test_a_weekday_after_a_name_is_when_not_who():
    text = "President Volodymyr Zelenskyy Tuesday said 12 were killed. Prime Minister Theresa May left.\n"
    found = names(text).everyone()
    assert "Volodymyr Zelenskyy" in found and "Theresa May" in found
    assert not any("Tuesday" in name for name in found)


def test_a_passages_choices_are_whom_the_article_names_there_nearest_first():
    n = names()
    first, second = n.anchors.passages
    assert n.near(first)[0] == "Anna Kowal"
    assert n.near(second)[0] == "Anna Kowal", "a quotation's own paragraph names no one: the one before does"


def test_a_figures_claimant_is_the_subject_of_its_saying_verb():
    n = names()
    by_figure = {m.text: n.subject(m) for m in n.anchors.mentions}
    assert by_figure["40"] == "Piotr Lind"
    assert by_figure["12"] == "health ministry"
    assert by_figure["30"] == "Red Crescent"


def test_a_quotation_its_sentence_attributes_and_says_little_else_is_attributed_by_code():
    n = names()
    attributed, continued = n.anchors.passages
    assert n.attributed(attributed) == "Anna Kowal"
    assert n.attributed(continued) is None, "a quotation standing alone is the model's to attribute"


def test_a_role_is_the_articles_own_title_or_apposition():
    n = names()
    assert n.role("Anna Kowal") == ("governor of the Ostra province", None)
    assert n.role("Piotr Lind")[0] == "Ministry spokesman"
    assert n.role("Red Crescent") == ("", None)


def test_the_seed_names_its_speakers_in_full_with_their_titles():
    text = (ROOT / "seeds" / "kreminna.txt").read_text(encoding="utf-8")
    n = names(text)
    assert n.full("Mr Podolyak") == "Mykhailo Podolyak"
    assert n.role("John Kirby") == ("Pentagon spokesman", "Pentagon")
    assert n.role("Olaf Scholz") == ("German Chancellor", "Germany")
    assert n.role("Mykhailo Podolyak") == ("Ukraine’s lead negotiator", "Ukraine")
    assert not {"Donbas", "Luhansk", "Kharkiv", "Kramatorsk", "Dnipro"} & set(n.everyone())


def test_kinds_are_read_off_the_name():
    assert kind_of("Anna Kowal").value == "person"
    assert kind_of("White House").value == "government" and not is_person("White House")
    assert kind_of("Interior Ministry").value == "government"
    assert kind_of("Taliban").value == "armed_group"
    assert kind_of("Red Crescent").value == "organisation"
    assert kind_of("United Nations").value == "organisation"


def test_a_surname_or_a_shorter_form_is_the_person_but_two_full_names_are_two_people():
    assert same_person("Mr Kirby", "John Kirby")
    assert same_person("Tomas Varga", "Tomas Andras Varga")
    assert not same_person("John Kirby", "Joe Biden")
    assert not same_person("Ilona Varga", "Tomas Varga")


FAMILY = (
    "President Marta Kovac said on Monday that the bridge would reopen.\n"
    "“We will not abandon the valley,” Kovac said.\n"
    "Her husband, Ivo Kovac, a retired engineer, spoke after her.\n"
    "“Nobody listened to the engineers,” Mr Kovac said.\n"
    "Their son Luka Kovac, 19, said he had volunteered.\n"
    "“I carried sandbags for three days,” Kovac said.\n"
)


def test_a_surname_stands_for_the_one_person_of_that_name_in_reach():
    n = names(FAMILY)
    first = n.anchors.passages[0]
    assert n.attributed(first) == "Marta Kovac"  # no other Kovac is named before it


def test_a_surname_a_family_shares_is_never_resolved_by_code_but_offered_as_each_of_them():
    n = names(FAMILY)
    _, husband, son = n.anchors.passages
    assert n.attributed(husband) is None and n.attributed(son) is None  # the model is asked
    assert n.near(husband)[:2] == ["Ivo Kovac", "Marta Kovac"]  # nearest first
    assert n.near(son)[:3] == ["Luka Kovac", "Ivo Kovac", "Marta Kovac"]
    assert "Kovac" not in n.near(son)
    assert n.everyone()[:2] == ["Marta Kovac", "Ivo Kovac"] and "Luka Kovac" in n.everyone()


def test_the_president_and_a_relative_of_one_surname_keep_their_own_titles():
    n = names(FAMILY)
    assert n.role("Marta Kovac")[0] == "President"
    assert "President" not in n.role("Ivo Kovac")[0]


def test_the_speaker_after_a_quotation_is_found_past_its_closing_mark():
    n = names("“The water came in less than an hour,” said Mirela Hanak, a teacher in the village.\n")
    [passage] = n.anchors.passages
    assert passage.text == "The water came in less than an hour", (
        "the comma is the sentence's, not the quote's"
    )
    assert n.subject(passage) == "Mirela Hanak"
    assert n.near(passage)[0] == "Mirela Hanak"


RUN = (
    "The health secretary, Amira Cole, defended the plan on Tuesday.\n"
    "Speaking to reporters in Leeds, Ms Cole said:\n"
    "“We have listened to nurses and to patients.\n"
    "“The money will reach the wards this winter.\n"
    "“Nobody should be waiting twelve hours in a corridor.\n"
    "“This is the start, not the end, of the work.”\n"
    "The opposition's health spokesman, Tom Reyes, was unconvinced.\n"
    "“It is too little and far too late,” he said.\n"
)


def test_a_run_of_quotation_paragraphs_keeps_the_speaker_who_introduced_it_however_long():
    n = names(RUN)
    run = n.anchors.passages[:4]
    assert [n.attributed(p) for p in run] == ["Amira Cole"] * 4  # code knows: the model is not asked


def test_a_run_ends_where_another_speaker_is_named():
    n = names(RUN)
    reyes = n.anchors.passages[4]
    assert n.attributed(reyes) is None
    assert n.near(reyes)[0] == "Tom Reyes"


def test_programmes_stations_papers_and_time_zones_are_never_offered_as_speakers():
    n = names(
        "Tom Reyes, a shadow minister, was interviewed on Monday morning.\n"
        "Speaking to the Today programme at 08:10 GMT, Mr Reyes said the plan would fail.\n"
        "“The wards are full and the staff are exhausted,” he said.\n"
        "Later he told Sky News: “Nobody in the ministry has visited a hospital this year.”\n"
    )
    for passage in n.anchors.passages:
        assert n.near(passage) == ["Tom Reyes"]
    assert n.everyone() == ["Tom Reyes"]


def test_a_peoples_adjective_is_never_offered_as_a_speaker():
    n = names("Albanian fighters and Hashim Berisha met in the village.\n“We were never told,” he said.\n")
    assert n.near(n.anchors.passages[0]) == ["Hashim Berisha"]


def test_a_body_in_a_persons_apposition_is_not_offered_for_the_persons_words():
    n = names(
        "Mara Holt, director of the Velmar Nursing Council, spoke after the vote.\n"
        "“Our members will decide next week,” she said.\n"
    )
    assert n.near(n.anchors.passages[0]) == ["Mara Holt"]


def test_a_participle_of_saying_gives_its_clauses_subject_as_the_claimant():
    n = names("Prime Minister Ivo Marek visited the camp, saying 3,000 people had fled their homes.\n")
    [mention] = n.anchors.mentions
    assert n.subject(mention) == "Ivo Marek"
