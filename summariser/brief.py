"""The brief's data models: the draft the model fills, and the grounded Brief the user gets.

The model never copies the article: it answers with the ids code gave the article's sentences,
quoted passages and casualty mentions (`summariser.anchors`), and code turns ids into text and spans.
The draft's field descriptions are prompt text: instructor sends them inside the schema, and
`field_guide` puts them in the system prompt for servers that enforce a schema without showing it.
"""

from collections.abc import Sequence
from enum import StrEnum
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
)

SCHEMA_VERSION = "2"

Span = tuple[int, int]


class ActorKind(StrEnum):
    person = "person"
    government = "government"
    military = "military"
    armed_group = "armed_group"
    organisation = "organisation"
    other = "other"


class Outcome(StrEnum):
    killed = "killed"
    injured = "injured"
    missing = "missing"
    displaced = "displaced"
    detained = "detained"
    other = "other"


class ResponseKind(StrEnum):
    military_aid = "military_aid"
    humanitarian_aid = "humanitarian_aid"
    sanctions = "sanctions"
    diplomatic = "diplomatic"
    statement = "statement"
    other = "other"


# What a reader is shown of the model's own words, at most: a headline is one line, a summary a
# paragraph, an item's wording a sentence or two. The schema says so (a constrained decoder obeys);
# parsing never rejects a longer field, the brief cuts it and flags it (`pipeline.assemble`).
HEADLINE_CHARS = 150
SUMMARY_CHARS = 1200
WRITTEN_SUMMARY_CHARS = 500  # what the second request's schema allows: four short sentences
ITEM_CHARS = 400


# How many items a list may hold, in the schema only: a small model that lists every quote again as a
# "development" spends minutes writing what the brief already has.
MOST_DEVELOPMENTS = 3
MOST_RESPONSES = 5


def _limited(chars: int, **kwargs: Any) -> Any:
    return Field(json_schema_extra={"maxLength": chars}, **kwargs)


# --- What the model fills -------------------------------------------------------------------------

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
# article's names or a closed set, the per-article schema (`summariser.choices`) makes it an enum. The
# second request writes: the headline, the summary, and a few words for each development and response,
# from the checked sentences alone (`Writing`). Placeholders only in these descriptions: a name from a
# real article here turns up in briefs of other articles.
DEVELOPMENT_WORDS = 15
_WRITTEN = {"written": "in the second request"}  # a field the extraction leaves to `Writing`
_IN_KEY = {"answered": "by the id it is keyed under"}  # a field the model's answer gives as its key


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
    (`summariser.choices`), and code reads what the body did off the sentence."""

    evidence: str = Field(description="The sentence that reports it (S…).", json_schema_extra=_IN_KEY)
    actor: str = Field(description="The government or body, as listed.", json_schema_extra=_IN_KEY)
    kind: ResponseKind | None = Field(description="What they did; null if nothing about the story.")


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

    @field_validator("quotes", "casualty_claims", mode="before")
    @classmethod
    def _answers_by_id(cls, value: Any) -> Any:
        """The contract allows answers as a list of items carrying their id, or keyed by id."""
        if isinstance(value, list):
            return {str(item.get("id")): item for item in value if isinstance(item, dict)}
        return value


_HEADLINE = _limited(
    HEADLINE_CHARS, description="One line of your own, at most 150 characters: the bottom line."
)
_SUMMARY = _limited(
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
    summary: str = _limited(
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
        if info.json_schema_extra in (_WRITTEN, _IN_KEY):
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


# --- What the user gets ---------------------------------------------------------------------------


class Grounded(BaseModel):
    """Where an item stands in the source; set by code, never by the model."""

    span: Span | None = Field(
        default=None,
        description="[start, end) character offsets into the source text as read (with --merge, into "
        "the first of `sources`); null if not found.",
    )
    verified: bool = Field(
        default=False,
        description="True only when the item's text was found in the source under the trust rules.",
    )


class Sourced(BaseModel):
    """Which of several merged sources an item came from; absent from single-source briefs."""

    sources: list[str] | None = Field(
        default=None, description="Only with --merge: the sources this item was found in."
    )

    @model_serializer(mode="wrap")
    def _without_sources_unless_merged(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data = handler(self)
        if data.get("sources") is None:
            data.pop("sources", None)
        return data


class _Development(BaseModel):
    text: str
    evidence: str = Field(description="The sentence of the article that reports it, verbatim.")


class _Actor(BaseModel):
    name: str = Field(description="As the article writes it in full.")
    kind: ActorKind
    role: str = Field(default="", description="The article's own title or apposition for them, or empty.")
    affiliation: str | None = Field(default=None, description="The country or body their title names.")


class _Quote(BaseModel):
    speaker: str = Field(description="Who said it, as the article names them; also among actors.")
    text: str = Field(description="The passage between quotation marks, verbatim, without the marks.")
    context: str | None = Field(default=None, description="Where it was said, as its sentence puts it.")


class _Claim(BaseModel):
    figure: str = Field(description="The number phrase as the article writes it ('about N').")
    count_min: int | None = Field(
        default=None, description="The lowest count the figure allows, read by code."
    )
    count_max: int | None = Field(default=None, description="The highest count it allows, read by code.")
    outcome: Outcome
    who: str
    location: str | None = None
    claimed_by: str | None = Field(
        description="Who gives the figure, as the article names them; null when the article names no "
        "source (shown as unattributed in the source, never as fact)."
    )
    qualifier: str | None = Field(
        default=None, description="The hedges the article puts on the figure, as it writes them."
    )
    evidence: str = Field(description="The sentence of the article holding the figure, verbatim.")


class _Response(BaseModel):
    actor: str
    kind: ResponseKind
    description: str
    evidence: str = Field(description="The sentence of the article that reports it, verbatim.")


class KeyDevelopment(Sourced, Grounded, _Development):
    pass


class Actor(Sourced, _Actor):
    pass


class Quote(Sourced, Grounded, _Quote):
    pass


class CasualtyClaim(Sourced, Grounded, _Claim):
    pass


class InternationalResponse(Sourced, Grounded, _Response):
    pass


class Dropped(BaseModel):
    field: str
    item: dict[str, Any]
    reason: str

    def label(self) -> str:
        """The words that identify the dropped item to a reader: its text, name or figure."""
        item = self.item
        words = item.get("text") or item.get("name") or item.get("figure") or item.get("actor")
        return str(words or item.get("id") or item.get("evidence") or "")


class MissedPassage(BaseModel):
    field: str
    text: str
    span: Span
    sentence: str | None = Field(
        default=None, description="The sentence of the article it stands in, so it can be shown alone."
    )


class Missed(Sourced, MissedPassage):
    pass


class Flag(BaseModel):
    kind: str = Field(
        description="'injection': a passage addressing instructions to an AI, withheld from the "
        "model (span null when the page hid it from its readers); 'possible_injection': a passage that "
        "reads like one, kept for the model, for the editor to check; 'unsupported': a name or number "
        "in the headline or summary that the article does not hold; 'contradiction': the brief denies "
        "casualties the article reports; 'summary': the summary copies the article; 'truncated': a "
        "field of the model's own words was cut to its limit (headline 150 characters on one line, "
        "summary 1,200 and five sentences, an item's 400)."
    )
    text: str
    span: Span | None = Field(description="Where in the source, when it stands there.")


class Verification(BaseModel):
    status: Literal["verified", "partial"] = Field(
        description="'verified' when nothing had to be dropped, else 'partial'."
    )
    dropped: list[Dropped] = Field(default_factory=list)
    missed: list[Missed] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)


class SourceInfo(BaseModel):
    name: str
    sha256: str
    chars: int


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0

    def add(self, reported: "Usage | dict[str, Any]") -> None:
        """Add another count, or a response's `usage` object as the server sent it (ignoring what
        is missing or not a number)."""
        values = reported.model_dump() if isinstance(reported, Usage) else reported
        for name in ("prompt_tokens", "completion_tokens", "total_tokens"):
            value = values.get(name)
            if isinstance(value, int):
                setattr(self, name, getattr(self, name) + value)


class Meta(BaseModel):
    model: str
    prompt_version: str
    schema_version: str = SCHEMA_VERSION
    source: SourceInfo
    usage: Usage = Field(default_factory=Usage)
    attempts: int = Field(description="Model requests made for this brief, re-asks and retries included.")
    latency_ms: int
    cached: bool = False


class Brief(BaseModel):
    """A validated, source-grounded brief of one article."""

    model_config = ConfigDict(title="Brief")

    headline: str
    summary: str
    key_developments: list[KeyDevelopment]
    actors: list[Actor]
    quotes: list[Quote]
    casualty_claims: list[CasualtyClaim]
    international_responses: list[InternationalResponse]
    verification: Verification
    meta: Meta


def brief_json_schema() -> dict:
    """The output schema as `schemas/brief.schema.json` holds it."""
    schema = Brief.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"urn:summariser:brief:v{SCHEMA_VERSION}"
    return schema
