"""The output models against the contract in DESIGN.md, and the committed schema against the models."""

import json

from summariser.brief import (
    HEADLINE_CHARS,
    ITEM_CHARS,
    SUMMARY_CHARS,
    Brief,
    Draft,
    brief_json_schema,
    extraction_for,
)
from tests.conftest import ROOT

CONTRACT_KEYS = {
    "key_developments": {"text", "evidence", "span", "verified"},
    "actors": {"name", "kind", "role", "affiliation"},
    "quotes": {"speaker", "text", "context", "span", "verified"},
    "casualty_claims": {
        "figure",
        "count_min",
        "count_max",
        "outcome",
        "who",
        "location",
        "claimed_by",
        "qualifier",
        "evidence",
        "span",
        "verified",
    },
    "international_responses": {"actor", "kind", "description", "evidence", "span", "verified"},
}


def item_keys(model, field: str) -> set[str]:
    return set(model.model_fields[field].annotation.__args__[0].model_fields)


def test_committed_schema_matches_the_models():
    committed = json.loads((ROOT / "schemas" / "brief.schema.json").read_text())
    assert committed == brief_json_schema(), "run: summarise schema > schemas/brief.schema.json"


def test_brief_has_exactly_the_contract_keys():
    assert set(Brief.model_fields) == {
        "headline",
        "summary",
        *CONTRACT_KEYS,
        "verification",
        "meta",
    }
    for field, keys in CONTRACT_KEYS.items():
        # `sources` exists only for --merge, and a single-source brief's JSON leaves it out
        assert item_keys(Brief, field) == keys | {"sources"}, field


ANCHORED = {
    "key_developments": {"text", "evidence"},
    "actors": {"name", "kind", "role", "affiliation"},
    "quotes": {"speaker", "context"},
    "casualty_claims": {"outcome", "who", "location", "claimed_by", "qualifier", "count_min", "count_max"},
    "international_responses": {"actor", "kind", "description", "evidence"},
}


def answer_model(field: str):
    annotation = Draft.model_fields[field].annotation
    return annotation.__args__[-1]


def test_the_model_answers_the_anchored_draft_with_headline_and_summary_last():
    assert list(Draft.model_fields) == [*ANCHORED, "headline", "summary"]
    for field, keys in ANCHORED.items():
        assert set(answer_model(field).model_fields) == keys, field


def test_every_field_the_model_fills_is_described_for_it():
    for field, keys in ANCHORED.items():
        assert Draft.model_fields[field].description, field
        for name in keys - {"kind"}:
            assert answer_model(field).model_fields[name].description, f"{field}.{name}"


def test_an_articles_schema_makes_its_ids_enums_and_every_passage_and_figure_a_required_key():
    schema = extraction_for(["S1", "S2"], ["Q1", "Q2"], ["C1"]).model_json_schema()
    defs = schema["$defs"]
    assert defs["DevelopmentDraft"]["properties"]["evidence"]["enum"] == ["S1", "S2"]
    assert defs["ResponseDraft"]["properties"]["evidence"]["enum"] == ["S1", "S2"]
    quotes = schema["properties"]["quotes"]
    assert quotes["required"] == ["Q1", "Q2"] and quotes["additionalProperties"] is False
    assert quotes["properties"]["Q2"] == {"$ref": "#/$defs/QuoteAnswer"}
    assert schema["properties"]["casualty_claims"]["required"] == ["C1"]
    assert "headline" not in schema["properties"], "the headline has a request of its own"


def test_an_unknown_id_still_parses_so_grounding_can_drop_that_item_alone():
    answer = extraction_for(["S1"], ["Q1"], []).model_validate(
        {
            "quotes": {"Q1": {"speaker": "A"}, "Q9": {"speaker": "B"}},
            "key_developments": [{"text": "t", "evidence": "S7"}],
        }
    )
    assert set(answer.quotes) == {"Q1", "Q9"} and answer.key_developments[0].evidence == "S7"


def test_answers_listed_with_their_ids_read_the_same_as_answers_keyed_by_id():
    listed = Draft.model_validate(
        {"headline": "h", "summary": "s", "quotes": [{"id": "Q1", "speaker": "A", "context": None}]}
    )
    assert listed.quotes["Q1"].speaker == "A"


def test_limits_are_stated_in_the_schema_but_never_reject_an_answer():
    schema = Draft.model_json_schema()
    assert schema["properties"]["headline"]["maxLength"] == HEADLINE_CHARS
    assert schema["properties"]["summary"]["maxLength"] == SUMMARY_CHARS
    assert schema["$defs"]["DevelopmentDraft"]["properties"]["text"]["maxLength"] == ITEM_CHARS
    assert "maxLength" not in schema["$defs"]["DevelopmentDraft"]["properties"]["evidence"]
    long = Draft.model_validate({"headline": "x" * 5000, "summary": "y" * 50_000})
    assert len(long.headline) == 5000


def test_placeholder_text_for_no_value_becomes_null():
    draft = Draft.model_validate(
        {
            "headline": "h",
            "summary": "s",
            "quotes": {"Q1": {"speaker": "n/a"}},
            "actors": [
                {"name": "Kyiv", "kind": "government", "role": "capital", "affiliation": "null"},
                {"name": "Moscow", "kind": "government", "role": "capital", "affiliation": " N/A "},
            ],
        }
    )
    assert [a.affiliation for a in draft.actors] == [None, None]
    assert draft.quotes["Q1"].speaker is None


def test_the_brief_and_its_parts_are_importable_from_the_package():
    import summariser

    for name in ("Brief", "Quote", "CasualtyClaim", "Verification", "Meta", "Dropped", "Missed", "Flag"):
        assert getattr(summariser, name).__module__ == "summariser.brief"
    for name in summariser.__all__:
        assert getattr(summariser, name)
