"""The resolve stage: mentions across the whole corpus -> one entity per real-world thing.

A mention resolves, in order, to: the gazetteer entry the ruler matched; a gazetteer entry
one of whose names equals its normalised text; the entry named by its bracketed gloss
("FILIPPOV [STALIN]" -> Stalin, "CC CPC [Central Committee ...]"); for an unknown single
name, the one unknown person of the corpus whose full name ends or starts with it; else a
new entity of its own. Every surface form is kept as an alternative label.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from archivekg.extract.rules import RuleSet
from archivekg.extract.iris import slugify
from archivekg.extract.model import Entity, Mention, ResolvedMention

_POSSESSIVE = re.compile(r"['’]s?$")
_NOISE = re.compile(r"[\[\]*“”\"]")


def normalise_name(text: str, honorifics: Iterable[str] = ()) -> str:
    """'Comrades ZHOU ENLAI's' -> 'zhou enlai': the form names are compared in."""
    name = _NOISE.sub(" ", text)
    name = " ".join(name.split()).casefold()
    name = _POSSESSIVE.sub("", name).strip()
    for honorific in honorifics:
        h = honorific.casefold()
        if name.startswith(h + " "):
            name = name[len(h) + 1 :]
    return name.removeprefix("the ").strip(" .,")


def display_form(text: str) -> str:
    """A surface form as a label: one line, brackets and possessive removed, normal case."""
    form = " ".join(_NOISE.sub(" ", text).split())
    form = _POSSESSIVE.sub("", form).strip(" .,")
    if form.isupper() and len(form) > 3:
        form = " ".join(w.capitalize() for w in form.split())
    return form


def surface_form(text: str) -> str:
    """A surface form as written, on one line and without editorial brackets ("Jawaharlal] NEHRU")."""
    return " ".join(_NOISE.sub(" ", text).split())


def resolve_entities(mentions: Iterable[Mention], rules: RuleSet) -> tuple[list[Entity], list[ResolvedMention]]:
    mentions = list(mentions)
    alias_index = rules.alias_index

    def known(mention: Mention) -> str | None:
        if mention.gazetteer_id:
            return mention.gazetteer_id
        found = alias_index.get(normalise_name(mention.span.text, rules.honorifics))
        if found is None and mention.gloss:
            found = alias_index.get(normalise_name(mention.gloss, rules.honorifics))
        if found and mention.kind == "work" and rules.by_id[found].kind not in ("work", "organization"):
            return None  # a title that names a thing ("The Korean War") is a work of its own;
            # a title that names an organisation is the publication ("The New York Times")
        return found  # otherwise the gazetteer's type wins over the model's guess

    # 1. known things and provisional keys for the rest
    assigned: list[str] = []
    for mention in mentions:
        key = known(mention)
        if key is None:
            key = "?" + normalise_name(mention.span.text, rules.honorifics)
        assigned.append(key)

    # 2. an unknown name glossed by another unknown name ("KOLYA [KIM CHAEK]", "XYZ [Expansion]")
    #    is that thing: the gloss gives the label, the glossed form becomes an alternative label
    provisional = set(assigned)
    glossed: set[int] = set()
    for i, mention in enumerate(mentions):
        if assigned[i].startswith("?") and mention.gloss:
            target = "?" + normalise_name(mention.gloss, rules.honorifics)
            if target in provisional and target != assigned[i]:
                assigned[i] = target
                glossed.add(i)

    # 3. an unknown single name joins the one longer person name it is part of
    person_names = {k for k, m in zip(assigned, mentions) if m.kind == "person"}
    long_names = defaultdict(set)
    for key in person_names:
        words = (rules.by_id[key].label if not key.startswith("?") else key[1:]).casefold().split()
        if len(words) > 1:
            long_names[words[-1]].add(key)
            long_names[words[0]].add(key)
    for i, (key, mention) in enumerate(zip(assigned, mentions)):
        if key.startswith("?") and mention.kind == "person" and " " not in key[1:]:
            candidates = long_names.get(key[1:], set())
            if len(candidates) == 1:
                assigned[i] = next(iter(candidates))

    # 4. one Entity per key
    grouped: dict[str, list[Mention]] = defaultdict(list)
    label_forms: dict[str, list[str]] = defaultdict(list)
    for i, (key, mention) in enumerate(zip(assigned, mentions)):
        grouped[key].append(mention)
        if i not in glossed:
            label_forms[key].append(display_form(mention.span.text))
    entities: dict[str, Entity] = {}
    keys: dict[str, str] = {}
    for key in sorted(grouped):
        group = grouped[key]
        if key.startswith("?"):
            kind = Counter(m.kind for m in group).most_common(1)[0][0]
            forms = label_forms[key] or [display_form(m.span.text) for m in group]
            label = Counter(forms).most_common(1)[0][0]
            slug, wikidata, gazetteer_id = slugify(label), None, None
        else:
            entry = rules.by_id[key]
            kind, label, slug, wikidata, gazetteer_id = entry.kind, entry.label, entry.id, entry.wikidata, entry.id
        if not label.strip():
            continue
        slug = unique_slug(slug, kind, entities)
        alt = sorted({surface_form(m.span.text) for m in group} - {label, ""})
        entities[slug] = Entity(slug, kind, label, tuple(alt), wikidata, None, None, gazetteer_id)
        keys[key] = slug
    resolved = [ResolvedMention(m, keys[k]) for k, m in zip(assigned, mentions) if k in keys]
    return list(entities.values()), resolved


def unique_slug(slug: str, kind: str, taken: dict[str, Entity]) -> str:
    if slug not in taken:
        return slug
    candidate = f"{slug}-{kind}"
    n = 2
    while candidate in taken:
        candidate = f"{slug}-{kind}-{n}"
        n += 1
    return candidate
