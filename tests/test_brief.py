"""The output models against the contract in DESIGN.md, and the committed schema against the models."""

import json
from typing import get_args

from summariser.brief import HEADLINE_CHARS, ITEM_FIELDS, SUMMARY_CHARS, Brief, Grounded, brief_json_schema
from summariser.extract.draft import DEVELOPMENT_CHARS, Draft, field_guide, writing_for
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


# What the model answers (small answers): ids, choices among what code offers, and no free words
SMALL = {
    "quotes": {"speaker"},
    "casualty_claims": {"outcome", "claimed_by"},
    "key_developments": {"evidence", "text"},
    "international_responses": {"evidence", "actor", "kind"},
}


def answer_model(field: str):
    annotation = Draft.model_fields[field].annotation
    return annotation.__args__[-1]


def test_the_draft_holds_the_small_answers_then_the_headline_and_summary():
    answered = [name for name in Draft.model_fields if name != "unreadable"]  # code's, never asked
    assert answered == [*SMALL, "headline", "summary"]
    for field, keys in SMALL.items():
        assert set(answer_model(field).model_fields) == keys, field


def test_fields_code_computes_are_not_asked_for_and_ignored_if_a_model_sends_them():
    draft = Draft.model_validate(
        {
            "headline": "h",
            "summary": "s",
            "quotes": {"Q1": {"speaker": "A", "context": "somewhere"}},
            "casualty_claims": {"C1": {"outcome": "killed", "count_min": 9, "qualifier": "q", "who": "w"}},
        }
    )
    assert draft.casualty_claims["C1"].model_dump() == {"outcome": "killed", "claimed_by": None}
    assert draft.quotes["Q1"].model_dump() == {"speaker": "A"}
    guide = field_guide()
    for computed in ("count_min", "count_max", "qualifier", "context", "role", "affiliation", "location"):
        assert computed not in guide


def test_every_field_the_model_answers_is_described_for_it():
    guide = field_guide()
    for field in SMALL:
        assert Draft.model_fields[field].description, field
        assert f"- {field}" in guide
    for name in ("speaker", "outcome", "claimed_by", "evidence", "kind"):
        assert f"  - {name}:" in guide, name
    assert "  - text:" not in guide, "a development's words are the second request's"


def test_answers_listed_with_their_ids_read_the_same_as_answers_keyed_by_id():
    listed = Draft.model_validate({"headline": "h", "summary": "s", "quotes": [{"id": "Q1", "speaker": "A"}]})
    assert listed.quotes["Q1"].speaker == "A"


def test_limits_are_stated_in_the_schema_but_never_reject_an_answer():
    schema = Draft.model_json_schema()
    assert schema["properties"]["headline"]["maxLength"] == HEADLINE_CHARS
    assert schema["properties"]["summary"]["maxLength"] == SUMMARY_CHARS
    long = Draft.model_validate({"headline": "x" * 5000, "summary": "y" * 50_000})
    assert len(long.headline) == 5000


def test_the_second_request_asks_words_for_each_development_it_names_and_caps_them():
    schema = writing_for(["D1", "D2"]).model_json_schema()
    developments = schema["properties"]["developments"]
    assert developments["required"] == ["D1", "D2"] and developments["additionalProperties"] is False
    assert developments["properties"]["D2"]["maxLength"] == DEVELOPMENT_CHARS
    assert list(schema["properties"]) == ["developments", "headline", "summary"], "words before the headline"
    assert schema["properties"]["summary"]["maxLength"] < SUMMARY_CHARS


def test_placeholder_text_for_no_value_becomes_null():
    draft = Draft.model_validate(
        {
            "headline": "h",
            "summary": "s",
            "quotes": {"Q1": {"speaker": "n/a"}},
            "casualty_claims": {"C1": {"outcome": "killed", "claimed_by": " N/A "}},
        }
    )
    assert draft.quotes["Q1"].speaker is None
    assert draft.casualty_claims["C1"].claimed_by is None


def test_the_brief_and_its_parts_are_importable_from_the_package():
    import summariser

    for name in ("Brief", "Quote", "CasualtyClaim", "Verification", "Meta", "Dropped", "Missed", "Flag"):
        assert getattr(summariser, name).__module__ == "summariser.brief"
    for name in summariser.__all__:
        assert getattr(summariser, name)


def test_the_item_fields_are_the_briefs_lists_of_grounded_items_in_order():
    grounded = [
        name
        for name, field in Brief.model_fields.items()
        if get_args(field.annotation) and issubclass(get_args(field.annotation)[0], Grounded)
    ]
    assert list(ITEM_FIELDS) == grounded
