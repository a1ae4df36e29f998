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
from summariser.detect.numbers import alternation, numbers, vocabulary
from summariser.extract.anchors import Anchor
from summariser.extract.matching import UNSPACED

_WORDS = vocabulary()
# the scales other languages write after digits ("6 000", "2 mille"); English is the number reader's
_SCALES = {"mille": 1_000, "тысяч": 1_000, "тысячи": 1_000, "тысяча": 1_000, "миллион": 1_000_000}
_SCALES |= {"миллиона": 1_000_000, "миллионов": 1_000_000, "millions": 1_000_000, "million": 1_000_000}
_VAGUE: dict[str, int] = _WORDS["vague"]  # the smallest count each vague plural allows
_HEDGES: dict[str, str] = _WORDS["hedges"]  # each hedge before a number, and what it does to the count
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


def _outcome_words(words: list[str]) -> re.Pattern[str]:
    """Words matched whole, except in the scripts that run words together (Chinese): "die" is not
    in "soldiers"."""
    spaced = alternation([w for w in words if not UNSPACED.search(w)])
    unspaced = [w for w in words if UNSPACED.search(w)]
    return re.compile(rf"\b(?:{spaced})\b" + (f"|(?:{alternation(unspaced)})" if unspaced else ""), re.I)


_OUTCOME_WORDS = [(Outcome(o), _outcome_words(words)) for o, words in _WORDS["outcomes"].items()]
_HARM_ONLY = frozenset({*_WORDS["harm"]["only"], "toll"})  # harm, with no word for what kind
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


_PLACE_OR_TIME = frozenset(
    {"from", "to", "into", "across", "after", "before", "during", "near", "in", "on", "at", "by", "for"}
    | {"with", "since", "when", "over", "under", "as"}
)


def harm(mention: Anchor, sentence: Anchor) -> tuple[Outcome | None, str]:
    """What a figure's word for harm says happened, or None where it says only harm ("casualties");
    and who the figure counts, in the article's words after it ("civilians", "police officers"),
    else "people"."""
    at = mention.label.find(mention.text)
    said = [(abs(m.start() - at), o) for o, words in _OUTCOME_WORDS for m in words.finditer(mention.label)]
    outcome = min(said, key=lambda found: found[0])[1] if said else None  # the word nearest the figure
    after = sentence.text[mention.span[1] - sentence.span[0] :]
    words: list[str] = []
    for word in re.findall(r"[^\s]+", after)[:6]:
        bare = word.strip(',.;:()"“”').lower()
        if bare in _PLACE_OR_TIME:
            break  # "thousands from their homes", "12 in the attack": who they are is not said
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
    hedges = [hedge.group()] if hedge else []
    hedges += _after(mention, sentence, others)
    qualifier = "; ".join(dict.fromkeys(hedges)) or None
    english = next((n for n in numbers(mention.text) if n.span[0] == 0), None)
    if english is not None:
        return Count(english.low, english.high, qualifier)
    number = _number(mention.text[hedge.end() :] if hedge else mention.text)
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
    """The number a phrase in another language states ("6 000", "des centaines", "数百"), and
    whether it is a vague plural."""
    words = " ".join(phrase.lower().split())
    for vague, smallest in sorted(_VAGUE.items(), key=lambda item: -len(item[0])):
        if words.startswith(vague):
            return smallest, True
    digits = _DIGITS.search(words)
    if digits:
        scale = next((s for name, s in _SCALES.items() if name in words[digits.end() :].split()[:1]), 1)
        return _digits(digits.group(), scale), False
    return None


def _digits(text: str, scale: int) -> int:
    """ "1,434", "6 000", "2.5" (with a scale: 2.5 million); a comma before three digits groups."""
    grouped = re.fullmatch(r"\d{1,3}(?:[,  \u202f]\d{3})+", text)
    if grouped:
        return int(re.sub(r"\D", "", text)) * scale
    return round(float(text.replace(",", ".")) * scale)
