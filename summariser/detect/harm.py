"""Casualty figures, found by code before the model reads the article: a number or number word
beside a word for harm (killed, dead, injured, missing, displaced, …), in English, French, Russian
and Chinese; figures in a list after one; a toll that has risen to one. Each is an id the model
answers for, and one the brief may not lose silently."""

import functools
import re

from summariser.brief import Span
from summariser.detect.findings import Finding

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    r"hundred|a hundred|dozens|a dozen|scores|hundreds|thousands|tens of thousands|millions"
)


_HEDGES = (
    r"(?:about|around|at least|more than|over|nearly|almost|some|up to|as many as|roughly|an estimated|"
    r"approximately|fewer than|less than)"
)


_FIGURE = (
    rf"(?:{_HEDGES}\s+)?(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?(?:\s+(?:million|thousand))?|"
    rf"\b(?:{_NUMBER_WORDS})\b)"
)


_HARM = (
    r"killed|dead|died|deaths?|wounded|injured|hurt|missing|displaced|detained|arrested|casualties|"
    r"fled|evacuated|lost their lives|death toll|toll|bodies|victims|fatalities|homeless|from their homes"
)


_LINKS = (
    r"(?:to|at|of|has|had|have|is|was|were|now|rose|risen|climbed|reached|stood|stands|by|passed|topped|"
    r"exceeded|surpassed|grown|grew|including|included)"
)


_HARM_WORD = re.compile(rf"\b(?:{_HARM})\b", re.IGNORECASE)


# a figure, then at most six words, then the word for harm ("about 200 dead", "thousands
# of people have been killed"); or the word for harm, linking words, then the figure ("the toll rose
# to 35")
_FIGURE_BEFORE = re.compile(rf"(?P<f>{_FIGURE})(?:\W+\w+){{0,6}}?\W+$", re.IGNORECASE)


_FIGURE_AFTER = re.compile(rf"\W+(?:{_LINKS}\W+){{0,4}}?(?P<f>{_FIGURE})", re.IGNORECASE)


_YEAR = re.compile(r"^(1[89]|20)\d\d$")


# French and Russian set out a figure and its harm word as English does, and Russian also puts the
# harm first ("погибли 12 человек"); Chinese runs the figure, its measure word and the harm together
# ("至少12人死亡"), with no word breaks for `\W` to find.
_DIGITS = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+"


_FIGURE_FR = (
    r"(?:(?:environ|au moins|plus de|près de|quelque|jusqu['’]à|pas moins de)\s+)?"
    rf"(?:(?:{_DIGITS})(?:\s+(?:mille|millions?))?|\b(?:des|plusieurs)\s+(?:dizaines|centaines|milliers)\b)"
)


_HARM_FR = (
    r"\b(?:morts|tu[ée]e?s?|bless[ée]e?s?|disparue?s|d[ée]plac[ée]e?s|victimes|d[ée]c[èe]s|"
    r"d[ée]c[ée]d[ée]e?s|[ée]vacu[ée]e?s|sans-abri)\b"
)


_FIGURE_RU = (
    r"(?:(?:около|не\s+менее|не\s+меньше|более|свыше|почти|по\s+меньшей\s+мере|по\s+крайней\s+мере|"
    r"примерно|порядка)\s+)?"
    rf"(?:(?:{_DIGITS})(?:\s+(?:тысяч[аи]?|миллион\w*))?|\b(?:десятки|сотни|тысячи|десятков|сотен|тысяч)\b)"
)


_HARM_RU = (
    r"\b(?:погиб\w*|убит(?:ы|а|о|ых|ыми)?|ранен\w*|пострадал\w*|пострадавш\w*|пропал\w*\s+без\s+вести|"
    r"жертв\w*|умер\w*|скончал\w*|эвакуирован\w*)\b"
)


_RU_LINKS = r"(?:возросло|выросло|достигло|составило|составляет|превысило|увеличилось|до)"


_FIGURE_ZH = r"(?:大约|约|至少|超过|逾|将近|近|多达|不少于)?(?:\d+(?:[,，]\d{3})*|数[十百千万]+)"


_HARM_ZH = r"死亡|遇难|丧生|罹难|受伤|失踪|伤亡"


# (harm word, figure before it, figure after it), one rule a language
_CASUALTY_RULES: list[tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str] | None]] = [
    (_HARM_WORD, _FIGURE_BEFORE, _FIGURE_AFTER),
    (
        re.compile(_HARM_FR, re.IGNORECASE),
        re.compile(rf"(?P<f>{_FIGURE_FR})(?:\W+\w+){{0,4}}?\W+$", re.IGNORECASE),
        None,
    ),
    (
        re.compile(_HARM_RU, re.IGNORECASE),
        re.compile(rf"(?P<f>{_FIGURE_RU})(?:\W+\w+){{0,4}}?\W+$", re.IGNORECASE),
        re.compile(rf"\W+(?:{_RU_LINKS}\W+){{0,3}}?(?P<f>{_FIGURE_RU})", re.IGNORECASE),
    ),
    (
        re.compile(_HARM_ZH),
        re.compile(rf"(?P<f>{_FIGURE_ZH})[多余]?[名人位]?[^\d\s。！？，,、；;]{{0,4}}?$"),
        re.compile(rf"人数(?:已经?)?(?:升至|上升至|增至|增加到|达到?|为)(?P<f>{_FIGURE_ZH})"),
    ),
]


def casualties(text: str) -> list[Finding]:
    return [figure for figure, _ in casualty_phrases(text)]


# the figures listed after one ("killed 25 militants and five civilians", "including 60 children, 15
# men and 15 women"), each with the word it counts
_LISTED = re.compile(
    rf"(?:\s+[a-z][\w-]*){{1,2}}?(?:,\s*(?:and\s+)?|\s+and\s+|\s+[-–—]\s+)(?P<f>{_FIGURE})(?=\s+[a-z])",
    re.IGNORECASE,
)


_TOLL = re.compile(
    rf"\btoll\b(?:[^.!?]|\.(?=\d)){{0,80}}?\b(?:rose|risen|climbed|reached|grown|grew|passed|topped|stood|stands|"
    rf"jumped|increased)\s+(?:to\s+|at\s+)?(?P<f>{_FIGURE})",
    re.IGNORECASE,
)


def _before(pattern: re.Pattern[str], text: str, start: int, end: int) -> list[re.Match[str]]:
    """Every figure close enough before a harm word, hedge and all ("some 90"): "25 militants were
    among the 30 dead" counts both; none across a clause ("80 bodies …, and warned the toll")."""
    found = []
    at = start
    while (m := pattern.search(text, at, end)) is not None:
        at = m.end("f")
        if not _CLAUSE_BREAK.search(text, at, end):
            found.append(m)
    return found


_CLAUSE_BREAK = re.compile(r"[;:\n]|[.!?]\s|,\s*(?:and|but|while|as)\b")


_AGE = re.compile(r"[A-Z][\w’'-]+,\s*$")


def _age(text: str, m: re.Match[str]) -> bool:
    """A number set off after a name ("Aristide Biloa, 40, whose brother…") is an age, not a count;
    a year ("in 2014 … killed") is none either."""
    return (
        bool(_AGE.search(text, max(0, m.start("f") - 40), m.start("f")))
        and text[m.end("f") : m.end("f") + 1] == ","
    )


def _listed(text: str, at: int, harm: Span, found: dict[Span, Span]) -> dict[Span, Span]:
    """The figures listed after the one ending at `at`, each with the word after it and the harm
    word the list hangs on ("killed, including 60 children, 15 men")."""
    listed: dict[Span, Span] = {}
    for _ in range(6):
        m = _LISTED.match(text, at)
        if m is None or m.span("f") in found or _YEAR.match(m.group("f").split()[-1]):
            break
        if _HARM_WORD.match(text, m.end("f") + 1) or _HARM_WORD.search(text[m.end("f") : m.end("f") + 25]):
            break  # "… and more than 25 wounded": its own harm word says what it counts
        noun = re.match(r"\s+[a-z][\w-]*", text[m.end("f") :])
        end = m.end("f") + (noun.end() if noun else 0)
        listed[m.span("f")] = (min(harm[0], m.start("f")), max(harm[1], end))
        at = m.end("f")
    return listed


@functools.lru_cache(maxsize=4)
def casualty_phrases(text: str) -> tuple[tuple[Finding, Span], ...]:
    """Figures next to a word for harm, each with the span of the figure and that word ("about 200
    dead"), so a prompt can show why it counts without the whole sentence. The search starts from
    the (rarer) harm words; the article's anchors and its detectors both ask, so the last few
    articles' answers are kept."""
    found: dict[Span, Span] = {}
    for harm_word, figure_before, figure_after in _CASUALTY_RULES:
        for harm in harm_word.finditer(text):
            before = _before(figure_before, text, max(0, harm.start() - 80), harm.start())
            after = figure_after.match(text, harm.end(), harm.end() + 80) if figure_after else None
            for m in (*before, after):
                if m is not None and not _YEAR.match(m.group("f").split()[-1]) and not _age(text, m):
                    phrase = (min(m.start("f"), harm.start()), max(m.end("f"), harm.end()))
                    found.setdefault(m.span("f"), phrase)
                    if harm_word is _HARM_WORD:
                        found.update(_listed(text, m.end("f"), harm.span(), found))
    for toll in _TOLL.finditer(text):  # "the death toll from the quake has grown to more than 150"
        found.setdefault(toll.span("f"), toll.span())
    return tuple(
        (Finding("casualty", text[start:end], (start, end)), phrase)
        for (start, end), phrase in sorted(found.items())
    )
