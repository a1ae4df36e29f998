"""Whether two names are one person or body, and what names a body in a sentence: the one name
matcher every part of the brief uses (grounding, merging, rendering, scoring)."""

import re

from summariser.brief import ActorKind
from summariser.extract import nations
from summariser.extract.words import (
    ARMED_GROUPS,
    BODIES,
    GOVERNMENT_WORDS,
    HONORIFICS,
    MILITARY_WORDS,
    PLACE_WORDS,
)


def name_keys(name: str) -> list[str]:
    """The forms that identify a person in running text: full name, and surname alone."""
    words = [w for w in plain(name).split() if w.lower().strip(".") not in HONORIFICS]
    if not words:
        return []
    return [" ".join(words), words[-1]] if len(words) > 1 else words


def same_person(a: str, b: str) -> bool:
    """Whether two names can be the same actor: equal; one a bare surname of the other, which some
    names put first ("Moon" is "Moon Jae-in"); or one the other with a name left out ("Vladimir
    Putin" and "Vladimir Vladimirovich Putin"). Two full names that share only a surname are two
    people ("Joe Biden" and "Hunter Biden")."""
    keys_a, keys_b = name_keys(a), name_keys(b)
    if not (keys_a and keys_b):
        return False
    if keys_a[0] == keys_b[0]:
        return True
    one, full = sorted((keys_a[0], keys_b[0]), key=lambda k: len(k.split()))
    short, long = one.split(), full.split()
    if len(short) == 1:
        return long[-1] == short[0] or (len(long) in (2, 3) and long[0] == short[0])
    return short[0] == long[0] and short[-1] == long[-1]


def same_name(a: str, b: str) -> bool:
    """Whether two names are written as one, titles, a leading article, case and full stops aside
    ("U.S." is "US", "President Name Surname" is "Name Surname", "another witness" is "witness"):
    the strict matcher, which never takes a shared surname alone for the same person, for scoring
    what was offered."""

    def bare(name: str) -> str:
        words = [w for w in plain(name).replace(".", "").split() if w.lower() not in HONORIFICS]
        return re.sub(r"^(?:the|a|an|another) ", "", " ".join(words).lower())

    return bool(bare(a)) and bare(a) == bare(b)


def plain(text: str) -> str:
    """Typographic quote marks as straight ones and whitespace runs as one space, for comparing names."""
    return " ".join(text.replace("’", "'").replace("‘", "'").split())


def whole(key: str) -> str:
    """A pattern for `key` as a whole word, where its script has words."""
    start = r"\b" if key and in_words(key[0]) else ""
    end = r"\b" if key and in_words(key[-1]) else ""
    return f"{start}{re.escape(key)}{end}"


def in_words(char: str) -> bool:
    """Whether a character belongs to a space-separated word: Chinese and Japanese run their words
    together, so a name in them never needs a word boundary beside it."""
    return char.isalnum() and not UNSPACED.match(char)


UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def naming(actor: str) -> re.Pattern[str]:
    """What names a responding government or body in a sentence: its name or surname, or the
    demonym or capital the article uses for a country ("German", "Berlin" for Germany)."""
    keys = {*name_keys(actor), *(n for n in nations.names_for(actor) if n != actor.strip().lower())}
    return re.compile("|".join(whole(key) for key in sorted(keys, key=len, reverse=True) if key), re.I)


def is_person(name: str) -> bool:
    """Whether a name reads as a person's: two or more capitalised words, none of them the last word
    of a body's name ("White House", "Red Crescent") and not a country or an institution."""
    words = name.split()
    return (
        len(words) >= 2
        and all(w[:1].isupper() for w in words)
        and words[-1].lower() not in BODIES
        and nations.country_of(name) is None
        and not nations.named(name)
    )


def kind_of(name: str) -> ActorKind:
    """What kind of actor a name is, by the words it is made of: a person, a government (a country,
    its capital or an institution of state), the military, an armed group, else an organisation."""
    words = {w.lower() for w in name.split()}
    if is_person(name):
        return ActorKind.person
    if words & ARMED_GROUPS:
        return ActorKind.armed_group
    if words & MILITARY_WORDS:
        return ActorKind.military
    if words & GOVERNMENT_WORDS or nations.is_state(name):
        return ActorKind.government
    return ActorKind.organisation


def is_demonym(word: str) -> bool:
    """A people or a capital ("Russian", "Berlin"): another name for a country, seldom a speaker's."""
    return nations.country_of(word) not in (None, word) or word in ("Western", "European")


def without_place(name: str) -> str:
    """Who, without where: a place named after "in", "at", "near" or "outside" qualifies the one
    named before it ("Local officials in the district" are the officials)."""
    words = name.split()
    for at in range(1, len(words) - 1):
        place = words[at + 2] if words[at + 1] == "the" and at + 2 < len(words) else words[at + 1]
        if words[at] in PLACE_WORDS and place[:1].isupper():
            return " ".join(words[:at]).rstrip(",")
    return name
