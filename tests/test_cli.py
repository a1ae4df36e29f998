"""The `summarise` command as a user runs it: a subprocess, from another directory."""

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from summariser import summarise
from summariser.render.markdown import escape
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
    assert brief["quotes"]
    for quote in brief["quotes"]:
        start, end = quote["span"]
        assert text[start:end] == quote["text"]  # the article's own passage, never the model's copy
    assert brief["meta"]["source"]["name"] == str(SEED)


def test_markdown_puts_the_headline_first_and_each_quote_beside_its_speaker(tmp_path):
    brief = json.loads(run(str(SEED), "--replay", str(FIXTURES), "--format", "json").stdout)

    result = run(str(SEED), "--replay", str(FIXTURES), cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"# {brief['headline']}"
    assert brief["quotes"]
    for quote in brief["quotes"]:
        shown = escape(quote["text"])
        assert f"> “{shown}”  \n> — **{quote['speaker']}**" in result.stdout
    assert result.stdout.count("*Checked against the article:") == 1


def test_stdin_is_read_with_a_dash(model_server):
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful"))))
    result = run("-", "--format", "json", *model_args(server), stdin=SEED.read_text(encoding="utf-8"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["meta"]["source"]["name"] == "<stdin>"


def test_verbose_reports_requests_and_tokens_on_stderr(model_server):
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful"))))
    result = run(str(SEED), "-v", *model_args(server))
    assert result.returncode == 0
    assert "m: 2 request(s), 200 prompt + 100 completion tokens" in result.stderr


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

    assert_one_line_error(run(str(SEED), "--replay", str(tmp_path), "--strict"), 4, "--strict: 6 item(s)")


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


def test_a_bug_exits_1_in_one_line_after_one_request(model_server, monkeypatch):
    from click.testing import CliRunner

    from summariser.cli import main
    from summariser.extract import grounding

    def broken(*args, **kwargs):
        raise KeyError("speaker")

    monkeypatch.setattr(grounding, "_quote_problem", broken)
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful"))))

    result = CliRunner().invoke(main, [str(SEED), "--no-cache", *model_args(server)])

    assert result.exit_code == 1
    assert result.output == "summarise: internal error (KeyError: 'speaker'); rerun with -v and report it\n"
    assert len(server.requests) == 1


def test_output_with_one_source_writes_that_brief_in_the_format_asked(tmp_path):
    markdown, page = tmp_path / "brief.md", tmp_path / "one.html"

    as_markdown = run(str(SEED), "--replay", str(FIXTURES), "--output", str(markdown))
    as_page = run(str(SEED), "--replay", str(FIXTURES), "--format", "html", "--output", str(page))

    assert as_markdown.returncode == 0 and as_markdown.stdout == "", as_markdown.stderr
    assert markdown.read_text(encoding="utf-8") == run(str(SEED), "--replay", str(FIXTURES)).stdout
    assert as_page.returncode == 0, as_page.stderr
    assert page.is_file() and page.read_text(encoding="utf-8").startswith("<!doctype html>")


@pytest.mark.parametrize("output_format", ["markdown", "slack"])
def test_several_sources_refuse_a_format_that_holds_one_brief(tmp_path, output_format):
    result = run(
        str(SEED),
        str(SEED),
        "--format",
        output_format,
        "--output",
        str(tmp_path / "out"),
        "--replay",
        str(FIXTURES),
    )

    assert_one_line_error(result, 2, f"not {output_format}")
    assert not (tmp_path / "out").exists()


def test_record_with_replay_is_refused_before_any_request(tmp_path):
    result = run(str(SEED), "--replay", str(FIXTURES), "--record", str(tmp_path / "tape"))

    assert_one_line_error(result, 2, "give one of the two")


def test_a_missing_replay_directory_is_named_as_missing():
    result = run(str(SEED), "--replay", "no-such-tape")

    assert_one_line_error(result, 2, "--replay no-such-tape: no such directory of recordings")


def test_usage_errors_name_the_command_users_type():
    result = run(str(SEED), "--no-such-option")

    assert result.returncode == 2
    assert "Usage: summarise [OPTIONS] [SOURCES]..." in result.stderr
    assert "summarise run" not in result.stderr


def test_a_bad_token_budget_says_it_wants_tokens():
    result = run(str(SEED), "--replay", str(FIXTURES), SUMMARISER_MAX_ARTICLE_TOKENS="x")

    assert_one_line_error(result, 2, "SUMMARISER_MAX_ARTICLE_TOKENS must be a number of tokens, not 'x'")


@pytest.mark.parametrize("given", [["--timeout", "nan"], ["--timeout", "inf"]])
def test_a_timeout_that_is_no_number_of_seconds_is_a_usage_error(given):
    result = run(str(SEED), "--replay", str(FIXTURES), *given)

    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_an_output_that_would_overwrite_an_article_is_refused_before_any_request(tmp_path):
    article = tmp_path / "in.txt"
    article.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    pages = tmp_path / "wires"
    pages.mkdir()
    (pages / "a.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")

    one = run(str(article), "--replay", str(FIXTURES), "--output", str(article))
    several = run(str(article), str(SEED), "--replay", str(FIXTURES), "--output", str(article))
    inside = run(str(pages), "--format", "html", "--replay", str(FIXTURES), "--output", str(pages / "review"))

    for result in (one, several, inside):
        assert_one_line_error(result, 2, "would overwrite or join the articles being briefed")
    assert article.read_text(encoding="utf-8") == SEED.read_text(encoding="utf-8")
    assert not (pages / "review").exists()


@pytest.mark.parametrize(
    ("output", "message"),
    [("missing-dir/brief.md", "no such directory"), (".", "is a directory; give a file")],
)
def test_an_output_that_cannot_be_written_is_a_usage_error_before_any_request(tmp_path, output, message):
    assert_one_line_error(
        run(str(SEED), "--replay", str(FIXTURES), "--output", output, cwd=tmp_path), 2, message
    )


@pytest.mark.parametrize("pattern", ["../*", "/etc/*", ""])
def test_a_glob_that_reaches_outside_its_directory_is_refused(pattern):
    result = run(
        str(ROOT / "seeds"), "--glob", pattern, "--replay", str(FIXTURES), "--output", "unused.jsonl"
    )

    assert_one_line_error(result, 2, "give a pattern inside the directory")


def test_output_dash_is_stdout():
    result = run(str(SEED), "--replay", str(FIXTURES), "--output", "-")

    assert result.returncode == 0 and result.stdout.startswith("# ")


def test_ctrl_c_during_a_brief_exits_130_in_one_line(model_server):
    import signal
    import threading

    gate = threading.Event()
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful")), gate=gate))
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARISER_"))}
    process = subprocess.Popen(
        [SUMMARISE, str(SEED), "--no-cache", *model_args(server)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean,
    )
    with server.arrived:  # the request is in flight: the user gives up waiting
        assert server.arrived.wait_for(lambda: server.in_flight == 1, timeout=60)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    gate.set()

    assert process.returncode == 130
    assert out == "" and err.strip() == "summarise: interrupted"


@pytest.mark.parametrize("run_of", ["many", "chunks"])
def test_ctrl_c_while_worker_threads_wait_on_the_model_ends_the_run_and_sends_nothing_more(
    model_server, tmp_path, run_of
):
    import signal
    import threading

    gate = threading.Event()
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful")), gate=gate))
    seed = SEED.read_text(encoding="utf-8")
    if run_of == "many":  # four articles, four requests in flight at once
        (tmp_path / "in").mkdir()
        for n in range(6):
            (tmp_path / "in" / f"a{n}.txt").write_text(seed.replace("Kreminna", f"K{n}"), encoding="utf-8")
        args = [str(tmp_path / "in"), "--output", str(tmp_path / "b.jsonl"), "--concurrency", "4"]
        in_flight = 4
    else:  # one long article, its two chunks in flight at once
        (tmp_path / "long.txt").write_text("\n\n".join([seed] * 12), encoding="utf-8")
        args = [str(tmp_path / "long.txt")]
        in_flight = 2
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARISER_"))}
    process = subprocess.Popen(
        [SUMMARISE, *args, "--no-cache", *model_args(server)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean,
    )
    with server.arrived:
        assert server.arrived.wait_for(lambda: server.in_flight == in_flight, timeout=60)
    sent = len(server.requests)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)  # ends while the server still holds every answer

    assert not gate.is_set()
    assert process.returncode == 130
    assert err.strip().endswith("summarise: interrupted")
    assert len(server.requests) == sent, "no request started after the interruption"
    gate.set()


def test_a_key_in_the_base_urls_query_or_user_info_is_never_printed(model_server):
    server = model_server(Reply(status=401, body={"error": {"message": "unauthorised"}}))
    host = server.url.removeprefix("http://")
    for base in (f"{server.url}?api-key=q-secret-value-42", f"http://user:p-secret-value-42@{host}"):
        result = run(str(SEED), "--base-url", base, "--model", "m", "--no-cache")

        assert result.returncode == 3, result.stderr
        assert "secret-value" not in result.stdout + result.stderr
        assert "401 from" in result.stderr
