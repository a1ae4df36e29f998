"""Casualty figures, found by code before the model reads the article: a number or number word
beside a word for harm (killed, dead, injured, missing, displaced, …), in English, French, Russian
and Chinese; figures in a list after one; a toll that has risen to one. Each is an id the model
answers for, and one the brief may not lose silently."""

import bisect
import functools
import re

from summariser.brief import Span
from summariser.detect.findings import Finding
from summariser.detect.numbers import Number, alternation, numbers, vocabulary

_WORDS = vocabulary()


def _words(*entries: list[str]) -> str:
    return alternation([w for entry in entries for w in entry if w.isascii()])


# every word for harm the reader knows an outcome for, and those that say only harm
_HARM = _words(*_WORDS["outcomes"].values(), _WORDS["harm"]["only"])


_LINKS = (
    r"(?:to|at|of|has|had|have|is|was|were|now|rose|risen|climbed|reached|stood|stands|by|passed|topped|"
    r"exceeded|surpassed|grown|grew|including|included)"
)


_HARM_WORD = re.compile(rf"\b(?:{_HARM})\b", re.IGNORECASE)


_NOT_AFTER = re.compile(rf"[\s-]*(?:{alternation(_WORDS['not_counts']['after'])})(?!\w)", re.IGNORECASE)
_NOT_BEFORE_ONE = re.compile(
    rf"(?<!\w)(?:{alternation(_WORDS['not_counts']['before_one'])})\s+$", re.IGNORECASE
)
_NOT_BEFORE = re.compile(rf"(?<!\w)(?:{alternation(_WORDS['not_counts']['before'])})\s*$", re.IGNORECASE)
_MONTH = "|".join(m[:1].upper() + m[1:] for m in _WORDS["not_counts"]["months"])
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTH})\s+$")
_MONTH_AFTER = re.compile(rf"\s+(?:{_MONTH})\b")
_LABEL = re.compile(r"(?<=[a-z,;] )[A-Z][\w-]*\s$")  # "Route 66", "Flight 17": a name's number


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


# (harm word, figure before it, figure after it), one rule a language; English is read by the number
# reader instead (`_english`)
_CASUALTY_RULES: list[tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str] | None]] = [
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


DENIAL = re.compile(rf"\b(?:{alternation(_WORDS['denials']['phrases'])})\b", re.IGNORECASE)


def harm_reported(text: str) -> list[Span]:
    """Where the article speaks of people killed, hurt, missing, displaced or detained, outside a
    sentence that denies it ("no one was hurt"): harm it reports, counted or not."""
    found = []
    for m in _HARM_WORD.finditer(text):
        start = max(text.rfind(". ", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
        stop = min(
            (i for i in (text.find(". ", m.end()), text.find("\n", m.end())) if i >= 0), default=len(text)
        )
        if not DENIAL.search(text[start:stop]) and m.group().lower() not in _NOT_HARM_ALONE:
            found.append(m.span())
    return found


_NOT_HARM_ALONE = frozenset({"affected", "toll", "shot", "stranded", "in quarantine", "held hostage"})


_CLAUSE_BREAK = re.compile(r"[;:\n]|(?<!\b[A-Z])[.!?]\s|,\s*(?:and|but|while|as|he|she|they|it)\b")


_AGE = re.compile(r"[\w’'-],\s*$")  # "Aristide Biloa, 40, whose brother…", "a nurse, 34,"


_REACH = 9  # words between a count and its harm word ("Eight … workers and a U.S. serviceman were killed")
_FURTHER = 6  # … and for a count with another nearer the harm word ("25 militants were among the 30 dead")


_LIST_JOIN = re.compile(r"(?:\s+[a-z][\w-]*){1,3}?(?:,\s*(?:and\s+)?|\s+and\s+|\s+[-–—]\s+)$")


def counts_people(text: str, number: Number) -> bool:
    """Whether a number can count people: not a year, a date, an age ("aged three", "Name, 40,",
    "22-year-old"), a duration, a measure, money, a share, a time of day or a name's number ("Route
    66"), and not the "one" of "no one"."""
    start, end = number.figure
    head = text[max(0, number.span[0] - 30) : number.span[0]]
    words = text[start:end]
    return not (
        _YEAR.match(re.split(r"[-–]", words)[0])
        or (words.lower() == "one" and _NOT_BEFORE_ONE.search(head))
        or _NOT_AFTER.match(text, end)
        or _NOT_BEFORE.search(head)
        or _MONTH_BEFORE.search(head)
        or _MONTH_AFTER.match(text, end)
        or _LABEL.search(head)
        or (_AGE.search(head) and text[end : end + 1] == "," and (number.low or 0) < 130)
        or _ages_listed(text, number)
    )


def _ages_listed(text: str, number: Number) -> bool:
    """The rest of a list of ages ("aged three and 13", "aged 4, 7 and 9")."""
    every = numbers(text)
    at = bisect.bisect_left(_starts(text), number.span[0])  # the numbers before it
    start = number.span[0]
    while at > 0 and _AGES_JOIN.fullmatch(text[every[at - 1].span[1] : start]):
        at -= 1
        start = every[at].span[0]
        if _AGED.search(text, max(0, start - 12), start):
            return True
    return False


@functools.lru_cache(maxsize=4)
def _starts(text: str) -> tuple[int, ...]:
    """Where each of the text's numbers starts, for finding the ones before a number at once."""
    return tuple(n.span[0] for n in numbers(text))


_AGES_JOIN = re.compile(r"\s*(?:,|and|,\s*and)\s*")
_AGED = re.compile(r"\bage[ds]?\s+$", re.IGNORECASE)


def _english(text: str) -> dict[Span, Span]:
    """Every count of people beside an English word for harm, before it ("Sixty people were
    killed", "about 200 dead") or after it ("killing one", "the toll rose to 35"), and each figure
    listed after one ("killing 12 tourists, two of them foreigners, and three guides")."""
    counts = [n for n in numbers(text) if counts_people(text, n)]
    ends = [n.span[1] for n in counts]
    found: dict[Span, Span] = {}
    for harm in _HARM_WORD.finditer(text):
        at = bisect.bisect_right(ends, harm.start())
        for nearest, n in enumerate(reversed(counts[max(0, at - 4) : at])):
            between = text[n.span[1] : harm.start()]
            reach = _REACH if nearest == 0 else _FURTHER
            if n.span[1] < harm.start() - 80 or len(re.findall(r"\b[^\W\d]\w*", between)) > reach:
                break
            lone = (
                nearest and text[n.span[0] : n.span[1]].lower() == "one"
            )  # "one organisation reported 19,000 deaths"
            if not _CLAUSE_BREAK.search(between) and not lone:
                found.setdefault(n.span, (n.span[0], harm.end()))
        after = next((n for n in counts[at:] if n.span[0] >= harm.end()), None)
        if after is not None and _LINKED.fullmatch(text, harm.end(), after.span[0]):
            found.setdefault(after.span, (harm.start(), after.span[1]))
            found.update(_listed(text, counts, after, harm.span(), found))
        for n in [n for n in counts[max(0, at - 4) : at] if n.span in found]:
            found.update(_listed(text, counts, n, harm.span(), found))
    return found


_LINKED = re.compile(rf"[^\w.!?;:\n]*(?:(?:{_LINKS})[^\w.!?;:\n]+){{0,4}}", re.IGNORECASE)  # in its sentence


def _listed(
    text: str, counts: list[Number], first: Number, harm: Span, found: dict[Span, Span]
) -> dict[Span, Span]:
    """The figures listed after one, each with the word after it and the harm word the list hangs
    on ("killed, including 60 children, 15 men"); a figure with its own harm word is its own."""
    listed: dict[Span, Span] = {}
    at = first.span[1]
    for n in (n for n in counts if n.span[0] >= at):
        join = text[at : n.span[0]]
        if n.span in found or not _LIST_JOIN.fullmatch(join) or _HARM_WORD.search(join) or len(listed) == 6:
            break
        if _HARM_WORD.search(text[n.span[1] : n.span[1] + 25]):
            break  # "… and more than 25 wounded": its own harm word says what it counts
        noun = re.match(r"\s+[a-z][\w-]*", text[n.span[1] :])
        if noun is None:
            break
        end = n.span[1] + noun.end()
        listed[n.span] = (min(harm[0], n.span[0]), max(harm[1], end))
        at = n.span[1]
    return listed


def _before(pattern: re.Pattern[str], text: str, start: int, end: int) -> list[re.Match[str]]:
    """Every figure close enough before a harm word, hedge and all; none across a clause."""
    found = []
    at = start
    while (m := pattern.search(text, at, end)) is not None:
        at = m.end("f")
        if not _CLAUSE_BREAK.search(text, at, end):
            found.append(m)
    return found


_TOLL = re.compile(
    r"\btoll\b(?:[^.!?]|\.(?=\d)){0,80}?\b(?:rose|risen|climbed|reached|grown|grew|passed|topped|stood|stands|"
    r"jumped|increased)\s+(?:to\s+|at\s+)?$",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=4)
def casualty_phrases(text: str) -> tuple[tuple[Finding, Span], ...]:
    """Figures next to a word for harm, each with the span of the figure and that word ("about 200
    dead"), so a prompt can show why it counts without the whole sentence. The article's anchors
    and its detectors both ask, so the last few articles' answers are kept."""
    found = _english(text)
    for harm_word, figure_before, figure_after in _CASUALTY_RULES:
        for harm in harm_word.finditer(text):
            before = _before(figure_before, text, max(0, harm.start() - 80), harm.start())
            after = figure_after.match(text, harm.end(), harm.end() + 80) if figure_after else None
            for m in (*before, after):
                if m is not None and not _YEAR.match(m.group("f").split()[-1]):
                    found.setdefault(
                        m.span("f"), (min(m.start("f"), harm.start()), max(m.end("f"), harm.end()))
                    )
    for n in numbers(text):  # "the death toll from the quake has grown to more than 150"
        toll = _TOLL.search(text, max(0, n.span[0] - 120), n.span[0])
        if toll and counts_people(text, n):
            found.setdefault(n.span, (toll.start(), n.span[1]))
    spans = sorted(found.items())
    kept = [(s, p) for i, (s, p) in enumerate(spans) if not (i and s[0] < spans[i - 1][0][1])]
    return tuple(
        (Finding("casualty", text[start:end], (start, end)), phrase) for (start, end), phrase in kept
    )
