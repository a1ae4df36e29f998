"""The local provider: clear refusals before anything starts, and a real model end to end when one
is given (`SUMMARISER_LOCAL_MODEL=path.gguf pytest -m local`)."""

import os
from pathlib import Path

import pytest

from summariser import InputError, ProviderError, summarise
from summariser.config import Settings
from summariser.model.local import exit_when_orphaned, serving
from tests.conftest import SEED


def test_a_missing_model_file_is_refused(tmp_path):
    with (
        pytest.raises(InputError, match="no such model file"),
        serving(Settings(local_model=tmp_path / "x.gguf")),
    ):
        pass


def test_a_file_that_is_not_gguf_is_refused(tmp_path):
    model = tmp_path / "model.gguf"
    model.write_bytes(b"<html>a download error page</html>")
    with pytest.raises(InputError, match="not a GGUF model file"), serving(Settings(local_model=model)):
        pass


def test_a_model_that_cannot_load_fails_to_start_with_one_line(tmp_path):
    model = tmp_path / "broken.gguf"
    model.write_bytes(b"GGUF" + b"\0" * 64)
    failed = pytest.raises(ProviderError, match="the local model server failed to start")
    with failed, serving(Settings(local_model=model)):
        pass


def test_the_server_leaves_once_its_parent_is_gone_and_not_before():
    parents = iter([41, 41, 41, 1])  # re-parented to init on the fourth look
    waits: list[float] = []
    left: list[int] = []
    exit_when_orphaned(41, parent_now=lambda: next(parents), wait=waits.append, leave=left.append)
    assert waits == [1.0, 1.0, 1.0] and left == [0]


def test_without_a_local_model_settings_pass_through():
    settings = Settings(model="m")
    with serving(settings) as served:
        assert served is settings


@pytest.mark.local
@pytest.mark.skipif(
    not os.environ.get("SUMMARISER_LOCAL_MODEL"), reason="set SUMMARISER_LOCAL_MODEL to a GGUF"
)
def test_a_real_local_model_gives_a_grounded_brief_with_no_key():
    brief = summarise(str(SEED), local_model=Path(os.environ["SUMMARISER_LOCAL_MODEL"]), cache=False)
    text = SEED.read_text(encoding="utf-8")
    assert brief.meta.model == Path(os.environ["SUMMARISER_LOCAL_MODEL"]).name  # named as its GGUF file
    assert 1 <= brief.meta.attempts <= 3
    for quote in brief.quotes:
        start, end = quote.span
        assert quote.verified and text[start:end]


@pytest.mark.local
@pytest.mark.skipif(
    not os.environ.get("SUMMARISER_LOCAL_MODEL"), reason="set SUMMARISER_LOCAL_MODEL to a GGUF"
)
def test_the_local_model_a_client_starts_is_stopped_when_it_closes():
    import httpx

    from summariser import Summariser

    client = Summariser(local_model=Path(os.environ["SUMMARISER_LOCAL_MODEL"]), cache=False)
    base_url = str(client._session.settings.base_url)
    assert httpx.get(f"{base_url}/models", timeout=10).status_code == 200

    client.close()

    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base_url}/models", timeout=10)
