"""Article text as a reader sees it, for the instruction detector: a planted instruction dressed to
slip past a pattern (Cyrillic look-alike letters, zero-width or full-width characters, letters spaced
or dotted apart, a word hyphenated across a line break) reads as the plain words it shows.

Only what is disguised is rewritten, so an article with nothing to undo costs one regex scan, and
every character of the folded text remembers where it stood, so findings are reported on the original.
"""

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field

from summariser.brief import Span

# Cyrillic and Greek letters drawn like Latin ones; rewritten only inside a word that mixes scripts,
# so Russian, Ukrainian or Greek prose stays as it is written
_LOOK_ALIKES = str.maketrans(
    "АВЕЅІЈКМНОРСТХУаеіјорсхуѕԁԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧαιορνυχ",
    "ABESIJKMHOPCTXYaeijopcxysdqwABEZHIKMNOPTYXaiopvux",
)
_FOREIGN = "\u0370-\u03ff\u0400-\u04ff\u0500-\u052f"
_INVISIBLE = "\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff"
_WIDE = "\uff01-\uff5e\u3000"
_LETTER = r"[^\W\d_]"
_SEPARATOR = r"(?:\.\s?|[-\u00a0 ])"
# each scan starts from a plain character or a small class, which `re` finds fast: the detector reads
# every article, and a 20,000-word one must cost a few milliseconds
_UNUSUAL = re.compile(f"[{_INVISIBLE}{_WIDE}{_FOREIGN}]")
_INVISIBLE_OR_WIDE = re.compile(f"(?P<invisible>[{_INVISIBLE}]+)|(?P<wide>[{_WIDE}]+)")
_MIXED_PAIR = re.compile(f"[A-Za-z][{_FOREIGN}]|[{_FOREIGN}][A-Za-z]")
# three or more single letters, each set apart by a dot, a hyphen or a space ("i.g.n.o.r.e")
_SPACED_STARTS = [re.compile(f"{edge}{_LETTER}{_SEPARATOR}{_LETTER}{_SEPARATOR}") for edge in " \n"]
_SPACED = re.compile(f"{_LETTER}(?:{_SEPARATOR}{_LETTER}(?!\\w)){{2,}}")


@dataclass(frozen=True)
class Folded:
    """The folded text and, per rewritten stretch, where it came from; unchanged stretches map 1:1."""

    text: str
    _starts: list[int] = field(default_factory=list)  # in `text`, where each stretch begins
    _origins: list[list[int] | int] = field(default_factory=list)  # per stretch: offsets, or a shift

    def original(self, span: Span) -> Span:
        """The span of the original text that a span of the folded text was made from."""
        start, end = span
        return self._at(start), self._at(end - 1) + 1 if end > start else self._at(start)

    def _at(self, offset: int) -> int:
        i = bisect_right(self._starts, offset) - 1
        if i < 0:
            return offset
        origin = self._origins[i]
        if isinstance(origin, int):
            return offset + origin
        return origin[min(offset - self._starts[i], len(origin) - 1)]


def folded(text: str) -> Folded:
    """`text` with its disguises undone; `Folded.original` maps any span of it back."""
    found = sorted(_disguises(text))
    if not found:
        return Folded(text)
    pieces: list[str] = []
    starts: list[int] = []
    origins: list[list[int] | int] = []
    length = at = 0
    for start, end, plain, offsets in found:
        if start < at:
            continue  # inside a disguise already undone
        if start > at:  # the stretch before, unchanged
            starts.append(length)
            origins.append(at - length)
            pieces.append(text[at:start])
            length += start - at
        if plain:
            starts.append(length)
            origins.append(offsets)
            pieces.append(plain)
            length += len(plain)
        at = end
    starts.append(length)
    origins.append(at - length)
    pieces.append(text[at:])
    return Folded("".join(pieces), starts, origins)


def _disguises(text: str) -> list[tuple[int, int, str, list[int]]]:
    """Each disguised stretch: (start, end, its plain text, the original offset of each character)."""
    found: list[tuple[int, int, str, list[int]]] = []
    if not text.isascii() and _UNUSUAL.search(text):
        for m in _INVISIBLE_OR_WIDE.finditer(text):
            if m.lastgroup == "invisible":
                found.append((m.start(), m.end(), "", []))
            else:
                wide = [(unicodedata.normalize("NFKC", ch), m.start() + i) for i, ch in enumerate(m.group())]
                found.append(
                    (m.start(), m.end(), "".join(ch for ch, _ in wide), [at for ch, at in wide for _ in ch])
                )
        found += _mixed_words(text)
    starts = [0] if _SPACED.match(text) else []
    starts += [m.start() + 1 for edge in _SPACED_STARTS for m in edge.finditer(text)]
    for start in starts:
        spaced = _SPACED.match(text, start)
        if spaced is not None:
            kept = [(ch, spaced.start() + i) for i, ch in enumerate(spaced.group()) if ch.isalpha()]
            found.append(
                (spaced.start(), spaced.end(), "".join(ch for ch, _ in kept), [at for _, at in kept])
            )
    at = text.find("-\n")
    while at != -1:
        if 0 < at < len(text) - 2 and text[at - 1].isalpha() and text[at + 2].isalpha():
            found.append((at, at + 2, "", []))
        at = text.find("-\n", at + 1)
    return found


def _mixed_words(text: str) -> list[tuple[int, int, str, list[int]]]:
    """Words that mix Latin letters with Cyrillic or Greek ones, read as Latin."""
    words: dict[int, int] = {}
    for m in _MIXED_PAIR.finditer(text):
        start = m.start()
        while start > 0 and text[start - 1].isalnum():
            start -= 1
        end = m.end()
        while end < len(text) and text[end].isalnum():
            end += 1
        words[start] = max(end, words.get(start, end))
    return [(s, e, text[s:e].translate(_LOOK_ALIKES), list(range(s, e))) for s, e in words.items()]
