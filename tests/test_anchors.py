"""The article's numbered passages: sentences, quoted passages and casualty mentions, each an id over
an exact span, pinned on the kreminna seed, on articles in French, Russian and Chinese, on the hard
cases of quotation marks and full stops, and by a property test."""

from itertools import pairwise
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from summariser.extract.anchors import Anchor, Anchors, anchor

KREMINNA = (Path(__file__).parent.parent / "seeds" / "kreminna.txt").read_text(encoding="utf-8")


def texts(found: list[Anchor]) -> list[str]:
    return [a.text for a in found]


def assert_exact(article: str, anchors: Anchors) -> None:
    for found in (*anchors.sentences, *anchors.passages, *anchors.mentions):
        assert article[found.span[0] : found.span[1]] == found.text, found
        assert found.label in article, found
        sentence = anchors.get(found.sentence)
        assert sentence is not None
        assert sentence.span[0] <= found.span[0] <= found.span[1] <= sentence.span[1], found


# --- The kreminna seed ----------------------------------------------------------------------------


def test_kreminna_quotations_and_scare_quotes_are_all_passages():
    anchors = anchor(KREMINNA)
    assert texts(anchors.passages) == [
        "Kreminna is under the control of the ‘Orcs’ (Russians). They have entered the city",
        "Our defenders had to withdraw. They have entrenched themselves in new positions and continue to "
        "fight the Russian army.",
        "impossible to calculate",
        "We have official statistics - about 200 dead - but in reality there are many more.",
        "Battle for the Donbas",
        "No matter how many Russian troops they send there, we will fight. We will defend ourselves",
        "They have received additional aircraft and aircraft parts to help them get more aircraft in the air",
        "ultimatum",
        "Obviously, against the backdrop of the Mariupol tragedy, the negotiation process has become even "
        "more complicated",
        "to discuss our continued support for Ukraine and efforts to hold Russia accountable",
        "This will become an artillery conflict",
        "They [Ukraine] need support with more artillery, that is what we will be giving them.",
    ]
    assert [a.id for a in anchors.passages] == [f"Q{n}" for n in range(1, 13)]
    assert_exact(KREMINNA, anchors)


def test_kreminna_inner_quote_stays_in_the_gaidai_passage_and_the_apostrophes_open_nothing():
    anchors = anchor(KREMINNA)
    gaidai = anchors.passages[0]
    assert (
        gaidai.label
        == '“Kreminna is under the control of the ‘Orcs’ (Russians). They have entered the city,"'
    )
    assert "Orcs" not in texts(anchors.passages)
    assert not any(q.text.startswith("s forces") for q in anchors.passages)  # Zelensky’s, Putin’s
    sentence = anchors.get(gaidai.sentence)
    assert sentence is not None
    assert sentence.text == KREMINNA.splitlines()[3]


def test_kreminna_casualty_mentions_are_the_figures_with_their_harm_words():
    anchors = anchor(KREMINNA)
    assert [(c.id, c.text, c.label) for c in anchors.mentions] == [
        ("C1", "about 200", "about 200 dead"),
        ("C2", "thousands", "thousands of people have been killed"),
    ]
    assert anchors.get("C1").sentence == anchors.get("Q4").sentence  # type: ignore[union-attr]


def test_kreminna_paragraphs_are_its_lines():
    anchors = anchor(KREMINNA)
    lines = [line for line in KREMINNA.splitlines() if line.strip()]
    assert [" ".join(s.text for s in paragraph) for paragraph in anchors.paragraphs()] == lines
    assert [s.id for s in anchors.paragraphs()[2]] == ["S3", "S4"]


# --- Articles in other languages ------------------------------------------------------------------

NBSP, NNBSP = "\u00a0", "\u202f"
FRENCH = (
    "Les forces russes ont pris la ville de Kreminna mardi, selon les autorités ukrainiennes.\n"
    f"«{NBSP}Nous résisterons jusqu’au bout{NBSP}», a déclaré le gouverneur Serhiy Gaïdaï.\n"
    "Au moins 12 personnes ont été tuées dans les bombardements. "
    f"Le maire parle d’une «{NNBSP}situation catastrophique{NNBSP}».\n"
    f"M. Zelensky a promis : «{NBSP}Nous ne céderons pas. Nous défendrons chaque ville.{NBSP}» "
    "L'armée tient toujours ses positions.\n"
)


def test_a_french_article_with_spaced_guillemets():
    anchors = anchor(FRENCH)
    assert texts(anchors.sentences) == [
        "Les forces russes ont pris la ville de Kreminna mardi, selon les autorités ukrainiennes.",
        f"«{NBSP}Nous résisterons jusqu’au bout{NBSP}», a déclaré le gouverneur Serhiy Gaïdaï.",
        "Au moins 12 personnes ont été tuées dans les bombardements.",
        f"Le maire parle d’une «{NNBSP}situation catastrophique{NNBSP}».",
        f"M. Zelensky a promis : «{NBSP}Nous ne céderons pas. Nous défendrons chaque ville.{NBSP}»",
        "L'armée tient toujours ses positions.",
    ]
    assert texts(anchors.passages) == [
        "Nous résisterons jusqu’au bout",
        "situation catastrophique",
        "Nous ne céderons pas. Nous défendrons chaque ville.",
    ]
    assert anchors.passages[1].label == f"«{NNBSP}situation catastrophique{NNBSP}»"
    assert [(c.text, c.label, c.sentence) for c in anchors.mentions] == [
        ("Au moins 12", "Au moins 12 personnes ont été tuées", "S3")
    ]
    assert_exact(FRENCH, anchors)


RUSSIAN = (
    "Российские войска вошли в Кременную во вторник.\n"
    "Глава области Сергей Гайдай заявил: «Город под контролем „орков“. Они вошли в город».\n"
    "По его словам, около 200 человек погибли. Точное число жертв „невозможно подсчитать“.\n"
    "В. Зеленский обещал, что войска выдержат наступление. «Мы будем сражаться», — сказал он.\n"
)


def test_a_russian_article_with_guillemets_and_low_quotes():
    anchors = anchor(RUSSIAN)
    assert texts(anchors.sentences) == [
        "Российские войска вошли в Кременную во вторник.",
        "Глава области Сергей Гайдай заявил: «Город под контролем „орков“. Они вошли в город».",
        "По его словам, около 200 человек погибли.",
        "Точное число жертв „невозможно подсчитать“.",
        "В. Зеленский обещал, что войска выдержат наступление.",
        "«Мы будем сражаться», — сказал он.",
    ]
    assert texts(anchors.passages) == [
        "Город под контролем „орков“. Они вошли в город",
        "невозможно подсчитать",
        "Мы будем сражаться",
    ]
    assert [(c.text, c.label, c.sentence) for c in anchors.mentions] == [
        ("около 200", "около 200 человек погибли", "S3")
    ]
    assert_exact(RUSSIAN, anchors)


CHINESE = (
    "俄罗斯军队周二占领了克列明纳。州长盖代说：「克列明纳已被『奥克』控制。他们已经进城了。」"
    "他表示，至少200人死亡，实际数字“无法计算”。\n"
    "泽连斯基警告说，“顿巴斯之战”已经开始！他说：“无论他们派多少军队，我们都会战斗。”\n"
)


def test_a_chinese_article_splits_on_its_own_stops():
    anchors = anchor(CHINESE)
    assert texts(anchors.sentences) == [
        "俄罗斯军队周二占领了克列明纳。",
        "州长盖代说：「克列明纳已被『奥克』控制。他们已经进城了。」",
        "他表示，至少200人死亡，实际数字“无法计算”。",
        "泽连斯基警告说，“顿巴斯之战”已经开始！",
        "他说：“无论他们派多少军队，我们都会战斗。”",
    ]
    assert texts(anchors.passages) == [
        "克列明纳已被『奥克』控制。他们已经进城了。",
        "无法计算",
        "顿巴斯之战",
        "无论他们派多少军队，我们都会战斗。",
    ]
    assert [(c.text, c.label, c.sentence) for c in anchors.mentions] == [("至少200", "至少200人死亡", "S3")]
    assert [[s.id for s in paragraph] for paragraph in anchors.paragraphs()] == [
        ["S1", "S2", "S3"],
        ["S4", "S5"],
    ]
    assert_exact(CHINESE, anchors)


# --- Quotation marks ------------------------------------------------------------------------------


def test_apostrophes_open_and_close_nothing():
    article = "Zelensky’s aides don't know. L'armée and the soldiers’ families stayed in Kyiv’s suburbs."
    assert anchor(article).passages == []


def test_a_quote_inside_a_quote_belongs_to_the_outer_passage():
    article = '“He called them ‘Orcs’ today,” the mayor said. « Il a dit "non" et il est parti », dit-elle.'
    assert texts(anchor(article).passages) == [
        "He called them ‘Orcs’ today",  # the comma closes the sentence around, not the quotation
        'Il a dit "non" et il est parti',
    ]


def test_single_quotes_are_passages_when_they_pair_at_word_boundaries():
    article = "‘We will fight on,’ he said. Critics called it 'a disgrace' on Monday, but it's 'rock 'n roll."
    assert texts(anchor(article).passages) == ["We will fight on", "a disgrace"]


def test_a_passage_left_open_runs_to_its_paragraphs_end():
    article = "“We will not give up the city. We will hold it.\n“Help is coming,” he said."
    anchors = anchor(article)
    assert texts(anchors.passages) == ["We will not give up the city. We will hold it.", "Help is coming"]
    assert anchors.passages[0].label == "“We will not give up the city. We will hold it."
    assert texts(anchors.sentences) == [
        "“We will not give up the city. We will hold it.",
        "“Help is coming,” he said.",
    ]


def test_low_quotes_close_with_either_high_mark_and_empty_quotes_are_skipped():
    article = 'Er sagte „Wir bleiben“ und „Wir kämpfen”. Dann kam "" und “ ”.'
    assert texts(anchor(article).passages) == ["Wir bleiben", "Wir kämpfen"]


# --- Sentences ------------------------------------------------------------------------------------


def test_abbreviations_initials_and_decimals_do_not_end_a_sentence():
    article = (
        "Mr Putin's forces advanced. U.S. officials said Dr. Smith met Gen. Jones at No. 10 on Monday. "
        "John F. Kennedy Airport was shut. Growth was 3.5 per cent, e.g. in Kyiv. Is it over? Yes… Maybe."
    )
    assert texts(anchor(article).sentences) == [
        "Mr Putin's forces advanced.",
        "U.S. officials said Dr. Smith met Gen. Jones at No. 10 on Monday.",
        "John F. Kennedy Airport was shut.",
        "Growth was 3.5 per cent, e.g. in Kyiv.",
        "Is it over?",
        "Yes…",
        "Maybe.",
    ]


def test_a_quotation_ended_with_its_speaker_after_it_is_one_sentence():
    article = "“Stop! Stop now!” he shouted. Nobody did."
    assert texts(anchor(article).sentences) == ["“Stop! Stop now!” he shouted.", "Nobody did."]


def test_every_line_that_is_not_blank_is_a_paragraph_of_at_least_one_sentence():
    article = "  Headline without a stop  \n\n\t\nBody text.  Second one!\r\n"
    anchors = anchor(article)
    assert [[s.text for s in paragraph] for paragraph in anchors.paragraphs()] == [
        ["Headline without a stop"],
        ["Body text.", "Second one!"],
    ]


# --- Looking anchors up ---------------------------------------------------------------------------


def test_within_keeps_a_chunks_anchors_with_their_global_ids():
    anchors = anchor(KREMINNA)
    start = KREMINNA.index("He said it was")
    end = KREMINNA.index("The Pentagon said")
    chunk = anchors.within(start, end)
    assert [s.id for s in chunk.sentences] == ["S7", "S8", "S9", "S10"]
    assert [q.id for q in chunk.passages] == ["Q3", "Q4", "Q5", "Q6"]
    assert [c.id for c in chunk.mentions] == ["C1"]
    assert chunk.get("S7") == anchors.get("S7")
    assert chunk.get("S1") is None


def test_get_finds_any_kind_by_id_and_sentence_at_finds_the_sentence_holding_an_offset():
    anchors = anchor(KREMINNA)
    assert anchors.get("Q3").text == "impossible to calculate"  # type: ignore[union-attr]
    assert anchors.get("C2").text == "thousands"  # type: ignore[union-attr]
    assert anchors.get("S99") is None
    assert anchors.get("X1") is None
    assert anchors.sentence_at(KREMINNA.index("about 200")) == anchors.get("S7")
    assert anchors.sentence_at(KREMINNA.index("\n")) is None


# --- Properties -----------------------------------------------------------------------------------

pieces = st.sampled_from(
    [
        *"abc xyz.!?…。！？,\n ",
        *"\"'“”„‘’«»「」『』",
        "Mr.",
        "U.S.",
        " 12 killed",
        "约30人死亡",
        " don't ",
        "\u00a0",
    ]
)
articles = st.lists(pieces, max_size=120).map("".join)


@settings(max_examples=300, deadline=None)
@given(articles)
def test_every_anchor_slices_the_article_and_sentences_run_in_order(article):
    anchors = anchor(article)
    assert_exact(article, anchors)
    spans = [s.span for s in anchors.sentences]
    assert all(start < end for start, end in spans)
    assert all(before[1] <= after[0] for before, after in pairwise(spans))
    assert all(not s.text[0].isspace() and not s.text[-1].isspace() for s in anchors.sentences)
    # sentences cover every character of the article but its white space
    assert "".join(article.split()) == "".join("".join(s.text.split()) for s in anchors.sentences)
    assert anchors.within(0, len(article)) == anchors
