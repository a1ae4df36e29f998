"""Long articles: split within the budget, merged without duplicates, spans relative to the whole."""

import re
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from summariser import summarise
from summariser.extract.choices import choices
from summariser.extract.draft import QuoteAnswer
from summariser.extract.text import SourceText
from summariser.runs.chunking import estimate_tokens, merge_drafts, split
from tests.conftest import SEED, Reply, completion, drafted, handwritten


def long_article(words: int) -> str:
    seed = SEED.read_text(encoding="utf-8").splitlines()
    paragraphs, copy = [], 0
    while sum(len(p.split()) for p in paragraphs) < words:
        copy += 1
        paragraphs += [f"({copy}.{i}) {line}" for i, line in enumerate(seed)]
    return "\n".join(paragraphs)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.text(alphabet="abc .!?", min_size=0, max_size=300), min_size=1, max_size=30),
    st.integers(10, 200),
)
def test_chunks_cover_the_text_within_the_budget_and_overlap(paragraphs, budget):
    text = "\n".join(paragraphs)
    chunks = split(text, budget)
    covered = set()
    for start, end in chunks:
        assert end - start <= budget * 4
        covered.update(range(start, end))
    assert all(i in covered for i, ch in enumerate(text) if ch != "\n")
    assert [c[0] for c in chunks] == sorted(c[0] for c in chunks)


def test_merging_keeps_one_answer_per_id_the_first_that_says_whose():
    draft = drafted(SEED.read_text(encoding="utf-8"), handwritten("kreminna-faithful"))
    other = draft.model_copy(deep=True)
    other.headline = "a later chunk's headline"
    other.quotes["Q3"] = other.quotes["Q2"]  # the overlap's passage, which the first chunk declined
    draft.quotes["Q3"] = QuoteAnswer(speaker=None)
    merged = merge_drafts([draft, other])
    assert merged.headline == draft.headline
    assert merged.quotes.keys() == draft.quotes.keys()
    assert merged.quotes["Q3"].speaker == "Serhiy Gaidai"
    assert len(merged.casualty_claims) == len(draft.casualty_claims)
    assert len(merged.international_responses) == len(draft.international_responses)


SEED_IDS = {"S": 21, "Q": 12, "C": 2}  # each copy of the seed in `long_article` holds this many


@cache
def seed_responses() -> dict[tuple[str, str], str | None]:
    """The faithful answer's responses by the seed's sentence and body, whatever R id a chunk gives."""
    source = SourceText(SEED.read_text(encoding="utf-8"))
    offered = choices(source.names, source.anchors)
    answered = handwritten("kreminna-faithful")["international_responses"]
    return {pair: answered[rid]["kind"] for rid, pair in offered.responses.items()}


def seed_answer_for(request: dict) -> dict:
    """The faithful answer, renumbered for the chunk a request carries: every copy of the seed
    answered as the seed is, under the global ids the chunk lists."""
    faithful = handwritten("kreminna-faithful")
    content = request["messages"][-1]["content"]
    if "<article" not in request["messages"][-1 if len(request["messages"]) == 1 else 1]["content"]:
        developments = re.findall(r"^(D\d+): (.*)$", content, re.M)
        words = {d: " ".join(sentence.split()[:6]) for d, sentence in developments}
        return completion(
            {"developments": words, "headline": faithful["headline"], "summary": faithful["summary"]}
        )
    content = request["messages"][1]["content"]
    listed = re.findall(r"\[([SQC])(\d+)\]", content)

    def seed_id(kind: str, n: int) -> str:
        return f"{kind}{(n - 1) % SEED_IDS[kind] + 1}"

    quotes = {f"Q{n}": faithful["quotes"][seed_id("Q", int(n))] for k, n in listed if k == "Q"}
    claims = {f"C{n}": faithful["casualty_claims"][seed_id("C", int(n))] for k, n in listed if k == "C"}
    first_s = {}
    for kind, n in listed:
        if kind == "S":
            first_s.setdefault(seed_id("S", int(n)), f"S{n}")
    developments = [
        {"evidence": first_s[d["evidence"]]} for d in faithful["key_developments"] if d["evidence"] in first_s
    ]
    responses = {
        rid: {"kind": seed_responses().get((seed_id("S", int(n)), body))}
        for rid, n, body in re.findall(r"^(R\d+) \(S(\d+)\): (.*)$", content, re.M)
    }
    return completion(
        {
            "quotes": quotes,
            "casualty_claims": claims,
            "key_developments": developments,
            "international_responses": responses,
        }
    )


def test_a_15000_word_article_becomes_one_brief_with_spans_into_the_whole(model_server, tmp_path):
    text = long_article(15_000)
    path = tmp_path / "investigation.txt"
    path.write_text(text, encoding="utf-8")
    server = model_server(Reply(answer=seed_answer_for))
    chunks = split(text, 4000)

    brief = summarise(
        str(path), base_url=server.url, model="m", mode="json_schema", max_requests=len(chunks) + 1
    )

    assert estimate_tokens(text) > 4000 and len(chunks) > 1
    assert len(server.requests) == len(chunks) + 1  # one a chunk, and the headline
    sent = [r["body"]["messages"][-1]["content"] for r in server.requests]
    assert all(len(article) < len(text) / 2 for article in sent)  # no request carries the whole
    assert brief.verification.status == "verified"
    copies = text.count("Russian troops seized")
    assert len(brief.quotes) == 9 * copies  # each copy's own passages, each once
    for quote in brief.quotes:
        start, end = quote.span
        assert text[start:end] == quote.text


def test_max_requests_is_the_whole_briefs_and_what_it_could_not_read_is_listed(model_server, tmp_path):
    text = long_article(15_000)
    path = tmp_path / "investigation.txt"
    path.write_text(text, encoding="utf-8")
    server = model_server(Reply(answer=seed_answer_for))
    chunks = split(text, 4000)

    brief = summarise(str(path), base_url=server.url, model="m", mode="json_schema", max_requests=3)

    assert len(chunks) > 3 and len(server.requests) == 3  # the first two chunks, then the headline
    assert brief.meta.attempts == 3
    [note] = [f.text for f in brief.verification.flags if f.kind == "truncated"]
    assert note == (
        f"the article ran to {len(chunks)} parts; within max_requests=3 the first 2 were read (the headline "
        "takes one), and what the rest hold is not in this brief"
    )
    unread = chunks[1][1]  # where the second chunk, the last read, ends
    assert any(m.span[0] >= unread for m in brief.verification.missed), "the unread parts' quotes are listed"
    assert brief.verification.status == "partial" and brief.headline


def every_figure_answered(request: dict) -> dict:
    """A model that answers every figure id a request lists, and the wording request plainly."""
    content = " ".join(m["content"] for m in request["messages"])
    if "<article" not in content:
        developments = re.findall(r"^(D\d+): (.*)$", content, re.M)
        words = {d: " ".join(sentence.split()[:6]) for d, sentence in developments}
        return completion({"developments": words, "headline": "Soldiers killed", "summary": "Soldiers died."})
    ids = re.findall(r"\[(C\d+)\]", content)
    claims = {c: {"outcome": "killed", "claimed_by": None} for c in ids}
    return completion(
        {"quotes": {}, "casualty_claims": claims, "key_developments": [], "international_responses": {}}
    )


def test_an_article_with_hundreds_of_figures_is_asked_in_parts_and_briefed_within_its_requests(
    model_server, tmp_path
):
    text = "\n".join(f"At dawn {n} soldiers were killed near the river." for n in range(2, 322))
    path = tmp_path / "toll.txt"
    path.write_text(text, encoding="utf-8")
    server = model_server(Reply(answer=every_figure_answered))

    brief = summarise(str(path), base_url=server.url, model="m", mode="json_schema")

    assert len(server.requests) <= 3  # max_requests, the default
    for request in server.requests:
        asked = request["body"]["messages"][-1]["content"]  # the article and its ids, after the rules
        assert len(set(re.findall(r"\[C\d+\]", asked))) <= 60  # the answers fit its output limit
    assert 0 < len(brief.casualty_claims) <= 120
    assert any(flag.kind == "truncated" for flag in brief.verification.flags)
    listed = {m.text for m in brief.verification.missed if m.field == "casualty_claims"}
    assert len(brief.casualty_claims) + len(listed) == 320  # every figure kept or listed as left out
