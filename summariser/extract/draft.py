"""What the model answers, in two requests, and the field guide that tells it so.

The extraction chooses: where the answer is one of the article's own names or a closed set, the
per-article schema (`summariser.extract.choices`) makes it an enum. The second request writes: the
headline, the summary, and a few words for each development, from the checked sentences alone
(`Writing`). The fields' descriptions are prompt text: instructor sends them inside the schema, and
`field_guide` puts them in the system prompt for servers that enforce a schema without showing it.
Placeholders only in these descriptions: a name from a real article here turns up in briefs of
other articles.
"""

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.config import JsonDict

from summariser.brief import (
    HEADLINE_CHARS,
    MOST_DEVELOPMENTS,
    MOST_RESPONSES,
    SUMMARY_CHARS,
    WRITTEN_SUMMARY_CHARS,
    Outcome,
    ResponseKind,
    limited,
)

_NOTHING = {"", "null", "none", "n/a", "na", "unknown", "-"}


class _DraftItem(BaseModel):
    """Small models write "null" or "N/A" as text where they mean no value; a brief shows no value."""

    @field_validator("speaker", "claimed_by", mode="before", check_fields=False)
    @classmethod
    def _no_value(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() in _NOTHING:
            return None
        return value.strip() if isinstance(value, str) else value


# The model's answers, in two requests. The extraction chooses: where the answer is one of the
# article's names or a closed set, the per-article schema (`summariser.extract.choices`) makes it an enum. The
# second request writes: the headline, the summary, and a few words for each development and response,
# from the checked sentences alone (`Writing`). Placeholders only in these descriptions: a name from a
# real article here turns up in briefs of other articles.
DEVELOPMENT_WORDS = 15


_WRITTEN: JsonDict = {"written": "in the second request"}  # a field the extraction leaves to `Writing`


_IN_KEY: JsonDict = {"answered": "by the id it is keyed under"}  # a field the model's answer gives as its key
_BY_CODE: JsonDict = {"filled": "by code"}  # a field no model answers: what code could not read of its answer


class DevelopmentDraft(_DraftItem):
    evidence: str = Field(description="The id of a sentence that carries the news (S…), not background.")
    text: str = Field(
        default="", description="What happened, in at most 12 words.", json_schema_extra=_WRITTEN
    )


class QuoteAnswer(_DraftItem):
    speaker: str | None = Field(
        description="Whose words, one of the names listed for the passage; null for a term, a title or "
        "scare quotes inside the writer's sentence."
    )


class ClaimAnswer(_DraftItem):
    outcome: Outcome | None = Field(description="What happened to them; null if it counts no people harmed.")
    claimed_by: str | None = Field(
        default=None,
        description="Who gives the figure, one of the names listed for it; null only if the article names "
        "no source.",
    )


class ResponseDraft(_DraftItem):
    """A response as the draft holds it; the model answers it by the R id of its sentence and body
    (`summariser.extract.choices`), and code reads what the body did off the sentence."""

    evidence: str = Field(description="The sentence that reports it (S…).", json_schema_extra=_IN_KEY)
    actor: str = Field(description="The government or body, as listed.", json_schema_extra=_IN_KEY)
    kind: ResponseKind | None = Field(description="What they did; null if nothing about the story.")


class Unreadable(BaseModel):
    """An answer that could not be read as its item: which, and why, for the re-ask and the editor."""

    field: str
    id: str
    reason: str


def read_each(
    answers: dict[Any, Any], item: type[BaseModel], field: str, unreadable: list[Unreadable]
) -> dict[str, Any]:
    """The answers that read as `item`, by key; the rest noted in `unreadable`."""
    read = {}
    for key, answer in answers.items():
        try:
            read[key] = item.model_validate(answer)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            unreadable.append(
                Unreadable(field=field, id=str(key), reason=f"{where or 'answer'}: {first['msg']}")
            )
    return read


class Extraction(BaseModel):
    """What one news article holds, answered with the ids of its passages and the names it holds."""

    model_config = ConfigDict(title="Extraction")

    quotes: dict[str, QuoteAnswer] = Field(default_factory=dict, description="For every Q id.")
    casualty_claims: dict[str, ClaimAnswer] = Field(default_factory=dict, description="For every C id.")
    key_developments: list[DevelopmentDraft] = Field(
        default_factory=list,
        json_schema_extra={"maxItems": MOST_DEVELOPMENTS},
        description="The one to three sentences that report what happened (the news, not background), "
        "most important first, from the sentences listed.",
    )
    international_responses: list[ResponseDraft] = Field(
        default_factory=list,
        json_schema_extra={"maxItems": MOST_RESPONSES, "keyed": True},
        description="For every R id (a sentence and a government or body from outside the story's own "
        "countries that it names): what that body did there, or null if it did nothing about the story.",
    )

    unreadable: list[Unreadable] = Field(default_factory=list, json_schema_extra=_BY_CODE)

    @model_validator(mode="before")
    @classmethod
    def _item_by_item(cls, data: Any) -> Any:
        """Each answer read alone: one that is null, of the wrong type or outside its closed set is
        that item's fault, set aside in `unreadable` (re-asked, then dropped and listed), and the
        rest of the answer stands. Answers may come as a list of items carrying their id, or keyed
        by id; a development may be its sentence's id alone."""
        if not isinstance(data, dict):
            return data
        data, unreadable = dict(data), list(data.get("unreadable") or [])
        for field, item in (("quotes", QuoteAnswer), ("casualty_claims", ClaimAnswer)):
            answers = data.get(field)
            if isinstance(answers, list):
                answers = {str(a.get("id")): a for a in answers if isinstance(a, dict)}
            if isinstance(answers, dict):
                data[field] = read_each(answers, item, field, unreadable)
        developments = data.get("key_developments")
        if isinstance(developments, list):
            read = {str(n): {"evidence": d} if isinstance(d, str) else d for n, d in enumerate(developments)}
            data["key_developments"] = list(
                read_each(read, DevelopmentDraft, "key_developments", unreadable).values()
            )
        if "international_responses" in data:
            data["international_responses"] = cls._responses(data["international_responses"], unreadable)
        data["unreadable"] = unreadable
        return data

    @classmethod
    def _responses(cls, value: Any, unreadable: list[Unreadable]) -> Any:
        """The responses as listed items; an article's own schema reads them by R id."""
        if isinstance(value, list):
            read = {str(n): r for n, r in enumerate(value)}
            return list(read_each(read, ResponseDraft, "international_responses", unreadable).values())
        return value


_HEADLINE = limited(
    HEADLINE_CHARS, description="One line of your own, at most 150 characters: the bottom line."
)


_SUMMARY = limited(
    SUMMARY_CHARS,
    description="Two to four short sentences of your own that an editor reads in ten seconds: what "
    "happened, who says so, what comes next. Never copy the article's sentences.",
)


class Headline(BaseModel):
    """The headline and summary of one news article, written from what was checked in it."""

    model_config = ConfigDict(title="Headline")

    headline: str = _HEADLINE
    summary: str = _SUMMARY


class Writing(BaseModel):
    """The second request: the model's own words for what the extraction chose, then the headline
    and summary, all from the checked sentences alone (with the whole article in view, a small model
    copies it). Developments are keyed by the ids the request gives them (D1…)."""

    model_config = ConfigDict(title="Writing")

    developments: dict[str, str] = Field(
        default_factory=dict,
        description="For every D id: what happened, like a headline, in at most 10 words of your own.",
    )
    headline: str = _HEADLINE
    summary: str = limited(
        WRITTEN_SUMMARY_CHARS,
        description="Two to four short sentences of your own, at most 60 words: what happened, who says "
        "so, what comes next. Never copy the facts' sentences.",
    )


DEVELOPMENT_CHARS = 80  # in the schema: ten words fit, a sentence pasted back does not


def writing_for(developments: Sequence[str]) -> type[Writing]:
    """The second request's answer as one brief states it: a few words for every D id given."""

    class BriefWriting(Writing):
        @classmethod
        def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
            schema = super().model_json_schema(*args, **kwargs)
            words = {"type": "string", "maxLength": DEVELOPMENT_CHARS}
            schema["properties"]["developments"] = {
                "type": "object",
                "description": schema["properties"]["developments"]["description"],
                "properties": {key: words for key in developments},
                "required": list(developments),
                "additionalProperties": False,
            }
            return schema

    BriefWriting.model_config["title"] = "Writing"
    return BriefWriting


class Draft(Headline, Extraction):
    """A brief as the model answered it, in two requests: what the article holds, then its headline
    and summary (a small model asked for both at once pastes the article's opening as its summary)."""

    model_config = ConfigDict(title="Draft")


def field_guide(model: type[BaseModel] = Extraction, indent: str = "") -> str:
    """The draft's field descriptions as prompt text. Servers that constrain output to a JSON schema
    (llama.cpp, vLLM) enforce its shape but never show the model its descriptions, so they go in the
    prompt too, whatever the mode."""
    lines = []
    for name, info in model.model_fields.items():
        if info.json_schema_extra in (_WRITTEN, _IN_KEY, _BY_CODE):
            continue
        item, keyed = _item_model(info.annotation)
        keyed = keyed or (isinstance(info.json_schema_extra, dict) and "keyed" in info.json_schema_extra)
        words = [info.description or ""]
        for option in (info.annotation, *getattr(info.annotation, "__args__", ())):
            if isinstance(option, type) and issubclass(option, StrEnum):
                words.append("One of: " + ", ".join(member.value for member in option) + ".")
        marker = "{id: …}" if keyed else "[]" if item else ""
        lines.append(f"{indent}- {name}{marker}: {' '.join(w for w in words if w)}")
        if item:
            lines.append(field_guide(item, indent + "  "))
    return "\n".join(lines)


def _item_model(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model a list or an id-keyed mapping holds, and whether it is keyed."""
    args = getattr(annotation, "__args__", ())
    last = args[-1] if args else None
    if isinstance(last, type) and issubclass(last, BaseModel):
        return last, len(args) == 2
    return None, False
