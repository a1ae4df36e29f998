"""What the model may answer for an article: every id it is asked about, and the names it chooses from."""

from summariser.extract.choices import choices
from summariser.extract.draft import Draft
from summariser.extract.grounding import ground
from summariser.extract.text import SourceText
from tests.conftest import SEED

ARTICLE = (
    "Rebels seized the town of Velmar on Monday, officials said.\n"
    "“We had to withdraw,” Anna Kowal, the governor of the province, told a briefing.\n"
    "“Our people are safe, and we will go back,” she added, calling it a “tactical pause”.\n"
    "The health ministry said 40 people had been killed. There were 12 casualties in the second town.\n"
    "Japan said it would send a rescue team, while neighbouring Korvia dispatched two helicopters.\n"
)


def offered(text: str = ARTICLE):
    source = SourceText(text)
    return source, choices(source.names, source.anchors, source.withheld)


def test_each_passage_the_model_is_asked_about_offers_the_names_near_it_nearest_first():
    source, c = offered()
    attributed, continued, pause = source.anchors.passages
    assert attributed.id not in c.passages, "its sentence attributes it: code names the speaker"
    assert pause.id not in c.passages, "two words in quotation marks are never a quote"
    assert c.passages[continued.id][0] == "Anna Kowal"


def test_a_figure_its_sentence_attributes_offers_that_claimant_alone():
    source, c = offered()
    killed, casualties = source.anchors.mentions
    assert c.mentions[killed.id] == ["health ministry"]
    assert c.outcomes[killed.id] == ["killed"], "the word for harm names the outcome"
    assert len(c.outcomes[casualties.id]) == 6, "'casualties' names no outcome: every one is offered"


def test_null_is_not_offered_as_the_claimant_of_a_figure_in_a_quotation_or_a_sentence_that_says_whose():
    text = (
        "“We have counted 14 bodies so far,” Anna Kowal, the governor, told reporters.\n"
        "The health ministry said 40 people had been killed. There were 12 casualties in the town.\n"
    )
    source, c = offered(text)
    quoted, attributed, stated = (m.id for m in source.anchors.mentions)
    assert c.sourced == {quoted, attributed}
    schema = c.schema().model_json_schema()["properties"]["casualty_claims"]["properties"]
    assert None not in schema[quoted]["properties"]["claimed_by"]["enum"]
    assert schema[stated]["properties"]["claimed_by"]["enum"] == [None]


def test_each_outside_body_a_sentence_names_is_a_response_to_answer_by_id():
    _, c = offered()
    assert list(c.responses.values()) == [("S6", "Japan"), ("S6", "Korvia")]


def test_the_schema_makes_every_choice_an_enum_and_every_id_required():
    _, c = offered()
    schema = c.schema().model_json_schema()
    quotes = schema["properties"]["quotes"]
    [asked] = quotes["required"]
    assert quotes["additionalProperties"] is False
    assert quotes["properties"][asked]["properties"]["speaker"]["enum"][-1] is None
    claims = schema["properties"]["casualty_claims"]["properties"]
    assert claims["C1"]["properties"]["claimed_by"]["enum"] == ["health ministry"], "its sentence says whose"
    assert claims["C2"]["properties"]["claimed_by"]["enum"] == [None], "no one gives it"
    assert claims["C1"]["properties"]["outcome"]["enum"] == ["killed", None]
    responses = schema["properties"]["international_responses"]
    assert responses["required"] == ["R1", "R2"]
    assert None in responses["properties"]["R1"]["properties"]["kind"]["enum"]
    assert schema["properties"]["key_developments"]["items"]["properties"]["evidence"]["enum"] == c.news
    assert list(schema["properties"]) == [
        "quotes",
        "casualty_claims",
        "key_developments",
        "international_responses",
    ]


def test_sentences_mostly_quoted_are_not_offered_as_the_news():
    _, c = offered()
    assert "S1" in c.news and "S3" not in c.news


def test_responses_answered_by_id_read_as_the_responses_they_name():
    _, c = offered()
    answer = c.schema().model_validate(
        {
            "international_responses": {
                "R1": {"kind": "humanitarian_aid"},
                "R2": {"kind": None},
                "R9": {"kind": "other"},
            }
        }
    )
    assert [(r.evidence, r.actor, r.kind) for r in answer.international_responses] == [
        ("S6", "Japan", "humanitarian_aid"),
        ("R9", "", "other"),
    ]


def test_a_response_under_an_id_that_names_nothing_is_dropped_alone():
    source, c = offered()
    answer = c.schema().model_validate(
        {"international_responses": {"R1": {"kind": "humanitarian_aid"}, "R9": {"kind": "other"}}}
    )
    grounded = ground(Draft(**answer.model_dump(), headline="", summary=""), source, offered=c)
    assert [r.actor for r in grounded.international_responses] == ["Japan"]
    assert grounded.problems() == [
        "- international_responses \"R9\": unknown id 'R9': answer only for the R ids listed"
    ]


def test_the_seed_offers_its_speakers_and_claimants_as_it_names_them():
    _, c = offered(SEED.read_text(encoding="utf-8"))
    assert c.mentions == {"C1": ["Serhiy Gaidai"], "C2": ["Local authorities"]}
    assert all("Luhansk" not in names for names in c.passages.values()), "a place is no one's speaker"
    assert ("S19", "Britain") in c.responses.values()


HOME = "Storms hit Velmaria on Monday, killing 12. Velmaria's army said it was searching.\n"


def responders(sentence: str) -> list[str]:
    return [body for _, body in SourceText(HOME + sentence).choices_for().responses.values()]


def test_an_office_holder_and_a_bloc_that_accuse_or_challenge_respond_for_their_government():
    assert responders("The French Foreign Minister Jean Dupont accused Velmaria of ignoring warnings.") == [
        "France"
    ]
    assert responders("The European Union challenged the Velmaria president to open the border.") == [
        "European Union"
    ]
    assert responders("German officials said they would send 40 tonnes of food.") == ["Germany"]


def test_a_country_named_for_something_else_is_no_government_responding():
    assert (
        responders("The rocket, a Russian-made missile, struck the coast, officials in Velmaria said.") == []
    )
    assert responders("A Spanish fireman working in Velmaria said the fire was spreading.") == []
    assert responders("Refugees crossed the border with Poland, where aid workers waited.") == []


def test_a_person_named_like_a_place_is_not_its_government():
    assert responders("The actor Denzel Washington pledged to send aid to Velmaria.") == []
    assert responders("Israel Adesanya, the champion, said he would send aid to Velmaria.") == []


def test_a_capital_stands_for_its_government():
    assert responders("Berlin said it would send 40 tonnes of food and two field hospitals.") == ["Berlin"]


def test_the_countries_a_storys_opening_gives_as_its_sources_are_not_the_storys_own():
    text = (
        "French and Spanish officials say Poland tested a rocket on Monday.\n"
        "Poland has tested four rockets this year. Poland's army said the test succeeded.\n"
        "France condemned the launch. Spain said it would raise the matter at the UN.\n"
        "French officials met Spanish envoys on Tuesday. Spain and France held a drill.\n"
    )
    from summariser.extract import nations

    assert nations.home(text, text.splitlines()[0]) == {"Poland"}
    assert {"France", "Spain"} <= {body for _, body in SourceText(text).choices_for().responses.values()}


def test_the_request_sent_offers_no_null_claimant_for_a_figure_in_a_named_speakers_quotation(model_server):
    from summariser import summarise
    from tests.conftest import Reply, completion, handwritten

    server = model_server(Reply(body=completion(handwritten("kreminna-faithful"))))

    summarise(str(SEED), base_url=server.url, api_key="k", model="m", mode="json_schema", cache=False)

    schema = server.requests[0]["body"]["response_format"]["json_schema"]["schema"]
    about_200 = schema["properties"]["casualty_claims"]["properties"]["C1"]["properties"]["claimed_by"]
    assert about_200["enum"] == ["Serhiy Gaidai"], "inside the governor's quotation: his figure"
