"""A person's role as the article gives it, read off the text around a mention: the title before
it ("Pentagon spokesman"), the apposition after it (", the governor of the region,"), and the
country or body that role names; and whether a name there stands as a place."""

import re

from summariser.brief import Span
from summariser.extract import nations
from summariser.extract.matching import is_demonym
from summariser.extract.words import PLACE_BEFORE, PLACE_FILLERS, PLACE_NOUNS, STOP_BEFORE_TITLE, TITLES

# "the Luhansk region", "Kreminna, a small town", "Dressa's main hospital" is not a place noun after it
PLACE_NOUN_AFTER = re.compile(
    r"(?:,\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,2})?\s*(?:" + "|".join(sorted(PLACE_NOUNS)) + r")\b"
)


APPOSITION = re.compile(
    r",\s+((?:the|a|an)\s+)?([^,.;:“”\"()]{2,90}?)(?=,|\.\s|\.$|;|\s+(?:said|told|says)\b)"
)


def affiliation(role: str) -> str | None:
    """The country or body a role names, as the article writes it ("Ukraine’s lead negotiator" ->
    Ukraine, "German Chancellor" -> Germany, "the Red Crescent's coordinator" -> Red Crescent)."""
    for name, country in nations.named(role):
        return country if is_demonym(name) else name
    m = re.search(r"((?:[A-Z][\w-]*\s)*[A-Z][\w-]*)[’']s\b", role)
    if m:
        return m.group(1)
    m = re.match(r"((?:[A-Z][\w-]*\s)*[A-Z][\w-]*)\s+[a-z]", role)
    if m and m.group(1).lower() not in TITLES:
        return m.group(1)
    return None


def as_place(text: str, start: int, end: int) -> bool:
    """Whether a name at [start, end) stands as a place: after "in", "near", "the city of"…,
    before "region", "province"…, or in a list of places."""
    if PLACE_NOUN_AFTER.match(text, end, end + 40):
        return True
    before = list(re.finditer(r"\S+", text[max(0, start - 60) : start]))
    words = [m.group() for m in before]
    while words and words[-1].lower() in PLACE_FILLERS:
        if words[-1].lower() == "of" and len(words) > 1 and words[-2].lower().strip(",") in PLACE_NOUNS:
            return True  # "the city of Dressa", "the cities of Kharkiv"
        words.pop()
    if not words:
        return False
    last = words[-1]
    if last.rstrip(",").lower() in PLACE_BEFORE or (last.endswith(",") and last[:-1].lower() in PLACE_NOUNS):
        return True  # "in Kharkiv", "the regional capital, Dressa"
    joined = len(words) < len(before) and before[len(words)].group().lower() in ("and", "or")
    listed = joined or (last.endswith(",") and re.match(r",|\s+(?:and|or)\b", text[end : end + 5]))
    if listed and last[:1].isupper():
        # one of a list of places: "around Zaporizhzhia and Dnipro"
        previous = before[len(words) - 1]
        offset = max(0, start - 60) + previous.start()
        return as_place(text, offset, offset + len(last.rstrip(",")))
    return False


def title_before(text: str, span: Span) -> str:
    """The title right before a name, back to the clause's start: "Pentagon spokesman",
    "US President", "Ukraine’s lead negotiator"."""
    words = list(re.finditer(r"\S+", text[max(0, span[0] - 80) : span[0]]))
    if words and words[-1].group().endswith(",") and text[span[1] : span[1] + 1] == ",":
        # "the EU's crisis management commissioner, Anna Lindqvist, said"
        last = words[-1]
        words[-1:] = [re.match(r"\S+", last.group()[:-1]) or last]
    kept: list[str] = []
    for m in reversed(words):
        word = m.group()
        bare = word.strip('“”"(').lower()
        if word.endswith((",", ";", ":", ".")) or bare in STOP_BEFORE_TITLE:
            break
        kept.insert(0, word.lstrip('“”"('))
        if len(kept) == 4:
            break
    while kept and kept[0].lower() in ("the", "a", "an"):
        kept = kept[1:]
    # a title is only a title if its last word is one ("Kharkiv and", "seized" are not)
    if not kept or kept[-1].lower().strip(".") not in TITLES:
        return ""
    # the title's first word must belong to it: a title word, a name or a people's possessive
    while kept and not (kept[0].lower().strip(".") in TITLES or kept[0][:1].isupper()):
        kept = kept[1:]
    if [w.lower().strip(".") for w in kept] in (["mr"], ["mrs"], ["ms"], ["dr"]):
        return ""
    return " ".join(kept)


def apposition_after(text: str, span: Span) -> str:
    """The apposition right after a name: ", the governor of the region," or ", a teacher who…"."""
    m = APPOSITION.match(text, span[1], min(len(text), span[1] + 120))
    if m is None:
        return ""
    words = m.group(2).split()
    if not words or len(words) > 12 or (m.group(1) is None and not words[0][:1].islower()):
        return ""
    if words[0].lower() in ("who", "which", "that", "said", "told", "and", "but", "adding"):
        return ""
    role = re.split(r"\s(?:who|which|that|whose|whom)\s", m.group(2))[0]
    return role.strip()
