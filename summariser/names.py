"""Who an article names: the people and bodies it mentions, where, in what words, and with what title.

The model chooses speakers, claimants and actors from these names instead of writing its own, so it
cannot name anyone the article does not (a name from an example, a place, a title glued to a name).
Each name is given as the article writes it in full ("Mykhailo Podolyak" where a later sentence says
"Mr Podolyak"); a person's role is the article's own title or apposition ("the governor of the
region", "ministry spokesman"), never a word the model chose. Everything here is read off the text
by rules; nothing is guessed about what the article means.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from summariser import nations
from summariser.anchors import Anchor, Anchors, is_phrase
from summariser.brief import ActorKind, Span

_HONORIFICS = {"mr", "mrs", "ms", "dr", "president", "prime", "minister", "chancellor", "general"}

# Words that stand before a name as its title, never part of the name ("President", "Mr", "Health
# Minister"); lower case, compared case-insensitively.
_TITLE_LIST = """
mr mrs ms miss dr sir dame lord lady president vice prime minister chancellor premier governor mayor
secretary secretary-general undersecretary ambassador envoy general gen lt col capt sgt maj adm brig
colonel captain lieutenant sergeant major admiral commander chief deputy acting former foreign defence
defense interior health finance justice economy trade education senator sen rep gov representative
king queen prince princess pope sheikh emir judge justice prosecutor attorney spokesman spokeswoman
spokesperson negotiator official officer director head leader coordinator chairman chairwoman chair
commissioner inspector superintendent detective constable sheriff marshal lawmaker mp minister-president
rev reverend father archbishop bishop cardinal imam rabbi professor prof ceo founder
"""
TITLES = frozenset(_TITLE_LIST.split())

# The last word of a body's name: a run that ends in one is one body ("Interior Ministry", "Red
# Crescent", "World Health Organization"), never split at a title word inside it.
_BODY_LIST = """
ministry department office council agency service services police army navy forces force guard guards
committee commission organization organisation court parliament party union bank crescent cross house
nations bureau authority authorities administration government cabinet assembly congress senate
command corps brigade battalion regiment unit group front movement coalition alliance federation
institute university hospital fund programme program board team network company corporation
"""
_BODIES = frozenset(_BODY_LIST.split())

_NOT_NAME_LIST = """
monday tuesday wednesday thursday friday saturday sunday january february march april may june july
august september october november december
"""
_NOT_NAMES = frozenset(_NOT_NAME_LIST.split())

# joining words inside a name ("Ministry of Defence", "Organization for Security", "Abu al-Hassan")
_JOINERS = frozenset({"of", "for", "de", "du", "da", "del", "van", "von", "bin", "al", "la", "le"})

# a place follows these ("in Mariupol", "near the Velka river"); a name found only after them is a place
_PLACE_BEFORE = frozenset(
    [
        "in",
        "at",
        "near",
        "from",
        "into",
        "outside",
        "around",
        "across",
        "toward",
        "towards",
        "through",
        "via",
        "inside",
        "within",
        "to",
    ]
)
_PLACE_NOUN_LIST = """
region regions province provinces city cities town towns village villages district districts state
states county counties oblast area areas river coast valley mountains island islands border capital
airport port street square
"""
_PLACE_NOUNS = frozenset(_PLACE_NOUN_LIST.split())
_PLACE_FILLERS = frozenset(
    [
        "the",
        "and",
        "or",
        "of",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "north",
        "south",
        "east",
        "west",
        "besieged",
    ]
)
# "the Luhansk region", "Kreminna, a small town", "Dressa's main hospital" is not a place noun after it
_PLACE_NOUN_AFTER = re.compile(
    r"(?:,\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,2})?\s*(?:" + "|".join(sorted(_PLACE_NOUNS)) + r")\b"
)

_WORD = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_][\w&-]*(?:[’'.][\w&-]+)*")  # "U.S." whole
_POSSESSIVE = ("’s", "'s", "’", "'")
_SAYING = re.compile(
    r"(?<=\s)(?:said|says|say|told|tells|reported|reports|announced|estimated|estimates|put|puts|"
    r"confirmed|added|warned|stated|urged|asked|insisted|noted|wrote|declared|tweeted|explained)\b|"
    r"\baccording to\b",
    re.IGNORECASE,
)
_CLAUSE_AFTER = re.compile(r"[,;:()]|\s(?:and|but|while|as|that|which|who|after|before|when)\s|\.\s|\.$")
_INVERTED_END = re.compile(r"[,;:()]|\s(?:who|which|that|at|in|on|of|from|to|after|before|when)\s|\.\s|\.$")
_LEADING = re.compile(r"^(?:(?:but|and|while|as|that|which|where|when|the|a|an|its|their|his|her)\s+)+", re.I)
# words that qualify a saying verb's subject without naming anyone else ("Mr Name on Monday warned")
_QUALIFIERS = frozenset(
    {"on", "in", "at", "from", "for", "during", "last", "this", "early", "late", "earlier", "later", "also"}
)
_CLAUSE = re.compile(r"[,;:()]|\s(?:and|but|while|as|that|which|after|before|when)\s")
_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you", "who", "this", "that"})
_APPOSITION = re.compile(
    r",\s+((?:the|a|an)\s+)?([^,.;:“”\"()]{2,90}?)(?=,|\.\s|\.$|;|\s+(?:said|told|says)\b)"
)
_SPACE_ONLY = re.compile(r"\s")


ATTRIBUTION_WORDS = 12  # a sentence with no more than these besides its quotation is its attribution


@dataclass(frozen=True)
class Named:
    """One place the article names someone: the name in full, and where this occurrence stands."""

    name: str
    span: Span


def name_keys(name: str) -> list[str]:
    """The forms that identify a person in running text: full name, and surname alone."""
    words = [w for w in _plain(name).split() if w.lower().strip(".") not in _HONORIFICS]
    if not words:
        return []
    return [" ".join(words), words[-1]] if len(words) > 1 else words


def same_person(a: str, b: str) -> bool:
    """Whether two names can be the same actor: equal, or sharing a surname, which some names put
    first ("Moon" is "Moon Jae-in")."""
    keys_a, keys_b = name_keys(a), name_keys(b)
    if not (keys_a and keys_b):
        return False
    if keys_a[0] == keys_b[0] or keys_a[-1] == keys_b[-1]:
        return True
    one, full = sorted((keys_a[0], keys_b[0]), key=lambda k: len(k.split()))
    return " " not in one and len(full.split()) in (2, 3) and full.split()[0] == one


def _plain(text: str) -> str:
    """Typographic quote marks as straight ones and whitespace runs as one space, for comparing names."""
    return " ".join(text.replace("’", "'").replace("‘", "'").split())


_GOVERNMENT_WORDS = frozenset(
    [
        "ministry",
        "department",
        "office",
        "government",
        "cabinet",
        "parliament",
        "assembly",
        "congress",
        "senate",
        "council",
        "administration",
        "authority",
        "authorities",
        "police",
        "presidency",
        "house",
        "kremlin",
        "pentagon",
    ]
)
_MILITARY_WORDS = frozenset(
    [
        "army",
        "navy",
        "military",
        "forces",
        "force",
        "troops",
        "brigade",
        "battalion",
        "regiment",
        "corps",
        "command",
    ]
)
_ARMED_GROUPS = frozenset(
    [
        "taliban",
        "hamas",
        "hezbollah",
        "al-shabab",
        "al-qaeda",
        "isis",
        "isil",
        "boko",
        "wagner",
        "houthis",
        "houthi",
        "rebels",
        "militants",
    ]
)


def whole(key: str) -> str:
    """A pattern for `key` as a whole word, where its script has words."""
    start = r"\b" if key and in_words(key[0]) else ""
    end = r"\b" if key and in_words(key[-1]) else ""
    return f"{start}{re.escape(key)}{end}"


def in_words(char: str) -> bool:
    """Whether a character belongs to a space-separated word: Chinese and Japanese run their words
    together, so a name in them never needs a word boundary beside it."""
    return char.isalnum() and not _UNSPACED.match(char)


_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


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
        and words[-1].lower() not in _BODIES
        and nations.country_of(name) is None
        and not nations.named(name)
    )


def kind_of(name: str) -> ActorKind:
    """What kind of actor a name is, by the words it is made of: a person, a government (a country,
    its capital or an institution of state), the military, an armed group, else an organisation."""
    words = {w.lower() for w in name.split()}
    if is_person(name):
        return ActorKind.person
    if words & _ARMED_GROUPS:
        return ActorKind.armed_group
    if words & _MILITARY_WORDS:
        return ActorKind.military
    if words & _GOVERNMENT_WORDS or nations.is_state(name):
        return ActorKind.government
    return ActorKind.organisation


def is_demonym(word: str) -> bool:
    """A people or a capital ("Russian", "Berlin"): another name for a country, seldom a speaker's."""
    return nations.country_of(word) not in (None, word) or word in ("Western", "European")


class Names:
    """The people and bodies one article names, found once for every prompt and check of a brief."""

    def __init__(self, text: str, anchors: Anchors) -> None:
        self.text = text
        self.anchors = anchors

    @cached_property
    def _raw(self) -> list[Named]:
        return [n for sentence in self.anchors.sentences for n in self._in_sentence(sentence)]

    @cached_property
    def places(self) -> list[Named]:
        """Where the article names a place: names it uses mostly after "in", "near"… or before
        "region", "province"…"""
        places = self._places(self._raw)
        return [n for n in self._raw if n.name in places]

    @cached_property
    def found(self) -> list[Named]:
        """Every occurrence of a person or body, in article order, each under the article's fullest
        form of the name."""
        places = {n.name for n in self.places}
        raw = [n for n in self._raw if n.name not in places]
        full = self._full_forms(raw)
        return [Named(full.get(n.name, n.name), n.span) for n in raw]

    def everyone(self) -> list[str]:
        """Each person and body once, in the order the article first names them."""
        return list(dict.fromkeys(n.name for n in self.found))

    def full(self, name: str) -> str:
        """The article's fullest form of a name ("Mr Podolyak" -> "Mykhailo Podolyak"), or the name."""
        words = name.split()
        while words and words[0].lower().strip(".") in TITLES and len(words) > 1:
            words = words[1:]
        bare = _without_possessive(" ".join(words)).removeprefix("the ").removeprefix("The ")
        for known in self.everyone():
            if known == bare:
                return known
        matches = [known for known in self.everyone() if same_person(bare, known)]
        if matches and _one_person(matches):
            return max(matches, key=len)
        return bare if bare[:1].isupper() else self._fullest_body(bare)

    def near(self, anchor: Anchor, reach: int = 2, most: int = 5) -> list[str]:
        """Whom the article names where a passage or figure stands, nearest first: the saying verb's
        subject in its own sentence, the rest of that sentence (outside quotation marks), then the
        sentences before it back to `reach` paragraphs before its own. These are where the trust
        rules accept a speaker or a claimant, so they are the model's choices."""
        sentence = self.anchors.get(anchor.sentence)
        if sentence is None:
            return []
        line = self.anchors.line_of(sentence.span[0])
        order = [sentence] + [
            s
            for s in reversed(self.anchors.sentences[: self.anchors.sentences.index(sentence)])
            if line - self.anchors.line_of(s.span[0]) <= reach
        ]
        chosen: list[str] = []
        subject = self.subject(anchor)
        if subject:
            chosen.append(subject)
        elif self.reported(anchor):  # "He said X “…”": he is someone named before, X is not him
            order = [*order[1:], sentence]
        for s in order:
            named = self._named_in(s)
            if s is sentence:  # in its own sentence, nearest the passage or figure first
                named.sort(
                    key=lambda n: min(abs(n.span[0] - anchor.span[1]), abs(anchor.span[0] - n.span[1]))
                )
            else:  # in one before it, who speaks there first ("…, Name said.", "said the teacher")
                speaking = self.subject(s)
                named.sort(key=lambda n: n.name != speaking)
                if speaking and speaking not in chosen and not any(n.name == speaking for n in named):
                    chosen.append(speaking)
            for found in named:
                if found.name not in chosen:
                    chosen.append(found.name)
        return chosen[:most]

    def subject(self, anchor: Anchor) -> str | None:
        """Who says what a figure or passage says, as its own sentence puts it: the subject of the
        saying verb nearest before it, else of the first after it ("…, the interior ministry
        said", "…,” said the teacher", "according to police"); None when the sentence names no
        one that way, or only "he" or "they"."""
        sentence = self.anchors.get(anchor.sentence)
        if sentence is None:
            return None
        at = anchor.span[0] - sentence.span[0]
        text = self._outside_quotes(sentence)
        says = list(_SAYING.finditer(text))
        before = [m for m in says if m.start() < at]
        chosen = before[-1] if before else next((m for m in says if m.start() >= at), None)
        if chosen is None:
            return None
        while re.search(r"\s(?:and|but)\s+$", text[: chosen.start()]) and says.index(chosen) > 0:
            chosen = says[says.index(chosen) - 1]  # "Officers said … and reported 30 dead": the officers
        start = sentence.span[0]
        if chosen.group().lower() == "according to":
            return self._named_or_phrase(text, chosen.end(), _CLAUSE_AFTER, start)
        head = text[: chosen.start()]
        clause = _CLAUSE.split(head)[-1]
        if clause.strip():
            words = clause.split()[-6:]
            phrase = _LEADING.sub("", without_place(" ".join(words))).strip()
            ends = start + len(head.rstrip())
            named = [n for n in self.found if ends - len(clause) <= n.span[0] and n.span[1] <= ends]
            after = self.text[named[-1].span[1] : ends].split() if named else []
            if named and (not after or after[0].lower() in _QUALIFIERS or not phrase[-1:].islower()):
                return named[-1].name  # "Mr Name said", "Mr Name on Monday warned"; not "Name’s officials"
            if _speaker_like(phrase):
                return self._fullest_body(phrase)
            return self._opening_name(sentence, start + chosen.start())
        if chosen.group() in ("said", "says", "added", "told"):  # "…,” said the teacher"
            inverted = self._named_or_phrase(text, chosen.end(), _INVERTED_END, start)
            if inverted:
                return inverted
        opening = self._opening_name(sentence, start + chosen.start())
        if opening:  # "Name, the most senior official in the region, where …, said"
            return opening
        # "…,” Name, the governor of the region, told": the name stands in an earlier segment
        earlier = start + max(0, head.rfind(",", 0, max(0, len(head.rstrip()) - 1)) - 120)
        inside = [n for n in self.found if earlier <= n.span[0] < start + chosen.start()]
        return inside[-1].name if inside else None

    def _opening_name(self, sentence: Anchor, verb: int) -> str | None:
        """The name a sentence opens with, set off by a comma, when its saying verb comes after the
        apposition ("Name Surname, the most senior official in the region, where …, said")."""
        first = next((n for n in self.found if sentence.span[0] <= n.span[0] < verb), None)
        if first is None or self.text[sentence.span[0] : first.span[0]].strip(' “"') != "":
            return None
        return first.name if self.text[first.span[1] : first.span[1] + 1] == "," else None

    def reported(self, anchor: Anchor) -> bool:
        """Whether an anchor's sentence reports someone's words at all ("he said"), named or not."""
        sentence = self.anchors.get(anchor.sentence)
        return sentence is not None and _SAYING.search(self._outside_quotes(sentence)) is not None

    def _named_or_phrase(self, text: str, at: int, end: re.Pattern[str], offset: int) -> str | None:
        """Who stands right after `at` in a sentence: a name found there, else the words up to the
        clause's end without their article ("the teacher who…" is "teacher")."""
        tail = end.split(text[at:], maxsplit=1)[0]
        named = [n for n in self.found if offset + at < n.span[0] < offset + at + len(tail)]
        if named:  # "said policeman Ali Hasan": the name, not its title
            return named[0].name
        phrase = without_place(_LEADING.sub("", " ".join(tail.split()[:4])).strip(" ,."))
        return self._fullest_body(phrase) if _speaker_like(phrase) else None

    def _titled(self, phrase: str) -> str | None:
        """The one person the article gives the title a phrase is ("the U.S. president" where
        "U.S. President Name Surname" stands), if exactly one has it."""
        words = [w.lower() for w in phrase.split()]
        if not words or words[-1].strip(".") not in TITLES:
            return None
        roles = {n: [w.lower() for w in self.role(n)[0].split()] for n in self.everyone() if is_person(n)}
        holding = [n for n, role in roles.items() if words[-1] in role]
        # of several presidents, the one whose title says as much ("U.S. President"), else the one
        # the article calls just that ("President Name Surname")
        for fits in (lambda role: set(words) <= set(role), lambda role: role == words[-1:]):
            titled = [n for n in holding if fits(roles[n])]
            if len(titled) == 1:
                return titled[0]
        return holding[0] if len(holding) == 1 else None

    def _fullest_body(self, phrase: str) -> str:
        """A body as the article names it most fully: "ministry" after "the interior ministry"; a
        title as the one person who holds it."""
        titled = self._titled(phrase)
        if titled:
            return titled
        fuller = [
            other
            for other in self._subjects()
            if len(other) > len(phrase) and other.lower().endswith(" " + phrase.lower())
        ]
        return fuller[0] if fuller else phrase

    def _subjects(self) -> list[str]:
        """Every body a saying verb has for subject, in article order ("the interior ministry said")."""
        found = []
        for sentence in self.anchors.sentences:
            text = self._outside_quotes(sentence)
            for m in _SAYING.finditer(text):
                clause = _CLAUSE.split(text[: m.start()])[-1]
                phrase = _LEADING.sub("", without_place(" ".join(clause.split()[-6:]))).strip()
                if _speaker_like(phrase):
                    found.append(phrase)
        return found

    def caseless(self, anchor: Anchor) -> bool:
        """Whether an anchor's sentence is in a script without capitals (Chinese, Japanese), where
        names cannot be told from other words by their first letter."""
        sentence = self.anchors.get(anchor.sentence)
        letters = [c for c in (sentence.text if sentence else "") if c.isalpha()]
        return bool(letters) and not any(c.isupper() or c.islower() for c in letters)

    def attributed(self, passage: Anchor) -> str | None:
        """Whose words a quotation is, where its sentence says so and says little else: the
        quotation and its attribution alone (“…,” Name Surname said; Name said: “…”). Code names
        the speaker there; the model is asked only about the rest."""
        sentence = self.anchors.get(passage.sentence)
        if sentence is None or is_phrase(passage):
            return None
        if sum(p.sentence == sentence.id for p in self.anchors.passages) != 1:
            return None
        outside = self._outside_quotes(sentence)
        if len(outside.split()) > ATTRIBUTION_WORDS:
            return None
        subject = self.subject(passage)
        named = {n.name for n in self._named_in(sentence)}
        return subject if subject in named else None

    def role(self, name: str) -> tuple[str, str | None]:
        """A person's role as the article gives it, and the country or body that role names: the
        title before a mention ("Pentagon spokesman", "Ukraine’s lead negotiator") or the
        apposition after one (", the governor of the region,"), from the first mention that has
        either; ("", None) when none does. Never a word of the model's."""
        for named in self.found:
            if named.name != name:
                continue
            role = self._title_before(named.span) or self._apposition_after(named.span)
            if role:
                return role, _affiliation(role)
        return "", None

    # --- how names are read off a sentence ----------------------------------------------------------

    def _outside_quotes(self, sentence: Anchor) -> str:
        """The sentence with its quoted passages blanked out (same length, so offsets hold)."""
        text = sentence.text
        start = sentence.span[0]
        for passage in self.anchors.passages:
            if passage.sentence == sentence.id:  # from its opening mark to its closing one
                a = passage.span[0] - max(0, passage.label.find(passage.text)) - start
                b = a + len(passage.label)
                text = text[: max(0, a)] + " " * (min(len(text), b) - max(0, a)) + text[b:]
        return text

    def _named_in(self, sentence: Anchor) -> list[Named]:
        return [n for n in self.found if sentence.span[0] <= n.span[0] < sentence.span[1]]

    def _in_sentence(self, sentence: Anchor) -> Iterable[Named]:
        text = self._outside_quotes(sentence)
        start = sentence.span[0]
        for run in _runs(text):
            for a, b in _split_run(text, run):
                words = text[a:b].split()
                if (
                    a == run[0] == _first_word(text)
                    and len(words) == 1
                    and not self._named_elsewhere(words[0])
                ):
                    continue  # "Elsewhere", "Residents": a capital that only opens the sentence
                yield Named(text[a:b], (start + a, start + b))

    def _named_elsewhere(self, word: str) -> bool:
        """Whether a word stands capitalised somewhere other than a sentence's start (or names a
        country), so that a sentence opening with it still names someone."""
        if nations.country_of(word) == word:
            return True
        for m in re.finditer(rf"(?<![\w’']){re.escape(word)}(?![\w])", self.text):
            sentence = self.anchors.sentence_at(m.start())
            if sentence is not None and m.start() > sentence.span[0] + _first_word(sentence.text):
                return True
        return False

    def _places(self, raw: list[Named]) -> set[str]:
        """Names the article uses mostly as places: after "in", "near", "the city of"…, before
        "region", "province"…; a country is a government too, and never only a place."""
        seen: dict[str, list[bool]] = {}
        for named in raw:
            if nations.country_of(named.name) is None:
                seen.setdefault(named.name, []).append(self._as_place(named.span[0], named.span[1]))
        return {name for name, verdicts in seen.items() if sum(verdicts) * 2 >= len(verdicts)}

    def _as_place(self, start: int, end: int) -> bool:
        if _PLACE_NOUN_AFTER.match(self.text, end, end + 40):
            return True
        before = list(re.finditer(r"\S+", self.text[max(0, start - 60) : start]))
        words = [m.group() for m in before]
        while words and words[-1].lower() in _PLACE_FILLERS:
            if words[-1].lower() == "of" and len(words) > 1 and words[-2].lower().strip(",") in _PLACE_NOUNS:
                return True  # "the city of Dressa", "the cities of Kharkiv"
            words.pop()
        if not words:
            return False
        last = words[-1]
        if last.rstrip(",").lower() in _PLACE_BEFORE or (
            last.endswith(",") and last[:-1].lower() in _PLACE_NOUNS
        ):
            return True  # "in Kharkiv", "the regional capital, Dressa"
        joined = len(words) < len(before) and before[len(words)].group().lower() in ("and", "or")
        listed = joined or (last.endswith(",") and re.match(r",|\s+(?:and|or)\b", self.text[end : end + 5]))
        if listed and last[:1].isupper():
            # one of a list of places: "around Zaporizhzhia and Dnipro"
            previous = before[len(words) - 1]
            offset = max(0, start - 60) + previous.start()
            return self._as_place(offset, offset + len(last.rstrip(",")))
        return False

    def _full_forms(self, raw: list[Named]) -> dict[str, str]:
        """Each short form ("Putin", "Mr Podolyak") to the fullest form of the same person the
        article writes, when exactly one person has that surname."""
        names = list(dict.fromkeys(n.name for n in raw))
        full: dict[str, str] = {}
        for name in names:
            longer = [
                other
                for other in names
                if other != name and len(other) > len(name) and is_person(other) and same_person(name, other)
            ]
            if longer and _one_person(longer):
                full[name] = max(longer, key=len)
        return full

    def _title_before(self, span: Span) -> str:
        """The title right before a name, back to the clause's start: "Pentagon spokesman",
        "US President", "Ukraine’s lead negotiator"."""
        words = list(re.finditer(r"\S+", self.text[max(0, span[0] - 80) : span[0]]))
        if words and words[-1].group().endswith(",") and self.text[span[1] : span[1] + 1] == ",":
            # "the EU's crisis management commissioner, Anna Lindqvist, said"
            last = words[-1]
            words[-1:] = [re.match(r"\S+", last.group()[:-1]) or last]
        kept: list[str] = []
        for m in reversed(words):
            word = m.group()
            bare = word.strip('“”"(').lower()
            if word.endswith((",", ";", ":", ".")) or bare in _STOP_BEFORE_TITLE:
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

    def _apposition_after(self, span: Span) -> str:
        """The apposition right after a name: ", the governor of the region," or ", a teacher who…"."""
        m = _APPOSITION.match(self.text, span[1], min(len(self.text), span[1] + 120))
        if m is None:
            return ""
        words = m.group(2).split()
        if not words or len(words) > 12 or (m.group(1) is None and not words[0][:1].islower()):
            return ""
        if words[0].lower() in ("who", "which", "that", "said", "told", "and", "but", "adding"):
            return ""
        role = re.split(r"\s(?:who|which|that|whose|whom)\s", m.group(2))[0]
        return role.strip()


_OPENERS = frozenset(
    [
        "the",
        "a",
        "an",
        "in",
        "at",
        "on",
        "for",
        "from",
        "after",
        "before",
        "during",
        "when",
        "while",
        "as",
        "but",
        "and",
        "meanwhile",
        "elsewhere",
        "however",
        "also",
        "then",
        "since",
        "with",
        "by",
        "under",
        "over",
        "of",
        "to",
    ]
)
_STOP_BEFORE_TITLE = frozenset(
    [
        "as",
        "while",
        "and",
        "but",
        "that",
        "said",
        "says",
        "told",
        "when",
        "after",
        "before",
        "with",
        "by",
        "for",
        "of",
        "to",
        "in",
        "on",
        "at",
        "from",
        "said,",
        "who",
        "which",
        "whom",
        "has",
        "had",
        "have",
        "was",
        "were",
        "is",
        "are",
        "will",
        "would",
        "could",
    ]
)


def _speaker_like(phrase: str) -> bool:
    """Whether words that stand where a saying verb's subject does read as one ("police",
    "local officials", "the teacher"): at most four words, none a pronoun, none a verb's form."""
    words = phrase.split()
    return (
        0 < len(words) <= 4
        and phrase[:1].isalpha()
        and not any(w.lower() in _PRONOUNS for w in words)
        and not any(w.islower() and w.endswith(("ed", "ing", "ly")) for w in words)
    )


def _first_word(text: str) -> int:
    """Where the first word of a sentence starts, past any opening marks."""
    m = _WORD.search(text)
    return m.start() if m else 0


def _runs(text: str) -> list[Span]:
    """Runs of capitalised words, joined by single spaces or a joining word ("Ministry of Defence");
    a possessive ends a run ("Ukraine’s lead negotiator")."""
    words = list(_WORD.finditer(text))
    runs: list[Span] = []
    current: list[re.Match[str]] = []
    for i, m in enumerate(words):
        word = m.group()
        capital = word[0].isupper()
        joiner = (
            word in _JOINERS
            and current
            and i + 1 < len(words)
            and words[i + 1].group()[0].isupper()
            and text[m.end() : words[i + 1].start()] == " "
        )
        follows = (
            bool(current) and text[current[-1].end() : m.start()] == " " and not _possessive(current[-1])
        )
        if (capital or joiner) and follows:
            current.append(m)
        elif capital:
            if current:
                runs.append(_run_span(current))
            current = [m]
        elif current:
            runs.append(_run_span(current))
            current = []
    if current:
        runs.append(_run_span(current))
    return runs


def _possessive(word: re.Match[str]) -> bool:
    return word.group().endswith(_POSSESSIVE[:2])


def _run_span(words: list[re.Match[str]]) -> Span:
    end = words[-1].end() - (2 if _possessive(words[-1]) else 0)
    return words[0].start(), end


def _split_run(text: str, run: Span) -> list[Span]:
    """A run of capitals as the names it holds: a body's name whole ("Interior Ministry"); else the
    words after the last title word ("US President Joe Biden" -> "Joe Biden"), and those before
    the first, when they name someone ("US")."""
    words = list(re.finditer(r"\S+", text[run[0] : run[1]]))
    words = [w for w in words if w.group()]
    names = [w.group().lower().strip(".") for w in words]
    while words and names[0] in _OPENERS:  # "In Velmar", "The Pentagon": a capital the sentence gave
        words, names = words[1:], names[1:]
    if not words:
        return []
    if names[-1] in _BODIES:
        first = next((i for i, n in enumerate(names) if n not in TITLES or n in _BODIES), len(names))
        first = 0 if first < len(names) and names[first] in _BODIES else first
        return _kept(text, run[0], words[first:])
    titled = [i for i, n in enumerate(names) if n in TITLES]
    if not titled:
        return _kept(text, run[0], words)
    parts = [words[: titled[0]], words[titled[-1] + 1 :]]
    return [span for part in parts for span in _kept(text, run[0], part)]


def _kept(text: str, offset: int, words: list[re.Match[str]]) -> list[Span]:
    while words and words[0].group().lower() in _JOINERS:
        words = words[1:]
    while words and words[-1].group().lower() in _JOINERS:
        words = words[:-1]
    if not words:
        return []
    a, b = offset + words[0].start(), offset + words[-1].end()
    name = text[a:b]
    if name.lower() in _NOT_NAMES or is_demonym(name):
        return []
    if all(w.group().lower().strip(".") in TITLES for w in words):
        return []
    return [(a, b)]


_PLACE_WORDS = frozenset({"in", "at", "near", "outside"})


def without_place(name: str) -> str:
    """Who, without where: a place named after "in", "at", "near" or "outside" qualifies the one
    named before it ("Local officials in the district" are the officials)."""
    words = name.split()
    for at in range(1, len(words) - 1):
        place = words[at + 2] if words[at + 1] == "the" and at + 2 < len(words) else words[at + 1]
        if words[at] in _PLACE_WORDS and place[:1].isupper():
            return " ".join(words[:at]).rstrip(",")
    return name


def _without_possessive(name: str) -> str:
    for mark in _POSSESSIVE[:2]:
        name = name.removesuffix(mark)
    return name


def _one_person(names: list[str]) -> bool:
    """Whether the names are all one person's (the longest holds every other)."""
    longest = max(names, key=len)
    return all(same_person(n, longest) and n in longest for n in names)


def _affiliation(role: str) -> str | None:
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
