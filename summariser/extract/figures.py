"""What a casualty figure states, read by code: the counts it allows and the hedges around it.

"about 200", "more than 80" and "thousands" are read here, not by the model: a model asked for
`count_min` of "more than 80" writes 80 or 800 as it pleases, and code reads the phrase the same
way every time. The lowest and highest counts a phrase allows: an exact or approximate number
("57", "about 200") is itself at both ends; "at least N" is N upward, "more than N" N+1 upward, "up
to N" N downward, "nearly N" below N; a vague plural counts from its smallest sense ("dozens" 24,
"hundreds" 200, "thousands" 2,000). The qualifier is every hedge, as the article writes it, in the
figure ("at least") and in its sentence after it ("but in reality there are many more", "the toll
could rise"), so a reader sees how firm the figure is.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from summariser.brief import Outcome
from summariser.extract.anchors import Anchor

_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
_UNITS |= {"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14}
_UNITS |= {"fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70}
_TENS |= {"eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "mille": 1_000, "тысяч": 1_000}
_SCALES |= {"тысячи": 1_000, "тысяча": 1_000, "миллион": 1_000_000, "миллиона": 1_000_000}
_SCALES |= {"миллионов": 1_000_000, "millions": 1_000_000}
# the smallest count each vague plural allows
_VAGUE = {
    "a dozen": 12,
    "dozens": 24,
    "scores": 40,
    "hundreds": 200,
    "thousands": 2_000,
    "tens of thousands": 20_000,
    "hundreds of thousands": 200_000,
    "millions": 2_000_000,
    "des dizaines": 20,
    "plusieurs dizaines": 20,
    "des centaines": 200,
    "des milliers": 2_000,
    "десятки": 20,
    "десятков": 20,
    "сотни": 200,
    "сотен": 200,
    "тысячи": 2_000,
    "数十": 20,
    "数百": 200,
    "数千": 2_000,
    "数万": 20_000,
}
# each hedge before a number, and what it does to the count: "=" either way, ">=" at least, ">"
# more than, "<=" at most, "<" below
_HEDGES = {
    "about": "=",
    "around": "=",
    "some": "=",
    "roughly": "=",
    "approximately": "=",
    "an estimated": "=",
    "at least": ">=",
    "no fewer than": ">=",
    "not less than": ">=",
    "more than": ">",
    "over": ">",
    "upwards of": ">",
    "up to": "<=",
    "as many as": "<=",
    "at most": "<=",
    "nearly": "<",
    "almost": "<",
    "fewer than": "<",
    "less than": "<",
    "under": "<",
    "environ": "=",
    "quelque": "=",
    "au moins": ">=",
    "pas moins de": ">=",
    "plus de": ">",
    "jusqu'à": "<=",
    "jusqu’à": "<=",
    "près de": "<",
    "около": "=",
    "примерно": "=",
    "порядка": "=",
    "не менее": ">=",
    "не меньше": ">=",
    "по меньшей мере": ">=",
    "по крайней мере": ">=",
    "более": ">",
    "свыше": ">",
    "почти": "<",
    "大约": "=",
    "约": "=",
    "至少": ">=",
    "不少于": ">=",
    "超过": ">",
    "逾": ">",
    "多达": "<=",
    "将近": "<",
    "近": "<",
}
_HEDGE = re.compile("|".join(re.escape(h) for h in sorted(_HEDGES, key=len, reverse=True)), re.IGNORECASE)
# hedges a sentence puts after a figure: more uncounted, a toll expected to change, a count not final
_AFTER = re.compile(
    r"(?:in reality\s+)?(?:there\s+(?:are|were|may be|could be)\s+)?(?:many|far|much)\s+more\b"
    r"|\b(?:could|would|will|may|might|is expected to|was expected to|is likely to|is feared to)\s+"
    r"(?:rise|climb|increase|grow|go up)\b"
    r"|\bfeared\b|\bunconfirmed\b|\bpreliminary\b|\bprovisional\b|\bnot (?:yet )?final\b",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d{1,3}(?:[,  \u202f]\d{3})+(?!\d)|\d+(?:[.,]\d+)?")


# the word for harm beside a figure, and what it says happened; "casualties" and "victims" say no more
# than harm, and are left to the model
_OUTCOMES = {
    Outcome.killed: r"killed|kill|killing|dead|died|die|deaths?|lost their lives|death toll|toll|bodies|"
    r"fatalities|morts|tu[ée]e?s|d[ée]c[èe]s|погиб\w*|убит\w*|умер\w*|死亡|遇难|丧生|罹难",
    Outcome.injured: r"wounded|injured|injuring|wounding|hurt|bless[ée]e?s|ранен\w*|受伤",
    Outcome.missing: r"missing|disparue?s|пропал\w*|失踪",
    Outcome.displaced: r"displaced|fled|evacuated|homeless|from their homes|d[ée]plac[ée]e?s|[ée]vacu[ée]e?s|"
    r"sans-abri|эвакуирован\w*",
    Outcome.detained: r"detained|arrested|arrests|jailed|imprisoned|held|captured|kidnapped|abducted",
}
_OUTCOME_WORDS = [
    (outcome, re.compile(rf"\b(?:{words})\b|(?:{words})", re.I)) for outcome, words in _OUTCOMES.items()
]
_HARM_ONLY = frozenset({"casualties", "victims", "toll"})  # harm, with no word for what kind
_NOT_WHO = frozenset(
    [
        "had",
        "have",
        "has",
        "been",
        "were",
        "was",
        "are",
        "is",
        "still",
        "of",
        "the",
        "other",
        "others",
        "who",
        "whose",
        "which",
        "that",
        "and",
        "in",
        "on",
        "at",
        "by",
        "including",
        "more",
        "than",
        "at",
        "least",
        "about",
        "some",
        "were",
        "being",
        "from",
        "near",
        "to",
        "for",
        "with",
        "into",
        "across",
        "after",
        "before",
        "during",
        "over",
        "under",
        "since",
        "when",
        "as",
    ]
)


def harm(mention: Anchor, sentence: Anchor) -> tuple[Outcome | None, str]:
    """What a figure's word for harm says happened, or None where it says only harm ("casualties");
    and who the figure counts, in the article's words after it ("civilians", "police officers"),
    else "people"."""
    at = mention.label.find(mention.text)
    said = [(abs(m.start() - at), o) for o, words in _OUTCOME_WORDS for m in words.finditer(mention.label)]
    outcome = min(said, key=lambda found: found[0])[1] if said else None  # the word nearest the figure
    after = sentence.text[mention.span[1] - sentence.span[0] :]
    words = []
    for word in re.findall(r"[^\s]+", after)[:6]:
        bare = word.strip(',.;:()"“”').lower()
        if bare in _NOT_WHO and not words:
            continue
        if (
            not bare.isalpha()
            or bare in _NOT_WHO
            or bare in _HARM_ONLY
            or any(w.fullmatch(bare) for _, w in _OUTCOME_WORDS)
        ):
            break
        words.append(bare)
        if word.endswith((",", ".", ";", ":")) or len(words) == 3:
            break
    return outcome, " ".join(words) or "people"


@dataclass(frozen=True)
class Count:
    low: int | None
    high: int | None
    qualifier: str | None


def read(mention: Anchor, sentence: Anchor, others: Sequence[Anchor] = ()) -> Count:
    """The counts a figure allows and its hedges. `others` are the sentence's other figures: a
    hedge after a figure belongs to the nearest figure before it ("… more than 80 bodies, and
    warned the toll would rise")."""
    hedge = _HEDGE.match(mention.text)
    number = _number(mention.text[hedge.end() :] if hedge else mention.text)
    hedges = [hedge.group()] if hedge else []
    hedges += _after(mention, sentence, others)
    qualifier = "; ".join(dict.fromkeys(hedges)) or None
    if number is None:
        return Count(None, None, qualifier)
    value, vague = number
    if vague:
        return Count(value, None, qualifier)
    kind = _HEDGES[hedge.group().lower()] if hedge else "="
    low = {"=": value, ">=": value, ">": value + 1}.get(kind)
    high = {"=": value, "<=": value, "<": value - 1}.get(kind)
    return Count(low, high, qualifier)


def _after(mention: Anchor, sentence: Anchor, others: Sequence[Anchor]) -> list[str]:
    """The sentence's hedges that stand after this figure and before the next one."""
    start = mention.span[1] - sentence.span[0]
    following = [o.span[0] - sentence.span[0] for o in others if o.span[0] >= mention.span[1]]
    end = min(following, default=len(sentence.text))
    return [" ".join(m.group().split()) for m in _AFTER.finditer(sentence.text, start, end)]


def _number(phrase: str) -> tuple[int, bool] | None:
    """The number a phrase states, and whether it is a vague plural ("thousands")."""
    words = " ".join(phrase.lower().split())
    for vague, smallest in sorted(_VAGUE.items(), key=lambda item: -len(item[0])):
        if words.startswith(vague):
            return smallest, True
    digits = _DIGITS.search(words)
    if digits:
        scale = next((s for name, s in _SCALES.items() if name in words[digits.end() :].split()[:1]), 1)
        return _digits(digits.group(), scale), False
    value = _spelled(words.split())
    return (value, False) if value else None


def _digits(text: str, scale: int) -> int:
    """ "1,434", "6 000", "2.5" (with a scale: 2.5 million); a comma before three digits groups."""
    grouped = re.fullmatch(r"\d{1,3}(?:[,  \u202f]\d{3})+", text)
    if grouped:
        return int(re.sub(r"\D", "", text)) * scale
    return round(float(text.replace(",", ".")) * scale)


def _spelled(words: list[str]) -> int:
    """A number in words, as far as the words go: "two", "twenty-five", "a hundred", "three thousand"."""
    total = current = 0
    for word in words:
        parts = word.split("-")
        if word in ("a", "an") and current == 0:
            current = 1
        elif all(p in _UNITS or p in _TENS for p in parts):
            current += sum(_UNITS.get(p, 0) + _TENS.get(p, 0) for p in parts)
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in ("thousand", "million"):
            total += max(current, 1) * _SCALES[word]
            current = 0
        elif word != "and":
            break
    return total + current
