"""Who an article names: the people and bodies it mentions, where, in what words, and with what title.

The model chooses speakers, claimants and actors from these names instead of writing its own, so it
cannot name anyone the article does not (a name from an example, a place, a title glued to a name).
Each name is given as the article writes it in full ("Mykhailo Podolyak" where a later sentence says
"Mr Podolyak"); a person's role is the article's own title or apposition ("the governor of the
region", "ministry spokesman"), never a word the model chose. Everything here is read off the text
by rules; nothing is guessed about what the article means.
"""

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import takewhile

from summariser.brief import Span
from summariser.extract import nations
from summariser.extract.anchors import Anchor, Anchors, is_phrase
from summariser.extract.capitals import POSSESSIVE, first_word, runs, split_run
from summariser.extract.matching import is_person, name_keys, same_person, without_place
from summariser.extract.roles import affiliation, apposition_after, as_place, title_before
from summariser.extract.words import MEDIA_NAMES, MEDIA_WORDS, PRONOUNS, QUALIFIERS, TIME_ZONES, TITLES

_SAYING = re.compile(
    r"(?<=\s)(?:said|says|say|told|tells|reported|reports|announced|estimated|estimates|put|puts|"
    r"confirmed|added|adding|saying|warned|stated|urged|asked|insisted|noted|wrote|declared|tweeted|explained)\b|"
    r"\baccording to\b",
    re.IGNORECASE,
)
_CLAUSE_AFTER = re.compile(r"[,;:()]|\s(?:and|but|while|as|that|which|who|after|before|when)\s|\.\s|\.$")
_INVERTED_END = re.compile(r"[,;:()]|\s(?:who|which|that|at|in|on|of|from|to|after|before|when)\s|\.\s|\.$")
_LEADING = re.compile(r"^(?:(?:but|and|while|as|that|which|where|when|the|a|an|its|their|his|her)\s+)+", re.I)
_CLAUSE = re.compile(r"[,;:()]|\s(?:and|but|while|as|that|which|after|before|when)\s")
_SPACE_ONLY = re.compile(r"\s")


SPEAKER_REACH = 2  # a speaker or claimant may be named up to this many paragraphs before
RUN_MOST = 12  # … or where a run of quotation paragraphs opens, at most this many before
_OPENING_MARKS = "“\"‘'«„‹「『"
ATTRIBUTION_WORDS = 12  # a sentence with no more than these besides its quotation is its attribution


@dataclass(frozen=True)
class Named:
    """One place the article names someone: the name in full, and where this occurrence stands."""

    name: str
    span: Span


class Names:
    """The people and bodies one article names, found once for every prompt and check of a brief."""

    def __init__(self, text: str, anchors: Anchors) -> None:
        self.text = text
        self.anchors = anchors
        self._blanked: dict[str, str] = {}  # the name rules read each sentence, and word, many times
        self._elsewhere: dict[str, bool] = {}
        self._subjects_of: dict[Anchor, str | None] = {}  # `near` asks again for each sentence in reach

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
        return [Named(full, n.span) for n, full, _ in self._resolved]

    @cached_property
    def _resolved(self) -> list[tuple[Named, str, list[str]]]:
        """Each occurrence of a person or body (places left out), its fullest form, and the people
        a shared surname may stand for there."""
        places = {n.name for n in self.places}
        raw = [n for n in self._raw if n.name not in places]
        return [(n, full, people) for n, (full, people) in zip(raw, _full_forms(raw), strict=True)]

    @cached_property
    def _namesakes(self) -> dict[Span, list[str]]:
        return {n.span: people for n, _, people in self._resolved if people}

    def namesakes(self, named: Named) -> list[str]:
        """The people a surname they share may stand for where it is written ("Mr Kovac" after
        "Marta Kovac" and "Ivo Kovac"), nearest first; [] where it stands for one."""
        return self._namesakes.get(named.span, [])

    def everyone(self) -> list[str]:
        """Each person and body once, in the order the article first names them."""
        return list(self._everyone)

    @cached_property
    def _everyone(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n.name for n in self.found))

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

    def near(self, anchor: Anchor, reach: int = SPEAKER_REACH, most: int = 5) -> list[str]:
        """Whom the article names where a passage or figure stands, nearest first: the saying verb's
        subject in its own sentence, the rest of that sentence (outside quotation marks), then the
        sentences before it back to `reach` paragraphs before its own. These are where the trust
        rules accept a speaker or a claimant, so they are the model's choices."""
        sentence = self.anchors.get(anchor.sentence)
        if sentence is None:
            return []
        line = self.anchors.line_of(sentence.span[0])
        opener = self.run_opener(sentence.span[0])
        reach = max(reach, line - self.anchors.line_of(opener)) if opener is not None else reach
        before = reversed(self.anchors.sentences[: self._position[sentence.id]])
        order = [sentence, *takewhile(lambda s: line - self.anchors.line_of(s.span[0]) <= reach, before)]
        chosen: list[str] = []
        subject = self.subject(anchor)
        if subject:
            named_so = next((n for n in self._named_in(sentence) if n.name == subject), None)
            chosen.extend((named_so and self.namesakes(named_so)) or [subject])
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
                if nations.is_people(found.name) or self._in_apposition(found, named):
                    continue  # "Albanian"; "David Frost, director of the X": a people, a person's body
                for name in self.namesakes(found) or [found.name]:
                    if name not in chosen:
                        chosen.append(name)
        return chosen[:most]

    def _in_apposition(self, found: Named, named: list[Named]) -> bool:
        """Whether a body stands in the apposition of a person the sentence names ("Name Surname,
        director general of the X, said"): the person speaks, not the body the title names."""
        if is_person(found.name):
            return False
        for person in named:
            if person.span[1] <= found.span[0] and is_person(person.name):
                role = apposition_after(self.text, person.span)
                if role and found.span[1] <= person.span[1] + 2 + len(role) + 1:
                    return True
        return False

    def run_opener(self, offset: int) -> int | None:
        """Where the paragraph that opens a run of quotation paragraphs begins, when the paragraph
        at `offset` belongs to one: British house style gives a speaker's words over several short
        paragraphs after "Ms Name said:", each opening with a quotation mark and naming no one, and
        the speaker holds until another is named. None where the run is within the usual reach."""
        line = self.anchors.line_of(offset)
        opener = self._run_opens(line)
        if line - opener <= SPEAKER_REACH or opener not in self._lines:
            return None
        return self._lines[opener][0].span[0]

    def _introduced(self, sentence: Anchor) -> str | None:
        """The speaker a paragraph of quotation has from the one that introduces its run ("Ms Name
        said:" and then paragraphs of her words, each opening with a quotation mark, naming no one)."""
        line = self.anchors.line_of(sentence.span[0])
        opener = self._run_opens(line)
        introducing = self._lines.get(opener, [])
        if opener == line or not introducing or not introducing[-1].text.rstrip().endswith(":"):
            return None
        speaker = self.subject(introducing[-1])
        named = {n.name for n in self._named_in(introducing[-1]) if not self.namesakes(n)}
        return speaker if speaker in named else None

    def _run_opens(self, line: int) -> int:
        """The paragraph before the run of quotation paragraphs that `line` ends (`line` itself
        where it opens no quotation or names someone): the one that introduces the run."""
        opener = line
        while opener > 0 and line - opener < RUN_MOST and self._quotation_only(opener):
            opener -= 1
        return opener

    def _quotation_only(self, line: int) -> bool:
        """Whether a paragraph opens with a quotation mark and names no one outside its quotations."""
        sentences = self._lines.get(line)
        if not sentences:
            return False
        opens = sentences[0].text.lstrip()[:1] in _OPENING_MARKS
        return opens and not any(self._named_in(s) for s in sentences)

    @cached_property
    def _lines(self) -> dict[int, list[Anchor]]:
        """The sentences of each paragraph, by its line."""
        lines: dict[int, list[Anchor]] = {}
        for sentence in self.anchors.sentences:
            lines.setdefault(self.anchors.line_of(sentence.span[0]), []).append(sentence)
        return lines

    def subject(self, anchor: Anchor) -> str | None:
        """Who says what a figure or passage says, as its own sentence puts it: the subject of the
        saying verb nearest before it, else of the first after it ("…, the interior ministry
        said", "…,” said the teacher", "according to police"); None when the sentence names no
        one that way, or only "he" or "they"."""
        if anchor not in self._subjects_of:
            self._subjects_of[anchor] = self._subject(anchor)
        return self._subjects_of[anchor]

    def _subject(self, anchor: Anchor) -> str | None:
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
            named = [n for n in self._found_between(ends - len(clause), ends) if n.span[1] <= ends]
            after = self.text[named[-1].span[1] : ends].split() if named else []
            if named and (not after or after[0].lower() in QUALIFIERS or not phrase[-1:].islower()):
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
        inside = self._found_between(earlier, start + chosen.start())
        return inside[-1].name if inside else None

    def _opening_name(self, sentence: Anchor, verb: int) -> str | None:
        """The name a sentence opens with, set off by a comma, when its saying verb comes after the
        apposition ("Name Surname, the most senior official in the region, where …, said")."""
        first = next(iter(self._found_between(sentence.span[0], verb)), None)
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
        named = self._found_between(offset + at + 1, offset + at + len(tail))
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
            for other in self._subjects
            if len(other) > len(phrase) and other.lower().endswith(" " + phrase.lower())
        ]
        return fuller[0] if fuller else phrase

    @cached_property
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
        introduced = self._introduced(sentence)
        if introduced:
            return introduced
        if len(self._passages.get(sentence.id, [])) != 1:
            return None
        outside = self._outside_quotes(sentence)
        if len(outside.split()) > ATTRIBUTION_WORDS:
            return None
        subject = self.subject(passage)
        named = {n.name for n in self._named_in(sentence) if not self.namesakes(n)}
        return subject if subject in named else None

    def role(self, name: str) -> tuple[str, str | None]:
        """A person's role as the article gives it, and the country or body that role names: the
        title before a mention ("Pentagon spokesman", "Ukraine’s lead negotiator") or the
        apposition after one (", the governor of the region,"), from the first mention that has
        either; ("", None) when none does. Never a word of the model's."""
        for named in self.found:
            if named.name != name:
                continue
            role = title_before(self.text, named.span) or apposition_after(self.text, named.span)
            if role:
                return role, affiliation(role)
        return "", None

    # --- how names are read off a sentence ----------------------------------------------------------

    def _outside_quotes(self, sentence: Anchor) -> str:
        """The sentence with its quoted passages blanked out (same length, so offsets hold); made once
        a sentence, since the name rules read each sentence many times."""
        text = self._blanked.get(sentence.id)
        if text is None:
            text = sentence.text
            start = sentence.span[0]
            for passage in self._passages.get(sentence.id, []):  # from its opening mark to its closing one
                a = passage.span[0] - max(0, passage.label.find(passage.text)) - start
                b = a + len(passage.label)
                text = text[: max(0, a)] + " " * (min(len(text), b) - max(0, a)) + text[b:]
            self._blanked[sentence.id] = text
        return text

    @cached_property
    def _position(self) -> dict[str, int]:
        """Where each sentence stands among the article's, by id."""
        return {sentence.id: i for i, sentence in enumerate(self.anchors.sentences)}

    @cached_property
    def _passages(self) -> dict[str, list[Anchor]]:
        """The quoted passages, by the id of the sentence they stand in."""
        passages: dict[str, list[Anchor]] = {}
        for passage in self.anchors.passages:
            passages.setdefault(passage.sentence, []).append(passage)
        return passages

    def named_in(self, sentence: Anchor) -> list[str]:
        """Each person and body a sentence names outside its quotation marks, once, in its order."""
        return list(dict.fromkeys(n.name for n in self._named_in(sentence)))

    def _named_in(self, sentence: Anchor) -> list[Named]:
        return self._found_between(*sentence.span)

    def _found_between(self, start: int, end: int) -> list[Named]:
        """The names that start between two offsets, in article order (a new list, the caller's)."""
        starts = self._found_starts
        return self.found[bisect_left(starts, start) : bisect_left(starts, end)]

    @cached_property
    def _found_starts(self) -> list[int]:
        return [n.span[0] for n in self.found]

    def _in_sentence(self, sentence: Anchor) -> Iterable[Named]:
        text = self._outside_quotes(sentence)
        start = sentence.span[0]
        for run in runs(text):
            for a, b in split_run(text, run):
                words = text[a:b].split()
                if (
                    a == run[0] == first_word(text)
                    and len(words) == 1
                    and not self._named_elsewhere(words[0])
                ):
                    continue  # "Elsewhere", "Residents": a capital that only opens the sentence
                if _addressed(text, a, b):
                    continue  # "told Sky News", "on the Today programme", "08:10 GMT": no one who speaks
                yield Named(text[a:b], (start + a, start + b))

    def _named_elsewhere(self, word: str) -> bool:
        """Whether a word stands capitalised somewhere other than a sentence's start (or names a
        country), so that a sentence opening with it still names someone."""
        if word not in self._elsewhere:
            self._elsewhere[word] = nations.country_of(word) == word or any(
                (sentence := self.anchors.sentence_at(m.start())) is not None
                and m.start() > sentence.span[0] + first_word(sentence.text)
                for m in re.finditer(rf"(?<![\w’']){re.escape(word)}(?![\w])", self.text)
            )
        return self._elsewhere[word]

    def _places(self, raw: list[Named]) -> set[str]:
        """Names the article uses mostly as places: after "in", "near", "the city of"…, before
        "region", "province"…; a country is a government too, and never only a place."""
        seen: dict[str, list[bool]] = {}
        for named in raw:
            if nations.country_of(named.name) is None:
                seen.setdefault(named.name, []).append(as_place(self.text, named.span[0], named.span[1]))
        return {name for name, verdicts in seen.items() if sum(verdicts) * 2 >= len(verdicts)}


def _addressed(text: str, start: int, end: int) -> bool:
    """Whether a name is what words were said on or to, or a time zone: a programme, station or
    paper ("told Sky News", "BBC Radio 4's Today programme", "writing in the Times"), never a speaker."""
    name = text[start:end]
    if name.upper() in TIME_ZONES:
        return True
    if _MEDIA_AFTER.match(text, end):
        return True
    told = _TOLD_BEFORE.search(text, max(0, start - 30), start) is not None
    return told and (not is_person(name) or name.split()[-1].lower() in MEDIA_NAMES)


_MEDIA_AFTER = re.compile(rf"(?:['’]s)?\s+(?:{'|'.join(sorted(MEDIA_WORDS))})\b", re.IGNORECASE)
_TOLD_BEFORE = re.compile(
    r"\b(?:told|telling|tells|speaking to|spoke to|speaking on|interview with|interviewed by|writing in|"
    r"wrote in|said on|appearing on|quoted by|quoted in)\s+(?:the\s+)?(?:[\w.]+(?:['’]s)?\s+){0,3}$",
    re.IGNORECASE,
)


def _speaker_like(phrase: str) -> bool:
    """Whether words that stand where a saying verb's subject does read as one ("police",
    "local officials", "the teacher"): at most four words, none a pronoun, none a verb's form."""
    words = phrase.split()
    return (
        0 < len(words) <= 4
        and phrase[:1].isalpha()
        and not any(w.lower() in PRONOUNS for w in words)
        and not any(w.islower() and w.endswith(("ed", "ing", "ly")) for w in words)
    )


def _full_forms(raw: list[Named]) -> list[tuple[str, list[str]]]:
    """Each occurrence under the fullest form of its person's name ("Putin", "Mr Podolyak" ->
    "Mykhailo Podolyak"), where exactly one person of that name is in reach: named before it, or, where
    none is yet, anywhere in the article. A surname two people share stays as written, for the model
    to choose between them; it is never resolved to either, and the people it may be come with it.
    Linear: people are indexed by name."""
    first: dict[str, int] = {}  # each person's full form, and where the article first writes it
    by_word: dict[str, list[str]] = {}  # a surname (or a first word) to the full forms holding it
    for named in raw:
        keys = name_keys(named.name)
        if keys and len(keys[0].split()) > 1 and is_person(named.name) and named.name not in first:
            first[named.name] = named.span[0]
            words = keys[0].split()
            for word in dict.fromkeys((words[-1], words[0])):
                by_word.setdefault(word, []).append(named.name)
    forms: list[tuple[str, list[str]]] = []
    for named in raw:
        keys = name_keys(named.name)
        candidates = [
            full
            for full in by_word.get(keys[-1] if keys else "", [])
            if len(full) > len(named.name) and same_person(named.name, full)
        ]
        before = [full for full in candidates if first[full] < named.span[0]]
        reach = before or candidates
        if reach and _one_person(reach):
            forms.append((max(reach, key=len), []))
        else:  # nearest first
            forms.append((named.name, sorted(reach, key=lambda full: -first[full])))
    return forms


def _without_possessive(name: str) -> str:
    for mark in POSSESSIVE[:2]:
        name = name.removesuffix(mark)
    return name


def _one_person(names: list[str]) -> bool:
    """Whether the names are all one person's (the longest holds every other)."""
    longest = max(names, key=len)
    return all(same_person(n, longest) and n in longest for n in names)
