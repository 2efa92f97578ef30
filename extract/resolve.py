"""The resolve stage: mentions across the whole corpus -> one entity per real-world thing.

A mention resolves, in order, to:

1. the gazetteer entry the ruler matched, or whose name (or the name without its initials, if
   the initials agree) equals its normalised text, or that its bracketed gloss names
   ("FILIPPOV [STALIN]" -> Stalin);
2. for a place or country, the city or state the world knows by that name (GeoNames, ISO):
   "Peking" and "Beijing", "Canton" and "Guangzhou", "Siam" and "Thailand" are one place each;
3. for an unknown name glossed by another unknown name, that name ("KOLYA [KIM CHAEK]");
4. for an unknown person, by the structure of names (`names.py`): a bare surname joins the one
   longer name of that person in the same document (else in the corpus); initials must agree
   ("F. Kuznetsov" is not "V. V. Kuznetsov"); the romanisations of an East Asian name are one
   name; a misspelling one letter off a name of the same document is that name; a title
   standing alone ("the Generalissimo") is the person the document names with it;
5. for an unknown body, its acronym ("JCS" is the "Joint Chiefs of Staff" of the corpus);
6. else a new entity of its own.

The kind of an entity the gazetteer does not know is voted by its mentions, weighted by the
evidence each has (`evidence.py`). Every surface form is kept as an alternative label.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from archivekg.extract.iris import slugify
from archivekg.extract.model import Entity, Mention, ResolvedMention
from archivekg.extract.names import _NOISE, _POSSESSIVE, acronym, normalise_name, one_typo_apart, romanisation_key, split_initials
from archivekg.extract.rules import RuleSet

PLACE_KINDS = ("place", "country")
BRITISH_TITLES = ("sir", "dame", "lord", "lady")
PLACE_WORDS = re.compile(r"\s+(?:river|reservoir|province|island|islands|peninsula|county|mountains|bay|strait)$")


def display_form(text: str) -> str:
    """A surface form as a label: one line, brackets and possessive removed, normal case."""
    form = " ".join(_NOISE.sub(" ", text).split())
    form = _POSSESSIVE.sub("", form).strip(" .,")
    if form.isupper() and len(form) > 3:
        form = " ".join(w.capitalize() for w in form.split())
    return form


def surface_form(text: str) -> str:
    """A surface form as written, on one line, without editorial brackets ("Jawaharlal] NEHRU")
    or a possessive ("Malik's")."""
    return _POSSESSIVE.sub("", " ".join(_NOISE.sub(" ", text).split())).strip()


WORLD_KEYS = ("?geo:", "?iso:")  # keys of places and countries the world knows (GeoNames, ISO 3166), not the gazetteer

class Resolver:
    """Assigns every mention a key: a gazetteer id, or '?'-prefixed for things it does not know."""

    def __init__(self, mentions: list[Mention], rules: RuleSet):
        self.mentions, self.rules = mentions, rules
        self.labels: dict[str, str] = {}  # provisional key -> canonical label (known places)
        self.glossed: set[int] = set()
        self.keys = [self.known(m) for m in mentions]
        self.counts = Counter(self.keys)

    def name(self, text: str) -> str:
        return normalise_name(text, self.rules.honorifics)

    # 1-2. the gazetteer and the world
    def known(self, mention: Mention) -> str:
        rules = self.rules
        if mention.gazetteer_id:
            return mention.gazetteer_id
        found = rules.alias_index.get(self.name(mention.span.text))
        untitled = re.sub(rf"(?i)^(?:{rules.evidence.name_titles})\s+", "", self.name(mention.span.text))  # "Sir O. Franks": a knight's title is written, not looked up
        if found is None and untitled != self.name(mention.span.text):
            found = rules.alias_index.get(untitled) or (self.by_surname(untitled) if mention.kind == "person" else None)
        if found is None and mention.kind == "organization" and (delegation := rules.evidence.delegations.match(self.name(mention.span.text))):
            body = rules.alias_index.get(delegation["body"])  # a known body's delegation is the body; a nation's is not
            found = body if body and rules.by_id[body].kind in ("organization", "unit") else None
        if found is None and mention.gloss:
            found = rules.alias_index.get(self.name(mention.gloss))
        if found is None and mention.kind == "person":
            found = self.by_surname(mention.span.text)
        if found and mention.kind == "work" and rules.by_id[found].kind not in ("work", "organization"):
            found = None  # a title naming a thing ("The Korean War") is a work; one naming a body is its publication
        if found:
            return found  # the gazetteer's type wins over the model's guess
        return self.world_place(mention) or "?" + self.name(mention.span.text)

    def world_place(self, mention: Mention) -> str | None:
        """The key of a place or country the world knows by the mention's own text (GeoNames,
        ISO 3166: the gazetteer's entry for it if it has one), or None."""
        if mention.kind not in PLACE_KINDS:
            return None
        place = self.rules.evidence.places.lookup(_POSSESSIVE.sub("", " ".join(_NOISE.sub(" ", mention.span.text).split())))
        if not place:
            return None
        entry = self.rules.place_entries.get(place.key)
        if entry:
            return entry
        self.labels["?" + place.key] = place.label
        return "?" + place.key

    def by_surname(self, text: str) -> str | None:
        """A gazetteer person named by surname and initials ("I. V. STALIN", "Stalin, I. V."),
        when the initials agree with the ones the gazetteer knows for the name."""
        surname, initials = split_initials(text)
        if not initials or not surname:
            return None
        entry_id = self.rules.alias_index.get(surname)
        by_last_name = entry_id is None and " " not in surname
        if by_last_name:  # "O. Franks": the one gazetteer person whose last name it is
            entry_id = self.rules.person_by_surname.get(surname)
        entry = self.rules.by_id.get(entry_id) if entry_id else None
        if entry is None or entry.kind != "person":
            return None
        if len(surname.split()) > 1:
            return entry_id  # "Vyacheslav M. Molotov": a full name with a middle initial
        known = {split_initials(n)[1][:1] for n in entry.names()} - {""}
        if by_last_name:  # the initial must agree with one the gazetteer gives, or with the first name
            known |= {n.split()[0][:1].lower() for n in entry.names() if " " in n}
            return entry_id if initials[0] in known else None
        return entry_id if not known or initials[0] in known else None

    # 3. glosses
    def join_glosses(self) -> None:
        """An unknown name glossed by another name of the same document is what that name is:
        "KOLYA [KIM CHAEK]", "URUMCHI [Translator's note: Dihua, today's Urumqi]". A place the world knows
        glossed by another ("Suizhou [Xuzhou]": a translator's slip the editor corrects) is the glossed
        place everywhere in that document, and only there."""
        by_name: dict[tuple[str, str], str] = {}
        for key, m in zip(self.keys, self.mentions):
            by_name.setdefault((m.span.doc_key, self.name(m.span.text)), key)
        in_document: dict[tuple[str, str], str] = {}  # (document, key of a place the world knows) -> what the editor says it is
        for i, mention in enumerate(self.mentions):
            key = self.keys[i]
            if mention.gloss and not key.startswith("?") and not mention.gazetteer_id and self.rules.alias_index.get(self.name(mention.span.text)) is None:
                own = self.world_place(mention)  # named by its gloss already ("Suizhou [Xuzhou]" is Xuzhou): so is the rest of the document's "Suizhou"
                if own and own.startswith(WORLD_KEYS) and own != key:
                    in_document[(mention.span.doc_key, own)] = key
                continue
            if key.startswith("?") and mention.gloss:
                target = by_name.get((mention.span.doc_key, self.name(mention.gloss)))
                if not target or target == key:
                    continue
                if key.startswith(WORLD_KEYS):  # "Suizhou [Xuzhou]": the editor's correction, in this document
                    if not target.startswith("?") or target.startswith(WORLD_KEYS):
                        in_document[(mention.span.doc_key, key)] = target
                        self.keys[i] = target
                        self.glossed.add(i)
                elif self.preferred(key, {target}) == target:
                    self.keys[i] = target
                    self.glossed.add(i)
        glossed_as = {"?" + self.name(self.mentions[i].span.text): self.keys[i] for i in self.glossed}
        for i, key in enumerate(self.keys):  # once glossed, the name is the glossed thing wherever it stands alone
            doc_key = self.mentions[i].span.doc_key
            if (doc_key, key) in in_document:
                self.keys[i] = in_document[(doc_key, key)]
            elif key in glossed_as and glossed_as[key] != key:
                self.keys[i] = glossed_as[key]

    def join_heads(self) -> None:
        """A body named by its head alone ("the Central Committee", "the Council") is the one body
        of the same document whose name holds it."""
        bodies: dict[str, set[str]] = defaultdict(set)
        for key, m in zip(self.keys, self.mentions):
            if m.kind in ("organization", "unit"):
                bodies[m.span.doc_key].add(key)
        for i, (key, m) in enumerate(zip(self.keys, self.mentions)):
            if not key.startswith("?") or m.kind != "organization":
                continue
            head = key[1:]
            found = {b for b in bodies[m.span.doc_key] if b != key and any(re.search(rf"\b{re.escape(head)}\b", n) for n in self.names_of(b))}
            if len(found) == 1:
                self.keys[i] = next(iter(found))

    def names_of(self, key: str) -> list[str]:
        if key.startswith("?"):
            return [self.labels.get(key, key[1:]).lower()]
        entry = self.rules.by_id[key]
        return [n.lower() for n in entry.names()]

    # 4. people, by the structure of their names
    def person_keys(self) -> dict[str, set[str]]:
        """Every person key -> the documents it is named in."""
        docs = defaultdict(set)
        for key, m in zip(self.keys, self.mentions):
            if m.kind == "person" or (not key.startswith("?") and self.rules.by_id[key].kind == "person"):
                docs[key].add(m.span.doc_key)
        return docs

    def words_of(self, key: str) -> list[str]:
        label = self.rules.by_id[key].label if not key.startswith("?") else key[1:]
        return split_initials(label)[0].split()

    def join_people(self) -> None:
        people = self.person_keys()
        long_names: dict[str, set[str]] = defaultdict(set)
        first_names: dict[str, set[str]] = defaultdict(set)  # "Douglas" of "Douglas MacArthur": joins only in his documents
        for key in people:
            names = [self.words_of(key)]
            if not key.startswith("?"):  # "Hsieh" of "Hsieh Fang", the gazetteer's other spelling of Xie Fang
                names += [split_initials(self.name(name))[0].split() for name in self.rules.by_id[key].names()]
            for words in names:
                if len(words) > 1:
                    long_names[words[-1]].add(key)
                    long_names[words[0]].add(key)
                    if words[0] not in self.rules.evidence.surnames:
                        first_names[words[0]].add(key)
        for key in people:  # "V. Kuznetsov": a surname with initials is a fuller name than "Kuznetsov"
            bare, initials = split_initials(key[1:]) if key.startswith("?") else ("", "")
            if initials and len(bare.split()) == 1:
                long_names[bare].add(key)
        rom = self.rules.romanisation
        surnames = self.rules.evidence.surnames
        keyed: dict[str, set[str]] = defaultdict(set)
        for key in people:
            words = self.words_of(key)
            if len(words) > 1 and words[0] in surnames:
                keyed[romanisation_key(" ".join(words), rom)].add(key)
        titles = self.titled_people()
        named_at: dict[tuple[str, str], list[int]] = defaultdict(list)  # (document, person) -> where a fuller name of them starts
        for key, m in zip(self.keys, self.mentions):
            if key in people and len(m.span.text.split()) > 1:
                named_at[(m.span.doc_key, key)].append(m.span.start)
        for i, (key, mention) in enumerate(zip(self.keys, self.mentions)):
            if not key.startswith("?") or mention.kind != "person":
                continue
            doc = mention.span.doc_key
            bare, initials = split_initials(key[1:])
            words = bare.split()
            if len(words) == 2 and words[0] in BRITISH_TITLES:  # "Sir Gladwyn": a knight by his first name
                first = {c for c in people if c != key and doc in people[c] and self.words_of(c)[:2] in ([words[0], words[1]], [words[1]]) and len(self.words_of(c)) > 1}
                if len(first) == 1:
                    self.keys[i] = next(iter(first))
                    continue
            if (doc, bare) in titles:
                self.keys[i] = titles[(doc, bare)]
            elif len(words) == 1:
                candidates = long_names.get(words[0], set())
                here = {c for c in candidates if doc in people[c] and self.initials_agree(c, initials)}
                chosen = here if here else {c for c in candidates if self.initials_agree(c, initials) and (c not in first_names.get(words[0], ()) or words[0] in {w for w in self.words_of(c)[1:]})}
                if not here and self.rules.surname_counts.get(words[0], 0) > 1:
                    chosen = set()  # two known people share the surname: a bare one names neither for sure
                if len(here) > 1:  # "Kim Il Sung ... Kim is alarmed ... Kim Chaek": the one named last before it
                    before = [(start, c) for c in here for start in named_at.get((doc, c), ()) if start < mention.span.start]
                    chosen = {max(before)[1]} if before else set()
                if len(chosen) == 1:
                    self.keys[i] = next(iter(chosen))
            else:
                same = keyed.get(romanisation_key(bare, rom), set()) - {key} if words[0] in surnames else set()
                typo = {c for c in people if c != key and doc in people[c] and one_typo_apart(" ".join(self.words_of(c)), bare)}
                chosen = self.preferred(key, same) or (self.preferred(key, typo) if len(typo) == 1 else None)
                if chosen:
                    self.keys[i] = chosen
        for i, (key, mention) in enumerate(zip(self.keys, self.mentions)):  # "Paik" the model took for a body, beside "Paik Sun Yup"
            if key.startswith("?") and mention.kind in ("organization", "place") and mention.weight == 0 and " " not in key[1:]:
                here = {c for c in long_names.get(key[1:], ()) if mention.span.doc_key in people[c]}
                if len(here) == 1:
                    self.keys[i] = next(iter(here))

    def preferred(self, key: str, others: set[str]) -> str | None:
        """Of two spellings of one name, the one both join: the gazetteer's, else the more
        frequent, else the first in order (so that the two never swap)."""
        rank = lambda k: (k.startswith("?"), not k.startswith(WORLD_KEYS), -self.counts[k], k)  # noqa: E731
        best = min(others | {key}, key=rank) if others else None
        return best if best and best != key else None

    def drop_bare_titles(self) -> None:
        """A title standing alone ("Cde", "the President") that names no one the document names
        with it is no entity."""
        for i, key in enumerate(self.keys):
            if key.startswith("?") and key[1:].rstrip(".") in self.rules.titles:
                self.keys[i] = ""

    def initials_agree(self, key: str, initials: str) -> bool:
        if not initials:
            return True
        label = self.rules.by_id[key].label if not key.startswith("?") else key[1:]
        theirs = split_initials(label)[1] or "".join(w[0] for w in label.split()[:-1]).lower()
        return not theirs or theirs[0] == initials[0]

    def titled_people(self) -> dict[tuple[str, str], str]:
        """(document, title) -> the person that document names with the title ("Generalissimo Stalin")."""
        titles = {h.casefold() for h in self.rules.honorifics}
        found: dict[tuple[str, str], set[str]] = defaultdict(set)
        for key, m in zip(self.keys, self.mentions):
            words = m.span.text.split()  # the title before the name, or kept inside it
            title = m.title or (words[0].casefold() if len(words) > 1 and words[0].casefold() in titles else None)
            if title:
                found[(m.span.doc_key, title.rstrip("."))].add(key)
        return {k: next(iter(v)) for k, v in found.items() if len(v) == 1}

    # 5. bodies, by their acronyms
    def join_acronyms(self) -> None:
        bodies: dict[str, set[str]] = defaultdict(set)
        for key, m in zip(self.keys, self.mentions):
            if m.kind in ("organization", "unit"):
                label = self.rules.by_id[key].label if not key.startswith("?") else m.span.text
                if len(label.split()) > 1:
                    bodies[acronym(label)].add(key)
        for i, (key, m) in enumerate(zip(self.keys, self.mentions)):
            text = m.span.text.strip()
            if key.startswith("?") and m.kind in ("organization", "unit", "person") and re.fullmatch(r"[A-Z]{2,6}", text):
                candidates = bodies.get(text, set()) - {key}
                if len(candidates) == 1:
                    self.keys[i] = next(iter(candidates))

    def join_place_words(self) -> None:
        """'Imjin' and 'Imjin River' are one place; so are two romanisations of one name
        ('Kaeseong', 'Kaesŏng')."""
        places = {key for key, m in zip(self.keys, self.mentions) if m.kind in PLACE_KINDS}
        for i, (key, m) in enumerate(zip(self.keys, self.mentions)):
            if key.startswith("?") and m.kind == "person" and m.weight == 0:
                place = self.rules.evidence.places.lookup(m.span.text)
                if place and "?" + place.key in places:
                    self.keys[i] = "?" + place.key  # "we propose Kaesong": the model's person is the place the corpus names
        by_sound: dict[str, set[str]] = defaultdict(set)
        for key in places:
            label = self.labels.get(key) or (self.rules.by_id[key].label if not key.startswith("?") else key[1:])
            by_sound[romanisation_key(label, self.rules.romanisation)].add(key)
        for i, (key, m) in enumerate(zip(self.keys, self.mentions)):
            if key.startswith("?") and m.kind in PLACE_KINDS:
                shorter = "?" + PLACE_WORDS.sub("", key[1:])
                if shorter != key and shorter in places:
                    self.keys[i] = shorter
                    continue
                label = self.labels.get(key) or key[1:]
                chosen = self.preferred(key, by_sound[romanisation_key(label, self.rules.romanisation)] - {key})
                if chosen:
                    self.keys[i] = chosen

    def join_units(self) -> None:
        """'ROK 6th Div' and 'ROK 6th Division', 'US 3D INF DIV' and '3d Infantry Division':
        one unit when number, kind of unit and side agree (a missing side agrees with one other)."""
        units: dict[tuple, set[str]] = defaultdict(set)
        shapes = {}
        for key, m in zip(self.keys, self.mentions):
            if m.kind == "unit" and key.startswith("?"):
                shape = unit_shape(key[1:], self.rules)
                if shape:
                    shapes[key] = shape
                    units[shape[1:]].add(key)
        for i, key in enumerate(self.keys):
            shape = shapes.get(key)
            if not shape:
                continue
            side = shape[0]
            same = {k for k in units[shape[1:]] if k != key and shapes[k][0] in (side, None)}
            sided = {shapes[k][0] for k in same} - {None}
            if same and (side is not None or len(sided) <= 1):
                chosen = self.preferred(key, same)
                if chosen:
                    self.keys[i] = chosen


def resolve_entities(mentions: Iterable[Mention], rules: RuleSet) -> tuple[list[Entity], list[ResolvedMention]]:
    mentions = list(mentions)
    resolver = Resolver(mentions, rules)
    resolver.join_glosses()
    resolver.join_heads()
    resolver.join_people()
    resolver.drop_bare_titles()
    resolver.join_acronyms()
    resolver.join_place_words()
    resolver.join_units()
    assigned = resolver.keys

    grouped: dict[str, list[Mention]] = defaultdict(list)
    label_forms: dict[str, list[str]] = defaultdict(list)
    for i, (key, mention) in enumerate(zip(assigned, mentions)):
        if not key:
            continue
        grouped[key].append(mention)
        if i not in resolver.glossed:
            label_forms[key].append(display_form(mention.span.text))
    entities: dict[str, Entity] = {}
    keys: dict[str, str] = {}
    for key in sorted(grouped):
        group = grouped[key]
        if key.startswith("?"):
            votes = Counter()
            for m in group:
                votes[m.kind] += 1 + 4 * m.weight
            kind = min(votes, key=lambda k: (-votes[k], k))
            forms = label_forms[key] or [display_form(m.span.text) for m in group]
            label = resolver.labels.get(key) or longest_common(forms)
            slug, wikidata, gazetteer_id = slugify(label), None, None
        else:
            entry = rules.by_id[key]
            kind, label, slug, wikidata, gazetteer_id = entry.kind, entry.label, entry.id, entry.wikidata, entry.id
        if not label.strip():
            continue
        slug = unique_slug(slug, kind, entities)
        alt = sorted({surface_form(m.span.text) for m in group} - {label, ""})
        entry = rules.by_id.get(gazetteer_id) if gazetteer_id else None
        extra = {}
        if entry:
            cover = {normalise_name(p) for p in entry.pseudonyms}
            extra = {
                "pseudonyms": tuple(a for a in alt if normalise_name(a) in cover),
                "description": entry.description,
                "birth_date": entry.birth_date,
                "death_date": entry.death_date,
            }
        entities[slug] = Entity(slug, kind, label, tuple(alt), wikidata, None, None, gazetteer_id, **extra)
        keys[key] = slug
    resolved = [ResolvedMention(m, keys[k]) for k, m in zip(assigned, mentions) if k in keys]
    return list(entities.values()), resolved


_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th|d)?$")


def unit_shape(name: str, rules: RuleSet) -> tuple | None:
    """(side, number, unit noun) of a numbered unit's name: ('rok', 6, 'division')."""
    expand = rules.unit_words
    words = [expand.get(w, w) for w in name.lower().replace(".", "").split()]
    number = next((int(m.group(1)) for w in words if (m := _ORDINAL.fullmatch(w))), None)
    noun = next((w for w in reversed(words) if w in expand.values()), None)
    if number is None or noun is None:
        return None
    side = words[0] if not _ORDINAL.fullmatch(words[0]) else None
    at = next(i for i, w in enumerate(words) if _ORDINAL.fullmatch(w))
    modifiers = frozenset(w for w in words[at + 1 :] if w != noun)
    return side, number, modifiers, noun


def longest_common(forms: list[str]) -> str:
    """The label of an entity the gazetteer does not know: its most frequent full form (the
    longest of the most frequent, so "Peng Dehuai" wins over "Peng")."""
    counts = Counter(forms)
    return max(counts, key=lambda f: (len(f.split()) > 1, counts[f], len(f), f))


def unique_slug(slug: str, kind: str, taken: dict[str, Entity]) -> str:
    if slug not in taken:
        return slug
    candidate = f"{slug}-{kind}"
    n = 2
    while candidate in taken:
        candidate = f"{slug}-{kind}-{n}"
        n += 1
    return candidate
