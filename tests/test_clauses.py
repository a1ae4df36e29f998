"""What a sentence says around an anchor: a quotation's occasion, a figure's place, a body's deed."""

from summariser.extract import clauses
from summariser.extract.anchors import anchor
from summariser.extract.matching import naming
from summariser.extract.text import SourceText


def test_a_quotations_occasion_is_its_sentences_saying_phrase():
    found = anchor("“We will stay,” the mayor told a news conference on Monday.")
    [passage] = found.passages
    assert clauses.occasion(passage, found.get(passage.sentence)) == "told a news conference"


def test_no_occasion_where_the_sentence_gives_none():
    found = anchor("“We will stay,” she said.")
    [passage] = found.passages
    assert clauses.occasion(passage, found.get(passage.sentence)) is None


def test_a_figures_place_is_the_place_its_sentence_names():
    source = SourceText("Floods killed 12 people in Velmar on Sunday, officials said.")
    [mention] = source.anchors.mentions
    assert clauses.place(mention, source.names) == "Velmar"


def test_a_bodys_deed_is_its_own_clause_verbatim():
    source = SourceText(
        "Britain said it would send more weapons, while Berlin intended to supply tanks.\n"
        "Leaders met to discuss aid, the White House said.\n"
    )
    first, second = source.anchors.sentences
    assert clauses.deed(naming("Britain"), first) == "Britain said it would send more weapons"
    assert clauses.deed(naming("Germany"), first) == "Berlin intended to supply tanks"
    assert clauses.deed(naming("White House"), second) == "Leaders met to discuss aid"


def test_a_deed_the_sentence_denies_is_told_apart():
    assert clauses.denied("Washington had not provided aircraft to Kyiv")
    assert not clauses.denied("Washington provided aircraft to Kyiv")
