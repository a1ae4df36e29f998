"""The Python API's client (`summariser.Summariser`) and its one-call wrappers: explicit about their
input, one connection pool for every brief, errors that carry their facts. Every model request goes
over HTTP to the scripted server on 127.0.0.1, or is answered from the recordings."""

import json
import re
from importlib.metadata import version
from pathlib import Path

import pytest

import summariser
from summariser import InputError, ProviderError, Summariser, ValidationFailed, summarise, summarise_many
from tests.conftest import ROOT, SEED, Reply, completion, handwritten

FIXTURES = ROOT / "fixtures"
KEY = "sk-live-never-shown-0123456789abcdef"


def scripted(server, **more):
    return Summariser(base_url=server.url, api_key=KEY, model="m", mode="json_schema", cache=False, **more)


def test_three_briefs_on_one_client_reuse_one_connection(model_server):
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful"))))

    with scripted(server) as client:
        for _ in range(3):
            client.brief(text=SEED.read_text(encoding="utf-8"))

    assert len(server.requests) == 6  # an extraction and a headline each
    assert len({r["peer"] for r in server.requests}) == 1


@pytest.mark.parametrize(
    "given",
    [{}, {"text": "A town fell.", "path": SEED}, {"path": SEED, "url": "https://example.org/a"}],
    ids=["none", "text and path", "path and url"],
)
def test_a_brief_takes_exactly_one_source_by_name(given):
    with Summariser(replay=FIXTURES) as client, pytest.raises(TypeError, match="exactly one of text="):
        client.brief(**given)


def test_a_path_that_does_not_exist_is_an_input_error_never_an_article(model_server):
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful"))))

    with (
        scripted(server) as client,
        pytest.raises(InputError, match=r"my article\.txt: no such file") as caught,
    ):
        client.brief(path="my article.txt")

    assert caught.value.source == "my article.txt"
    assert server.requests == []


@pytest.mark.parametrize("typo", ["my article.txt", "drafts/the story", "notes on the flood.md"])
def test_summarise_takes_a_one_line_file_name_that_names_no_file_for_a_typo(model_server, typo):
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful"))))

    with pytest.raises(InputError, match="no such file"):
        summarise(typo, base_url=server.url, api_key=KEY, model="m", cache=False)

    assert server.requests == []


def test_summarise_takes_a_path_object_and_text_as_before():
    from_path = summarise(SEED, replay=FIXTURES)
    from_text = summarise(SEED.read_text(encoding="utf-8"), replay=FIXTURES)

    assert from_path.quotes == from_text.quotes and from_path.quotes


def test_an_exhausted_rate_limit_is_a_provider_error_with_its_status_and_wait(model_server):
    limited = Reply(
        status=429,
        body={"error": {"message": "slow down", "type": "rate_limit"}},
        headers={"retry-after": "0", "x-request-id": "req_abc123"},
    )
    server = model_server(limited)

    with scripted(server) as client, pytest.raises(ProviderError) as caught:
        client.brief(path=SEED)

    error = caught.value
    assert (error.status_code, error.retry_after, error.request_id) == (429, 0.0, "req_abc123")
    assert str(error).startswith("429 from ")
    assert len(server.requests) == 4  # every attempt the retry policy allows


def test_an_unreachable_provider_has_no_status_code():
    with (
        Summariser(base_url="http://127.0.0.1:9/v1", api_key=KEY, model="m", cache=False) as client,
        pytest.raises(ProviderError, match="cannot reach") as caught,
    ):
        client.brief(path=SEED)

    assert caught.value.status_code is None


def test_an_answer_never_valid_is_kept_on_the_error_with_the_key_masked(model_server):
    server = model_server(Reply(body=completion(f"I cannot do that with key {KEY}")))

    with scripted(server) as client, pytest.raises(ValidationFailed) as caught:
        client.brief(path=SEED)

    last = caught.value.last_answer
    assert last is not None and last.startswith("I cannot do that with key")
    assert KEY not in last and KEY not in repr(caught.value.__dict__)


def test_strict_mode_holds_what_was_dropped_on_the_error(model_server):
    answer = handwritten("kreminna-faithful")
    answer["quotes"] = {**answer["quotes"], "Q99": {"speaker": "Nobody"}}
    server = model_server(Reply(body=completion(answer)))

    with scripted(server, strict=True) as client, pytest.raises(ValidationFailed) as caught:
        client.brief(path=SEED)

    [dropped] = caught.value.dropped
    assert isinstance(dropped, summariser.Dropped) and dropped.item["id"] == "Q99"
    assert "Q99" in json.loads(caught.value.last_answer or "")["quotes"]


def test_many_briefs_come_as_each_finishes_or_in_order_and_a_failure_is_its_own(tmp_path):
    missing = tmp_path / "gone.txt"
    sources: list[str | Path] = [SEED, missing, ROOT / "seeds" / "valdora-floods.txt"]

    with Summariser(replay=FIXTURES) as client:
        ordered = list(client.brief_many(sources, ordered=True))
        finished = list(client.brief_many(sources))

    assert [source for source, _ in ordered] == sources
    assert sorted(map(str, (source for source, _ in finished))) == sorted(map(str, sources))
    outcome = dict(ordered)
    assert isinstance(outcome[missing], InputError) and outcome[missing].source == str(missing)
    assert outcome[SEED].meta.source.name == str(SEED)


def test_summarise_many_keeps_the_order_given_with_failures_as_their_errors(tmp_path):
    results = summarise_many([str(SEED), str(tmp_path / "gone.txt")], replay=FIXTURES)

    assert isinstance(results[0], summariser.Brief) and isinstance(results[1], InputError)


def test_the_version_is_the_installed_distributions():
    assert summariser.__version__ == version("summariser")


def test_every_public_name_is_importable_and_typed():
    for name in summariser.__all__:
        assert getattr(summariser, name) is not None, name
    assert (Path(summariser.__file__).parent / "py.typed").is_file()


def test_every_example_in_the_readmes_python_api_section_runs_as_written(monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The Python API") : readme.index("## The Slack bot")]
    examples = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    assert len(examples) >= 2
    monkeypatch.chdir(ROOT)  # the examples name the repository's files as a newcomer's clone has them
    for example in examples:
        exec(compile(example, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "Serhiy Gaidai" in printed and "seeds/valdora-floods.txt" in printed


def test_the_readmes_python_api_section_names_every_public_name():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The Python API") : readme.index("## The Slack bot")]
    assert [name for name in summariser.__all__ if f"`{name}" not in section and name not in section] == []
