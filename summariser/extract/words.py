"""The words the rules that read names go by, written once, as data: titles, the last words of
bodies' names, words that join a name, words that mark a place, words that are never a speaker."""

HONORIFICS = {"mr", "mrs", "ms", "dr", "president", "prime", "minister", "chancellor", "general"}


# Words that stand before a name as its title, never part of the name ("President", "Mr", "Health
# Minister"); lower case, compared case-insensitively.
TITLE_LIST = """
mr mrs ms miss dr sir dame lord lady president vice prime minister chancellor premier governor mayor
secretary secretary-general undersecretary ambassador envoy general gen lt col capt sgt maj adm brig
colonel captain lieutenant sergeant major admiral commander chief deputy acting former foreign defence
defense interior health finance justice economy trade education senator sen rep gov representative
king queen prince princess pope sheikh emir judge justice prosecutor attorney spokesman spokeswoman
spokesperson negotiator official officer director head leader coordinator chairman chairwoman chair
commissioner inspector superintendent detective constable sheriff marshal lawmaker mp minister-president
rev reverend father archbishop bishop cardinal imam rabbi professor prof ceo founder
"""


TITLES = frozenset(TITLE_LIST.split())


# The last word of a body's name: a run that ends in one is one body ("Interior Ministry", "Red
# Crescent", "World Health Organization"), never split at a title word inside it.
BODY_LIST = """
ministry department office council agency service services police army navy forces force guard guards
committee commission organization organisation court parliament party union bank crescent cross house
nations bureau authority authorities administration government cabinet assembly congress senate
command corps brigade battalion regiment unit group front movement coalition alliance federation
institute university hospital fund programme program board team network company corporation
"""


BODIES = frozenset(BODY_LIST.split())


WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
MONTHS = frozenset(
    {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october"}
    | {"november", "december"}
)
NOT_NAMES = WEEKDAYS | MONTHS  # "May" alone is a month; "Theresa May" is a name


# joining words inside a name ("Ministry of Defence", "Organization for Security", "Abu al-Hassan")
JOINERS = frozenset({"of", "for", "de", "du", "da", "del", "van", "von", "bin", "al", "la", "le"})


# a place follows these ("in Mariupol", "near the Velka river"); a name found only after them is a place
PLACE_BEFORE = frozenset(
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


PLACE_NOUN_LIST = """
region regions province provinces city cities town towns village villages district districts state
states county counties oblast area areas river coast valley mountains island islands border capital
airport port street square
"""


PLACE_NOUNS = frozenset(PLACE_NOUN_LIST.split())


PLACE_FILLERS = frozenset(
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


# words that qualify a saying verb's subject without naming anyone else ("Mr Name on Monday warned")
QUALIFIERS = frozenset(
    {"on", "in", "at", "from", "for", "during", "last", "this", "early", "late", "earlier", "later", "also"}
)


PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you", "who", "this", "that"})


GOVERNMENT_WORDS = frozenset(
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


MILITARY_WORDS = frozenset(
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


ARMED_GROUPS = frozenset(
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


OPENERS = frozenset(
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


STOP_BEFORE_TITLE = frozenset(
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


PLACE_WORDS = frozenset({"in", "at", "near", "outside"})


# Words a people's adjective stands before when it names its government rather than a thing or a
# person from there ("French officials", "Russian forces"), beyond the titles and the words of
# government and the military.
GOVERNING_WORDS = frozenset(
    {"officials", "official", "authorities", "diplomats", "diplomat", "leaders", "leader", "embassy"}
    | {"envoys", "troops", "forces", "soldiers", "state", "prosecutors", "investigators", "counterparts"}
)


# Time zones, written in capitals after a clock time ("08:10 GMT"): never a name.
TIME_ZONES = frozenset(
    {"GMT", "UTC", "BST", "CET", "CEST", "EET", "EEST", "MSK", "EST", "EDT", "CST", "CDT", "MST", "MDT"}
    | {"PST", "PDT", "IST", "JST", "AEST", "AEDT"}
)


# What a name stands before when it is the programme, station or paper words were said on or to
# ("the Today programme", "Sky News channel"), not someone who speaks.
MEDIA_WORDS = frozenset(
    {"programme", "program", "show", "podcast", "newspaper", "channel", "station", "broadcast"}
    | {"interview", "documentary", "column", "bulletin", "website", "magazine"}
)


# The last word of a broadcaster's or a paper's name ("Sky News", "the Sunday Times").
MEDIA_NAMES = frozenset({"news", "radio", "times", "post", "herald", "journal", "gazette", "telegraph"})
MEDIA_NAMES |= {"tribune", "television", "tv", "fm", "chronicle", "mail", "express", "independent"}
