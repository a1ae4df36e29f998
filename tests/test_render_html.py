"""The review page: structure and escaping checked by parsing, behaviour in headless Chromium."""

import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from summariser.brief import Brief
from summariser.render import html
from tests.conftest import SEED, grounded_brief, handwritten

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HOSTILE = (
    "Officials said 12 were killed. <script>window.pwned = 1</script>"
    ' <img src=x onerror="window.pwned = 2">\n'
    "“We will never accept this, whatever they say,” Anna Berg said."
)


def seed_page() -> tuple[Brief, str]:
    text = SEED.read_text(encoding="utf-8")
    brief = grounded_brief(text, handwritten("kreminna-faithful"))
    return brief, html.render(brief, text)


def hostile_page() -> str:
    draft = {
        "headline": "<script>window.pwned = 3</script>",
        "summary": '<img src=x onerror="window.pwned = 4">',
        "key_developments": [{"evidence": "S1"}],
        "developments": {"D1": "Officials said 12 <b>were killed</b>"},
    }
    return html.render(grounded_brief(HOSTILE, draft), HOSTILE)


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(page: str) -> Elements:
    parser = Elements()
    parser.feed(page)
    return parser


def test_every_kept_item_is_highlighted_at_its_span_and_listed_beside_the_article():
    brief, page = seed_page()
    parsed = parse(page)
    highlighted = {i for tag, a in parsed.tags if tag == "mark" for i in a["data-items"].split()}
    listed = {a["data-target"] for tag, a in parsed.tags if tag == "li" and "data-target" in a}
    kept = sum(len(getattr(brief, f)) for f in html.FIELDS)
    assert len(listed) == kept
    assert highlighted == listed


def test_the_page_is_self_contained_and_small():
    _, page = seed_page()
    parsed = parse(page)
    assert not [a for tag, a in parsed.tags if tag in ("link", "img", "iframe") or a.get("src")]
    assert len(page.encode()) < 200_000


def test_article_and_model_text_is_escaped_and_only_our_script_is_on_the_page():
    parsed = parse(hostile_page())
    assert [tag for tag, _ in parsed.tags if tag in ("script", "img")] == ["script"]  # ours, at the end
    text = "".join(parsed.text)
    assert "<script>window.pwned = 1</script>" in text and 'onerror="window.pwned = 2"' in text
    assert "<script>window.pwned = 3</script>" in text and "<b>were killed</b>" in text


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (.ci/run installs it)")
def test_in_chromium_a_click_flashes_the_quote_at_its_span_and_no_injected_script_runs(tmp_path):
    from playwright.sync_api import sync_playwright

    brief, page = seed_page()
    seed_file = tmp_path / "review.html"
    seed_file.write_text(page, encoding="utf-8")
    hostile_file = tmp_path / "hostile.html"
    hostile_file.write_text(hostile_page(), encoding="utf-8")
    shots = Path(os.environ.get("SUMMARISER_TEST_ARTIFACTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        tab.goto(seed_file.as_uri())
        quote = brief.quotes[3]
        tab.click('li[data-target="quote-3"]')
        mark = tab.locator('mark[data-items~="quote-3"]').first
        mark.wait_for()
        assert "flash" in (mark.get_attribute("class") or "")
        start, end = quote.span
        assert (
            "".join(tab.locator('mark[data-items~="quote-3"]').all_inner_texts())
            == SEED.read_text()[start:end]
        )
        tab.screenshot(path=str(shots / "review-seed.png"), full_page=True)
        print(f"screenshot: {shots / 'review-seed.png'}")

        tab.goto(hostile_file.as_uri())
        tab.wait_for_load_state("load")
        assert tab.evaluate("typeof window.pwned") == "undefined"
        assert tab.locator("#article").inner_text().count("<script>") == 1
        browser.close()


def test_the_page_says_once_what_was_checked_and_shows_what_was_left_out_before_the_sections():
    text = SEED.read_text(encoding="utf-8")
    page = html.render(grounded_brief(text, handwritten("kreminna-fabricated")), text)
    first_section = page.index("<h2>")
    assert page.count('class="legend"') == 1 and page.index('class="legend"') < first_section
    assert page.index('id="left-out"') < first_section, "what did not hold is seen first, not below the fold"
    assert "system@" not in page and "prompt " not in page.split("<footer>")[1], "no internal jargon"
    assert 'class="model">' in page, "the model's own words are set apart"


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (.ci/run installs it)")
def test_in_chromium_the_legend_and_what_was_left_out_show_without_scrolling(tmp_path):
    from playwright.sync_api import sync_playwright

    text = SEED.read_text(encoding="utf-8")
    page_file = tmp_path / "review.html"
    page_file.write_text(html.render(grounded_brief(text, handwritten("kreminna-fabricated")), text))
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        tab = browser.new_page(viewport={"width": 1280, "height": 1600})
        tab.goto(page_file.as_uri())
        for selector in (".legend", "#left-out li"):
            box = tab.locator(selector).first.bounding_box()
            assert box is not None and box["y"] + box["height"] <= 1600, selector
        browser.close()
