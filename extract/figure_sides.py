"""Sides: who speaks for which side, what names sides go by, and the forces that field their units.

The rules are `data/allegiances.tsv` (see its header). A `SideIndex` ties them to the corpus's
entities: a holder is always an entity the entities stage found (a side, unit or country), never
a name made up here, so a rule whose side the corpus never names is simply not used.
"""

from __future__ import annotations

from dataclasses import dataclass

from archivekg.extract.entity_table import EntityTable
from archivekg.extract.resolve import normalise_name

RELATIONS = ("speaks-for", "name", "force", "bloc", "divided", "organ")


@dataclass(frozen=True)
class Force:
    side: str
    force: str
    places: tuple[str, ...] = ()  # the sentence must name one of these
    since: str | None = None  # ISO date: the document must not be dated before it


@dataclass(frozen=True)
class SideRules:
    speaks_for: dict[str, str]  # person (gazetteer id or normalised name) -> side
    names: dict[str, str]  # normalised name -> side
    forces: tuple[Force, ...]
    blocs: dict[str, str]  # side -> bloc
    divided: dict[tuple[str, str], str]  # (place, bloc) -> side
    organs: dict[str, dict[str, str]]  # a body's name without its party (normalised) -> side -> the body's id
    divided_since: dict[tuple[str, str], str]  # (place, bloc) -> ISO date the state came to be (condition from:DATE)


def _conditions(text: str) -> dict[str, str]:
    return dict(part.split(":", 1) for part in text.split() if ":" in part)


def parse_side_rules(lines) -> SideRules:
    """`allegiances.tsv`: relation, subject, object[, condition] a line."""
    speaks, names, forces, blocs, divided, organs, since = {}, {}, [], {}, {}, {}, {}
    for number, line in enumerate(lines, 1):
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) < 3 or cells[0] not in RELATIONS:
            raise ValueError(f"allegiances.tsv line {number}: expected 'relation<TAB>subject<TAB>object', relation one of {', '.join(RELATIONS)}: {line!r}")
        relation, subject, obj = cells[:3]
        condition = _conditions(cells[3]) if len(cells) > 3 else {}
        if relation == "speaks-for":
            speaks[normalise_name(subject)] = obj
        elif relation == "name":
            names[normalise_name(subject)] = obj
        elif relation == "force":
            places = tuple(p for p in condition.get("in", "").split(",") if p)
            forces.append(Force(subject, obj, places, condition.get("from")))
        elif relation == "bloc":
            blocs[obj] = subject
        elif relation == "organ":
            if "side" not in condition:
                raise ValueError(f"allegiances.tsv line {number}: an organ row needs the condition side:SIDE: {line!r}")
            organs.setdefault(normalise_name(subject), {})[condition["side"]] = obj
        else:
            divided[(subject, condition.get("bloc", ""))] = obj
            if "from" in condition:
                since[(subject, condition.get("bloc", ""))] = condition["from"]
    return SideRules(speaks, names, tuple(forces), blocs, divided, organs, since)


class SideIndex:
    """The corpus's entities, found by gazetteer id or by name, and what the side rules say of them."""

    def __init__(self, entities: EntityTable, rules: SideRules, ruleset):
        self.entities, self.rules = entities, rules
        self.alias_index = ruleset.alias_index
        self.demonyms = {d.casefold(): e.id for e in ruleset.entries for d in e.demonyms}

    def entity(self, ref: str | None) -> str | None:
        """The entity a rule's subject or object means: a gazetteer id or a name."""
        if not ref:
            return None
        return self.entities.by_gazetteer_id(ref) or (ref if ref in self.entities else None) or self.entities.by_name(ref)

    def named(self, text: str) -> str | None:
        """The side or force a name or demonym in a figure means ("CCF", "Soviets", "Chinese"),
        as an entity of the corpus."""
        return self.entity(self.named_ref(text))

    def named_ref(self, text: str) -> str | None:
        """The same as a rule reference (a gazetteer id), whether or not the corpus names it."""
        key = normalise_name(text)
        return self.rules.names.get(key) or self.alias_index.get(key) or self.demonyms.get(key.casefold())

    def side_or_force(self, ref: str | None) -> str | None:
        """The entity for a side or force reference: itself, else the side a force belongs to, else
        the force a side fields, whichever the corpus names."""
        if not ref:
            return None
        related = [f.side for f in self.rules.forces if f.force == ref] + [f.force for f in self.rules.forces if f.side == ref]
        return next((key for key in map(self.entity, [ref, *related]) if key), None)

    def side_of(self, entity_key: str | None) -> str | None:
        """A person's side (`speaks-for`); any other entity is its own side."""
        entity = self.entities.get(entity_key) if entity_key else None
        if entity is None:
            return None
        if entity.kind != "person":
            return entity.key
        for ref in (entity.gazetteer_id, entity.key, entity.label, *entity.alt_labels):
            side = self.rules.speaks_for.get(normalise_name(ref)) if ref else None
            if side:  # the side's entity, or its rule name when the corpus names only its force
                return self.entity(side) or side
        return None

    def gazetteer_id(self, entity_key: str) -> str:
        """An entity's gazetteer id (or key); a side the corpus does not name stays its rule name."""
        entity = self.entities.get(entity_key)
        return (entity.gazetteer_id or entity.key) if entity else entity_key

    def undivided(self, entity_key: str, speaker_side: str | None) -> str:
        """'Korea' in the words of a side of a bloc means that bloc's Korea; else it stays as it is."""
        bloc = self.rules.blocs.get(self.gazetteer_id(speaker_side)) if speaker_side else None
        side = self.rules.divided.get((self.gazetteer_id(entity_key), bloc or ""))
        return self.entity(side) or entity_key if side else entity_key

    def force_of(self, side_key: str, places: set[str], date: str | None) -> str:
        """The force that fields a side's units where the sentence is ("Chinese divisions in Korea")."""
        gid = self.gazetteer_id(side_key)
        for force in self.rules.forces:
            if force.side != gid:
                continue
            if force.places and not places & set(force.places):
                continue
            if force.since and date and date < force.since:
                continue
            key = self.entity(force.force)
            if key:
                return key
        return side_key

    def is_force(self, entity_key: str) -> bool:
        entity = self.entities.get(entity_key)
        return bool(entity) and (entity.kind == "unit" or any(f.force == self.gazetteer_id(entity_key) for f in self.rules.forces))
