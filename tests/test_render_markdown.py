"""The Markdown brief: what an editor sees, whatever the model or the article wrote into its fields.

The rendered output is parsed as CommonMark (markdown-it-py, which rich brings) and its structure
checked, so the assertions are about what a Markdown viewer would show, not about the data.
"""

import re
from typing import Any

from markdown_it import MarkdownIt

from summariser.brief import Brief, Missed
from summariser.render.markdown import escape, render
from tests.conftest import SEED, grounded_brief, handwritten

FORGED_HEADLINE = (
    "Russia seizes Kreminna\n\n## Quotes\n\n> “We surrender.”\n> — **Volodymyr Zelensky**\n\n---\n"
    "*Verification: every item found in the source."
)
PAYLOADS = [
    FORGED_HEADLINE,
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1)) and ![pixel](http://127.0.0.1/p.png)",
    "1. an ordered list\n- a bullet\n# a heading\n> a quote",
    "<!-- hidden --> &lt;entity&gt; `code` *stars* _under_",
]
TEXT_FIELDS = {
    "headline", "summary", "text", "evidence", "speaker", "context", "figure", "who", "location",
    "claimed_by", "qualifier", "actor", "description", "name", "role", "affiliation", "reason", "model",
}  # fmt: skip
SECTION_TITLES = {
    "Key developments",
    "Quotes",
    "Casualty claims",
    "International responses",
    "Actors",
    "Not in this brief, or flagged",
}


def poisoned(brief: Brief) -> Brief:
    """The same brief with every free-text field replaced by markup that tries to escape it."""
    counter = iter(range(10_000))

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: PAYLOADS[next(counter) % len(PAYLOADS)]
                if k in TEXT_FIELDS and isinstance(v, str)
                else walk(v)
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    data = walk(brief.model_dump(mode="json"))
    data["headline"] = FORGED_HEADLINE
    data["verification"]["status"] = "partial"
    return Brief.model_validate(data)


def faithful_brief() -> Brief:
    return grounded_brief(SEED.read_text(encoding="utf-8"), handwritten("kreminna-faithful"))


def tokens(markdown: str) -> list:
    parsed = MarkdownIt("commonmark").parse(markdown)
    return parsed + [child for token in parsed for child in (token.children or [])]


def shown(inline) -> str:
    """The text a viewer displays for an inline token."""
    return "".join(child.content for child in inline.children if child.type in ("text", "softbreak"))


def test_model_text_cannot_open_a_heading_quote_block_link_image_or_html():
    fabricated = grounded_brief(SEED.read_text(encoding="utf-8"), handwritten("kreminna-fabricated"))
    brief = poisoned(fabricated)  # drops and their reasons poisoned too

    found = tokens(render(brief))

    kinds = {t.type for t in found}
    assert not kinds & {"html_block", "html_inline", "link_open", "image", "code_inline", "ordered_list_open"}
    headings = [(found[i].tag, shown(found[i + 1])) for i, t in enumerate(found) if t.type == "heading_open"]
    assert headings[0] == ("h1", " ".join(FORGED_HEADLINE.split()))  # shown as written, on one line
    assert [tag for tag, _ in headings].count("h1") == 1
    assert {title for tag, title in headings[1:]} <= SECTION_TITLES
    assert [t.type for t in found].count("blockquote_open") == len(brief.quotes)
    assert [t.type for t in found].count("hr") == 1


def test_the_forged_headline_renders_as_one_escaped_line_under_a_real_heading():
    brief = faithful_brief()
    brief.headline = FORGED_HEADLINE

    first_line, rest = render(brief).split("\n", 1)

    assert first_line.startswith("# Russia seizes Kreminna \\#\\# Quotes \\> “We surrender.”")
    assert "*Verification: every item found in the source.*" not in first_line
    assert rest.count("\n*Checked against the article:") == 1


def test_a_partial_brief_says_so_before_its_summary():
    brief = faithful_brief()
    brief.verification.status = "partial"
    brief.verification.flags = []
    brief.verification.dropped = grounded_brief(
        SEED.read_text(encoding="utf-8"), handwritten("kreminna-fabricated")
    ).verification.dropped

    lines = render(brief).splitlines()

    assert lines[2] == "**Partial:** 6 items could not be verified — see “Not in this brief, or flagged”."
    assert lines[4] == f"*{brief.summary}*", "the model's own words, in italics"
    assert lines[6].startswith("Checked against the article: words in quotation marks"), "the legend, once"
    assert "## Not in this brief, or flagged" in lines


def test_the_recorded_seed_tells_an_editor_what_the_json_says():
    from summariser import summarise
    from tests.conftest import ROOT

    brief = summarise(str(SEED), replay=str(ROOT / "fixtures"))

    shown = render(brief)

    assert brief.verification.status == "partial"
    assert shown.splitlines()[2].startswith("**Partial:** 2 things to check")
    # the figure, what it counts and its hedges read off the article; no place the article does not give
    assert (
        "- **about 200** people killed — claimed by Serhiy Gaidai (about; in reality there are many more)"
        in shown
    )
    assert "- **thousands** of people killed — claimed by Local authorities" in shown
    for quote in brief.quotes:  # every quotation the brief holds, beside its speaker
        assert f"> “{escape(quote.text)}”  \n> — **{quote.speaker}**" in shown
    for dropped in brief.verification.dropped:  # what did not hold, in an editor's words
        assert f"“{escape(dropped.label())}”: not verified ({escape(dropped.reason)})" in shown
    # the two things to check: the recorded summary copies the article, and gives the Pentagon's aid
    # to the UK (who did what)
    assert "The summary copies the article's own sentences" in shown
    assert "- The summary gives the UK what the article gives the Pentagon (“military”" in shown
    assert "casualty_claims" not in shown and "prompt" not in shown  # no field names or model notes


def test_a_missed_passage_is_shown_with_the_sentence_it_stands_in():
    brief = faithful_brief()
    sentence = SEED.read_text(encoding="utf-8").splitlines()[5]
    brief.verification.missed = [
        Missed(field="quotes", text="We have official statistics", span=(0, 1), sentence=sentence)
    ]
    shown = render(brief)
    missed = "Quote in the article, not in this brief: “We have official statistics”"
    assert f"{missed}, in the sentence “{escape(sentence)}”" in shown


def test_a_quote_names_its_speaker_and_role_once():
    brief = faithful_brief()

    shown = render(brief)

    assert "> — **Serhiy Gaidai**, " in shown
    assert "**Serhiy Gaidai**, Serhiy Gaidai" not in shown


def test_every_section_is_present_and_says_why_it_is_empty():
    brief = faithful_brief()
    brief.international_responses = []

    shown = render(brief)

    for title in SECTION_TITLES - {"Not in this brief, or flagged"}:  # that one only when it lists something
        assert f"## {title}" in shown
    assert "## International responses\n\n*None found in the article.*" in shown


def fabricated_brief() -> Brief:
    return grounded_brief(SEED.read_text(encoding="utf-8"), handwritten("kreminna-fabricated"))


def test_every_note_an_editor_reads_names_no_internal_id_and_gives_no_instruction():
    text = render(fabricated_brief())
    notes = text.split("## Not in this brief, or flagged", 1)[1]
    assert not re.search(r"\b[SQCRD]\d+\b", notes), notes
    for instruction in ("answer only", "give the sentence", "choose one of", "answer null", "unknown id"):
        assert instruction not in notes


def test_a_dropped_items_words_are_quoted_within_their_bound():
    from summariser.brief import Dropped

    brief = fabricated_brief()
    long = Dropped(
        field="key_developments", item={"text": "Kreminna fell. " * 400}, reason="no sentence says this"
    )
    brief.verification.dropped.append(long)
    [line] = [line for line in render(brief).splitlines() if "Kreminna fell." in line]
    assert len(line) < 250 and "…" in line


def test_an_item_that_failed_is_never_shown_as_a_fact_elsewhere():
    brief = fabricated_brief()
    dropped_names = {d.item.get("actor") for d in brief.verification.dropped} - {None, ""}
    assert not dropped_names & {a.name for a in brief.actors}
    # the sentence saying Washington had not provided aircraft is no response, and Washington no actor
    assert "Washington" not in {r.actor for r in brief.international_responses} | {
        a.name for a in brief.actors
    }


def test_the_footer_names_the_model_as_a_person_would_know_it():
    brief = faithful_brief()
    brief.meta.model = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    assert render(brief).rstrip().endswith(r"Written with qwen2.5-coder-1.5b-instruct-q4\_k\_m.gguf.*")
