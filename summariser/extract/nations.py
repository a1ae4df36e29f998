"""The names a news article uses for a country: itself, its people's adjective, its capital.

An article says "Berlin intended to supply…" or "German Chancellor Olaf Scholz said…" for Germany;
a response's actor is checked against its evidence sentence through these, and the evaluation
matches "Britain" with "United Kingdom" the same way. Only names a reader would recognise at once;
never an institution ("Pentagon", "White House"), which is an actor of its own.
"""

import re
from collections import Counter
from functools import cache

_TABLE = """
Afghanistan: Afghan, Kabul
Australia: Australian, Canberra
Austria: Austrian, Vienna
Belarus: Belarusian, Minsk
Belgium: Belgian, Brussels
Brazil: Brazilian, Brasilia
Britain: British, London, United Kingdom, UK, U.K.
Canada: Canadian, Ottawa
China: Chinese, Beijing
Czech Republic: Czech, Prague, Czechia
Denmark: Danish, Copenhagen
Egypt: Egyptian, Cairo
Estonia: Estonian, Tallinn
European Union: EU, E.U., Brussels, European Commission
Finland: Finnish, Helsinki
France: French, Paris, Elysee, Élysée
Germany: German, Berlin
Greece: Greek, Athens
Hungary: Hungarian, Budapest
India: Indian, New Delhi, Delhi
Iran: Iranian, Tehran
Iraq: Iraqi, Baghdad
Ireland: Irish, Dublin
Israel: Israeli, Jerusalem
Italy: Italian, Rome
Japan: Japanese, Tokyo
Latvia: Latvian, Riga
Lithuania: Lithuanian, Vilnius
Mexico: Mexican, Mexico City
NATO: Nato, North Atlantic Treaty Organization, alliance
Netherlands: Dutch, The Hague, Amsterdam, Holland
North Korea: North Korean, Pyongyang
Norway: Norwegian, Oslo
Pakistan: Pakistani, Islamabad
Poland: Polish, Warsaw
Romania: Romanian, Bucharest
Russia: Russian, Moscow
Saudi Arabia: Saudi, Riyadh
South Africa: South African, Pretoria
South Korea: South Korean, Seoul
Spain: Spanish, Madrid
Sweden: Swedish, Stockholm
Switzerland: Swiss, Bern, Geneva
Syria: Syrian, Damascus
Turkey: Turkish, Ankara, Turkiye, Türkiye
Ukraine: Ukrainian, Kyiv, Kiev
United Nations: UN, U.N., Security Council, General Assembly
United States: US, U.S., USA, American, Washington
"""


_TABLE_NAMES = {
    name: [n.strip() for n in others.split(",")]
    for name, _, others in (line.partition(":") for line in _TABLE.strip().splitlines())
}


@cache
def _groups() -> list[tuple[str, frozenset[str]]]:
    return [(name, frozenset(n.lower() for n in [name, *others])) for name, others in _TABLE_NAMES.items()]


def country_of(name: str) -> str | None:
    """The country or body a name stands for ("Germany" for "German" or "Berlin"), if it is one."""
    return _countries().get(name.strip().lower())


@cache
def _countries() -> dict[str, str]:
    """Each name, lowered, to the first country whose names hold it."""
    countries: dict[str, str] = {}
    for country, names in _groups():
        for name in names:
            countries.setdefault(name, country)
    return countries


_PEOPLE_ENDINGS = ("an", "ish", "ese", "ch", "i", "ss", "eek")


def is_people(name: str) -> bool:
    """Whether a name is a people's adjective ("German", "Japanese"), not a country or its capital."""
    country = country_of(name)
    return country is not None and country != name and name.endswith(_PEOPLE_ENDINGS)


_UNIONS = frozenset({"United Nations", "European Union", "NATO"})


def is_state(name: str) -> bool:
    """Whether a name stands for a country's government: the country, its capital, an institution
    of its state ("Pentagon"); not a union of states ("United Nations")."""
    country = country_of(name)
    return (country is not None and country not in _UNIONS) or name.strip() in _INSTITUTIONS


def names_for(name: str) -> frozenset[str]:
    """Every name of the country or body `name` stands for (lower case), or just `name` itself."""
    key = name.strip().lower()
    found = frozenset({key})
    for _, group in _groups():
        if key in group:
            found |= group
    return found


# Institutions that speak for a country: never the country's name (the evaluation keeps them apart),
# but a sentence naming one names that country's government.
_INSTITUTIONS = {
    "Pentagon": "United States",
    "White House": "United States",
    "State Department": "United States",
    "Kremlin": "Russia",
    "Downing Street": "Britain",
    "Elysee": "France",
    "Élysée": "France",
}
_BODIES = (
    "World Health Organization",
    "WHO",
    "International Committee of the Red Cross",
    "Red Cross",
    "Council of Europe",
    "IMF",
    "World Bank",
    "UNICEF",
    "UNHCR",
    "World Food Programme",
    "African Union",
    "Arab League",
    "OSCE",
    "International Criminal Court",
    "IAEA",
    "Amnesty International",
    "Human Rights Watch",
    "Doctors Without Borders",
    "Médecins Sans Frontières",
    "G7",
    "ASEAN",
)


@cache
def _finder() -> tuple[re.Pattern[str], dict[str, str]]:
    owner = {name: country for name, country in _INSTITUTIONS.items()}
    owner.update({body: body for body in _BODIES})
    for country, names in _TABLE_NAMES.items():
        for name in [country, *names]:
            owner.setdefault(name, country)
    pattern = "|".join(re.escape(name) for name in sorted(owner, key=len, reverse=True))
    return re.compile(rf"(?<![\w.])(?:{pattern})(?![\w])"), owner


def owner(name: str) -> str | None:
    """The country or body a name stands for, an institution's country included ("Pentagon")."""
    found = named(name.strip())
    return found[0][1] if len(found) == 1 and found[0][0] == name.strip() else None


def named(text: str) -> list[tuple[str, str]]:
    """The countries and international bodies a text names, in order: each name as written, and
    the country or body it stands for."""
    finder, owner = _finder()
    return [(m.group(), owner[m.group()]) for m in finder.finditer(text)]


_SAYS = re.compile(r"\b(?:say|says|said|report|reports|reported|claim|claims|claimed)\b(?:\s+that)?\s+")


def _reported_clause(lead: str) -> str:
    """What an opening sentence reports, without who reports it ("South Korean and U.S. officials
    say North Korea fired a missile" reports on North Korea): the sources of a story are not its
    place. The whole sentence where it names no one saying it, or names no country in what it says."""
    says = _SAYS.search(lead)
    if says is None:
        return lead
    reported = lead[says.end() :]
    return reported if named(reported) else lead


def home(text: str, lead: str, least: int = 3) -> set[str]:
    """The countries a story is about: those its opening sentence (`lead`) names that it names
    `least` times or more; failing those, the one it names most, if that often. Any other it
    names is foreign to the story, and what it does there is an international response."""
    counts = Counter(
        country for _, country in named(text) if country not in _UNIONS and country not in _BODIES
    )
    opening = {country for _, country in named(_reported_clause(lead)) if counts[country] >= least}
    if opening:
        return opening
    most = max(counts.values(), default=0)
    return {country for country, times in counts.items() if times == most >= least}
