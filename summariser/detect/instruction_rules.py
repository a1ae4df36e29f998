"""The rules an instruction to an AI is judged by, read from `instruction_rules.toml`: each rule's
pattern beside its gate words, and the words the hunt for a sentence to judge starts from, in one
file of data. `summariser.detect.instructions` applies them."""

import re
import tomllib
from importlib.resources import files

Rule = tuple[tuple[str, ...], re.Pattern[str]]

_DATA = tomllib.loads(files(__package__).joinpath("instruction_rules.toml").read_text(encoding="utf-8"))


def _joined(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "".join(value)


def _pattern(value: str | list[str]) -> re.Pattern[str]:
    pattern = _joined(value).replace("{ai}", _joined(_DATA["ai"])).replace("{verbs}", _joined(_DATA["verbs"]))
    return re.compile(pattern, re.IGNORECASE)


def _rules(table: str) -> list[Rule]:
    return [(tuple(rule["gate"]), _pattern(rule["pattern"])) for rule in _DATA[table]]


IMPERATIVE_ONLY = _pattern(_DATA["imperative_only"])
OPENER = _pattern(_DATA["opener"])
VOCATIVE = _pattern(_DATA["vocative"])
SECOND_PERSON = _pattern(_DATA["second_person"])
REPORTED = _pattern(_DATA["reported"])
ATTRIBUTION = _pattern(_DATA["attribution"])
ASKED_FOR = _pattern(_DATA["asked_for"])
NAMES_THE_BRIEF = _pattern(_DATA["names_the_brief"])

OVERRIDE = _rules("override")
ROLE = _rules("role")
ADDRESS = _rules("address")
CONTROL = _rules("control")
REQUEST = _rules("request")

OTHER_SCRIPTS = re.compile("[\u0400-\u052f\u3000-\u9fff]")  # Cyrillic and Chinese
_GATES = {word for rules in (OVERRIDE, ROLE, ADDRESS, CONTROL, REQUEST) for gate, _ in rules for word in gate}

# Latin-script words, looked up whole among an article's words: every gate that is one word, and
# the forms and names the file lists besides
ANCHORS = frozenset(_DATA["anchors"].split()).union(
    word for word in _GATES if word.isalpha() and not OTHER_SCRIPTS.search(word)
)
PUNCTUATION: str = _DATA["punctuation"]
# the gate words in other scripts, and the names no gate holds: found with `find` wherever they stand
STEMS = tuple(sorted(w for w in _GATES.union(_DATA["hunted_too"]) if OTHER_SCRIPTS.search(w)))
