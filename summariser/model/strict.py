"""Asking a provider that can enforce the schema to do so: OpenAI's strict function calling (`tools`
mode) and strict structured outputs (`json_schema` mode).

Other OpenAI-compatible servers take or ignore the flag in ways of their own (llama.cpp and vLLM hold
the answer to the schema whatever it says), so it is sent only to OpenAI's own API. The checks after
the answer (grounding holds every id, name, outcome and kind to what was offered) stand in every
mode: strictness is one more fence, never the only one.
"""

from typing import Any

import httpx

OPENAI_HOST = "api.openai.com"

# what OpenAI's strict mode does not take in a schema; the answer is held to them after it comes
_NOT_TAKEN = ("maxLength", "minLength", "default", "title")


def enforces_schema(base_url: str | None, replaying: bool = False) -> bool:
    """Whether the endpoint is OpenAI's own API, which holds an answer to a strict schema. A replay
    asks for it only where the recording was made against OpenAI (its base URL given)."""
    if base_url is None:
        return not replaying
    return httpx.URL(base_url).host == OPENAI_HOST


def strict_request(body: dict[str, Any]) -> dict[str, Any]:
    """The request with its schema marked strict and written in the subset strict mode takes."""
    body = dict(body)
    if "tools" in body:
        body["tools"] = [_strict_tool(tool) for tool in body["tools"]]
    response_format = body.get("response_format")
    if isinstance(response_format, dict) and response_format.get("type") == "json_schema":
        spec = dict(response_format["json_schema"])
        spec["schema"] = strict_schema(spec["schema"])
        spec["strict"] = True
        body["response_format"] = {**response_format, "json_schema": spec}
    return body


def _strict_tool(tool: dict[str, Any]) -> dict[str, Any]:
    function = dict(tool["function"])
    function["parameters"] = strict_schema(function["parameters"])
    function["strict"] = True
    return {**tool, "function": function}


def strict_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy every object of which forbids other keys and requires all its own, every array of
    which says what its items are, and every enum of which says its type, as strict mode asks."""
    out = {key: value for key, value in schema.items() if key not in _NOT_TAKEN}
    if "properties" in out:
        out["type"] = "object"
        out["properties"] = {name: strict_schema(sub) for name, sub in out["properties"].items()}
        out["required"] = list(out["properties"])
        out["additionalProperties"] = False
    if "$defs" in out:
        out["$defs"] = {name: strict_schema(sub) for name, sub in out["$defs"].items()}
    for union in ("anyOf", "allOf"):
        if union in out:
            out[union] = [strict_schema(sub) for sub in out[union]]
    if out.get("type") == "array":
        out["items"] = strict_schema(out.get("items") or _NOTHING)
    if "enum" in out and "type" not in out:
        out["type"] = _types_of(out["enum"])
    return out


# the items of an array that may hold none ("maxItems": 0): an object with no keys
_NOTHING: dict[str, Any] = {"type": "object", "properties": {}}


def _types_of(values: list[Any]) -> str | list[str]:
    names = {str: "string", bool: "boolean", int: "integer", float: "number", type(None): "null"}
    found = sorted({names[type(value)] for value in values})
    return found[0] if len(found) == 1 else found
