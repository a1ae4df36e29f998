"""The scorer, pinned on hand-made cases, and `summarise eval` over the recorded seeds."""

import json

import pytest

from summariser.evaluate import Gold, figure_key, score
from summariser.extract.anchors import anchor
from summariser.extract.text import SourceText
from tests.conftest import ROOT, grounded_brief
from tests.test_cli import run

# Each quotation stands alone in its paragraph, so the model, not code, says whose words it is.
TEXT = (
    "Governor Anna Berg spoke on Monday.\n"
    "“We will hold the line whatever happens to us here.”\n"
    "Officials said about 12 people were killed. Rival groups said 30 died.\n"
    "Piotr Lanz, a police chief, spoke after her.\n"
    "“Nobody should travel to the valley tonight or tomorrow.”"
)
GOLD = Gold.model_validate(
    {
        "actors": ["Anna Berg", "Piotr Lanz"],
        "quotes": [
            {"speaker": "Anna Berg", "text": "We will hold the line whatever happens to us here."},
            {"speaker": "Piotr Lanz", "text": "Nobody should travel to the valley tonight or tomorrow."},
        ],
        "casualty_claims": [
            {"figure": "about 12", "claimed_by": "Officials", "outcome": "killed"},
            {"figure": "30", "claimed_by": "Rival groups", "outcome": "killed"},
        ],
        "international_responses": [],
    }
)


def brief_of(quotes, claims):
    """A brief of TEXT holding these (speaker, passage) quotes and (figure, claimant) claims,
    answered by id as the model would."""
    anchors = anchor(TEXT)
    passage = {p.text: p.id for p in anchors.passages}
    mention = {m.text: m.id for m in anchors.mentions}
    draft = {
        "headline": "h",
        "summary": "s",
        "quotes": {passage[t]: {"speaker": s} for s, t in quotes},
        "casualty_claims": {mention[f]: {"outcome": "killed", "claimed_by": c} for f, c in claims},
    }
    return grounded_brief(TEXT, draft), SourceText(TEXT)


ALL_QUOTES = [(q.speaker, q.text) for q in GOLD.quotes]
ALL_CLAIMS = [("about 12", "Officials"), ("30", "Rival groups")]


def test_a_perfect_brief_scores_one_everywhere():
    brief, source = brief_of(ALL_QUOTES, ALL_CLAIMS)
    result = score(brief, GOLD, source)
    for field in ("actors", "quotes", "casualty_claims"):
        assert result.counts[field].scores() == {"precision": 1.0, "recall": 1.0, "f1": 1.0}, field
    assert result.attributed == 2


def test_an_empty_brief_has_no_precision_and_zero_recall():
    brief, source = brief_of([], [])
    result = score(brief, GOLD, source)
    assert result.counts["quotes"].scores() == {"precision": None, "recall": 0.0, "f1": None}
    assert result.counts["casualty_claims"].scores() == {"precision": None, "recall": 0.0, "f1": None}


def test_a_matched_quote_with_the_wrong_speaker_counts_for_recall_but_not_attribution():
    # the grounding keeps it (Berg is named in the paragraph), the gold says Lanz said the other one
    brief, source = brief_of([("Anna Berg", GOLD.quotes[0].text)], [])
    gold = GOLD.model_copy(update={"quotes": [GOLD.quotes[0].model_copy(update={"speaker": "Piotr Lanz"})]})
    result = score(brief, gold, source)
    assert result.counts["quotes"].matched == 1
    assert result.attributed == 0


def test_a_quote_matches_when_the_spans_overlap_by_half_and_not_less():
    brief, source = brief_of([ALL_QUOTES[0]], [])
    quote = brief.quotes[0]
    start = quote.span[0]
    half = len("We will hold the line whatever happens")  # 38 of the gold's 50 characters
    brief.quotes[0] = quote.model_copy(update={"span": (start, start + half)})
    assert score(brief, GOLD, source).counts["quotes"].matched == 1
    brief.quotes[0] = quote.model_copy(update={"span": (start, start + len("We will hold"))})
    assert score(brief, GOLD, source).counts["quotes"].matched == 0


def test_a_figure_matches_on_its_number_and_an_actor_on_the_surname():
    assert figure_key("about 200") & figure_key("200 dead")
    assert not figure_key("about 200") & figure_key("2,000")
    brief, source = brief_of([], [("about 12", "Officials")])
    result = score(brief, GOLD.model_copy(update={"actors": ["Berg"]}), source)
    assert result.counts["casualty_claims"].matched == 1
    assert result.counts["actors"].matched == 1


def test_claimant_and_outcome_are_scored_per_figure_and_a_figure_without_a_source_is_right_unattributed():
    brief, source = brief_of([], [("about 12", "Officials"), ("30", None)])
    claims = brief.casualty_claims
    assert [c.claimed_by for c in claims] == ["Officials", "Rival groups"], "its sentence names who gives it"
    unattributed = GOLD.model_copy(
        update={"casualty_claims": [GOLD.casualty_claims[0].model_copy(update={"claimed_by": None})]}
    )
    assert score(brief, unattributed, source).claims_attributed == 0
    wrong_outcome = GOLD.model_copy(
        update={"casualty_claims": [GOLD.casualty_claims[0].model_copy(update={"outcome": "injured"})]}
    )
    result = score(brief, wrong_outcome, source)
    assert (result.outcomes_judged, result.outcomes_right) == (1, 0)
    assert (score(brief, GOLD, source).outcomes_judged, score(brief, GOLD, source).outcomes_right) == (2, 2)


def test_no_role_is_a_word_the_article_does_not_write():
    brief, source = brief_of([], [])
    result = score(brief, GOLD, source)
    assert result.roles == 2 and result.roles_not_in_article == 0  # "Governor", "police chief", as written
    brief.actors[0] = brief.actors[0].model_copy(update={"role": "humanitarian aid"})
    assert score(brief, GOLD, source).roles_not_in_article == 1


def test_eval_over_the_recorded_seeds_prints_scores_offline():
    result = run("eval", str(ROOT / "seeds"), "--replay", str(ROOT / "fixtures"), "--format", "json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["articles"] >= 2 and summary["failed"] == []
    assert set(summary["fields"]) == {"actors", "quotes", "casualty_claims", "international_responses"}
    # the recordings' figures as the README's table reports them (matched / predicted / gold)
    quotes, claims = summary["fields"]["quotes"], summary["fields"]["casualty_claims"]
    assert (quotes["matched"], quotes["predicted"], quotes["gold"]) == (25, 25, 25)
    assert (claims["matched"], claims["predicted"], claims["gold"]) == (12, 12, 12)
    assert summary["quote_attribution"] == 1.0
    # every figure with the claimant the gold names ("officials in Ostrava Nova" are the officials)
    assert summary["claim_attribution"] == 1.0
    assert summary["claim_outcome"] == 1.0
    assert summary["roles_not_in_article"] == 0
    responses = summary["fields"]["international_responses"]
    assert (responses["matched"], responses["predicted"], responses["gold"]) == (11, 14, 13)
    assert summary["per_article"]["requests"] == 2.0


def test_eval_with_no_model_configured_exits_2_before_briefing_anything():
    result = run("eval", str(ROOT / "seeds"))

    assert result.returncode == 2
    assert result.stdout == "" and "no model configured" in result.stderr


def test_eval_exits_with_the_worst_articles_failure_and_still_reports_the_rest(tmp_path):
    result = run("eval", str(ROOT / "seeds"), "--replay", str(tmp_path), "--model", "x", "--format", "json")

    assert result.returncode == 3  # nothing recorded: every article is a provider failure
    summary = json.loads(result.stdout)
    assert len(summary["failed"]) == summary["articles"] == 4
    assert "failed" in result.stderr


def test_eval_prints_a_table_when_asked():
    result = run("eval", str(ROOT / "seeds"), "--replay", str(ROOT / "fixtures"), "--format", "table")
    assert result.returncode == 0, result.stderr
    assert "quote attribution" in result.stdout and "casualty claims" in result.stdout


def test_eval_of_a_directory_without_gold_files_exits_2(tmp_path):
    (tmp_path / "a.txt").write_text("An article.")
    result = run("eval", str(tmp_path), "--replay", str(ROOT / "fixtures"))
    assert result.returncode == 2 and "no NAME.txt with a NAME.gold.json" in result.stderr


def test_committed_gold_schema_matches_the_model():
    from summariser.evaluate import gold_json_schema

    committed = json.loads((ROOT / "schemas" / "gold.schema.json").read_text())
    assert committed == gold_json_schema(), "run: summarise schema gold > schemas/gold.schema.json"


@pytest.mark.parametrize(
    "folder",
    [
        "seeds",
        "benchmarks/devset/dev",
        "benchmarks/devset/held-out",
        "benchmarks/devset-long/dev",
        "benchmarks/devset-long/held-out",
    ],
    ids=lambda f: f.removeprefix("benchmarks/"),
)
def test_every_gold_file_stands_in_its_article(folder):
    from summariser.evaluate import gold_articles

    pairs = list(gold_articles(ROOT / folder))
    assert len(pairs) >= 3
    for article, gold_path in pairs:
        gold = Gold.model_validate_json(gold_path.read_text(encoding="utf-8"))
        source = SourceText(article.read_text(encoding="utf-8"))
        for name in gold.actors:
            assert source.contains(name), (gold_path.name, name)
        for quote in gold.quotes:
            assert any(source.is_quoted(s) for s in source.occurrences(quote.text)), (
                gold_path.name,
                quote.text,
            )
        for claim in gold.casualty_claims:
            assert source.contains(claim.figure), (gold_path.name, claim.figure)
            claimant = claim.claimed_by or ""
            forms = {claimant, claimant.lower(), claimant[:1].upper() + claimant[1:]}
            assert not claimant or any(source.contains(form) for form in forms), (gold_path.name, claimant)


def test_a_matched_figure_given_to_the_wrong_claimant_counts_for_recall_but_not_claim_attribution():
    brief, source = brief_of([], [("about 12", "Officials"), ("30", "Rival groups")])
    result = score(brief, GOLD, source)
    assert (result.counts["casualty_claims"].matched, result.claims_attributed) == (2, 2)
    wrong = GOLD.model_copy(
        update={
            "casualty_claims": [GOLD.casualty_claims[0].model_copy(update={"claimed_by": "Rival groups"})]
        }
    )
    result = score(brief, wrong, source)
    assert (result.counts["casualty_claims"].matched, result.claims_attributed) == (1, 0)


OFFERED_TEXT = (
    "Storms hit Velmaria on Monday. Velmaria's army said it was searching.\n"
    "Interior Minister Marta Kovac said 40 people were killed in the floods.\n"
    "Her husband Ivo Kovac, a doctor, also spoke.\n"
    "“The hospital has run out of beds for the injured,” Kovac said.\n"
    "The Red Cross said it was sending tents."
)
OFFERED_GOLD = {
    "actors": ["Marta Kovac", "Ivo Kovac"],
    "quotes": [{"speaker": "Ivo Kovac", "text": "The hospital has run out of beds for the injured,"}],
    "casualty_claims": [{"figure": "40", "claimed_by": "Marta Kovac", "outcome": "killed"}],
    "international_responses": [{"actor": "Red Cross"}, {"actor": "Japan"}],
}


def test_eval_offered_says_what_the_requests_offer_of_each_gold_item_with_no_model(tmp_path):
    (tmp_path / "floods.txt").write_text(OFFERED_TEXT, encoding="utf-8")
    (tmp_path / "floods.gold.json").write_text(json.dumps(OFFERED_GOLD), encoding="utf-8")

    result = run("eval", str(tmp_path), "--offered", "--format", "json")

    assert result.returncode == 0, result.stderr
    offered = json.loads(result.stdout)["offered"]
    assert offered == {
        "quotes": [1, 1],
        "speakers": [1, 1],  # both Kovacs are offered for the husband's words: the model chooses
        "casualty_claims": [1, 1],
        "claimants": [1, 1],
        "international_responses": [1, 2],  # the article has Japan do nothing
    }


def test_eval_offered_never_takes_a_shared_surname_for_the_same_person(tmp_path):
    gold = {**OFFERED_GOLD, "quotes": [{"speaker": "Luka Kovac", "text": OFFERED_GOLD["quotes"][0]["text"]}]}
    (tmp_path / "floods.txt").write_text(OFFERED_TEXT, encoding="utf-8")
    (tmp_path / "floods.gold.json").write_text(json.dumps(gold), encoding="utf-8")

    result = run("eval", str(tmp_path), "--offered", "--format", "table")

    assert result.returncode == 0, result.stderr
    assert "speakers 0/1" in result.stdout


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_gold_file_that_is_no_regular_file_is_refused_in_one_line_before_it_is_opened(tmp_path, kind):
    import os

    (tmp_path / "a.txt").write_text(OFFERED_TEXT, encoding="utf-8")
    gold = tmp_path / "a.gold.json"
    if kind == "fifo":
        os.mkfifo(gold)  # opening it would wait for a writer for ever
    else:
        os.symlink("/dev/zero", gold)  # reading it would never end

    result = run("eval", str(tmp_path), "--offered")

    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "not a gold file" in result.stderr
