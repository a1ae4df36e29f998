"""Span alignment and the trust rules, pinned on hand-made cases and by property tests."""

from hypothesis import given, settings
from hypothesis import strategies as st

from summariser.brief import Draft
from summariser.grounding import SourceText, ground, normalise
from tests.conftest import handwritten

RETYPE = {"’": "'", "‘": "'", "“": '"', "”": '"', "'": "’", '"': "”", "–": "-", "—": "--"[0], "-": "–"}

article_text = st.text(
    alphabet=st.sampled_from(list("abcdefgh ijk.,\n\"'“”‘’–—-…XYZ")), min_size=1, max_size=200
)


def retype(snippet: str, spacing: bool) -> str:
    """The snippet as a model might re-type it: other quote marks and dashes, other spacing."""
    out = "".join(RETYPE.get(ch, ch) for ch in snippet).replace("…", "...")
    return out.replace(" ", "  ").replace("\n", " ") if spacing else out


@settings(max_examples=300, deadline=None)
@given(article_text, st.data(), st.booleans())
def test_any_substring_retyped_aligns_back_to_its_exact_offsets(text, data, spacing):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    snippet = text[start:end]
    core = normalise(snippet).strip(' .,;:"')
    if not core:
        return
    source = SourceText(text)
    spans = list(source.occurrences(retype(snippet, spacing)))
    assert spans, "a substring of the source must align"
    for a, b in spans:
        assert normalise(text[a:b]) == core  # every hit slices exactly the words asked for
    # the original position is among the hits, trimmed of the end marks alignment ignores
    assert any(start <= a and b <= end for a, b in spans)


@settings(max_examples=200, deadline=None)
@given(article_text, st.text(alphabet="mnopq", min_size=1, max_size=20))
def test_text_not_in_the_source_never_aligns(text, stranger):
    assert list(SourceText(text).occurrences(stranger)) == []


def test_curly_and_straight_marks_dashes_and_ellipses_are_equivalent():
    source = SourceText("He said: “We have statistics – about 200 dead… but more.”")
    [(a, b)] = source.occurrences("We have statistics - about 200 dead... but more")
    assert source.text[a:b] == "We have statistics – about 200 dead… but more"


def test_several_occurrences_are_listed_in_order_so_the_first_unused_can_be_taken():
    source = SourceText("“Go,” she said. “Go,” he said.")
    assert list(source.occurrences("Go")) == [(1, 3), (17, 19)]


def test_only_the_stretch_between_quotation_marks_counts_as_quoted():
    source = SourceText('Kirby said aid had arrived. "They have received aircraft," Kirby said.')
    [reported] = source.occurrences("aid had arrived")
    [quoted] = source.occurrences("They have received aircraft")
    assert not source.is_quoted(reported)
    assert source.is_quoted(quoted)


def test_a_quotation_left_open_runs_to_the_end_of_its_paragraph():
    source = SourceText("“We will fight on,\nand “we will win.”")
    [first] = source.occurrences("We will fight on")
    assert source.is_quoted(first)


def test_fuzzy_evidence_is_kept_with_a_span_but_not_marked_verified(seed_text):
    draft = Draft.model_validate(handwritten("kreminna-faithful"))
    loose = "The Pentagon said it had provided more military aircraft and parts to repair others in Kyiv's"
    draft.key_developments[1].evidence = loose
    result = ground(draft, SourceText(seed_text))
    development = result.key_developments[1]
    assert not development.verified
    start, end = development.span
    assert seed_text[start:end].startswith(
        "The Pentagon said that it had provided additional military aircraft"
    )


def test_an_actor_misspelled_is_dropped_and_takes_their_quotes_with_them(seed_text):
    draft = Draft.model_validate(handwritten("kreminna-faithful"))
    for item in [*draft.actors, *draft.quotes]:
        if getattr(item, "name", None) == "Volodymyr Zelensky":
            item.name = "Vladimir Zelensky"
        if getattr(item, "speaker", None) == "Volodymyr Zelensky":
            item.speaker = "Vladimir Zelensky"
    result = ground(draft, SourceText(seed_text))
    reasons = {(d.field, d.reason) for d in result.dropped}
    assert reasons == {
        ("actors", "name not in source as written"),
        ("quotes", "speaker 'Vladimir Zelensky' is not among actors"),
    }


def test_reported_speech_is_not_a_quote(seed_text):
    draft = Draft.model_validate(handwritten("kreminna-faithful"))
    draft.quotes = [
        draft.quotes[0].model_copy(update={"text": "Britain would provide more artillery weapons to Kyiv"})
    ]
    result = ground(draft, SourceText(seed_text))
    assert [d.reason for d in result.dropped] == ["quote not found in source between quotation marks"]


def test_a_casualty_claim_needs_a_claimant_named_near_its_figure(seed_text):
    draft = Draft.model_validate(handwritten("kreminna-faithful"))
    draft.casualty_claims[0].claimed_by = "Pentagon"
    result = ground(draft, SourceText(seed_text))
    assert [d.reason for d in result.dropped] == ["'Pentagon' is not named at or just before the figure"]
    draft.casualty_claims[0].claimed_by = " "
    result = ground(draft, SourceText(seed_text))
    assert [d.reason for d in result.dropped] == ["no claimant: say who claims this figure"]


def test_the_speaker_may_be_named_two_paragraphs_before_the_quote(seed_text):
    # "We have official statistics…" follows "He said" two paragraphs after Gaidai is named
    draft = Draft.model_validate(handwritten("kreminna-faithful"))
    result = ground(draft, SourceText(seed_text))
    assert result.dropped == []
    [statistics] = [q for q in result.quotes if q.text.startswith("We have official statistics")]
    assert statistics.speaker == "Serhiy Gaidai"
    assert seed_text[statistics.span[0] : statistics.span[1]].startswith("We have official statistics")


def test_evidence_that_pastes_a_passage_is_dropped_not_verified(seed_text):
    draft = Draft.model_validate(handwritten("kreminna-faithful"))
    paragraphs = seed_text.splitlines()
    draft.international_responses[0].evidence = " ".join(paragraphs[:4])
    draft.casualty_claims[0].evidence = " ".join(paragraphs[3:6])
    result = ground(draft, SourceText(seed_text))
    assert [(d.field, d.reason) for d in result.dropped] == [
        ("international_responses", "evidence must be one sentence of the article, not a passage")
    ]
    claim = result.casualty_claims[0]
    assert seed_text[claim.span[0] : claim.span[1]] == "about 200"  # the figure, not the passage


def test_figures_names_and_quotes_must_stand_as_whole_words():
    source = SourceText("Officials said 200 people died in Ukrainian towns. “We will endure,” Berg said.")
    assert not source.contains("20")
    assert not source.contains("Ukraine")
    assert source.contains("200") and source.contains("Ukrainian towns")
    assert list(source.occurrences("e will endure", whole_words=True)) == []
    assert list(source.occurrences("e will endure"))  # alignment alone still finds any substring


def _lcs_by_table(a: list[str], b: list[str]) -> int:
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a, 1):
        for j, y in enumerate(b, 1):
            table[i][j] = table[i - 1][j - 1] + 1 if x == y else max(table[i - 1][j], table[i][j - 1])
    return table[-1][-1]


words = st.lists(st.sampled_from(["the", "troops", "seized", "a", "town", "said"]), max_size=25)


@settings(max_examples=300, deadline=None)
@given(words, words)
def test_the_fast_lcs_agrees_with_the_textbook_table(a, b):
    from summariser.grounding import _lcs

    assert _lcs(a, b) == _lcs_by_table(a, b)
