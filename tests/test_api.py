"""The provider's Batch API as our client speaks it: bounded reads, one-line refusals, no key shown."""

import time

import pytest

from summariser.errors import ProviderError
from summariser.jobs import api as batch_api
from summariser.jobs.api import BatchAPI
from tests import batch_service
from tests.conftest import Reply

KEY = "sk-test-never-shown-0123456789"


@pytest.fixture
def api():
    service, httpd = batch_service.start(lambda body: (200, {}))
    client = BatchAPI(service.url, KEY, 10.0, sleep=lambda seconds: None)
    yield client, service
    client.close()
    batch_service.stop(service, httpd)


def test_a_result_file_past_its_bound_is_refused_and_nothing_is_left_on_disk(api, tmp_path, monkeypatch):
    client, _ = api
    requests = tmp_path / "r1-p0.requests.jsonl"
    requests.write_text('{"custom_id": "a0-c0-r1"}\n' * 20)
    file_id = client.upload(requests)
    monkeypatch.setattr(batch_api, "MAX_RESULT_BYTES", 100)

    with pytest.raises(ProviderError, match="larger than 100 bytes"):
        client.download(file_id, tmp_path / "r1-p0.output.jsonl")

    assert sorted(p.name for p in tmp_path.iterdir()) == ["r1-p0.requests.jsonl"]


def test_a_refusal_is_one_line_with_the_providers_own_message_and_never_the_key(api, tmp_path):
    client, service = api
    requests = tmp_path / "r1-p0.requests.jsonl"
    requests.write_text("")
    batch = client.create(client.upload(requests), {"summariser_run": "x", "round": "1"})
    assert client.get(batch["id"])["status"] == "failed"  # an empty file fails validation

    with pytest.raises(ProviderError) as refused:
        client.cancel(batch["id"])

    said = str(refused.value)
    assert said.startswith(f"409 from {service.url}: Cannot cancel a batch with status 'failed'")
    assert "\n" not in said and KEY not in said
    with pytest.raises(ProviderError, match=r"404 from .*: no such file or batch here"):
        client.get("batch_unknown")
    assert all(h["authorization"] == f"Bearer {KEY}" for h in service.headers)


def test_an_unreachable_provider_is_one_line_naming_it():
    client = BatchAPI("http://127.0.0.1:9/v1", KEY, 2.0, sleep=lambda seconds: None)

    with pytest.raises(ProviderError, match=r"^cannot reach http://127.0.0.1:9/v1: "):
        client.get("batch_1")


def test_a_provider_that_trickles_its_answer_is_cut_off_at_the_total_time_limit(model_server):
    slow = model_server(Reply(body={"id": "batch_1", "status": "cancelling"}, trickle=0.05))
    client = BatchAPI(slow.url, KEY, 0.5, sleep=lambda seconds: None)
    started = time.monotonic()

    with pytest.raises(ProviderError, match="did not answer in time"):
        client.cancel("batch_1")

    assert time.monotonic() - started < 5  # one byte every 50 ms would take ~10 s; retries included
