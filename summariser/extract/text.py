"""The article's text, indexed once for every lookup a brief needs: offsets, paragraphs, quoted
regions, the instructions the detector found, the anchors and the names.

Text is compared after normalising only what typesetting changes (quote marks, dashes, ellipses,
whitespace), through a character map back to the raw text, so every span slices the source exactly.
"""

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import cached_property

from summariser import detect
from summariser.brief import Span
from summariser.detect.findings import quoted_regions
from summariser.detect.harm import harm_reported
from summariser.extract.anchors import Anchor, Anchors, anchor
from summariser.extract.choices import Choices, choices
from summariser.extract.matching import in_words, name_keys, same_person, whole, without_place
from summariser.extract.names import SPEAKER_REACH, Names

_WORD = re.compile(r"\w+")


_QUOTE_MARKS = "\"'‘’‚‛“”„‟«»‹›`´′″"


_DASHES = "‐‑‒–—―−"


_TRIM = " .,;:" + _QUOTE_MARKS


# Typesetting variants that map one character to one character; whitespace runs and ellipses change
# length and are handled as pieces of the offset map.
_SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


_ONE_TO_ONE = str.maketrans(
    {**dict.fromkeys(_QUOTE_MARKS, '"'), **dict.fromkeys(_DASHES, "-"), **dict.fromkeys(_SPACES, " ")}
)


_RESIZED = re.compile(r" {2,}|…")


def normalise(text: str) -> str:
    """The comparison form of a snippet: what alignment searches for."""
    return re.sub(" +", " ", text.translate(_ONE_TO_ONE).replace("…", "...")).strip(" ")


def trimmed(text: str) -> str:
    """A model's snippet without the marks and end punctuation it tends to add or drop."""
    return normalise(text).strip(_TRIM)


class _OffsetMap:
    """Normal-form offsets to raw offsets, as a few pieces instead of one entry per character.

    Between pieces the two texts run in step; a collapsed whitespace run is one normal character
    standing for several raw ones, an ellipsis three normal characters standing for one.
    """

    def __init__(self, raw: str) -> None:
        typed = raw.translate(_ONE_TO_ONE)
        parts: list[str] = []
        self._normal_starts: list[int] = []
        self._pieces: list[tuple[int, int, bool]] = []  # raw start, raw length, runs in step
        raw_at = normal_at = 0
        for m in _RESIZED.finditer(typed):
            self._add(normal_at, raw_at, m.start() - raw_at, True)
            parts.append(typed[raw_at : m.start()])
            normal_at += m.start() - raw_at
            replacement = " " if m.group() != "…" else "..."
            self._add(normal_at, m.start(), m.end() - m.start(), False)
            parts.append(replacement)
            normal_at += len(replacement)
            raw_at = m.end()
        self._add(normal_at, raw_at, len(typed) - raw_at, True)
        parts.append(typed[raw_at:])
        self.normal = "".join(parts)

    def _add(self, normal_at: int, raw_at: int, length: int, in_step: bool) -> None:
        if length:
            self._normal_starts.append(normal_at)
            self._pieces.append((raw_at, length, in_step))

    def start(self, i: int) -> int:
        piece = bisect_right(self._normal_starts, i) - 1
        raw_at, _, in_step = self._pieces[piece]
        return raw_at + (i - self._normal_starts[piece]) if in_step else raw_at

    def end(self, i: int) -> int:
        piece = bisect_right(self._normal_starts, i) - 1
        raw_at, length, in_step = self._pieces[piece]
        return raw_at + (i - self._normal_starts[piece]) + 1 if in_step else raw_at + length


class SourceText:
    """The article, indexed once for every lookup a brief needs."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._map = _OffsetMap(text)
        self.normal = self._map.normal
        self.paragraphs = _paragraph_spans(text)
        self._paragraph_starts = [start for start, _ in self.paragraphs]
        self.quoted = quoted_regions(text)
        self._quoted_starts = [start for start, _ in self.quoted]
        self.injections = detect.injections(text, self.quoted)
        self.anchors = anchor(text)
        self.names = Names(text, self.anchors)
        # confident planted instructions never reach the model; doubtful ones reach it, flagged
        self.withheld = [f.span for f in self.injections if f.kind == "injection"]
        self.flagged = [f.span for f in self.injections]  # withheld or shown: never the writer's facts
        self._named: dict[tuple[int, str], bool] = {}

    def choices_for(self, asked: Anchors | None = None) -> Choices:
        """What the model may answer for the ids a request lists (a part's), or for the whole
        article (None): the whole article's are made once, since its request and every grounding of
        its brief read the same choices."""
        if asked is None or asked is self.anchors:
            return self._offered
        return choices(self.names, asked.outside(self.withheld), self.withheld)

    @cached_property
    def _offered(self) -> Choices:
        return choices(self.names, self.anchors.outside(self.withheld), self.withheld)

    @cached_property
    def harm(self) -> list[Span]:
        """Where the article reports harm, counted or not, outside a denial of its own: asked by
        every grounding's denial check and by the brief's assembly, so found once."""
        return harm_reported(self.text)

    def sentence_text(self, passage: Anchor) -> str:
        """The whole sentence a passage or figure stands in, as the article writes it."""
        sentence = self.anchors.get(passage.sentence)
        return sentence.text if sentence else passage.text

    def raw_span(self, start: int, end: int) -> Span:
        """Map a span of the normal form back onto the raw text."""
        return (self._map.start(start), self._map.end(end - 1))

    def occurrences(self, snippet: str, whole_words: bool = False) -> Iterator[Span]:
        """Raw spans where the snippet stands, in order; an empty snippet stands nowhere. With
        `whole_words`, a hit may not cut a word at either end ("20" does not stand in "200")."""
        needle = trimmed(snippet)
        if not needle:
            return
        at = self.normal.find(needle)
        while at != -1:
            end = at + len(needle)
            if not whole_words or (self._uncut(at - 1, needle[0]) and self._uncut(end, needle[-1])):
                yield self.raw_span(at, end)
            at = self.normal.find(needle, at + 1)

    def _uncut(self, neighbour: int, edge: str) -> bool:
        inside = 0 <= neighbour < len(self.normal)
        return not (in_words(edge) and inside and self.normal[neighbour].isalnum())

    def contains(self, snippet: str) -> bool:
        """Whether the snippet stands in the source as written, as whole words."""
        return next(self.occurrences(snippet, whole_words=True), None) is not None

    def paragraph_of(self, offset: int) -> int:
        return bisect_right(self._paragraph_starts, offset) - 1

    def is_quoted(self, span: Span) -> bool:
        region = bisect_right(self._quoted_starts, span[0]) - 1
        return region >= 0 and span[1] <= self.quoted[region][1]

    def names_near(self, name: str, span: Span, reach: int = SPEAKER_REACH) -> bool:
        """Whether the paragraph holding `span`, or one of `reach` before it (or back to where its
        run of quotation paragraphs opens), names the person."""
        last = self.paragraph_of(span[0])
        first = self._first_in_reach(span, reach)
        return any(self.names_in(paragraph, name) for paragraph in range(first, last + 1))

    def _first_in_reach(self, span: Span, reach: int) -> int:
        last = self.paragraph_of(span[0])
        opener = self.names.run_opener(span[0])
        return min(max(0, last - reach), self.paragraph_of(opener) if opener is not None else last)

    def nearest_named(self, names: list[str], span: Span, reach: int = SPEAKER_REACH) -> list[str]:
        """Of `names`, those named in the closest paragraph at or before `span` that names any of them:
        who the article is writing about when the quotation comes."""
        last = self.paragraph_of(span[0])
        for paragraph in range(last, self._first_in_reach(span, reach) - 1, -1):
            found = [name for name in names if self.names_in(paragraph, name)]
            if found:
                return found
        return []

    def names_in(self, paragraph: int, name: str) -> bool:
        """Whether a paragraph names the person; asked for every name near every quotation and figure
        a few times over, so each answer is kept."""
        if (paragraph, name) not in self._named:
            text = self._normal_paragraphs[paragraph]
            found = any(re.search(whole(normalise(key)), text) for key in name_keys(name))
            self._named[paragraph, name] = found
        return self._named[paragraph, name]

    @cached_property
    def _normal_paragraphs(self) -> list[str]:
        return [normalise(self.text[start:end]) for start, end in self.paragraphs]

    def resolve(self, name: str, span: Span, known: list[str]) -> str:
        """The name the article uses near `span` for whom the model called `name`: a listed actor
        who is the same person; else the last name inside the model's words that the article gives
        there ("Pentagon spokesman John Kirby" is John Kirby, "Serhiy Gaidai, Luhansk" is Serhiy
        Gaidai); else the model's words as they are, for the trust rules to judge."""
        name = " ".join(name.split())
        who = without_place(name)  # "Local officials in the district" are the officials, not the place
        if who != name and self.contains(who) and self.names_near(who, span):
            name = who
        for actor in known:
            if same_person(name, actor) and self.names_near(actor, span):
                return actor
        words = [w.strip(",;:()") for w in name.split()]
        inside = [a for a in known if _holds_words(name, a) and self.names_near(a, span)]
        inside += [
            part
            for size in range(len(words) - 1, 1, -1)
            for at in range(len(words) - size + 1)
            # a name runs from a capital to a capital: "The health" is no name inside "The health ministry"
            if (part := " ".join(words[at : at + size]))[:1].isupper()
            and words[at + size - 1][:1].isupper()
            and self.contains(part)
            and self.names_near(part, span)
        ]
        if inside:
            return max(inside, key=lambda a: (normalise(name).rfind(normalise(a)) + len(a), len(a)))
        if self.contains(name) and self.names_near(name, span):
            return name
        for word in reversed(words):
            if word[:1].isupper() and self.contains(word) and self.names_near(word, span):
                return word
        return name


def _paragraph_spans(text: str) -> list[Span]:
    spans = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    return spans or [(0, len(text))]


def _holds_words(text: str, name: str) -> bool:
    return bool(re.search(whole(normalise(name)), normalise(text)))
