"""Ctrl-C stops a client's requests at once: the answers its threads are reading are cut off, a
retry's wait ends, and no request starts after it. Every request goes over HTTP to the scripted
server on 127.0.0.1, which holds its answers until the test opens its gate."""

import threading
from typing import Any

import pytest

from summariser.config import Settings
from summariser.extract.draft import Extraction
from summariser.model.client import ModelClient, connect
from summariser.model.stopping import Stopped
from tests.conftest import Reply, completion, handwritten

MESSAGES = [{"role": "user", "content": "Brief it."}]


def client_of(server: Any, **more: Any) -> ModelClient:
    settings = Settings(base_url=server.url, api_key="k", model="m", mode="json_schema", cache=False, **more)
    return connect(settings)


def ask_in_a_thread(client: ModelClient) -> tuple[threading.Thread, list[BaseException]]:
    raised: list[BaseException] = []

    def ask() -> None:
        try:
            client.ask(Extraction, MESSAGES, "m", 100)
        except BaseException as error:
            raised.append(error)

    thread = threading.Thread(target=ask)
    thread.start()
    return thread, raised


def test_an_answer_a_thread_is_waiting_for_is_cut_off_and_that_thread_is_stopped(model_server):
    gate = threading.Event()
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful")), gate=gate))
    client = client_of(server)
    thread, raised = ask_in_a_thread(client)
    with server.arrived:
        assert server.arrived.wait_for(lambda: server.in_flight == 1, timeout=30)

    client.interrupt()
    thread.join(timeout=30)

    assert not thread.is_alive(), "the thread ended while the server still held its answer"
    assert not gate.is_set()
    assert [type(e) for e in raised] == [Stopped]
    gate.set()
    client.close()


def test_no_request_starts_once_the_client_is_stopped(model_server):
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful"))))
    client = client_of(server)
    client.interrupt()

    with pytest.raises(Stopped):
        client.ask(Extraction, MESSAGES, "m", 100)

    assert server.requests == []
    client.close()


def test_a_retry_waiting_out_a_rate_limit_is_stopped_before_it_sends_again(model_server):
    server = model_server(
        Reply(status=429, body={"error": {"message": "slow down"}}, headers={"retry-after": "30"})
    )
    client = client_of(server)
    thread, raised = ask_in_a_thread(client)
    with server.arrived:
        assert server.arrived.wait_for(lambda: server.answered == 1, timeout=30)

    client.interrupt()
    thread.join(timeout=30)

    assert not thread.is_alive(), "the 30 s wait ended at the interruption"
    assert [type(e) for e in raised] == [Stopped]
    assert len(server.requests) == 1
    client.close()
