"""No empty, half-cut or missing development: where the second request's words for one are missing,
rejected or cut inside a phrase, the brief shows its sentence's own words, marked as the article's,
over real HTTP to a scripted server on 127.0.0.1."""

from summariser import summarise
from summariser.render import html, markdown, slack
from tests.conftest import SEED, Reply, completion, handwritten

S1 = (
    "Russian troops seized a Ukrainian town on Tuesday as President Volodymyr Zelensky’s forces began "
    "their resistance against a long-awaited offensive in the Donbas."
)
S2 = (
    "Ukrainian officials said Vladimir Putin’s forces had seized Kreminna, a small town in the Luhansk "
    "region."
)


def brief_of(model_server, wording: dict, chosen: list[str] | None = None):
    """The seed's brief: the faithful extraction (choosing `chosen` sentences, S2 and S11 by
    default), then `wording` as the second request's answer."""
    extraction = handwritten("kreminna-faithful")
    if chosen is not None:
        extraction["key_developments"] = [{"evidence": s} for s in chosen]
    server = model_server(Reply(body=completion(extraction)), Reply(body=completion(wording)))
    brief = summarise(str(SEED), base_url=server.url, model="m", mode="json_schema", api_key="k")
    assert len(server.requests) == 2
    return brief


HEADLINE = {"headline": "Russia seizes Kreminna", "summary": "Russian forces took Kreminna, officials said."}


def test_a_wording_answer_without_developments_shows_each_chosen_sentence_in_its_own_words(model_server):
    brief = brief_of(model_server, HEADLINE)

    assert [d.text for d in brief.key_developments] == [d.evidence for d in brief.key_developments]
    assert brief.key_developments[0].text == S2 and all(d.verified for d in brief.key_developments)
    assert f"- “{S2[:40]}" in markdown.render(brief)  # in quotation marks, as checked facts are
    assert "(the article's own sentence)" in markdown.render(brief)
    assert f"• “{S2}” _(the article's own sentence)_" in str(slack.blocks(brief))
    assert "the article&#x27;s own sentence" in html.render(brief, SEED.read_text(encoding="utf-8"))


def test_a_d_id_left_out_shows_that_sentence_and_keeps_the_models_words_for_the_rest(model_server):
    brief = brief_of(
        model_server, {**HEADLINE, "developments": {"D2": "Pentagon sends Ukraine aircraft parts"}}
    )

    assert [d.text for d in brief.key_developments] == [S2, "Pentagon sends Ukraine aircraft parts"]
    rendered = markdown.render(brief)
    assert "- *Pentagon sends Ukraine aircraft parts*" in rendered, "the model's words, in italics"


def test_words_cut_mid_phrase_give_way_to_the_sentence_cut_at_a_clause(model_server):
    stopped = "Russian troops seized a Ukrainian town as forces of President Volodymyr Zelensky"  # 80
    brief = brief_of(model_server, {**HEADLINE, "developments": {"D1": stopped}}, chosen=["S1"])

    [development] = brief.key_developments
    assert development.text == "Russian troops seized a Ukrainian town on Tuesday …"
    assert development.evidence == S1
    assert (
        "“Russian troops seized a Ukrainian town on Tuesday …” *(the article's words, cut at a clause)*"
        in (markdown.render(brief))
    )
    assert not [f for f in brief.verification.flags if f.kind == "truncated"]


def test_words_that_repeat_the_sentence_keep_the_only_development_in_the_articles_words(model_server):
    brief = brief_of(model_server, {**HEADLINE, "developments": {"D1": S2}}, chosen=["S2"])

    assert [(d.text, d.evidence) for d in brief.key_developments] == [(S2, S2)]
    assert brief.verification.dropped == []


def test_an_article_with_news_has_a_development_though_the_model_chose_none(model_server):
    brief = brief_of(model_server, HEADLINE, chosen=[])

    [development] = brief.key_developments
    assert (development.text, development.evidence) == (
        "Russian troops seized a Ukrainian town on Tuesday …",
        S1,
    )
    assert development.verified and development.span == (0, len(S1))


def test_the_second_requests_facts_read_as_sentences(model_server):
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful"))))

    summarise(str(SEED), base_url=server.url, model="m", mode="json_schema", api_key="k")

    facts = server.requests[1]["body"]["messages"][-1]["content"]
    assert "- Local authorities say thousands of people were killed.\n" in facts
    assert "- Serhiy Gaidai says about 200 people were killed.\n" in facts
    assert "- Britain would provide more artillery weapons to Kyiv as the fighting intensified.\n" in facts


RECORDED_HEADLINE = (
    "Russian troops seize Ukrainian town, US provides more artillery weapons"  # fixtures/2e83e…
)


def test_a_headline_that_gives_britains_artillery_to_the_us_is_flagged_and_replaced(model_server):
    summary = "Russian troops seized a Ukrainian town, and the US provided more artillery weapons to Kyiv."
    brief = brief_of(model_server, {"headline": RECORDED_HEADLINE, "summary": summary}, chosen=["S1"])

    assert brief.headline == "Russian troops seized a Ukrainian town on Tuesday …"  # the lead development's
    flags = [f.text for f in brief.verification.flags if f.kind == "unsupported"]
    assert flags == [
        "the headline gives Britain's artillery to the US, so the brief is headlined with its lead "
        "development instead",
        "the summary gives Britain's artillery to the US",
    ]
    [britain] = [r for r in brief.international_responses if r.actor == "Britain"]
    assert {f.span for f in brief.verification.flags if f.kind == "unsupported"} == {britain.span}
    assert brief.verification.status == "partial"
    assert "- The headline gives Britain's artillery to the US" in markdown.render(brief)


def test_a_true_headline_that_names_two_bodies_stands(model_server):
    headline = "Britain pledges more artillery as Germany supplies anti-tank weapons"
    summary = "Britain will send Kyiv more artillery, and Berlin intends to supply anti-tank weapons."
    brief = brief_of(model_server, {"headline": headline, "summary": summary})

    assert brief.headline == headline
    assert [f for f in brief.verification.flags if f.kind == "unsupported"] == []


def test_a_summary_that_takes_words_from_two_of_one_bodys_facts_lists_them_and_never_crashes(model_server):
    summary = (
        "Russian forces seized a Ukrainian town, and the Pentagon and UK provided additional military aid "
        "to repair damaged weapons in Kyiv."  # the real model's, recorded in fixtures/
    )
    brief = brief_of(model_server, {"headline": "Russian troops seize Ukrainian town", "summary": summary})

    flags = [f.text for f in brief.verification.flags if f.kind == "unsupported"]
    assert (
        "the summary gives the UK what the article gives the Pentagon (“military”, “repair”, “damaged”)"
        in flags
    )
