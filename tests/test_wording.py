"""The checks on the model's own words: what the headline and summary name must stand in the article."""

from summariser.extract.draft import Draft
from summariser.extract.text import SourceText
from summariser.extract.wording import unsupported

ARTICLE = "Sixty people were killed when floods hit Velmaria. Britain said it would send tents.\n"


def flags_for(headline: str, summary: str = "") -> list[str]:
    draft = Draft(headline=headline, summary=summary)
    return [f.text for f in unsupported(draft, SourceText(ARTICLE))]


def test_a_number_the_article_writes_in_words_is_held_in_digits():
    assert flags_for("Floods kill 60 in Velmaria") == []


def test_another_name_of_a_country_the_article_names_is_held():
    assert flags_for("Floods kill 60 in Velmaria; UK sends tents") == []


def test_a_name_or_number_the_article_does_not_hold_is_flagged_with_its_field():
    assert flags_for("Floods kill 70 in Velmaria", "Tents came from France.") == [
        "the headline names what the article does not: 70",
        "the summary names what the article does not: France",
    ]


def contradicted(article: str, headline: str) -> list[str]:
    from summariser.extract.wording import contradictions

    return [f.text for f in contradictions(Draft(headline=headline, summary=""), SourceText(article))]


def test_a_denial_in_any_of_its_forms_is_flagged_where_the_article_reports_harm_without_a_figure():
    article = "An airstrike hit the crowded market in Velmar on Monday. Several shoppers were killed.\n"
    for headline in (
        "No casualties as airstrike hits market",
        "Market strike ends without bloodshed",
        "No lives lost in market strike",
        "Not a single civilian died in the strike",
        "Strike on market: no loss of life",
        "Nobody was hurt in the market strike",
    ):
        [flag] = contradicted(article, headline)
        assert "Several shoppers were killed." in flag, headline


def test_a_denial_the_article_itself_makes_is_no_contradiction():
    article = "A fire gutted the market in Velmar on Monday. Nobody was hurt, the fire service said.\n"
    assert contradicted(article, "Fire guts market; nobody hurt") == []
