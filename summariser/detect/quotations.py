"""The article's quotations: the one finder every part of the brief uses (the ids the model answers
with, the sentences that never end inside a quotation, the detectors' "inside a quotation"). Curly,
straight, angled and CJK marks, nested quotations, apostrophes told from single quotes, and a
quotation left open at its paragraph's end, where news style re-opens it in the next."""

import re
from bisect import bisect_left, bisect_right

_MARKS = re.compile("[\n\"'“”„‟«»‹›「」『』‘’‚]")
# each opening mark and the marks that close it
_CLOSED_BY = {
    "“": '”"',
    "„": '“”"',
    "‟": '”"',
    '"': '"”',
    "«": "»",
    "‹": "›",
    "「": "」",
    "『": "』",
    "‘": "’",
    "‚": "‘’",
    "'": "'",
}
_ONLY_CLOSING = "”»›」』’"
# what may stand before a straight single quote that opens: nothing, a space, or an opening mark
_BEFORE_OPENING = '([{—–-/"“„«‘'
# a straight single quote that could close: after a character, before none that goes on a word
_STRAIGHT_CLOSER = re.compile(r"(?<=\S)'(?!\w)")

Quoted = tuple[int, int, bool]  # the opening mark, the end (past its closing mark, or the line's), closed


def quotations(text: str, breaks: tuple[int, ...] | None = None) -> list[Quoted]:
    """The outermost quotations, in order. A quotation inside one is tracked only so that its
    closing mark is not taken for the outer one's; an unclosed one ends with its line, where news
    style re-opens a quotation that goes on in the next paragraph."""
    if breaks is None:
        breaks = tuple(m.start() for m in re.finditer("\n", text))
    closers = [m.start() for m in _STRAIGHT_CLOSER.finditer(text)] if "'" in text else []
    found: list[Quoted] = []
    opened: list[tuple[str, int]] = []
    for m in _MARKS.finditer(text):
        mark, at = m.group(), m.start()
        if mark == "\n":
            if opened:
                found.append((opened[0][1], at, False))
                opened.clear()
            continue
        if _apostrophe(text, at):
            continue
        depth = _closes(opened, mark, text, at)
        if depth is not None:
            if depth == 0:
                found.append((opened[0][1], at + 1, True))
            del opened[depth:]
        elif mark in _CLOSED_BY and _opens(text, at, closers, breaks):
            opened.append((mark, at))
    if opened:
        found.append((opened[0][1], len(text), False))
    return found


def _apostrophe(text: str, at: int) -> bool:
    """’ and ' between letters (don't, Zelensky’s, l'armée) are part of a word."""
    return text[at] in "'’" and at > 0 and text[at - 1].isalnum() and text[at + 1 : at + 2].isalpha()


def _closes(opened: list[tuple[str, int]], mark: str, text: str, at: int) -> int | None:
    """How deep in the open quotations `mark` closes one, or None. A mark that can also open closes
    only the innermost; one that only closes also ends inner quotations left open."""
    if mark == "'" and not _STRAIGHT_CLOSER.match(text, at):
        return None
    depths = range(len(opened) - 1, -1, -1)
    for depth in depths if mark in _ONLY_CLOSING else depths[:1]:
        if mark in _CLOSED_BY[opened[depth][0]]:
            return depth
    return None


def _opens(text: str, at: int, closers: list[int], breaks: tuple[int, ...]) -> bool:
    """Curly and angled marks open, but for a ‘ inside a word. A straight single quote is an
    apostrophe as often as a quotation mark, so it opens only at a word's start and with a closing
    partner on its line."""
    mark, after = text[at], text[at + 1 : at + 2]
    if mark == "‘":
        return bool(after.strip()) and not (at > 0 and text[at - 1].isalnum())
    if mark != "'":
        return True
    if not after.strip() or (at > 0 and not text[at - 1].isspace() and text[at - 1] not in _BEFORE_OPENING):
        return False
    partner = bisect_right(closers, at)
    line = bisect_left(breaks, at)
    line_end = breaks[line] if line < len(breaks) else len(text)
    return partner < len(closers) and closers[partner] < line_end
