"""OpenAI's own API is asked to hold the answer to the schema; other servers get the request as it was.

The requests go over HTTP to the scripted server on 127.0.0.1; the ones addressed to OpenAI reach it
through a transport that sends them there instead, so nothing leaves the machine."""

from typing import Any

import httpx
import pytest

from summariser.config import Settings
from summariser.input.sources import Article
from summariser.model.client import connect
from summariser.model.strict import enforces_schema, strict_schema
from summariser.runs.pipeline import Session
from tests.conftest import SEED, Reply, completion, handwritten
from tests.scripted import tool_call

OPENAI = "https://api.openai.com/v1"


class ToScripted(httpx.BaseTransport):
    """Sends every request to the scripted server, whatever host it names."""

    def __init__(self, url: str) -> None:
        self.url = httpx.URL(url)
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme="http", host=self.url.host, port=self.url.port)
        return self.inner.handle_request(request)


def brief_over(server: Any, base_url: str, mode: str) -> list[dict[str, Any]]:
    settings = Settings(base_url=base_url, api_key="sk-test", model="m", mode=mode, cache=False)
    transport = ToScripted(server.url)
    with Session(settings, connector=lambda s: connect(s, answered_by=transport)) as session:
        session.brief(Article(str(SEED), SEED.read_text(encoding="utf-8")))
    return [r["body"] for r in server.requests]


def schemas_of(body: dict[str, Any]) -> list[tuple[dict[str, Any], Any]]:
    """(the schema, its strict flag) of each schema a request sends."""
    if "tools" in body:
        return [(t["function"]["parameters"], t["function"].get("strict")) for t in body["tools"]]
    spec = body["response_format"]["json_schema"]
    return [(spec["schema"], spec.get("strict"))]


def strict_faults(schema: dict[str, Any], path: str = "$") -> list[str]:
    """What OpenAI's strict mode refuses in a schema, as its documentation states the rules."""
    faults = []
    if "type" not in schema and "anyOf" not in schema:
        faults.append(f"{path}: no type")
    if schema.get("type") == "object":
        properties = schema.get("properties", {})
        if schema.get("additionalProperties") is not False:
            faults.append(f"{path}: other keys allowed")
        if sorted(schema.get("required", [])) != sorted(properties):
            faults.append(f"{path}: not every key required")
        for name, sub in properties.items():
            faults += strict_faults(sub, f"{path}.{name}")
    if schema.get("type") == "array":
        if "items" not in schema:
            faults.append(f"{path}: items unstated")
        else:
            faults += strict_faults(schema["items"], f"{path}[]")
    faults += [f"{path}: {key}" for key in ("maxLength", "minLength", "default") if key in schema]
    return faults


def test_only_openais_own_api_is_asked_to_enforce_the_schema():
    assert enforces_schema(None)
    assert enforces_schema(OPENAI)
    assert not enforces_schema(None, replaying=True), "a recording made elsewhere replays as it was"
    assert enforces_schema(OPENAI, replaying=True)
    assert not enforces_schema("http://127.0.0.1:8080/v1")
    assert not enforces_schema("https://api.openai.com.example.net/v1")
    assert not enforces_schema("http://localhost:11434/v1")


@pytest.mark.parametrize("mode", ["tools", "json_schema"])
def test_every_request_to_openai_asks_for_a_strict_schema_it_accepts(model_server, mode):
    draft = handwritten("kreminna-faithful")
    reply = Reply(body=tool_call(draft) if mode == "tools" else completion(draft))
    server = model_server(reply)

    bodies = brief_over(server, OPENAI, mode)

    assert len(bodies) == 2  # the extraction and the writing
    for body in bodies:
        for schema, strict in schemas_of(body):
            assert strict is True
            assert strict_faults(schema) == []


@pytest.mark.parametrize("mode", ["tools", "json_schema"])
def test_a_server_other_than_openai_gets_the_schema_unmarked(model_server, mode):
    draft = handwritten("kreminna-faithful")
    server = model_server(Reply(body=tool_call(draft) if mode == "tools" else completion(draft)))

    bodies = brief_over(server, server.url, mode)

    assert all(strict is not True for body in bodies for _, strict in schemas_of(body))


def test_a_strict_schema_keeps_every_choice_and_states_the_type_of_each_enum():
    schema = {
        "type": "object",
        "properties": {
            "speaker": {"enum": ["Anna Kowal", None]},
            "headline": {"type": "string", "maxLength": 150, "title": "Headline"},
            "news": {"type": "array", "maxItems": 0},
        },
        "required": ["speaker"],
    }

    strict = strict_schema(schema)

    assert strict["properties"]["speaker"] == {"enum": ["Anna Kowal", None], "type": ["null", "string"]}
    assert strict["properties"]["headline"] == {"type": "string"}
    assert strict["properties"]["news"]["maxItems"] == 0
    assert strict_faults(strict) == []
    assert schema["required"] == ["speaker"], "the schema given is left as it was"
