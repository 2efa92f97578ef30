"""What kind of thing a name is, from evidence rather than only the model's guess.

The statistical model types names it has never seen by their look, and on archival text it
often guesses wrong ("Kennan" a place, "Vasilevsky" an organisation, "Panmunjom" a person).
This module weighs what the text and the world say instead (word lists in
`data/name_evidence.json`; places and countries from `archivekg.extract.places`):

- the words around the name: a title or role before it ("General Clark", "typist Leshevich"),
  a place word after it ("Hwanghae Province"), a locative preposition before it ("at
  Panmunjom");
- the words inside it: "Hwachon Reservoir" is a place, "Foreign Ministry" a body, "IX Corps"
  a unit;
- its shape: Slavic surname endings ("-ov", "-enko"), an East Asian family name opening a
  name of two or three syllables ("Paek Nam-un"), Korean place endings ("-dong", "-ri");
- the layout: a name in a clerk's line or a signature is a person;
- the world: a known city or country (GeoNames, ISO).

`judge()` returns the kind and the weight of the evidence (0: only the model's guess); the
resolve stage lets weightier mentions decide the kind of an entity.
"""

from __future__ import annotations

import re

from anyascii import anyascii
from dataclasses import dataclass

from archivekg.extract.places import KnownPlace, PlaceIndex, place_index

MODEL, WEAK, STRONG, DEFINITE = 0, 1, 2, 3
BIG_CITY = 100_000  # a city this large is a place whatever the model says (but a person, below)
PERSON_OVERRIDE = 500_000  # a name the model reads as a person is a place only if it names a city this large


@dataclass(frozen=True)
class EvidenceRules:
    before: dict[str, re.Pattern]  # kind -> words ending right before a name
    after: dict[str, re.Pattern]  # kind -> words starting right after it
    inside: dict[str, re.Pattern]  # kind -> capitalised words inside it
    suffixes: dict[str, tuple[str, ...]]
    surnames: frozenset[str]
    locative: re.Pattern
    place_use: re.Pattern  # words before a name that use it as a place ("in", "out of", "the unification of")
    imperatives: frozenset[str]  # verbs that open an instruction ("Nominate Modzelewski"), lower-case
    subunits: frozenset[str]  # nouns of a body's numbered sections ("Section", "Department"), lower-case
    military_use: re.Pattern  # words after a body's name that mean its armed force ("offensive", "out of"); .match(text, end)
    countries: tuple[tuple[str, str], ...]
    office: re.Pattern  # a phrase these open names an office
    government: frozenset[str]  # "Soviet Government" is the state
    name_titles: str  # titles that are part of a name ("Sir", "Lord"): an alternation
    place_parts: re.Pattern  # "Ongjin peninsula": lower-case words that end a place's name
    institutions: frozenset[str]
    delegations: re.Pattern  # "... Delegation": the name less it, when that names a body
    common_word: float  # a single word this frequent in English (wordfreq Zipf) is no name
    post_nominals: dict[str, str]  # "Hodes, USA": a service's abbreviation after a name -> its gazetteer id

    @property
    def places(self) -> PlaceIndex:
        return place_index(self.countries)


def _any_of(words: list[str]) -> str:
    """One of `words`, any case, their spaces any run of white space."""
    return r"(?i:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + r")"


def _ending_in(words: list[str]) -> re.Pattern:
    """A text that ends in one of `words` (then perhaps "the"): what stands right before a name."""
    return re.compile(r"\b" + _any_of(words) + r"\s+(?i:the\s+)?$")


def _words_before(words) -> re.Pattern:
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?i)(?:^|(?<=[\s(\[\"“]))(?:{alternatives})\s+$")


def parse_evidence_rules(files) -> EvidenceRules:
    data = files.json("name_evidence.json")
    countries = []
    for line in files.lines("countries.tsv"):
        name, code = (part.strip() for part in line.split("\t")[:2])
        countries.append((name, code))
    after = {
        kind: re.compile(r"(?i)^\s+(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b")
        for kind, words in data["after"].items()
    }
    inside = {kind: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b") for kind, words in data["inside"].items()}
    locative = _ending_in(data["locative"])
    return EvidenceRules(
        before={kind: _words_before(words) for kind, words in data["before"].items()},
        after=after,
        inside=inside,
        suffixes={kind: tuple(s.lower() for s in words) for kind, words in data["suffixes"].items()},
        surnames=frozenset(w.lower() for w in data["surnames"]),
        locative=locative,
        place_use=_ending_in(data["place_use"]),
        subunits=frozenset(w.lower() for w in data["subunits"]),
        imperatives=frozenset(w.lower() for w in data["imperatives"]),
        military_use=re.compile(r"\s+" + _any_of(data["military_use"]) + r"\b"),
        countries=tuple(countries),
        government=frozenset(w.lower() for w in data["government"]),
        name_titles="|".join(re.escape(w) for w in data["name_titles"]),
        place_parts=re.compile(r"(?i)^\s+(?:" + "|".join(re.escape(w) for w in data["place_parts"]) + r")\b"),
        institutions=frozenset(data["institutions"]),
        delegations=re.compile(r"(?i)^(?P<body>.+?)\s+(?:" + "|".join(re.escape(w) for w in data["delegations"]) + r")$"),
        common_word=float(data["common_word"]),
        post_nominals=dict(data.get("post_nominals", {})),
        office=re.compile(r"(?i)^(?:the\s+)?(?:" + "|".join(re.escape(w) for w in sorted(data["office"], key=len, reverse=True)) + r")\b\s+\S"),
    )


ROMANISED_PERSON = re.compile(r"[A-Z][a-z]{0,4}['’]?[a-z]{0,5} [A-Z][a-z]{0,4}['’]?[a-z]{0,5}-[a-z]{1,4}['’]?[a-z]{0,5}")


def rare_word(name: str) -> bool:
    """A name no English text uses as a word ("Kanggye", "Tokchon"): a foreign place, not a
    Western given name or surname that is also a town ("Clay", "Douglas")."""
    from wordfreq import zipf_frequency

    return all(zipf_frequency(w.lower(), "en") < 2.0 for w in name.split())


def is_office(name: str, rules: EvidenceRules) -> bool:
    """'Commanding General', 'People's Commissar for Foreign Affairs', 'Provost', 'Assistant
    Secretary': an office, not a name."""
    if rules.office.match(name):
        return True
    return rules.office.fullmatch(name.strip() + " x") is not None  # nothing but an office's words


def is_common_word(name: str, rules: EvidenceRules) -> bool:
    """A name that is one common English word ("Government", "Command", "Island", "October")."""
    from wordfreq import zipf_frequency

    word = name.strip()
    if word in rules.institutions:
        return False  # "the Department", "the Cabinet": an institution named by its common noun
    return " " not in word and word.isalpha() and zipf_frequency(word.lower(), "en") >= rules.common_word


def known_place(name: str, rules: EvidenceRules) -> KnownPlace | None:
    return rules.places.lookup(name)


def judge(text: str, start: int, end: int, model_kind: str, rules: EvidenceRules, person_field: bool = False) -> tuple[str, int]:
    """The kind the evidence says the name text[start:end] is, and how strong that evidence is."""
    name = text[start:end]
    bare = re.sub(r"['’]s?$", "", name).strip()
    before = text[max(0, start - 40) : start]
    after = text[end : end + 30]
    place = known_place(bare, rules)
    if place and place.country:
        return "country", DEFINITE
    for kind in ("unit", "organization", "place"):
        if rules.inside[kind].search(bare) and (kind != "place" or not rules.inside["organization"].search(bare)):
            return kind, DEFINITE
    if rules.after["place"].match(after) and model_kind != "person":
        return "place", STRONG
    if rules.after["facility"].match(after):
        return "place", STRONG  # "the Supung power station": a place whatever the model guessed
    if rules.before["place"].search(before):
        return "place", STRONG
    if rules.before["person"].search(before) or person_field:
        return "person", STRONG
    if re.search(r"\(\s*$", before) and re.match(r"\s*\)\s+to\b", after):
        return "person", STRONG  # "The Ambassador in China (Stuart) to the Secretary of State"
    words = bare.replace("-", " ").split()
    if place and model_kind == "person" and (place.alternate or place.population < PERSON_OVERRIDE) and not rare_word(bare):
        place = None  # "Clay", "Douglas": a name the model reads as a person stays one unless it is a great city
    if place and (place.population >= BIG_CITY or model_kind in ("place", "country")):
        return "place", STRONG if place.population >= BIG_CITY else WEAK
    lowered = bare.lower()
    if lowered.endswith(rules.suffixes["place"]):  # "Nonso-dong", "Korangpo-ri": the endings carry their hyphen
        return "place", WEAK
    if len(words) == 1 and lowered.endswith(rules.suffixes["person"]):
        return "person", WEAK
    if 2 <= len(words) <= 3 and words[0].lower() in rules.surnames and all(w[:1].isupper() or w[:1].islower() for w in words):
        return "person", WEAK
    if ROMANISED_PERSON.fullmatch(anyascii(bare)) and model_kind not in ("place", "country"):
        return "person", WEAK  # "Ch'iu Ch'ing-ch'uan", "Huang Po-tao": a surname and a hyphenated given name
    if rules.locative.search(before) and (model_kind == "person" or (model_kind == "organization" and " " not in bare and not bare.isupper() and rare_word(bare))):
        return "place", WEAK  # "at Yosu", "at Nien-chuang": a one-word name the model guessed a body
    return model_kind, MODEL
