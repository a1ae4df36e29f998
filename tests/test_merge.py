"""--merge: one brief of several reports; conflicting figures side by side, never reconciled."""

import json

from tests.conftest import Reply, completion, model_args
from tests.test_cli import run

QUOTE = "We are shocked by this attack on civilians"  # the comma after it is the sentence's
REPORTS = {
    "a.txt": f"Officials said 12 people were killed in the blast.\n“{QUOTE},” said Mayor Anna Berg.",
    "b.txt": f"Rescuers said 20 people were killed in the blast.\n“{QUOTE},” said Mayor Anna Berg.",
}


def draft(figure: str, claimant: str, sentence: str) -> dict:
    """Each report's brief: its figure is the report's C1 (the sentence says which), the mayor's
    words its Q1."""
    assert figure in sentence
    return {
        "headline": f"{figure} killed in blast",
        "summary": "A blast killed people, officials and rescuers said.",
        "key_developments": [],
        "quotes": {"Q1": {"speaker": "Anna Berg"}},
        "casualty_claims": {"C1": {"outcome": "killed", "claimed_by": claimant}},
        "international_responses": {},
    }


def test_merged_reports_keep_conflicting_figures_apart_with_their_claimants_and_sources(
    model_server, tmp_path
):
    for name, text in REPORTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    server = model_server(
        Reply(
            body=completion(draft("12", "Officials", "Officials said 12 people were killed in the blast."))
        ),
        Reply(body=completion(draft("20", "Rescuers", "Rescuers said 20 people were killed in the blast."))),
    )
    a, b = str(tmp_path / "a.txt"), str(tmp_path / "b.txt")

    result = run(
        a,
        b,
        "--merge",
        "--concurrency",
        "1",
        "--format",
        "json",
        *model_args(server),
    )

    assert result.returncode == 0, result.stderr
    brief = json.loads(result.stdout)
    claims = [(c["figure"], c["claimed_by"], c["sources"]) for c in brief["casualty_claims"]]
    assert claims == [("12", "Officials", [a]), ("20", "Rescuers", [b])]
    assert [(q["text"], q["sources"]) for q in brief["quotes"]] == [(QUOTE, [a, b])]
    assert [(x["name"], x["sources"]) for x in brief["actors"]] == [("Anna Berg", [a, b])]
    assert brief["meta"]["source"]["name"] == f"{a} + {b}"
    assert brief["meta"]["attempts"] == 4  # each report: the extraction and its headline
    assert "merged anyway" not in result.stderr  # one mayor in both: one story


def test_a_single_source_brief_carries_no_sources_key(model_server, tmp_path):
    (tmp_path / "a.txt").write_text(REPORTS["a.txt"], encoding="utf-8")
    server = model_server(
        Reply(body=completion(draft("12", "Officials", "Officials said 12 people were killed in the blast.")))
    )
    result = run(
        str(tmp_path / "a.txt"),
        "--format",
        "json",
        *model_args(server),
    )
    brief = json.loads(result.stdout)
    assert "sources" not in brief["quotes"][0] and "sources" not in brief["actors"][0]


def test_one_development_from_two_reports_is_one_item_and_missed_counts_the_merged_brief(
    model_server, tmp_path
):
    for name, text in REPORTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    first = draft("12", "Officials", "Officials said 12 people were killed in the blast.")
    second = draft("20", "Rescuers", "Rescuers said 20 people were killed in the blast.")
    first["key_developments"] = second["key_developments"] = [{"evidence": "S1"}]
    first["developments"] = second["developments"] = {"D1": "A blast killed people."}
    second["quotes"] = {"Q1": {"speaker": None}}  # the second report's brief declines the mayor's words
    server = model_server(Reply(body=completion(first)), Reply(body=completion(second)))
    a, b = str(tmp_path / "a.txt"), str(tmp_path / "b.txt")

    result = run(a, b, "--merge", "--concurrency", "1", "--format", "json", "--no-cache", *model_args(server))

    assert result.returncode == 0, result.stderr
    brief = json.loads(result.stdout)
    assert [(d["text"], d["sources"]) for d in brief["key_developments"]] == [
        ("A blast killed people.", [a, b])
    ]
    assert [q["text"] for q in brief["quotes"]] == [QUOTE]
    assert brief["verification"]["missed"] == []


def test_two_reports_that_word_one_development_two_ways_hold_it_once_with_both_sources(
    model_server, tmp_path
):
    sentence = "A blast destroyed the market in Velmar on Monday."
    wordings = {"a.txt": "Blast destroys Velmar market", "b.txt": "Velmar market destroyed on Monday"}
    replies = []
    claims = [("12", "Officials"), ("20", "Rescuers")]
    for (name, words), (figure, claimant) in zip(wordings.items(), claims, strict=True):
        (tmp_path / name).write_text(f"{sentence}\n{REPORTS[name]}", encoding="utf-8")
        answer = draft(figure, claimant, REPORTS[name]) | {
            "key_developments": [{"evidence": "S1"}],
            "developments": {"D1": words},
        }
        replies += [Reply(body=completion(answer))] * 2  # the extraction, then the wording
    server = model_server(*replies)
    a, b = str(tmp_path / "a.txt"), str(tmp_path / "b.txt")

    result = run(a, b, "--merge", "--concurrency", "1", "--format", "json", "--no-cache", *model_args(server))

    assert result.returncode == 0, result.stderr
    developments = json.loads(result.stdout)["key_developments"]
    assert [(d["text"], d["evidence"], d["sources"]) for d in developments] == [
        ("Blast destroys Velmar market", sentence, [a, b])
    ]


def test_items_that_differ_are_never_united_whatever_words_they_share():
    from summariser.runs.merge import merge_briefs
    from tests.conftest import grounded_brief

    def report(country: str, who: str, outcome: str, verb: str) -> tuple[str, dict]:
        claim_sentence = f"Officials said 12 {who} were {verb}."
        text = f"{claim_sentence} {country} condemned the attack. Officials gave the news."
        return text, {
            "headline": "An attack",
            "summary": "An attack.",
            "key_developments": [{"evidence": "S1"}, {"evidence": "S3"}],
            "developments": {"D1": f"12 {who} were {verb}.", "D2": "Officials reported the news."},
            "casualty_claims": {"C1": {"outcome": outcome, "claimed_by": "Officials"}},
            "international_responses": {"R1": {"kind": "statement"}},
        }

    a, b = (
        report("France", "civilians", "killed", "killed"),
        report("Germany", "soldiers", "injured", "injured"),
    )

    brief = merge_briefs([("a.txt", grounded_brief(*a)), ("b.txt", grounded_brief(*b))])

    assert [(r.actor, r.sources) for r in brief.international_responses] == [
        ("France", ["a.txt"]),
        ("Germany", ["b.txt"]),
    ]
    assert [(c.who, c.outcome.value, c.sources) for c in brief.casualty_claims] == [
        ("civilians", "killed", ["a.txt"]),
        ("soldiers", "injured", ["b.txt"]),
    ]
    assert [d.text for d in brief.key_developments] == [
        "12 civilians were killed.",
        "Officials reported the news.",
        "12 soldiers were injured.",
    ]
    assert brief.key_developments[1].sources == ["a.txt", "b.txt"]  # the same words in both


def test_reports_that_share_no_one_named_are_merged_with_a_warning(model_server, tmp_path):
    flood = "The river burst its banks before dawn and nobody was ready for it"
    (tmp_path / "a.txt").write_text(REPORTS["a.txt"], encoding="utf-8")
    (tmp_path / "c.txt").write_text(
        f"Rescuers said 20 people were killed in the flood.\n“{flood},” said Governor Ivo Lang.",
        encoding="utf-8",
    )
    flood_draft = draft("20", "Rescuers", "Rescuers said 20 people were killed in the flood.")
    flood_draft["quotes"] = {"Q1": {"speaker": "Ivo Lang"}}
    server = model_server(
        Reply(
            body=completion(draft("12", "Officials", "Officials said 12 people were killed in the blast."))
        ),
        Reply(body=completion(flood_draft)),
    )
    a, c = str(tmp_path / "a.txt"), str(tmp_path / "c.txt")

    result = run(a, c, "--merge", "--concurrency", "1", "--format", "json", *model_args(server))

    assert result.returncode == 0, result.stderr
    assert f"no one named in {a}, {c} is named in the other reports: merged anyway" in result.stderr
    assert {x["name"] for x in json.loads(result.stdout)["actors"]} == {"Anna Berg", "Ivo Lang"}
