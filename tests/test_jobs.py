"""Batch runs: briefs made in rounds through a Batch API, or by exported request files, resumable."""

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from summariser.config import Settings
from summariser.errors import InputError, ProviderError
from summariser.input.sources import Article
from summariser.jobs.api import BatchAPI
from summariser.jobs.job import Job, State, batch_run
from summariser.jobs.status import cancel, status
from summariser.model.tape import Tape, key_of
from summariser.runs.many import Item
from summariser.runs.pipeline import Session
from tests import batch_service, oracle
from tests.batch_service import BatchService
from tests.conftest import ROOT, SEED, Reply
from tests.test_cli import SUMMARISE, assert_one_line_error, run

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
    # a replay names the GGUF its tape says answered; the batch, the model its requests named
    assert (live["meta"].pop("model"), made["meta"].pop("model")) == (
        "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        "local",
    )
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


# ---- through a scripted Batch API on 127.0.0.1, answered by the scripted stand-in for a model ----


@pytest.fixture
def service() -> Iterator[Callable[..., BatchService]]:
    started = []

    def start(answer: Callable[[dict], Any] = oracle.answer, **options: Any) -> BatchService:
        """`answer` gives a completion, or a (status, body) pair for a line the provider fails."""

        def answering(body: dict) -> tuple[int, dict]:
            given = answer(body)
            return given if isinstance(given, tuple) else (200, given)

        running = batch_service.start(answering, **options)
        started.append(running)
        return running[0]

    yield start
    for running in started:
        batch_service.stop(*running)


KEY = "sk-test-never-shown-0123456789"


def items(n: int) -> list[Item]:
    return [Item(id=name, source=f"archive.jsonl#{name}", text=text) for name, text in oracle.articles(n)]


def job(service: BatchService, out: Path, articles: list[Item], **options: Any) -> Job:
    settings = Settings(base_url=service.url, api_key=KEY, model="scripted", mode="tools", cache=False)
    api = BatchAPI(service.url, KEY, 30.0, sleep=lambda seconds: None)
    return Job(articles, settings, out, api=api, sleep=options.pop("sleep", lambda seconds: None), **options)


def written(out: Path) -> list[dict]:
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_a_batch_run_writes_every_brief_grounded_after_its_rounds(service, tmp_path):
    batches = service()
    out = tmp_path / "briefs.jsonl"
    waits: list[float] = []

    outcome = job(batches, out, items(6), sleep=waits.append).run()

    lines = written(out)
    assert [line["id"] for line in sorted(lines, key=lambda line: line["id"])] == sorted(
        i.id for i in items(6)
    )
    assert all(line["brief"]["verification"]["dropped"] == [] for line in lines)
    assert all(line["brief"]["meta"]["attempts"] == 2 for line in lines)
    assert (outcome.briefs, outcome.failures, outcome.rounds) == (6, [], 2)
    first, second = batches.created
    assert (first["endpoint"], first["completion_window"]) == ("/v1/chat/completions", "24h")
    assert first["metadata"]["round"] == "1" and second["metadata"]["round"] == "2"
    assert first["metadata"]["summariser_run"] == second["metadata"]["summariser_run"]
    assert batches.answered_ids == [f"a{i}-c0-r1" for i in range(6)] + [f"a{i}-c1-r2" for i in range(6)]
    assert waits == [5.0, 7.5] * 2  # validating, in_progress, finalizing, completed: backing off


def test_a_round_two_reask_recovers_a_brief_the_first_answer_got_wrong(service, tmp_path):
    articles = items(7)
    faulted = [i for i, item in enumerate(articles) if oracle.faulted(item.text or "", 3)]
    assert faulted and len(faulted) < len(articles)
    batches = service(oracle.faulty(3))
    out = tmp_path / "briefs.jsonl"

    outcome = job(batches, out, articles).run()

    assert outcome.rounds == 3 and outcome.failures == []
    lines = {line["id"]: line["brief"] for line in written(out)}
    for i, item in enumerate(articles):
        assert lines[item.id]["verification"]["dropped"] == []
        assert lines[item.id]["meta"]["attempts"] == (3 if i in faulted else 2)
    second_round = [i for i in batches.answered_ids if i.endswith("-r2")]
    assert sorted(second_round) == sorted([f"a{i}-c0-r2" for i in faulted] + [
        f"a{i}-c1-r2" for i in range(7) if i not in faulted
    ])  # fmt: skip
    assert sorted(i for i in batches.answered_ids if i.endswith("-r3")) == [f"a{i}-c1-r3" for i in faulted]


def interrupt_after(target: object, method: str, calls: int = 1) -> None:
    """The process stops (Ctrl-C, a crash) right after the call returned, before anything else is
    recorded: a round planned but not uploaded, a file uploaded, a batch created, polled, downloaded."""
    real = getattr(target, method)
    made = []

    def then_stop(*args: Any) -> Any:
        answer = real(*args)
        made.append(answer)
        if len(made) == calls:
            raise KeyboardInterrupt
        return answer

    setattr(target, method, then_stop)


def stopped_while_polling(run: Job) -> None:
    """A run stopped (Ctrl-C) once it has polled its first batch, which the provider keeps running."""
    interrupt_after(run.api, "get", 1)
    with pytest.raises(KeyboardInterrupt):
        run.run()


@pytest.mark.parametrize(
    ("method", "calls"),
    [("_plan", 1), ("upload", 1), ("create", 1), ("get", 2), ("download", 1), ("_plan", 2), ("download", 2)],
)
def test_an_interrupted_run_resumes_without_sending_any_request_twice(service, tmp_path, method, calls):
    batches = service()
    out = tmp_path / "briefs.jsonl"
    first = job(batches, out, items(3))
    interrupt_after(first if method.startswith("_") else first.api, method, calls)
    with pytest.raises(KeyboardInterrupt):
        first.run()

    outcome = job(batches, out, items(3)).run()

    assert outcome.briefs == 3 and len(written(out)) == 3
    assert len(batches.created) == 2  # one batch a round, however the run was cut
    assert len(batches.answered_ids) == len(set(batches.answered_ids)) == 6


def test_a_create_whose_answer_is_lost_is_found_by_its_metadata_not_sent_again(service, tmp_path):
    batches = service(drop_after={"create"})
    out = tmp_path / "briefs.jsonl"

    outcome = job(batches, out, items(2)).run()

    assert outcome.briefs == 2 and len(batches.created) == 2
    assert len(batches.answered_ids) == len(set(batches.answered_ids))


def test_a_failed_batch_fails_its_items_and_a_rerun_sends_them_again(service, tmp_path):
    batches = service(outcomes=["failed", "completed"])
    out = tmp_path / "briefs.jsonl"

    failed = job(batches, out, items(2)).run()

    assert failed.failures == [3, 3] and failed.briefs == 0
    errors = [line["error"] for line in written(out)]
    assert all("failed" in error["message"] and error["kind"] == "ProviderError" for error in errors)
    again = job(batches, out, items(2)).run()
    assert again.briefs == 2 and again.rounds == 3  # round 1 failed; its requests went out as round 2
    assert batches.answered_ids == ["a0-c0-r2", "a1-c0-r2", "a0-c1-r3", "a1-c1-r3"]


def test_an_expired_batch_keeps_what_it_answered_and_a_rerun_sends_only_the_rest(service, tmp_path):
    batches = service(outcomes=["expired", "completed"])
    out = tmp_path / "briefs.jsonl"

    first = job(batches, out, items(4)).run()

    assert sorted(first.failures) == [3, 3] and first.briefs == 2  # the half it answered went on
    again = job(batches, out, items(4)).run()
    assert again.briefs == 2 and again.skipped == 2
    resent = [i for i in batches.answered_ids if i.startswith(("a2-", "a3-")) and i.endswith("-c0-r3")]
    assert resent == ["a2-c0-r3", "a3-c0-r3"]
    assert len(batches.answered_ids) == len(set(batches.answered_ids))


def test_cancel_stops_the_running_batch_and_a_rerun_sends_what_it_left_undone(service, tmp_path):
    batches = service()
    out = tmp_path / "briefs.jsonl"
    first = job(batches, out, items(4))
    stopped_while_polling(first)

    said = cancel(out, BatchAPI(batches.url, KEY, 30.0))

    assert said == ([f"round 1: batch {batches.created[0]['id']} cancelling"], [])
    outcome = job(batches, out, items(4)).run()
    assert outcome.briefs == 4 and outcome.failures == []
    assert len(batches.answered_ids) == len(set(batches.answered_ids))
    assert any(i.endswith("-c0-r2") for i in batches.answered_ids)  # the cancelled half, sent again


def test_a_round_past_the_providers_limits_is_split_into_several_batches(service, tmp_path):
    batches = service(max_requests_per_file=2)
    out = tmp_path / "briefs.jsonl"

    outcome = job(batches, out, items(5), limits=(2, 10_000_000)).run()

    assert outcome.briefs == 5
    assert [b["metadata"]["round"] for b in batches.created] == ["1", "1", "1", "2", "2", "2"]
    assert all(b["request_counts"]["total"] <= 2 for b in batches.created)


def test_cached_briefs_skip_the_batch(service, model_server, tmp_path):
    batches, model = service(), model_server(Reply(answer=oracle.answer))
    articles = items(3)
    settings = Settings(base_url=model.url, api_key=KEY, model="scripted", mode="tools")
    with Session(settings) as session:
        session.brief(Article("x", articles[0].text or ""))  # live, into the cache
    out = tmp_path / "briefs.jsonl"
    api = BatchAPI(batches.url, KEY, 30.0)  # the same provider's Batch API

    outcome = Job(articles, settings, out, api=api, sleep=lambda seconds: None).run()

    assert outcome.briefs == 3
    assert written(out)[0]["brief"]["meta"]["cached"] is True
    assert not any(i.startswith("a0-") for i in batches.answered_ids)


def test_status_shows_each_batch_and_the_key_is_in_no_file_of_the_run(service, tmp_path):
    batches = service()
    out = tmp_path / "briefs.jsonl"
    first = job(batches, out, items(2))
    stopped_while_polling(first)

    lines = status(out, BatchAPI(batches.url, KEY, 30.0))

    assert lines[0].startswith("run ") and "2 article(s), 0 briefed" in lines[0]
    assert lines[1].startswith(f"round 1 part 0: {batches.created[0]['id']} finalizing, 2 request(s)")
    job(batches, out, items(2)).run()
    assert all(h["authorization"] == f"Bearer {KEY}" for h in batches.headers)
    for path in [out, State.path_for(out), *State.path_for(out).with_suffix("").iterdir()]:
        assert KEY not in path.read_text()


def test_a_rerun_over_other_inputs_or_another_model_is_refused(service, tmp_path):
    batches = service()
    out = tmp_path / "briefs.jsonl"
    job(batches, out, items(2)).run()

    with pytest.raises(InputError, match="other inputs"):
        job(batches, out, items(3))
    settings = Settings(base_url=batches.url, api_key=KEY, model="another", mode="tools", cache=False)
    with pytest.raises(InputError, match="started with model scripted"):
        Job(items(2), settings, out, api=BatchAPI(batches.url, KEY, 30.0))


def test_the_batch_command_reports_its_rounds_and_jobs_status_reads_the_run(service, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from summariser.cli import main
    from summariser.jobs import submit as job

    batches = service()
    monkeypatch.setattr(job, "FIRST_POLL", 0.0)  # the scripted batches move on at every poll
    monkeypatch.setattr(job, "LONGEST_POLL", 0.0)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    archive, out = tmp_path / "archive.jsonl", tmp_path / "briefs.jsonl"
    archive.write_text("".join(json.dumps({"id": i.id, "text": i.text}) + "\n" for i in items(3)))
    model = ["--base-url", batches.url, "--model", "scripted", "--no-cache"]

    ran = CliRunner().invoke(main, [str(archive), "--batch", "--output", str(out), *model, "-v"])

    assert ran.exit_code == 0, ran.output
    assert "round 1: batch batch_" in ran.stderr and "round 2: batch batch_" in ran.stderr
    assert ran.stderr.endswith(f"summarise: 3 brief(s), 0 failed in 2 round(s) -> {out}\n")
    assert KEY not in ran.output
    shown = CliRunner().invoke(main, ["jobs", "status", str(out)])
    assert shown.exit_code == 0, shown.output
    assert "3 article(s), 3 briefed, 0 failed, 2 round(s)" in shown.stdout
    assert shown.stdout.count(" completed, ") == 2
    again = CliRunner().invoke(main, [str(archive), "--batch", "--output", str(out), *model])
    assert again.exit_code == 0 and "0 brief(s), 0 failed, 3 already done" in again.stderr
    assert len(batches.created) == 2


# ---- what an attacker and a careless provider tried ----


def test_a_lost_create_the_provider_does_not_list_yet_stops_the_run_and_its_rerun_finds_it(service, tmp_path):
    batches = service(drop_after={"create"}, list_lag=1)
    out = tmp_path / "briefs.jsonl"

    with pytest.raises(ProviderError, match="rerun the same command, which looks for it"):
        job(batches, out, items(2)).run()

    assert len(batches.created) == 1  # never sent again in the same run
    outcome = job(batches, out, items(2)).run()
    assert outcome.briefs == 2 and len(batches.created) == 2  # round 1, found; round 2


@pytest.mark.parametrize("status", ["paused_forever", None])
def test_a_batch_status_no_provider_documents_stops_the_run_as_the_providers_fault(service, tmp_path, status):
    batches = service(shown=lambda batch: {**batch, "status": status, "request_counts": "lots"})

    with pytest.raises(ProviderError, match=f"status {status!r}, unknown"):
        job(batches, tmp_path / "briefs.jsonl", items(2)).run()


def test_polling_gives_up_past_the_providers_window_and_a_rerun_polls_the_same_batch(service, tmp_path):
    stuck = [True]
    batches = service(shown=lambda batch: {**batch, "status": "in_progress"} if stuck[0] else batch)
    out = tmp_path / "briefs.jsonl"
    hours = iter(range(0, 100 * 3600, 3600))

    with pytest.raises(ProviderError, match="still in_progress after 25 hours; rerun the same command"):
        job(batches, out, items(2), clock=lambda: float(next(hours))).run()

    stuck[0] = False
    assert job(batches, out, items(2)).run().briefs == 2
    assert len(batches.created) == 2


def test_a_batch_answered_without_an_id_is_never_recorded_and_found_again_by_the_rerun(service, tmp_path):
    anonymous = [True]
    batches = service(shown=lambda batch: {**batch, "id": None} if anonymous[0] else batch)
    out = tmp_path / "briefs.jsonl"

    with pytest.raises(ProviderError, match="answered a created batch without an id"):
        job(batches, out, items(2)).run()

    assert "None" not in State.path_for(out).read_text()
    anonymous[0] = False
    assert job(batches, out, items(2)).run().briefs == 2
    assert len(batches.created) == 2


def test_no_key_the_provider_echoes_reaches_the_state_the_output_or_status(service, tmp_path):
    echoed = f"Incorrect API key provided: {KEY}"

    def refusing(batch: dict) -> dict:
        return {**batch, "errors": {"data": [{"message": echoed}]}} if batch["status"] == "failed" else batch

    batches = service(lambda body: (401, {"error": {"message": echoed}}), shown=refusing)
    out = tmp_path / "briefs.jsonl"
    with_userinfo = batches.url.replace("http://", "http://proxyuser:hunter2pass@")
    settings = Settings(base_url=with_userinfo, api_key=KEY, model="scripted", mode="tools", cache=False)
    api = BatchAPI(batches.url, KEY, 30.0, sleep=lambda seconds: None)

    outcome = Job(items(2), settings, out, api=api, sleep=lambda seconds: None).run()

    assert outcome.failures == [3, 3]
    assert all("Incorrect API key provided" in line["error"]["message"] for line in written(out))
    shown = "\n".join(status(out, api))
    kept = [path.read_text() for path in State.path_for(out).with_suffix("").iterdir()]
    for text in [out.read_text(), State.path_for(out).read_text(), shown, *kept]:
        assert KEY not in text and "hunter2pass" not in text


def test_a_run_writing_an_output_keeps_a_second_one_off_it(service, tmp_path):
    batches = service()
    out = tmp_path / "briefs.jsonl"
    first = job(batches, out, items(2))

    with pytest.raises(InputError, match="another run is writing it"):
        job(batches, out, items(2))

    first.run()
    assert job(batches, out, items(2)).run().skipped == 2
    assert len(batches.created) == 2


def test_results_deleted_by_hand_are_downloaded_again_and_a_round_never_sent_is_planned_again(
    service, tmp_path
):
    batches = service()
    out = tmp_path / "briefs.jsonl"
    first = job(batches, out, items(2))
    interrupt_after(first, "_plan", 2)  # round 1 done and downloaded; round 2 planned, not sent
    with pytest.raises(KeyboardInterrupt):
        first.run()
    for path in State.path_for(out).with_suffix("").iterdir():
        path.unlink()

    outcome = job(batches, out, items(2)).run()

    assert outcome.briefs == 2
    assert len(batches.created) == 2 and len(batches.answered_ids) == len(set(batches.answered_ids)) == 4


def test_cancel_goes_on_past_a_batch_that_already_ended_and_records_each_it_cancelled(service, tmp_path):
    batches = service()
    out = tmp_path / "briefs.jsonl"
    first = job(batches, out, items(2), limits=(1, 10_000_000))  # one batch an article
    stopped_while_polling(first)
    api = BatchAPI(batches.url, KEY, 30.0)
    ended, running = (b["id"] for b in batches.created)
    for _ in range(3):  # validating → in_progress → finalizing → completed, a step a poll
        api.get(ended)

    done, failed = cancel(out, api)

    assert done == [f"round 1: batch {running} cancelling"]
    assert len(failed) == 1 and f"batch {ended} not cancelled: 409" in failed[0]
    assert [p.status for p in State.load(State.path_for(out)).parts] == ["validating", "cancelling"]


def test_an_import_that_is_the_request_file_or_no_regular_file_is_refused_and_the_round_waits(tmp_path):
    out, rounds = tmp_path / "briefs.jsonl", tmp_path / "rounds"
    args = ["--output", str(out), "--batch-export", str(rounds), *RECORDED, "--no-cache"]
    assert run(str(SEED), *args).returncode == 0

    as_requests = run(str(SEED), *args, "--batch-import", str(rounds / "round-1.jsonl"))
    from_a_pipe = run(str(SEED), *args, "--batch-import", "/dev/stdin", stdin="")

    assert_one_line_error(as_requests, 2, "holds no results of round 1")
    assert_one_line_error(from_a_pipe, 2, "not a regular file")
    run_elsewhere(rounds / "round-1.jsonl", tmp_path / "results-1.jsonl")
    assert run(str(SEED), *args, "--batch-import", str(tmp_path / "results-1.jsonl")).returncode == 0
    assert (rounds / "round-2.jsonl").is_file()


def test_two_runs_never_share_an_export_folder(tmp_path):
    rounds = tmp_path / "rounds"
    common = ["--batch-export", str(rounds), *RECORDED, "--no-cache"]
    assert run(str(SEED), "--output", str(tmp_path / "a.jsonl"), *common).returncode == 0

    other = run(str(SEED), "--output", str(tmp_path / "b.jsonl"), *common)

    assert_one_line_error(other, 2, "holds another run's rounds; give an empty folder")


def test_the_python_api_runs_the_same_rounds_by_files(tmp_path):
    from summariser import summarise_batch

    out, rounds = str(tmp_path / "briefs.jsonl"), str(tmp_path / "rounds")
    options = {"model": "local", "mode": "json_schema", "cache": False}

    waiting = summarise_batch([str(SEED)], out, export=rounds, **options)
    assert waiting.exported == Path(rounds).absolute() / "round-1.jsonl" and waiting.briefs == 0
    for number in (1, 2):
        results = tmp_path / f"results-{number}.jsonl"
        run_elsewhere(Path(rounds) / f"round-{number}.jsonl", results)
        outcome = summarise_batch([str(SEED)], out, export=rounds, results=str(results), **options)

    assert (outcome.briefs, outcome.failures, outcome.rounds, outcome.exported) == (1, [], 2, None)
    assert "brief" in written(Path(out))[0]


def test_a_lost_create_the_provider_lists_late_is_waited_for_and_created_again_only_after_an_hour(
    service, tmp_path
):
    batches = service(drop_after={"create"}, list_lag=100)  # it never shows up: the create was lost
    out = tmp_path / "briefs.jsonl"
    with pytest.raises(ProviderError):
        job(batches, out, items(2)).run()

    with pytest.raises(ProviderError, match="does not list it yet; rerun in a few minutes"):
        job(batches, out, items(2)).run()
    assert len(batches.created) == 1

    later = job(batches, out, items(2), wall=lambda: time.time() + 2 * 3600).run()
    assert later.briefs == 2 and len(batches.created) == 3  # the lost one, round 1 again, round 2


def test_an_export_interrupted_while_planning_a_round_resumes_with_the_same_command(tmp_path, monkeypatch):
    out, rounds = tmp_path / "briefs.jsonl", tmp_path / "rounds"
    settings = Settings(model="local", mode="json_schema", cache=False)
    real_save, saves = State.save, []

    def save_then_stop(state: State) -> None:
        saves.append(1)
        if len(saves) == 3:  # the round's file is written; the state that records it is not
            raise KeyboardInterrupt
        real_save(state)

    monkeypatch.setattr(State, "save", save_then_stop)
    with pytest.raises(KeyboardInterrupt):
        batch_run(items_of([SEED]), settings, out, export=rounds)
    monkeypatch.setattr(State, "save", real_save)

    again = batch_run(items_of([SEED]), settings, out, export=rounds)

    assert again.exported == rounds.absolute() / "round-1.jsonl"


def test_the_same_import_given_again_after_an_interruption_goes_on_from_it(tmp_path):
    out, rounds, results = tmp_path / "briefs.jsonl", tmp_path / "rounds", tmp_path / "results-1.jsonl"
    settings = Settings(
        model="local", mode="json_schema", cache=False, base_url="http://batch-export.invalid/v1"
    )
    Job(items_of([SEED]), settings, out, export=rounds).run()
    run_elsewhere(rounds / "round-1.jsonl", results)
    cut = Job(items_of([SEED]), settings, out, export=rounds)
    interrupt_after(cut, "_import")
    with pytest.raises(KeyboardInterrupt):
        cut.run(results)

    again = Job(items_of([SEED]), settings, out, export=rounds).run(results)

    assert again.exported == rounds.absolute() / "round-2.jsonl"


def test_cancel_is_refused_while_a_run_is_writing_the_output(service, tmp_path):
    batches = service()
    out = tmp_path / "briefs.jsonl"
    running = job(batches, out, items(2))
    stopped_while_polling(running)
    holding = job(batches, out, items(2))  # a second run, still holding the output

    with pytest.raises(InputError, match="another run is writing it"):
        cancel(out, BatchAPI(batches.url, KEY, 30.0))

    holding.writer.close()
    assert cancel(out, BatchAPI(batches.url, KEY, 30.0))[0] == [
        f"round 1: batch {batches.created[0]['id']} cancelling"
    ]


def test_a_full_disk_is_one_line_of_input_trouble_and_the_rerun_resumes(service, tmp_path, monkeypatch):
    batches = service()
    out = tmp_path / "briefs.jsonl"
    real_save, saves = State.save, []

    def full(state: State) -> None:
        saves.append(1)
        if len(saves) == 4:
            raise OSError(28, "No space left on device", str(state.path))
        real_save(state)

    monkeypatch.setattr(State, "save", full)
    settings = Settings(base_url=batches.url, api_key=KEY, model="scripted", mode="tools", cache=False)
    with pytest.raises(
        InputError, match=r"cannot write .*briefs.jsonl.batch.json \(No space left on device\)"
    ):
        batch_run(items(2), settings, out)
    monkeypatch.setattr(State, "save", real_save)
    monkeypatch.setattr(time, "sleep", lambda seconds: None)

    assert batch_run(items(2), settings, out).briefs == 2
    assert len(batches.answered_ids) == len(set(batches.answered_ids)) == 4


def items_of(paths: list[Path]) -> list[Item]:
    return [Item(id=str(path), source=str(path)) for path in paths]


def test_a_run_stopped_by_sigterm_says_how_to_resume_and_resumes(service, tmp_path):
    polled, stuck = threading.Event(), [True]

    def slow(batch: dict) -> dict:
        if batch["status"] != "validating":
            polled.set()
        return {**batch, "status": "in_progress"} if stuck[0] else batch

    batches = service(shown=slow)
    archive, out = tmp_path / "archive.jsonl", tmp_path / "briefs.jsonl"
    archive.write_text("".join(json.dumps({"id": i.id, "text": i.text}) + "\n" for i in items(2)))
    command = [SUMMARISE, str(archive), "--batch", "--output", str(out), "--base-url", batches.url,
               "--model", "scripted", "--no-cache"]  # fmt: skip
    env = {**os.environ, "OPENAI_API_KEY": KEY}
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    assert polled.wait(timeout=60)  # the run is polling its batch

    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)

    assert process.returncode == 143
    assert (
        stderr.splitlines()[-1]
        == f"summarise: interrupted; rerun the same command to resume (summarise jobs status {out})"
    )
    stuck[0] = False
    assert job(batches, out, items(2)).run().briefs == 2 and len(batches.created) == 2
