"""The grounded Brief the user gets, its parts, and the closed sets and limits both it and the draft
the model answers (`summariser.extract.draft`) are held to.

Every span and `verified` is set by code, never by the model: the model answers with the ids code
gave the article's passages, and code turns them into the article's own text and offsets.
"""

from enum import StrEnum
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
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
# parsing never rejects a longer field, the brief cuts it and flags it (`summariser.runs.assemble`).
HEADLINE_CHARS = 150
SUMMARY_CHARS = 1200
WRITTEN_SUMMARY_CHARS = 500  # what the second request's schema allows: four short sentences
ITEM_CHARS = 400


# How many items a list may hold, in the schema only: a small model that lists every quote again as a
# "development" spends minutes writing what the brief already has.
MOST_DEVELOPMENTS = 3
MOST_RESPONSES = 5


def limited(chars: int, **kwargs: Any) -> Any:
    """A field whose schema states its limit (a constrained decoder obeys; parsing never rejects)."""
    return Field(json_schema_extra={"maxLength": chars}, **kwargs)


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
        data: dict[str, Any] = handler(self)
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
        "in the headline or summary that the article does not hold, or an act they give one body that "
        "the checked facts give another; 'contradiction': the brief denies casualties the article "
        "reports; 'summary': the summary copies the article; 'truncated': a field of the model's own "
        "words was cut to its limit (headline 150 characters on one line, summary 1,200 and five "
        "sentences, an item's 400), or a long article's parts past max_requests were not read."
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


# The brief's lists of grounded items, in the order every renderer shows them: written once, here.
ITEM_FIELDS = ("key_developments", "quotes", "casualty_claims", "international_responses")


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


def brief_json_schema() -> dict[str, Any]:
    """The output schema as `schemas/brief.schema.json` holds it."""
    schema = Brief.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"urn:summariser:brief:v{SCHEMA_VERSION}"
    return schema
