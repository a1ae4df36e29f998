"""The brief's data models: the draft the model fills, and the grounded Brief the user gets.

Field descriptions here are prompt text: instructor sends them to the model inside the schema, so
they are written to the model, saying what counts and what does not.
"""

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

SCHEMA_VERSION = "1"

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


_EVIDENCE = (
    "One sentence copied character for character from the article that supports this item. "
    "Copy it; do not paraphrase, shorten or join sentences."
)


# --- What the model fills -------------------------------------------------------------------------

_NOTHING = {"", "null", "none", "n/a", "na", "unknown", "-"}


class _DraftItem(BaseModel):
    """Small models write "null" or "N/A" as text where they mean no value; a brief shows no value."""

    @field_validator("affiliation", "context", "location", "qualifier", mode="before", check_fields=False)
    @classmethod
    def _no_value(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() in _NOTHING:
            return None
        return value.strip() if isinstance(value, str) else value


class KeyDevelopmentDraft(_DraftItem):
    text: str = Field(
        description="One new event or change reported in the article (who did what, where, when), "
        "in your own plain words, one sentence. Background and commentary are not developments."
    )
    evidence: str = Field(description=_EVIDENCE)


class ActorDraft(_DraftItem):
    name: str = Field(
        description="The name exactly as the article writes it, full form where the article gives "
        "one (e.g. 'Serhiy Gaidai', 'Pentagon'). Never correct or translate the spelling."
    )
    kind: ActorKind = Field(description="What sort of actor this is.")
    role: str = Field(description="Their part in this story, in a few words.")
    affiliation: str | None = Field(
        default=None, description="Country or body they belong to, if the article says; else null."
    )


class QuoteDraft(_DraftItem):
    speaker: str = Field(
        description="The person the article says spoke these words ('..., Serhiy Gaidai told a "
        "briefing'; a later 'he said' refers back to the last person named), named as the article "
        "names them; must also be listed in actors."
    )
    text: str = Field(
        description="The exact words that stand between quotation marks in the article, copied "
        "character for character, without the quotation marks. Reported speech (said that ...) is "
        "not a quote. Never join two separate quotations into one."
    )
    context: str | None = Field(
        default=None, description="Where or when it was said (a briefing, parliament), or null."
    )


class CasualtyClaimDraft(_DraftItem):
    figure: str = Field(
        description="The number of people exactly as the article writes it, words included "
        "(e.g. 'about 200', 'thousands'). Never compute, convert or total figures."
    )
    count_min: int | None = Field(
        default=None, description="Lowest number the figure allows, if it gives one; else null."
    )
    count_max: int | None = Field(
        default=None, description="Highest number the figure allows, if it gives one; else null."
    )
    outcome: Outcome = Field(description="What happened to those people.")
    who: str = Field(description="Who they are (civilians, soldiers, residents ...).")
    location: str | None = Field(default=None, description="Where, if the article says; else null.")
    claimed_by: str = Field(
        description="Who gives this figure, as the article attributes it where the figure appears "
        "(a person, 'local authorities', a ministry). A casualty figure is always someone's claim, "
        "never a fact."
    )
    qualifier: str | None = Field(
        default=None,
        description="Hedges the source attaches ('in reality many more', 'unverified'), or null.",
    )
    evidence: str = Field(description=_EVIDENCE)


class InternationalResponseDraft(_DraftItem):
    actor: str = Field(description="The foreign government or body responding, as the article names it.")
    kind: ResponseKind = Field(description="What sort of response it is.")
    description: str = Field(description="What they did or said, in one plain sentence.")
    evidence: str = Field(description=_EVIDENCE)


class Draft(BaseModel):
    """A brief of one news article, taken only from the article's own text."""

    headline: str = Field(description="One line: the bottom line of the story, no clickbait.")
    summary: str = Field(
        description="Two to four sentences in your own words that an editor reads in ten seconds: "
        "what happened, who says so, what comes next. Do not copy the article's opening."
    )
    key_developments: list[KeyDevelopmentDraft] = Field(
        description="The main new events, most important first."
    )
    actors: list[ActorDraft] = Field(
        description="People, governments, armies, groups and organisations that act or speak in "
        "the story, each once. Every quote's speaker must be here."
    )
    quotes: list[QuoteDraft] = Field(description="Direct quotations from the article; leave none out.")
    casualty_claims: list[CasualtyClaimDraft] = Field(
        description="Every figure of people killed, injured, missing, displaced or detained, with "
        "who claims it."
    )
    international_responses: list[InternationalResponseDraft] = Field(
        description="What other countries and international bodies did or said about the events."
    )


# What the model has been sent since the first recordings: the schema's name and description. Both
# stay as they were until the anchored draft changes what the model is sent (and the fixtures are
# recorded again); changing either now would orphan every recorded exchange in `fixtures/`.
_WIRE_DESCRIPTION = (
    "The draft as instructor validates it: against the source carried in the validation context.\n\n"
    'Each attempt\'s grounding is appended to `context["groundings"]`, so that when re-asks run out '
    "the\npipeline still keeps what verified instead of losing the whole answer."
)


class CheckedDraft(Draft):
    model_config = ConfigDict(json_schema_extra={"description": _WIRE_DESCRIPTION})


def field_guide(model: type[BaseModel] = Draft, indent: str = "") -> str:
    """The draft's field descriptions as prompt text. Servers that constrain output to a JSON schema
    (llama.cpp, vLLM) enforce its shape but never show the model its descriptions, so they go in the
    prompt too, whatever the mode."""
    lines = []
    for name, info in model.model_fields.items():
        item = _list_item(info.annotation)
        choices = ""
        if isinstance(info.annotation, type) and issubclass(info.annotation, StrEnum):
            choices = " One of: " + ", ".join(member.value for member in info.annotation) + "."
        lines.append(f"{indent}- {name}{'[]' if item else ''}: {info.description}{choices}")
        if item:
            lines.append(field_guide(item, indent + "  "))
    return "\n".join(lines)


def _list_item(annotation: Any) -> type[BaseModel] | None:
    args = getattr(annotation, "__args__", ())
    return args[0] if args and isinstance(args[0], type) and issubclass(args[0], BaseModel) else None


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


class KeyDevelopment(Sourced, Grounded, KeyDevelopmentDraft):
    pass


class Actor(Sourced, ActorDraft):
    pass


class Quote(Sourced, Grounded, QuoteDraft):
    pass


class CasualtyClaim(Sourced, Grounded, CasualtyClaimDraft):
    pass


class InternationalResponse(Sourced, Grounded, InternationalResponseDraft):
    pass


class Dropped(BaseModel):
    field: str
    item: dict[str, Any]
    reason: str

    def label(self) -> str:
        """The words that identify the dropped item to a reader: its text, name or figure."""
        return str(self.item.get("text") or self.item.get("name") or self.item.get("figure") or "")


class MissedPassage(BaseModel):
    field: str
    text: str
    span: Span


class Missed(Sourced, MissedPassage):
    pass


class Flag(BaseModel):
    kind: str = Field(
        description="'injection': a passage addressing instructions to an AI, withheld from the model "
        "(span null when the page hid it from its readers); 'possible_injection': a passage that reads like "
        "one, kept for the model, for the editor to check; 'contradiction': the brief denies casualties the "
        "article reports; 'summary': the summary is not a summary; 'truncated': a field of the model's own "
        "words was cut to its limit (headline 150 characters on one line, summary 1,200, an item's 400)."
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
