"""The brief assembled from what held: what it says where the article reports harm it found no figure for."""

from summariser.render import markdown
from tests.conftest import grounded_brief

STRIKE = (
    "An airstrike hit the crowded market in Velmar on Monday. Several shoppers were killed, witnesses said.\n"
    "The army denied any involvement.\n"
)
ANSWER = {
    "quotes": {},
    "casualty_claims": {},
    "key_developments": [{"evidence": "S1"}],
    "international_responses": {},
}


def test_harm_the_article_reports_with_no_figure_is_listed_for_the_editor_never_none_found():
    brief = grounded_brief(
        STRIKE, {**ANSWER, "headline": "Airstrike hits Velmar market", "summary": "A strike."}
    )

    [missed] = brief.verification.missed
    assert (missed.field, missed.text) == ("casualty_claims", "killed")
    shown = markdown.render(brief)
    assert "None found in the article" not in shown.split("## Casualty claims")[1].split("##")[0]
    assert (
        "Harm the article reports with no figure found for it; check: “Several shoppers were killed" in shown
    )


def test_an_article_that_reports_no_harm_still_says_none_found():
    brief = grounded_brief(
        "The council approved the new bridge on Monday. Work begins in May.\n",
        {**ANSWER, "headline": "Council approves bridge", "summary": "A bridge."},
    )

    assert brief.verification.missed == []
    assert "*None found in the article.*" in markdown.render(brief).split("## Casualty claims")[1]
