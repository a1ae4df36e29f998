"""The article's passages numbered before a request, so the model answers with ids (`S3`, `Q2`, `C1`)
instead of copying text: a copy can drift from the source, an id cannot, and code maps every id back
to an exact span. Ids are global over the article, so a chunk of a long article keeps the numbers
the whole article gave its passages.

Sentences never end inside a quotation: a quoted passage belongs, whole, to the sentence that
introduces or attributes it, which is the sentence the brief cites as its evidence.
"""

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from summariser.brief import Span
from summariser.detect.harm import casualty_phrases
from summariser.detect.quotations import Quoted, quotations


@dataclass(frozen=True)
class Anchor:
    id: str  # "S3", "Q2", "C1"
    span: Span  # article[span[0]:span[1]] == text
    text: str  # the sentence; the passage without its marks; the figure ("about 200")
    sentence: str  # id of the sentence holding it; a sentence's own id
    label: str  # what the prompt shows after the id: a slice of the article, marks and harm words kept


@dataclass(frozen=True)
class Anchors:
    sentences: list[Anchor]
    passages: list[Anchor]
    mentions: list[Anchor]
    # where the article's lines end: a line is a paragraph, and the prompt keeps them apart
    line_breaks: tuple[int, ...] = ()
    _by_id: dict[str, Anchor] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        every = (*self.sentences, *self.passages, *self.mentions)
        object.__setattr__(self, "_by_id", {found.id: found for found in every})

    def get(self, anchor_id: str) -> Anchor | None:
        return self._by_id.get(anchor_id)

    def within(self, start: int, end: int) -> "Anchors":
        """A chunk's own anchors; their ids keep the numbers the whole article gave them."""
        return Anchors(
            _inside(self.sentences, start, end),
            _inside(self.passages, start, end),
            _inside(self.mentions, start, end),
            self.line_breaks,
        )

    def outside(self, spans: list[Span]) -> "Anchors":
        """Without the passages and figures inside withheld text: nothing of a planted instruction
        is asked about. Its sentences stay, for the prompt shows where something was withheld."""

        passages = [p for p in self.passages if not overlaps(p.span, spans)]
        mentions = [m for m in self.mentions if not overlaps(m.span, spans)]
        return Anchors(self.sentences, passages, mentions, self.line_breaks)

    def sentence_at(self, offset: int) -> Anchor | None:
        at = bisect_right(self.sentences, offset, key=_start) - 1
        if at >= 0 and offset < self.sentences[at].span[1]:
            return self.sentences[at]
        return None

    def line_of(self, offset: int) -> int:
        """Which line (paragraph) of the article an offset stands in, counted from 0."""
        return bisect_left(self.line_breaks, offset)

    def paragraphs(self) -> list[list[Anchor]]:
        grouped: list[list[Anchor]] = []
        line = -1
        for sentence in self.sentences:
            here = self.line_of(sentence.span[0])
            if here != line:
                grouped.append([])
                line = here
            grouped[-1].append(sentence)
        return grouped


PHRASE_WORDS = 4
PHRASE_CHARS = 30


def is_phrase(passage: Anchor) -> bool:
    """A few words in quotation marks that close no clause of their own (“ultimatum”, “impossible
    to calculate”, “无法计算”) are a term or scare quotes inside the writer's sentence, not a
    quotation, however the model answers; “We will fight.” closes one, and stays a quote."""
    text = passage.label.strip("“”„‟\"«»‹›「」『』‘’‚'").rstrip()  # with the comma that closes a clause
    words = len(re.findall(r"\w+", text))
    short = words <= PHRASE_WORDS and len(text) <= PHRASE_CHARS
    if short and words <= 3 and text[:1].islower():
        return True  # “dirty bomb.”: a term with the sentence's full stop inside the marks
    return short and not text.endswith((".", ",", "!", "?", "…", "。", "，", "！", "？"))


def overlaps(span: Span, spans: list[Span]) -> bool:
    """Whether a span shares any character with one of `spans`."""
    return any(start < span[1] and span[0] < end for start, end in spans)


def _start(found: Anchor) -> int:
    return found.span[0]


def _end(found: Anchor) -> int:
    return found.span[1]


def _inside(anchors: list[Anchor], start: int, end: int) -> list[Anchor]:
    """Anchors of one kind never overlap, so sorted by start they are sorted by end too."""
    return anchors[bisect_left(anchors, start, key=_start) : bisect_right(anchors, end, key=_end)]


def anchor(text: str) -> Anchors:
    breaks = tuple(m.start() for m in re.finditer("\n", text))
    quoted = quotations(text, breaks)
    sentences = [
        Anchor(f"S{n}", span, text[span[0] : span[1]], f"S{n}", text[span[0] : span[1]])
        for n, span in enumerate(_sentences(text, breaks, quoted), 1)
    ]
    numbered = Anchors(sentences, [], [], breaks)
    return Anchors(sentences, _passages(text, quoted, numbered), _mentions(text, numbered), breaks)


def _passages(text: str, quoted: list[Quoted], numbered: Anchors) -> list[Anchor]:
    passages: list[Anchor] = []
    for opening, end, closed in quoted:
        # the comma or colon before a closing mark belongs to the sentence around ("“…the city,” he said")
        span = _stripped(text, opening + 1, end - 1 if closed else end)
        while span[1] > span[0] and text[span[1] - 1] in ",;:":
            span = _stripped(text, span[0], span[1] - 1)
        if span[0] == span[1]:
            continue
        sentence = numbered.sentence_at(span[0])
        assert sentence is not None  # a passage is never blank, and no sentence ends inside one
        label_end = end if closed else span[1]
        passages.append(
            Anchor(
                f"Q{len(passages) + 1}",
                span,
                text[span[0] : span[1]],
                sentence.id,
                text[opening:label_end],
            )
        )
    return passages


# --- Sentences ------------------------------------------------------------------------------------

# a run of stops, then closing marks (French » may stand after a space); Latin stops need a space or
# the line's end after them, CJK ones need nothing
_END = re.compile(r"[.!?…]+(?:[)\]\"'”’」』）]|[ \u00a0\u202f]*[»›])*(?=\s|$)|[。！？]+[」』”’）)】〕》\"']*")
_ABBREVIATIONS = frozenset(
    {"Mr", "Mrs", "Ms", "Dr", "St", "Gen", "Lt", "Col", "Sgt", "Rev", "Prof", "Jr", "Sr", "Gov", "Sen"}
    | {"Rep", "Capt", "Maj", "Adm", "Brig", "vs"}
)
_INITIALISM = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")  # U.S, e.g, i.e, т.е
_OPENING_PUNCTUATION = "([\"'“„«‘"


def _sentences(text: str, breaks: tuple[int, ...], quoted: list[Quoted]) -> list[Span]:
    starts = [opening for opening, _, _ in quoted]
    spans: list[Span] = []
    for line_start, line_end in zip((0, *(b + 1 for b in breaks)), (*breaks, len(text)), strict=True):
        start = line_start
        for m in _END.finditer(text, line_start, line_end):
            end = m.end()
            within = bisect_left(starts, end) - 1
            if within >= 0 and end < quoted[within][1]:
                continue  # never inside a quotation
            if _goes_on(text, m.start(), end, line_start, line_end):
                continue
            spans.append(_stripped(text, start, end))
            start = end
        spans.append(_stripped(text, start, line_end))
    return [span for span in spans if span[0] < span[1]]


def _goes_on(text: str, stop: int, end: int, line_start: int, line_end: int) -> bool:
    """Whether the sentence goes on past a stop: one that ends an abbreviation or an initial (Mr,
    U.S., John F. Kennedy, No. 10), or one followed by a word in lower case (“Go!” he said)."""
    following = end
    while following < line_end and text[following].isspace():
        following += 1
    if text[following : following + 1].islower():
        return True
    if text[stop] != "." or text.startswith("..", stop):
        return False
    word_start = stop
    while word_start > line_start and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:stop].lstrip(_OPENING_PUNCTUATION)
    return (
        word in _ABBREVIATIONS
        or (word == "No" and text[following : following + 1].isdigit())
        or (len(word) == 1 and word.isupper())
        or _INITIALISM.fullmatch(word) is not None
    )


def _stripped(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# --- Casualty mentions ----------------------------------------------------------------------------


def _mentions(text: str, numbered: Anchors) -> list[Anchor]:
    """One mention a figure. A figure is kept only whole inside one sentence, which the brief cites
    as its evidence; its label, the figure with its harm words, is cut to that sentence."""
    mentions: list[Anchor] = []
    last_end = -1
    for figure, (phrase_start, phrase_end) in casualty_phrases(text):
        start, end = figure.span
        sentence = numbered.sentence_at(start)
        if start < last_end or sentence is None or end > sentence.span[1]:
            continue
        last_end = end
        label = text[max(phrase_start, sentence.span[0]) : min(phrase_end, sentence.span[1])]
        mentions.append(Anchor(f"C{len(mentions) + 1}", figure.span, figure.text, sentence.id, label))
    return mentions
