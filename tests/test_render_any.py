"""Every renderer takes any brief that validates: empty, very long, marked-up and Unicode-heavy
fields, spans anywhere, none of it raises, in any format or in the pages of a run of many."""

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summariser.brief import (
    Actor,
    ActorKind,
    Brief,
    CasualtyClaim,
    Dropped,
    Flag,
    InternationalResponse,
    KeyDevelopment,
    Meta,
    Missed,
    Outcome,
    Quote,
    ResponseKind,
    SourceInfo,
    Verification,
)
from summariser.render import html, markdown, slack
from summariser.render.pages import HtmlPages
from summariser.runs.many import Item, Result

MARKUP = [
    "",
    " ",
    "\n\n",
    "*_`[x](y)`_*",
    "<!channel>",
    "<script>alert(1)</script>",
    "&amp;",
    "# h\n> q",
    "…",
]
UNICODE = ["Кремінна", "克列明纳『奥克』", "مرحبا", "\u200b\u200f\u202e", "e\u0301" * 20, "👩🏽‍🚒" * 30]

# fields: nothing, markup, Unicode far from ASCII, any text, or one far past every limit
texts = st.one_of(
    st.sampled_from(MARKUP + UNICODE),
    st.text(max_size=60),
    st.builds(
        lambda piece, n: piece * n, st.sampled_from(["word ", "“", "&<>", "Ж"]), st.integers(300, 1500)
    ),
)
spans = st.none() | st.tuples(st.integers(-5, 400), st.integers(-5, 400))
optional = st.none() | texts


def grounded(model, **fields):
    return st.builds(model, span=spans, verified=st.booleans(), **fields)


developments = grounded(KeyDevelopment, text=texts, evidence=texts)
quotes = grounded(Quote, speaker=texts, text=texts, context=optional)
claims = grounded(
    CasualtyClaim,
    figure=texts,
    count_min=st.none() | st.integers(0, 10**9),
    count_max=st.none() | st.integers(0, 10**9),
    outcome=st.sampled_from(Outcome),
    who=texts,
    location=optional,
    claimed_by=optional,
    qualifier=optional,
    evidence=texts,
)
responses = grounded(
    InternationalResponse, actor=texts, kind=st.sampled_from(ResponseKind), description=texts, evidence=texts
)
actors = st.builds(Actor, name=texts, kind=st.sampled_from(ActorKind), role=texts, affiliation=optional)
verifications = st.builds(
    Verification,
    status=st.sampled_from(["verified", "partial"]),
    dropped=st.lists(
        st.builds(
            Dropped,
            field=st.sampled_from(["quotes", "casualty_claims", "key_developments", "x"]),
            item=st.dictionaries(st.sampled_from(["text", "id", "speaker", "claimed_by"]), texts),
            reason=texts,
        ),
        max_size=3,
    ),
    missed=st.lists(
        st.builds(
            Missed,
            field=texts,
            text=texts,
            span=st.tuples(st.integers(0, 9), st.integers(0, 9)),
            sentence=optional,
        ),
        max_size=3,
    ),
    flags=st.lists(
        st.builds(
            Flag,
            kind=st.sampled_from(
                [
                    "injection",
                    "possible_injection",
                    "unsupported",
                    "contradiction",
                    "summary",
                    "truncated",
                    "",
                ]
            ),
            text=texts,
            span=spans,
        ),
        max_size=4,
    ),
)
metas = st.builds(
    Meta,
    model=texts,
    prompt_version=texts,
    source=st.builds(SourceInfo, name=texts, sha256=texts, chars=st.integers(0, 10**6)),
    attempts=st.integers(0, 9),
    latency_ms=st.integers(0, 10**6),
)
briefs = st.builds(
    Brief,
    headline=texts,
    summary=texts,
    key_developments=st.lists(developments, max_size=4),
    actors=st.lists(actors, max_size=4),
    quotes=st.lists(quotes, max_size=4),
    casualty_claims=st.lists(claims, max_size=3),
    international_responses=st.lists(responses, max_size=3),
    verification=verifications,
    meta=metas,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(brief=briefs, article=texts)
def test_every_format_renders_any_brief_that_validates(brief, article):
    Brief.model_validate(brief.model_dump(mode="json"))  # what the generator made is a brief
    assert markdown.render(brief).endswith("\n")
    blocks = slack.blocks(brief)
    assert 2 <= len(blocks) <= slack.MAX_BLOCKS and json.dumps(blocks)
    assert all(block["text"]["text"] for block in blocks if block["type"] in ("header", "section"))
    page = html.render(brief, article)
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(many=st.lists(st.tuples(briefs, texts), min_size=1, max_size=3))
def test_the_pages_of_a_run_of_many_take_any_briefs(tmp_path_factory, many):
    folder: Path = tmp_path_factory.mktemp("pages")
    pages = HtmlPages(folder)
    for n, (brief, article) in enumerate(many):
        pages.write(Result(item=Item(id=f"article {n}/é", source=f"{n}.txt"), brief=brief, text=article))
    pages.close()
    written = sorted(p.name for p in folder.iterdir())
    assert len(written) == len(many) + 1 and "index.html" in written
