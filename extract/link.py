"""The link stage: entities -> Wikidata items, only where the link can be verified.

Links come from the gazetteer (`wikidata` of an entry, checked by a person against
`shared/wikidata-reference.tsv` or Wikidata itself), recorded with their method and
confidence. `candidates()` scores gazetteer entries for an unlinked entity, for
`archivekg link`; proposals from Wikidata's search are reviewed by a person, never
written into the graph directly.
"""

from __future__ import annotations

import dataclasses
from difflib import SequenceMatcher

from archivekg.extract.rules import RuleSet
from archivekg.extract.model import Entity
from archivekg.extract.names import normalise_name


def link_entities(entities: list[Entity], rules: RuleSet) -> list[Entity]:
    linked, used = [], {}
    for entity in entities:
        entry = rules.by_id.get(entity.gazetteer_id) if entity.gazetteer_id else None
        if entry and entry.wikidata and entry.wikidata not in used:
            used[entry.wikidata] = entity.key
            entity = dataclasses.replace(entity, wikidata=entry.wikidata, link_method="gazetteer", link_confidence=1.0)
        linked.append(entity)
    return linked


def candidates(entity: Entity, rules: RuleSet, limit: int = 3) -> list[tuple[float, str, str | None]]:
    """(score, gazetteer id, Wikidata id) of the entries whose names look most like the entity's."""
    names = [normalise_name(n) for n in (entity.label, *entity.alt_labels)]
    scored = []
    for entry in rules.entries:
        if entry.kind != entity.kind:
            continue
        best = max(SequenceMatcher(None, a, normalise_name(b)).ratio() for a in names for b in entry.names())
        scored.append((round(best, 3), entry.id, entry.wikidata))
    return sorted(scored, reverse=True)[:limit]
