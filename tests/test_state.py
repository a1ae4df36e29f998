"""A batch run's state on disk: read whole or refused, no credentials kept, result files read a
bounded line at a time."""

import json

import pytest

from summariser.errors import InputError
from summariser.jobs import state as batch_state
from summariser.jobs.rounds import Ledger
from summariser.jobs.state import Part, State, endpoint, read_results

COMPLETION = {"choices": [{"index": 0, "message": {"role": "assistant", "content": "{}"}}]}


def saved_state(tmp_path, **changes) -> State:
    state = State(path=tmp_path / "out.jsonl.batch.json", run="r", inputs=["x", "y"], model="m", mode="tools",
                  endpoint="http://127.0.0.1:1/v1")  # fmt: skip
    state.requests = {"a0-c0-r1": "0" * 64, "a1-c0-r1": "1" * 64}
    state.parts = [Part(1, 0, ["a0-c0-r1", "a1-c0-r1"], "completed", "file-1", "batch_1", downloaded=[])]
    state.folder.mkdir()
    state.save()
    if changes:
        written = json.loads(state.path.read_text())
        written.update(changes)
        state.path.write_text(json.dumps(written))
    return state


def test_a_state_saved_is_read_back_whole(tmp_path):
    state = saved_state(tmp_path)
    assert State.load(state.path) == state


@pytest.mark.parametrize(
    "changes",
    [
        {"requests": ["a0-c0-r1"]},
        {"requests": {"zzz": "0"}},
        {"requests": {"a7-c0-r1": "0"}},  # no seventh article in this run
        {"inputs": None},
        {"round": "two"},
        {"parts": [{"round": 1, "part": 0, "ids": None}]},
        {"version": 99},
        {"parts": [{"round": 1, "part": 0, "ids": ["a0-c0-r1"], "downloaded": ["../../etc/passwd"]}]},
    ],
)
def test_a_state_edited_by_hand_into_nonsense_is_refused_as_input(tmp_path, changes):
    state = saved_state(tmp_path, **changes)
    with pytest.raises(InputError, match="not a batch state this version can read"):
        State.load(state.path)


def test_the_endpoint_is_kept_without_credentials_or_a_trailing_slash():
    assert endpoint("http://user:pass@127.0.0.1:8/v1/?api-key=sk-x#f") == "http://127.0.0.1:8/v1"


def test_a_result_line_that_is_no_utf8_or_too_long_fails_that_request_alone(tmp_path, monkeypatch):
    state = saved_state(tmp_path)
    monkeypatch.setattr(batch_state, "MAX_LINE_BYTES", 400)
    good = {"custom_id": "a0-c0-r1", "response": {"status_code": 200, "body": COMPLETION}}
    long = {"custom_id": "a1-c0-r1", "response": {"status_code": 200, "body": COMPLETION}, "pad": "x" * 500}
    results = state.folder / "r1-p0.output.jsonl"
    results.write_bytes(
        b'{"custom_id": "a1-\xff"}\n' + json.dumps(long).encode() + b"\n" + json.dumps(good).encode()
    )
    state.parts[0].downloaded = [results.name]
    ledger = Ledger()

    read_results(ledger, state, state.parts[0])

    assert ledger.answer_to("a0-c0-r1").completion == COMPLETION
    assert "without answering it" in ledger.answer_to("a1-c0-r1").error


def test_a_key_the_provider_echoes_in_an_error_line_is_masked(tmp_path):
    state = saved_state(tmp_path)
    key = "sk-test-never-shown-0123456789"
    refused = {"custom_id": "a0-c0-r1", "response": {"status_code": 401, "body": {
        "error": {"message": f"Incorrect API key provided: {key}"}}}}  # fmt: skip
    results = state.folder / "r1-p0.errors.jsonl"
    results.write_text(json.dumps(refused) + "\n")
    state.parts[0].downloaded = [results.name]
    ledger = Ledger()

    read_results(ledger, state, state.parts[0], secrets=(key,))

    said = ledger.answer_to("a0-c0-r1").error
    assert "Incorrect API key provided" in said and key not in said
