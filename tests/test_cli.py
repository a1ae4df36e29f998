"""The `summarise` command as a user runs it: a subprocess, from another directory."""

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from summariser import summarise
from tests.conftest import ROOT, SEED, Reply, completion, handwritten, model_args

SUMMARISE = str(Path(sys.executable).parent / "summarise")
FIXTURES = ROOT / "fixtures"


def run(*args: str, stdin: str | None = None, cwd: Path | None = None, **env: str):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI_", "SUMMARISER_")) or k == "SUMMARISER_CACHE"
    }
    return subprocess.run(
        [SUMMARISE, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**clean, **env},
        timeout=120,
    )


def assert_one_line_error(result, code: int, text: str) -> None:
    assert result.returncode == code, result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and text in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_the_readme_command_replays_the_seed_to_json_that_validates(tmp_path):
    result = run(str(SEED), "--replay", str(FIXTURES), "--format", "json", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    brief = json.loads(result.stdout)
    schema = json.loads((ROOT / "schemas" / "brief.schema.json").read_text())
    jsonschema.validate(brief, schema)
    text = SEED.read_text(encoding="utf-8")
    for quote in brief["quotes"]:
        start, end = quote["span"]
        assert text[start:end].strip() in text
    assert brief["meta"]["source"]["name"] == str(SEED)


def test_markdown_puts_the_bottom_line_first_and_names_who_said_and_who_claims(tmp_path):
    result = run(str(SEED), "--replay", str(FIXTURES), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("# ")
    assert "*Verification:" in result.stdout


def test_stdin_is_read_with_a_dash(model_server):
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful"))))
    result = run("-", "--format", "json", *model_args(server), stdin=SEED.read_text(encoding="utf-8"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["meta"]["source"]["name"] == "<stdin>"


def test_verbose_reports_requests_and_tokens_on_stderr(model_server):
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful"))))
    result = run(str(SEED), "-v", *model_args(server))
    assert result.returncode == 0
    assert "m: 1 request(s), 100 prompt + 50 completion tokens" in result.stderr


def test_a_missing_file_exits_2_with_one_line():
    assert_one_line_error(run("no-such-article.txt"), 2, "no-such-article.txt: no such file")


def test_no_key_and_no_base_url_says_how_to_configure_one():
    assert_one_line_error(run(str(SEED)), 2, "set OPENAI_API_KEY")


def test_an_unrecorded_request_under_replay_exits_3(tmp_path):
    assert_one_line_error(
        run(str(SEED), "--replay", str(tmp_path), "--model", "x"), 3, "no recorded exchange"
    )


def test_strict_exits_4_when_anything_was_dropped(model_server, tmp_path):
    server = model_server(Reply(body=completion(handwritten("kreminna-fabricated"))))
    summarise(str(SEED), base_url=server.url, model="m", mode="json_schema", record=tmp_path)

    assert_one_line_error(run(str(SEED), "--replay", str(tmp_path), "--strict"), 4, "--strict: 2 item(s)")


def test_the_key_never_appears_in_output_or_errors(model_server):
    server = model_server(Reply(status=401, body={"error": {"message": "bad key sk-live-0123456789"}}))
    result = run(
        str(SEED), "-v", "--base-url", server.url, "--model", "m", OPENAI_API_KEY="sk-live-0123456789"
    )
    assert result.returncode == 3
    assert "sk-live-0123456789" not in result.stdout + result.stderr


@pytest.mark.parametrize("args", [["--help"], ["schema"]])
def test_help_and_schema_answer_without_a_model(args):
    result = run(*args)
    assert result.returncode == 0
    if args == ["schema"]:
        assert json.loads(result.stdout) == json.loads((ROOT / "schemas" / "brief.schema.json").read_text())
