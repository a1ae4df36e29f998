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
ITEM_CHARS = 400


# How many items a list may hold, in the schema only: a small model that lists every quote again as a
# "development" spends minutes writing what the brief already has.
MOST_DEVELOPMENTS = 4
MOST_ACTORS = 10
MOST_RESPONSES = 5


def _limited(chars: int, **kwargs: Any) -> Any:
    return Field(json_schema_extra={"maxLength": chars}, **kwargs)


# --- What the model fills -------------------------------------------------------------------------

_NOTHING = {"", "null", "none", "n/a", "na", "unknown", "-"}


class _DraftItem(BaseModel):
    """Small models write "null" or "N/A" as text where they mean no value; a brief shows no value."""

    @field_validator(
        "affiliation",
        "context",
        "location",
        "qualifier",
        "speaker",
        "claimed_by",
        mode="before",
        check_fields=False,
    )
    @classmethod
    def _no_value(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() in _NOTHING:
            return None
        return value.strip() if isinstance(value, str) else value


class DevelopmentDraft(_DraftItem):
    text: str = _limited(
        ITEM_CHARS, description="Who did what, where, when, in at most 15 words of your own."
    )
    evidence: str = Field(description="The id of the sentence that reports it (S…).")


class ActorDraft(_DraftItem):
    name: str = Field(description="As the article writes it, in full ('Serhiy Gaidai', 'Pentagon').")
    kind: ActorKind = Field(description="")
    role: str = _limited(ITEM_CHARS, description="Their part in the story, in a few words.")
    affiliation: str | None = _limited(
        ITEM_CHARS, default=None, description="Their country or body, or null."
    )


class QuoteAnswer(_DraftItem):
    speaker: str | None = Field(
        description="Whose words they are, as the article names them (the hint lists who is named near "
        "it); null for a term, a title or scare quotes inside the writer's sentence."
    )
    context: str | None = _limited(ITEM_CHARS, default=None, description="Where it was said, or null.")


class ClaimAnswer(_DraftItem):
    outcome: Outcome | None = Field(description="What happened to them; null if it counts no people harmed.")
    who: str = _limited(ITEM_CHARS, default="", description="Who they are (civilians, soldiers…).")
    location: str | None = _limited(ITEM_CHARS, default=None, description="Where, or null.")
    claimed_by: str | None = Field(
        default=None,
        description="Who gives the figure, as the article names them (a person, 'local authorities', a "
        "ministry); null only if the article names no one. Never add figures up.",
    )
    qualifier: str | None = _limited(
        ITEM_CHARS, default=None, description="The source's hedge ('in reality many more'), or null."
    )
    count_min: int | None = Field(default=None, description="Lowest number it allows, or null.")
    count_max: int | None = Field(default=None, description="Highest number it allows, or null.")


class ResponseDraft(_DraftItem):
    actor: str = Field(
        description="The government or body, as the article names it ('Britain', 'Pentagon'), not a "
        "person speaking for it."
    )
    kind: ResponseKind = Field(description="")
    description: str = _limited(ITEM_CHARS, description="What they did or said, in one sentence.")
    evidence: str = Field(description="The id of the sentence that reports it (S…).")


class Extraction(BaseModel):
    """What one news article holds, answered with the ids of the article's own passages."""

    model_config = ConfigDict(title="Extraction")

    key_developments: list[DevelopmentDraft] = Field(
        default_factory=list,
        json_schema_extra={"maxItems": MOST_DEVELOPMENTS},
        description="The main new events, at most four, most important first.",
    )
    actors: list[ActorDraft] = Field(
        default_factory=list,
        json_schema_extra={"maxItems": MOST_ACTORS},
        description="Who acts or speaks in the story, each once, every speaker and claimant too.",
    )
    quotes: dict[str, QuoteAnswer] = Field(default_factory=dict, description="For every Q id.")
    casualty_claims: dict[str, ClaimAnswer] = Field(default_factory=dict, description="For every C id.")
    international_responses: list[ResponseDraft] = Field(
        default_factory=list,
        json_schema_extra={"maxItems": MOST_RESPONSES},
        description="What governments and bodies from outside the story's own countries did or "
        "said about it (the hint lists the sentences that name them).",
    )

    @field_validator("quotes", "casualty_claims", mode="before")
    @classmethod
    def _answers_by_id(cls, value: Any) -> Any:
        """The contract allows answers as a list of items carrying their id, or keyed by id."""
        if isinstance(value, list):
            return {str(item.get("id")): item for item in value if isinstance(item, dict)}
        return value


class Headline(BaseModel):
    """The headline and summary of one news article, written from what was checked in it."""

    model_config = ConfigDict(title="Headline")

    headline: str = _limited(
        HEADLINE_CHARS,
        description="One line of your own, at most 150 characters: the bottom line.",
    )
    summary: str = _limited(
        SUMMARY_CHARS,
        description="Two to four short sentences of your own that an editor reads in ten seconds: what "
        "happened, who says so, what comes next. Never copy the article's sentences.",
    )


class Draft(Headline, Extraction):
    """A brief as the model answered it, in two requests: what the article holds, then its headline
    and summary (a small model asked for both at once pastes the article's opening as its summary)."""

    model_config = ConfigDict(title="Draft")


def extraction_for(
    sentences: Sequence[str], passages: Sequence[str], mentions: Sequence[str]
) -> type[Extraction]:
    """The draft as one article's request states it: evidence one of its sentence ids, and every
    passage and mention answered by id, so a constrained decoder (json_schema, strict tools) can
    neither invent an id nor skip one. Parsing stays lenient (any string, any key): an id that does
    not exist is dropped item by item in grounding, never costing the whole brief."""

    class ArticleExtraction(Extraction):
        @classmethod
        def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
            schema = super().model_json_schema(*args, **kwargs)
            defs = schema["$defs"]
            for name in ("DevelopmentDraft", "ResponseDraft"):
                defs[name]["properties"]["evidence"]["enum"] = list(sentences)
            for field_name, ids, item in (
                ("quotes", passages, "QuoteAnswer"),
                ("casualty_claims", mentions, "ClaimAnswer"),
            ):
                schema["properties"][field_name] = {
                    "type": "object",
                    "description": schema["properties"][field_name]["description"],
                    "properties": {i: {"$ref": f"#/$defs/{item}"} for i in ids},
                    "required": list(ids),
                    "additionalProperties": False,
                }
                if not ids:
                    del defs[item]
            return schema

    ArticleExtraction.model_config["title"] = "Extraction"
    return ArticleExtraction


def field_guide(model: type[BaseModel] = Extraction, indent: str = "") -> str:
    """The draft's field descriptions as prompt text. Servers that constrain output to a JSON schema
    (llama.cpp, vLLM) enforce its shape but never show the model its descriptions, so they go in the
    prompt too, whatever the mode."""
    lines = []
    for name, info in model.model_fields.items():
        item, keyed = _item_model(info.annotation)
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


class _Quote(BaseModel):
    speaker: str = Field(description="Who said it, as the article names them; also among actors.")
    text: str = Field(description="The passage between quotation marks, verbatim, without the marks.")
    context: str | None = None


class _Claim(BaseModel):
    figure: str = Field(description="The number phrase as the article writes it ('about 200').")
    count_min: int | None = None
    count_max: int | None = None
    outcome: Outcome
    who: str
    location: str | None = None
    claimed_by: str | None = Field(
        description="Who gives the figure, as the article names them; null when the article names no "
        "source (shown as unattributed in the source, never as fact)."
    )
    qualifier: str | None = None
    evidence: str = Field(description="The sentence of the article holding the figure, verbatim.")


class _Response(BaseModel):
    actor: str
    kind: ResponseKind
    description: str
    evidence: str = Field(description="The sentence of the article that reports it, verbatim.")


class KeyDevelopment(Sourced, Grounded, _Development):
    pass


class Actor(Sourced, ActorDraft):
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
        return str(words or item.get("id") or "")


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
