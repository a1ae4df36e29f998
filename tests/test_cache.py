"""The response cache: a second identical run costs nothing; a broken cache never costs a brief."""

import logging
import multiprocessing
from pathlib import Path

import pytest

from summariser import summarise
from summariser.model.cache import Cache
from tests.conftest import SEED, Reply, completion, handwritten


def live(server, **more):
    return summarise(str(SEED), **{"base_url": server.url, "model": "m", "mode": "json_schema", **more})


def test_a_second_identical_run_makes_no_request_and_says_cached(model_server):
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful"))))

    first = live(server)
    second = live(server)

    assert len(server.requests) == 2  # the first run's extraction and headline; the second none
    assert (first.meta.cached, second.meta.cached) == (False, True)
    assert second.meta.attempts == 0
    assert second.quotes == first.quotes


def test_anything_that_changes_the_answer_misses_the_cache(model_server):
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful"))))

    live(server)
    live(server, model="other")
    live(server, mode="json")
    live(server, cache=False)

    assert len(server.requests) == 4 * 2  # each run: the extraction and the headline


def test_a_corrupt_cache_is_bypassed_with_a_warning(model_server, private_cache, caplog):
    private_cache.write_bytes(b"this is not a database" * 100)
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful"))))

    with caplog.at_level(logging.WARNING, logger="summariser"):
        brief = live(server)

    assert brief.verification.status == "verified"
    assert "going on without it" in caplog.text


def test_an_unwritable_cache_location_is_bypassed(model_server, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where a directory should be")
    monkeypatch.setenv("SUMMARISER_CACHE", str(blocker / "cache.sqlite3"))
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful"))))

    assert live(server).verification.status == "verified"


def _write_many(path: str, worker: int) -> None:
    cache = Cache(Path(path))
    for i in range(50):
        cache.put(f"{worker}-{i}", {"draft": {"n": i}})
    cache.close()


def test_several_processes_can_write_at_once(tmp_path):
    path = tmp_path / "shared.sqlite3"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_many, args=(str(path), w)) for w in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=60)
    assert [p.exitcode for p in workers] == [0, 0, 0, 0]
    cache = Cache(path)
    assert all(cache.get(f"{w}-{i}") == {"draft": {"n": i}} for w in range(4) for i in range(50))


@pytest.mark.parametrize("row", ['{"x": 1}', "[]", '{"draft": {}}', '{"draft": "text"}', "[" * 100_000, 7])
def test_a_cache_row_that_holds_no_draft_is_skipped_with_a_warning_and_asked_again(
    model_server, private_cache, caplog, row
):
    import sqlite3

    server = model_server(Reply(body=completion(handwritten("kreminna-faithful"))))
    live(server)
    with sqlite3.connect(private_cache) as db:
        db.execute("UPDATE answers SET value = ?", (row,))

    with caplog.at_level(logging.WARNING, logger="summariser"):
        brief = live(server)

    assert brief.verification.status == "verified" and not brief.meta.cached
    assert len(server.requests) == 2 * 2
    assert (
        "an entry that is no draft, skipped" in caplog.text or "an unreadable entry, skipped" in caplog.text
    )
