"""Record and replay: the same brief from a tape as from the server, with no key on disk."""

import json
import logging
from pathlib import Path

import pytest

from summariser import ProviderError, summarise
from tests.conftest import SEED, Reply, completion, handwritten


def record_seed(server, tape, **more):
    """Brief the seed live against `server`, recording into `tape`."""
    options = {
        "base_url": server.url,
        "model": "scripted",
        "mode": "json_schema",
        "api_key": "sk-test-secret",
    }
    return summarise(str(SEED), record=tape, **{**options, **more})


def test_a_recorded_run_replays_offline_to_the_same_brief(model_server, tmp_path):
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful"))))
    live = record_seed(server, tmp_path)
    server_requests = len(server.requests)

    replayed = summarise(str(SEED), replay=tmp_path)  # model and mode come from the tape

    assert len(server.requests) == server_requests
    strip = {"meta": {"latency_ms"}}
    assert replayed.model_dump(exclude=strip) == live.model_dump(exclude=strip)


def test_a_recording_names_server_and_model_and_holds_no_key(model_server, tmp_path):
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful"))))
    record_seed(server, tmp_path)

    path = min(
        tmp_path.glob("*.json"),
        key=lambda p: len(json.loads(p.read_text())["request"]["body"]["messages"][0]["content"]),
    )
    text = path.read_text()
    entry = json.loads(text)
    assert "sk-test-secret" not in text and "authorization" not in text.lower()
    assert entry["recorded"]["how"].startswith("recorded from a real server")
    assert entry["recorded"]["model"] == "scripted"
    assert entry["recorded"]["mode"] == "json_schema"
    assert entry["recorded"]["server_model_listing"] == {"id": "scripted", "owned_by": "tests"}
    assert entry["request"]["body"]["messages"][-1]["content"].startswith("An editor checked these facts")
    assert len(list(tmp_path.glob("*.json"))) == 2  # the extraction and the headline


def test_an_unrecorded_request_fails_naming_what_is_missing(tmp_path):
    with pytest.raises(
        ProviderError, match=r"no recorded exchange in .* for model 'other-model', 2 messages"
    ):
        summarise(str(SEED), replay=tmp_path, model="other-model")


def test_recording_into_a_tape_reuses_what_it_already_holds(model_server, tmp_path):
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful"))))
    record_seed(server, tmp_path, cache=False)
    record_seed(server, tmp_path, cache=False)
    assert len(server.requests) == 2  # the first recording's extraction and headline; none again


def _odd_files(tape: Path) -> None:
    """What anyone may leave in a directory of recordings."""
    (tape / "bad.json").write_text("{bad")
    (tape / "list.json").write_text("[]")
    (tape / "x.json").mkdir()
    (tape / "latin1.json").write_bytes('{"caf\xe9": 1}'.encode("latin-1"))
    (tape / "zero.json").symlink_to("/dev/zero")
    (tape / "dangling.json").symlink_to(tape / "missing-target")
    (tape / "deep.json").write_text("[" * 200_000)
    (tape / "typed.json").write_text(
        json.dumps(
            {"recorded": {"model": ["a"]}, "response": {"status": 200, "headers": {"x": 1}, "body": {}}}
        )
    )


def test_odd_files_in_a_replay_directory_are_skipped_with_a_warning(model_server, tmp_path, caplog):
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful"))))
    summarise(str(SEED), base_url=server.url, model="m", mode="json_schema", record=tmp_path)
    _odd_files(tmp_path)

    with caplog.at_level(logging.WARNING, logger="summariser"):
        brief = summarise(str(SEED), replay=tmp_path)

    assert brief.verification.status == "verified"
    skipped = [r.getMessage() for r in caplog.records if "skipped, not a recorded exchange" in r.getMessage()]
    assert len(skipped) == 8


def test_a_replay_directory_with_nothing_usable_exits_2_naming_it(tmp_path):
    from tests.test_cli import assert_one_line_error, run

    _odd_files(tmp_path)

    result = run(str(SEED), "--replay", str(tmp_path))

    assert_one_line_error(result, 2, f"{tmp_path}: no usable recording among its 8 .json file(s)")
