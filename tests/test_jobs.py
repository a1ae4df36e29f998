"""Batch runs: briefs made in rounds through a Batch API, or by exported request files, resumable."""

import json
from pathlib import Path

import httpx

from summariser.tape import Tape, key_of
from tests.conftest import ROOT, SEED
from tests.test_cli import assert_one_line_error, run

FIXTURES = ROOT / "fixtures"
RECORDED = ("--model", "local", "--mode", "json_schema")  # what the fixtures were recorded with


def run_elsewhere(requests: Path, results: Path) -> list[str]:
    """What vLLM's run_batch does with an exported file, answered from the recordings of the real
    model instead: one output line per request line, in the Batch API's output format."""
    tape = Tape(FIXTURES)
    ids = []
    with results.open("w", encoding="utf-8") as out:
        for line in requests.read_text(encoding="utf-8").splitlines():
            request = json.loads(line)
            assert request["method"] == "POST" and request["url"] == "/v1/chat/completions"
            asked = httpx.Request("POST", "http://replay.invalid/v1/chat/completions", json=request["body"])
            answer = tape.answer(asked, key_of(asked))
            assert answer is not None, "an exported request differs from the one the live run sent"
            response = {"status_code": 200, "request_id": "r", "body": answer.json()}
            out.write(
                json.dumps({"id": "vllm-1", "custom_id": request["custom_id"], "response": response}) + "\n"
            )
            ids.append(request["custom_id"])
    return ids


def test_export_and_import_round_trip_the_seeds_brief_as_the_live_run_makes_it(tmp_path):
    out, rounds = tmp_path / "briefs.jsonl", tmp_path / "rounds"

    first = run(str(SEED), "--output", str(out), "--batch-export", str(rounds), *RECORDED, "--no-cache")
    assert first.returncode == 0, first.stderr
    assert run_elsewhere(rounds / "round-1.jsonl", tmp_path / "results-1.jsonl") == ["a0-c0-r1"]
    second = run(
        str(SEED), "--output", str(out), "--batch-export", str(rounds), "--batch-import",
        str(tmp_path / "results-1.jsonl"), *RECORDED, "--no-cache",
    )  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert not out.read_text()  # the extraction held; the headline request is round 2
    assert run_elsewhere(rounds / "round-2.jsonl", tmp_path / "results-2.jsonl") == ["a0-c1-r2"]
    third = run(
        str(SEED), "--output", str(out), "--batch-export", str(rounds), "--batch-import",
        str(tmp_path / "results-2.jsonl"), *RECORDED, "--no-cache",
    )  # fmt: skip

    assert third.returncode == 0, third.stderr
    assert "1 brief(s), 0 failed in 2 round(s)" in third.stderr
    [line] = [json.loads(line) for line in out.read_text().splitlines()]
    live = json.loads(run(str(SEED), "--replay", str(FIXTURES), "--format", "json", "--no-cache").stdout)
    made = line["brief"]
    for brief in (made, live):
        del brief["meta"]["latency_ms"]
    assert made == live


def test_a_batch_run_refuses_recordings_local_models_and_stdout_before_sending_anything(tmp_path):
    out = str(tmp_path / "briefs.jsonl")
    cases = [
        (["--batch", "--replay", str(FIXTURES)], "never from --replay"),
        (["--batch", "--record", str(tmp_path / "tape")], "never from --replay or into --record"),
        (["--batch", "--local-model", str(tmp_path / "m.gguf")], "no Batch API"),
        (["--batch", "--batch-export", str(tmp_path)], "one way"),
        (["--batch-import", str(tmp_path / "r.jsonl")], "needs the --batch-export DIR"),
        (["--batch", "--format", "markdown"], "not markdown"),
    ]
    for args, said in cases:
        assert_one_line_error(run(str(SEED), "--output", out, *args), 2, said)
    assert_one_line_error(run(str(SEED), "--batch"), 2, "give --output FILE.jsonl")
    assert_one_line_error(run(str(SEED), "--batch", "--output", out), 2, "needs a provider")
    assert not (tmp_path / "briefs.jsonl.batch.json").exists()


def test_importing_results_of_another_round_is_refused_and_the_round_still_waits(tmp_path):
    out, rounds = tmp_path / "briefs.jsonl", tmp_path / "rounds"
    results = tmp_path / "results-1.jsonl"
    args = ["--output", str(out), "--batch-export", str(rounds), *RECORDED, "--no-cache"]
    assert run(str(SEED), *args).returncode == 0
    run_elsewhere(rounds / "round-1.jsonl", results)
    assert run(str(SEED), *args, "--batch-import", str(results)).returncode == 0

    again = run(str(SEED), *args, "--batch-import", str(results))

    assert_one_line_error(again, 2, "holds no results of round 2")
    run_elsewhere(rounds / "round-2.jsonl", tmp_path / "results-2.jsonl")
    done = run(str(SEED), *args, "--batch-import", str(tmp_path / "results-2.jsonl"))
    assert done.returncode == 0, done.stderr
    assert "brief" in json.loads(out.read_text())
