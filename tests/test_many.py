"""Batches: one line per input, failures recorded not fatal, concurrency real, reruns resume."""

import contextlib
import json
import threading

from summariser import Brief, InputError, InternalError, summarise_many
from summariser.config import Settings
from tests.conftest import SEED, Reply, completion, handwritten, model_args
from tests.test_cli import run

FAITHFUL = Reply(body=completion(handwritten("kreminna-faithful")))


def lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def jsonl_of_seed_copies(tmp_path, n: int):
    text = SEED.read_text(encoding="utf-8")
    path = tmp_path / "wires.jsonl"
    # each copy differs by one trailing sentence so that no two share a cache entry
    path.write_text("\n".join(json.dumps({"id": f"w{i}", "text": f"{text}\nWire {i}."}) for i in range(n)))
    return path


def test_every_input_gets_one_line_and_a_failure_never_stops_the_rest(model_server, tmp_path):
    server = model_server(FAITHFUL)
    out = tmp_path / "out.jsonl"

    result = run(
        str(SEED),
        str(tmp_path / "missing.txt"),
        str(jsonl_of_seed_copies(tmp_path, 2)),
        "--output",
        str(out),
        *model_args(server),
    )

    entries = {e["id"]: e for e in lines(out)}
    assert set(entries) == {str(SEED), str(tmp_path / "missing.txt"), "w0", "w1"}
    assert entries[str(tmp_path / "missing.txt")]["error"]["exit_code"] == 2
    assert "no such file" in entries[str(tmp_path / "missing.txt")]["error"]["message"]
    assert entries["w1"]["brief"]["verification"]["status"] == "verified"
    assert result.returncode == 2
    assert "3 brief(s), 1 failed" in result.stderr


def test_a_rerun_skips_what_is_done_and_retries_what_failed(model_server, tmp_path):
    server = model_server(FAITHFUL)
    out = tmp_path / "out.jsonl"
    wires = jsonl_of_seed_copies(tmp_path, 3)
    done = run(str(wires), "--output", str(out), "--no-cache", *model_args(server))
    assert done.returncode == 0
    # an interrupted run: the last line was cut in half and one brief was never written
    kept = out.read_text().splitlines()[:2]
    out.write_text("\n".join(kept) + "\n" + '{"id": "w2", "brief": {"head')
    requests_before = len(server.requests)

    again = run(str(wires), "--output", str(out), "--no-cache", *model_args(server))

    assert again.returncode == 0
    assert len(server.requests) - requests_before == 2  # only the unfinished one: extraction, headline
    assert "1 brief(s), 0 failed, 2 already done" in again.stderr
    parsed = []
    for line in out.read_text().splitlines():
        with contextlib.suppress(ValueError):  # the half line the interruption left
            parsed.append(json.loads(line))
    assert sorted(e["id"] for e in parsed if "brief" in e) == ["w0", "w1", "w2"]


def test_briefs_are_made_concurrently(model_server, tmp_path):
    # the server answers only when three requests are in flight at once
    server = model_server(
        Reply(body=completion(handwritten("kreminna-faithful")), together=threading.Barrier(3, timeout=20))
    )
    out = tmp_path / "out.jsonl"

    result = run(
        str(jsonl_of_seed_copies(tmp_path, 3)),
        "--output",
        str(out),
        "--concurrency",
        "3",
        *model_args(server),
    )

    assert result.returncode == 0, result.stderr
    assert all("brief" in e for e in lines(out))


def test_several_sources_without_output_is_a_usage_error():
    result = run(str(SEED), str(SEED))
    assert result.returncode == 2 and "give --output" in result.stderr


def test_a_directory_of_articles_becomes_review_pages_and_an_index(model_server, tmp_path):
    server = model_server(FAITHFUL)
    articles = tmp_path / "in"
    articles.mkdir()
    for n in range(2):
        (articles / f"story{n}.txt").write_text(SEED.read_text(encoding="utf-8") + f"\nCopy {n}.")
    pages = tmp_path / "pages"

    result = run(str(articles), "--format", "html", "--output", str(pages), *model_args(server))

    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in pages.iterdir()) == ["index.html", "story0.txt.html", "story1.txt.html"]
    index = (pages / "index.html").read_text()
    assert 'href="story0.txt.html"' in index and 'href="story1.txt.html"' in index


def test_summarise_many_returns_results_in_order_with_errors_in_place(model_server, tmp_path):
    server = model_server(FAITHFUL)
    results = summarise_many(
        [str(SEED), str(tmp_path / "nope.txt")],
        concurrency=2,
        base_url=server.url,
        model="m",
        mode="json_schema",
    )
    assert isinstance(results[0], Brief)
    assert isinstance(results[1], InputError)


def test_the_progress_bar_counts_every_brief_on_a_terminal_and_stays_silent_elsewhere():
    import io

    from rich.console import Console

    from summariser.render.progress import Progress

    screen = io.StringIO()
    with Progress(3, enabled=True, console=Console(file=screen, force_terminal=True, width=80)) as progress:
        for _ in range(3):
            progress.advance()
    assert "3/3" in screen.getvalue()
    with Progress(3, enabled=False) as silent:
        silent.advance()  # no terminal: nothing drawn, nothing fails


def test_a_json_lines_text_is_the_article_never_a_path_to_read(model_server, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("A private file on the machine running the many.")
    wires = tmp_path / "wires.jsonl"
    wires.write_text(json.dumps({"id": "w0", "text": str(secret)}))
    server = model_server(FAITHFUL)

    run(str(wires), "--output", str(tmp_path / "out.jsonl"), *model_args(server))

    article = server.requests[0]["body"]["messages"][1]["content"]
    assert str(secret) in article and "private file" not in article


def test_a_bug_in_one_item_is_that_items_error_and_the_others_are_briefed(model_server, monkeypatch):
    from summariser.extract import grounding
    from summariser.runs import many

    real = grounding._quote_problem

    def broken_for_one(speaker, span, actors, source):
        if "Bug here." in source.text:
            raise KeyError("speaker")
        return real(speaker, span, actors, source)

    monkeypatch.setattr(grounding, "_quote_problem", broken_for_one)
    server = model_server(FAITHFUL)
    text = SEED.read_text(encoding="utf-8")
    items = [many.Item(id=n, source=n, text=f"{text}\n{n}.") for n in ("Fine", "Bug here", "Also fine")]
    results: dict[str, many.Result] = {}
    settings = Settings.from_env(base_url=server.url, model="m", mode="json_schema", cache=False)

    many.run(items, settings, 2, lambda result: results.__setitem__(result.item.id, result))

    assert results["Fine"].brief is not None and results["Also fine"].brief is not None
    error = results["Bug here"].error
    assert isinstance(error, InternalError) and error.exit_code == 1
    assert many.record(results["Bug here"])["error"]["kind"] == "InternalError"


def test_a_directory_batch_takes_its_articles_and_not_its_readme(tmp_path):
    from summariser.runs.many import gather

    for name in ("a.txt", "b.html", "c.htm", "README.md", "notes.json"):
        (tmp_path / name).write_text("An article.")

    assert [item.id for item in gather([str(tmp_path)])] == ["a.txt", "b.html", "c.htm"]
    assert [item.id for item in gather([str(tmp_path)], ["*.md"])] == ["README.md"]


def test_glob_chooses_a_directorys_articles_on_the_command_line(model_server, tmp_path):
    server = model_server(FAITHFUL)
    wires = tmp_path / "wires"
    wires.mkdir()
    (wires / "story.wire").write_text(SEED.read_text(encoding="utf-8"))
    (wires / "README.md").write_text("How this folder is filled.")
    out = tmp_path / "out.jsonl"

    result = run(str(wires), "--glob", "*.wire", "--output", str(out), *model_args(server))

    assert result.returncode == 0, result.stderr
    assert [e["id"] for e in lines(out)] == ["story.wire"]


def test_one_connection_pool_serves_a_whole_batch(model_server):
    server = model_server(FAITHFUL)
    text = SEED.read_text(encoding="utf-8")

    results = summarise_many(
        [f"{text}\nCopy {n}." for n in range(3)],
        concurrency=1,
        base_url=server.url,
        model="m",
        mode="json_schema",
    )

    assert all(isinstance(r, Brief) for r in results)
    assert len(server.requests) == 3 * 2  # each brief: the extraction and the headline
    assert len({r["peer"] for r in server.requests}) == 1  # one kept-alive connection, not one per brief


def test_concurrency_caps_model_requests_in_flight_across_articles_and_chunks(model_server, tmp_path):
    gate = threading.Event()
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful")), gate=gate))
    text = SEED.read_text(encoding="utf-8")
    long_articles = [f"{text}\n\n{text}\nCopy {n}." for n in range(2)]  # two chunks each at 1,000 tokens
    done: list = []

    worker = threading.Thread(
        target=lambda: done.extend(
            summarise_many(
                long_articles,
                concurrency=2,
                base_url=server.url,
                model="m",
                mode="json_schema",
                max_requests=3,
                cache=False,
                max_article_tokens=1000,
            )
        )
    )
    worker.start()
    with server.arrived:
        assert server.arrived.wait_for(lambda: server.in_flight == 2, timeout=20)
        # with the cap held, no third request can arrive while two wait at the gate
        server.arrived.wait_for(lambda: server.in_flight > 2, timeout=0.5)
        most = server.most_in_flight
    gate.set()
    worker.join(timeout=30)

    assert most == 2
    assert len(server.requests) == 6  # two articles: a request per chunk, two chunks each, and the headline
    assert all(isinstance(r, Brief) for r in done)


def test_review_pages_get_one_safe_name_per_id_whatever_finishes_first(model_server, tmp_path):
    server = model_server(FAITHFUL)
    text = SEED.read_text(encoding="utf-8")
    ids = ["a/b", "a:b", "a?b", "...", "index", "story.txt"]
    wires = tmp_path / "wires.jsonl"
    wires.write_text("\n".join(json.dumps({"id": i, "text": f"{text}\n{n}."}) for n, i in enumerate(ids)))
    pages = tmp_path / "pages"

    result = run(
        str(wires), "--format", "html", "--output", str(pages), "--concurrency", "3", *model_args(server)
    )

    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in pages.iterdir())
    assert len(names) == len(ids) + 1 and "index.html" in names and "story.txt.html" in names
    assert not [n for n in names if n.startswith(".")]
    index = (pages / "index.html").read_text()
    assert all(f'href="{n}"' in index for n in names if n != "index.html")


def test_page_names_are_unique_bounded_and_cannot_be_forged_by_another_id():
    from summariser.render.pages import page_name

    ids = ["Report", "report", "REPORT", "", "...", "_x_", "x~" + page_name("_x_")[2:-5], "\U00020000" * 100]
    names = [page_name(i) for i in ids]

    assert len(set(names)) == len(ids)
    assert all(len(n.encode()) <= 100 and not n.startswith(".") for n in names)
    assert len({n.lower() for n in names}) == len(ids)  # distinct on a case-blind disk too
