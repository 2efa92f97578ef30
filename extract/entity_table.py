"""The corpus's entity table as the per-document stages read it, with a record of every read.

Stage 2 of a document (its record, figures and claims) reads the entities its mentions name,
and the figures stage looks sides and forces up among all of them, by gazetteer id and by
name. What it read is a small part of the table, and it is what the result depends on: a
later build whose table answers every one of those reads the same way would extract the
same thing, whatever else it added. `EntityTable` wraps the table, answers the reads and
records them (`reads()`); `answers_hold()` checks a record against another table. The
build's cache (`archivekg.incremental`) keys stage 2 on the record, so a document added to
an archive, naming people nobody named before, re-extracts only the documents whose reads
it changes.

A read is recorded as a name and the answer's digest:

    "k:<key>"   whether there is an entity with that key
    "f:<key> <field>"  one field of that entity (its kind, label, alt_labels, ...)
    "i:<id>"    the key of the entity with that gazetteer id, or none
    "n:<name>"  the key of the first entity (in table order) with that normalised name, or none
    "*"         the whole table (something iterated over it)
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping

from archivekg.extract.model import Entity
from archivekg.extract.names import normalise_name

NONE = "-"


class EntityIndex:
    """Lookups by gazetteer id and by name over one table, built once per table."""

    def __init__(self, entities: Mapping[str, Entity]):
        self.by_id: dict[str, str] = {}
        self.by_name: dict[str, str] = {}
        for entity in entities.values():
            if entity.gazetteer_id:
                self.by_id[entity.gazetteer_id] = entity.key
            for name in (entity.label, *entity.alt_labels):
                self.by_name.setdefault(normalise_name(name), entity.key)


_last_index: tuple[Mapping, EntityIndex] | None = None


def index_of(entities: Mapping[str, Entity]) -> EntityIndex:
    """The index of a table; the last one is kept (a worker's batch shares one table)."""
    global _last_index
    if _last_index is None or _last_index[0] is not entities:
        _last_index = (entities, EntityIndex(entities))
    return _last_index[1]


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def field_digest(entity: Entity | None, field: str) -> str:
    # the reprs of str, tuple and None are exact and stable
    return NONE if entity is None else _hash(repr(getattr(entity, field)))


def table_digest(entities: Mapping[str, Entity]) -> str:
    return _hash(repr(sorted(entities.values(), key=lambda e: e.key)))


class RecordedEntity:
    """An entity of the table whose every field read is recorded."""

    __slots__ = ("_entity", "_reads")

    def __init__(self, entity: Entity, reads: dict[str, str]):
        self._entity, self._reads = entity, reads

    def __getattr__(self, field: str):
        self._reads.setdefault(f"f:{self._entity.key} {field}", field_digest(self._entity, field))
        return getattr(self._entity, field)

    def __repr__(self) -> str:
        return f"RecordedEntity({self._entity!r})"


class EntityTable(Mapping[str, RecordedEntity]):
    """A read-only view of the table that records what is read."""

    def __init__(self, entities: Mapping[str, Entity]):
        self._entities = entities
        self._reads: dict[str, str] = {}

    def _touch(self, key: str) -> RecordedEntity | None:
        entity = self._entities.get(key)
        self._reads.setdefault("k:" + key, NONE if entity is None else "1")
        return None if entity is None else RecordedEntity(entity, self._reads)

    def __getitem__(self, key: str) -> RecordedEntity:
        entity = self._touch(key)
        if entity is None:
            raise KeyError(key)
        return entity

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._touch(key) is not None

    def __iter__(self) -> Iterator[str]:
        self._reads["*"] = table_digest(self._entities)
        return iter(self._entities)

    def __len__(self) -> int:
        self._reads["*"] = table_digest(self._entities)
        return len(self._entities)

    def read_kinds(self, keys) -> None:
        """Read the kind of each of these entities (what a document's graph writes of them)."""
        for key in keys:
            if self._touch(key) is not None:
                self._reads.setdefault(f"f:{key} kind", field_digest(self._entities[key], "kind"))

    def by_gazetteer_id(self, gazetteer_id: str) -> str | None:
        key = index_of(self._entities).by_id.get(gazetteer_id)
        self._reads["i:" + gazetteer_id] = key or NONE
        return key

    def by_name(self, name: str) -> str | None:
        """The first entity (in table order) one of whose names is `name`, normalised."""
        normalised = normalise_name(name)
        key = index_of(self._entities).by_name.get(normalised)
        self._reads["n:" + normalised] = key or NONE
        return key

    def reads(self) -> tuple[tuple[str, str], ...]:
        """Every read so far and its answer, sorted: what a result made from them depends on."""
        return tuple(sorted(self._reads.items()))


class TableAnswers:
    """Answers the reads a record names from another table (the parent's check of a cached
    stage-2 result), each field's digest made once."""

    def __init__(self, entities: Mapping[str, Entity]):
        self.entities = entities
        self.index = EntityIndex(entities)
        self._digests: dict[str, str] = {}
        self._table: str | None = None

    def answer(self, read: str) -> str:
        kind, _, name = read.partition(":")
        if kind == "k":
            return NONE if name not in self.entities else "1"
        if kind == "f":
            if name not in self._digests:
                key, _, field = name.rpartition(" ")
                self._digests[name] = field_digest(self.entities.get(key), field)
            return self._digests[name]
        if kind == "i":
            return self.index.by_id.get(name) or NONE
        if kind == "n":
            return self.index.by_name.get(name) or NONE
        if self._table is None:
            self._table = table_digest(self.entities)
        return self._table

    def hold(self, reads: tuple[tuple[str, str], ...]) -> bool:
        """Whether this table answers every read as the record says."""
        return all(self.answer(read) == answer for read, answer in reads)
