"""Long articles: split within the budget, merged without duplicates, spans relative to the whole."""

from hypothesis import given, settings
from hypothesis import strategies as st

from summariser import summarise
from summariser.brief import Draft
from summariser.chunking import estimate_tokens, merge, split
from tests.conftest import SEED, Reply, completion, handwritten


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


def test_merging_keeps_one_actor_per_person_and_each_quote_and_claim_once():
    draft = Draft.model_validate(handwritten("kreminna-faithful"))
    other = draft.model_copy(deep=True)
    other.actors[0].name = "Gaidai"  # the same person, named shorter in a later chunk
    other.headline = "a later chunk's headline"
    merged = merge([draft, other])
    assert merged.headline == draft.headline
    assert len(merged.actors) == len(draft.actors)
    assert len(merged.quotes) == len(draft.quotes)
    assert len(merged.casualty_claims) == len(draft.casualty_claims)


def test_a_15000_word_article_becomes_one_brief_with_spans_into_the_whole(model_server, tmp_path):
    text = long_article(15_000)
    path = tmp_path / "investigation.txt"
    path.write_text(text, encoding="utf-8")
    server = model_server(Reply(body=completion(handwritten("kreminna-faithful"))))

    brief = summarise(str(path), base_url=server.url, model="m", mode="json_schema")

    chunks = split(text, 4000)
    assert estimate_tokens(text) > 4000 and len(chunks) > 1
    assert len(server.requests) >= len(chunks)
    sent = [r["body"]["messages"][1]["content"] for r in server.requests]
    assert all(len(article) < 4000 * 4 + 200 for article in sent)  # no request carries the whole
    assert brief.verification.status == "verified"
    assert len(brief.quotes) == 9  # once each, though every chunk reported them
    for quote in brief.quotes:
        start, end = quote.span
        assert text[start:end].rstrip(",.") in quote.text
        assert start < text.index("(2.0)")  # the first occurrence in the whole article
