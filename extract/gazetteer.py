"""The gazetteer and the other rule files under `extract/data/`, loaded into plain values.

Historians edit the data files, never this module: `gazetteer.jsonl` (one known entity a
line: id, label, type, Wikidata id, aliases, pseudonyms, demonyms), `layout_words.txt`,
`honorifics.txt`, `acronyms.txt`, `force_nouns.txt` and `context_patterns.jsonl`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from archivekg.extract.model import ENTITY_KINDS


class GazetteerError(ValueError):
    """A data file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class GazetteerEntry:
    id: str
    label: str
    kind: str
    wikidata: str | None
    aliases: tuple[str, ...]
    pseudonyms: tuple[str, ...]
    demonyms: tuple[str, ...]

    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases, *self.pseudonyms)


@dataclass(frozen=True)
class ContextPattern:
    """A regular expression whose group `name` is a name of the given kind.

    `override`: the match replaces the model's mentions inside it (an italic book title);
    `title_case`: the match counts only if most of its words are capitalised.
    """

    id: str
    kind: str
    regex: re.Pattern
    override: bool = False
    title_case: bool = False


def parse_entry(row: dict, where: str) -> GazetteerEntry:
    try:
        kind = row["type"]
        if kind not in ENTITY_KINDS:
            raise GazetteerError(f"{where}: type {kind!r} is not one of {', '.join(ENTITY_KINDS)}")
        wikidata = row.get("wikidata")
        if wikidata is not None and not re.fullmatch(r"Q[0-9]+", wikidata):
            raise GazetteerError(f"{where}: wikidata {wikidata!r} is not a Q-identifier")
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", row["id"]):
            raise GazetteerError(f"{where}: id {row['id']!r} must be lower-case letters, digits and hyphens (it is the IRI's slug)")
        return GazetteerEntry(
            id=row["id"],
            label=row["label"],
            kind=kind,
            wikidata=wikidata,
            aliases=tuple(row.get("aliases", ())),
            pseudonyms=tuple(row.get("pseudonyms", ())),
            demonyms=tuple(row.get("demonyms", ())),
        )
    except KeyError as err:
        raise GazetteerError(f"{where}: missing field {err}") from None


def parse_gazetteer(files) -> dict:
    """The gazetteer and the name rules (`RuleSet` fields) from the rule files."""
    entries = tuple(parse_entry(row, f"gazetteer.jsonl entry {row.get('id', '?')}") for row in files.jsonl("gazetteer.jsonl"))
    seen: dict[str, str] = {}
    for entry in entries:
        if entry.wikidata and entry.wikidata in seen:
            raise GazetteerError(f"gazetteer.jsonl: {entry.id} and {seen[entry.wikidata]} share {entry.wikidata}")
        if entry.wikidata:
            seen[entry.wikidata] = entry.id
    patterns = tuple(
        ContextPattern(row["id"], row["kind"], re.compile(row["regex"]), row.get("override", False), row.get("title_case", False))
        for row in files.jsonl("context_patterns.jsonl")
    )
    return {
        "entries": entries,
        "layout_words": frozenset(w.lower() for w in files.lines("layout_words.txt")),
        "honorifics": tuple(sorted(files.lines("honorifics.txt"), key=len, reverse=True)),
        "acronyms": frozenset(files.lines("acronyms.txt")),
        "force_nouns": frozenset(w.lower() for w in files.lines("force_nouns.txt")),
        "context_patterns": patterns,
    }
