"""The output models against the contract in DESIGN.md, and the committed schema against the models."""

import json

from summariser.brief import Brief, Draft, brief_json_schema
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
COMPUTED = {"span", "verified"}


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


def test_the_model_fills_the_contract_keys_minus_what_code_computes():
    assert set(Draft.model_fields) == {"headline", "summary", *CONTRACT_KEYS}
    for field, keys in CONTRACT_KEYS.items():
        assert item_keys(Draft, field) == keys - COMPUTED, field


def test_every_field_the_model_fills_is_described_for_it():
    for field, keys in CONTRACT_KEYS.items():
        model = Draft.model_fields[field].annotation.__args__[0]
        for name in keys - COMPUTED:
            assert model.model_fields[name].description, f"{field}.{name}"


def test_placeholder_text_for_no_value_becomes_null():
    draft = Draft.model_validate(
        {
            "headline": "h",
            "summary": "s",
            "key_developments": [],
            "quotes": [],
            "casualty_claims": [],
            "international_responses": [],
            "actors": [
                {"name": "Kyiv", "kind": "government", "role": "capital", "affiliation": "null"},
                {"name": "Moscow", "kind": "government", "role": "capital", "affiliation": " N/A "},
            ],
        }
    )
    assert [a.affiliation for a in draft.actors] == [None, None]


def test_the_brief_and_its_parts_are_importable_from_the_package():
    import summariser

    for name in ("Brief", "Quote", "CasualtyClaim", "Verification", "Meta", "Dropped", "Missed", "Flag"):
        assert getattr(summariser, name).__module__ == "summariser.brief"
    for name in summariser.__all__:
        assert getattr(summariser, name)
