"""The gazetteer and the other rule files under `extract/data/`, loaded into plain values.

Historians edit the data files, never this module: `gazetteer.jsonl` (one known entity a
line: id, label, type, Wikidata id, aliases, pseudonyms, demonyms; a thing that came to be
on a date gives it as "from" and, as "before", the entry its names mean in a document dated
earlier: "China" in 1948 is not the People's Republic), `layout_words.txt`,
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
    description: str | None = None  # one line of English, shown on the entity's page
    birth_date: str | None = None  # ISO: "1893-12-26", "1893-12" or "1893"
    death_date: str | None = None
    valid_from: str | None = None  # ISO date the thing came to be ("from"): the People's Republic of China, 1949-10-01
    before: str | None = None  # the entry its names mean in a document dated before `valid_from`

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
            description=_one_line(row.get("description"), where),
            birth_date=_iso(row.get("born"), where),
            death_date=_iso(row.get("died"), where),
            valid_from=_iso(row.get("from"), where),
            before=row.get("before"),
        )
    except KeyError as err:
        raise GazetteerError(f"{where}: missing field {err}") from None


def _one_line(value, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or "\n" in value or not value.strip():
        raise GazetteerError(f"{where}: description must be one line of text")
    return value.strip()


def _iso(value, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"-?\d{4}(?:-\d{2}(?:-\d{2})?)?", value):
        raise GazetteerError(f"{where}: a date must be ISO: YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")
    return value


def parse_gazetteer(files) -> dict:
    """The gazetteer and the name rules (`RuleSet` fields) from the rule files."""
    rows = [(name, row) for name in ("gazetteer.jsonl", "gazetteer-period.jsonl") for row in files.jsonl(name, required=name == "gazetteer.jsonl")]
    entries = tuple(parse_entry(row, f"{name} entry {row.get('id', '?')}") for name, row in rows)
    ids = [e.id for e in entries]
    if len(ids) != len(set(ids)):
        twice = sorted({i for i in ids if ids.count(i) > 1})
        raise GazetteerError(f"the gazetteer files give these ids twice: {', '.join(twice)}")
    for entry in entries:
        if entry.before and (entry.before not in ids or not entry.valid_from or len(entry.valid_from) != 10):
            raise GazetteerError(
                f"gazetteer entry {entry.id}: 'before' must name another entry's id and 'from' must be a full date (YYYY-MM-DD)"
            )
    seen: dict[str, str] = {}
    for entry in entries:
        if entry.wikidata and entry.wikidata in seen:
            raise GazetteerError(f"gazetteer.jsonl: {entry.id} and {seen[entry.wikidata]} share {entry.wikidata}")
        if entry.wikidata:
            seen[entry.wikidata] = entry.id
    shapes = {k: v for k, v in files.json("name_shapes.json").items() if not k.startswith("_") and isinstance(v, list)}
    unit_words = {k.lower(): v.lower() for k, v in files.json("name_shapes.json").get("UNIT_WORDS", {}).items()}
    surnames = [w.capitalize() for w in files.json("name_evidence.json").get("surnames", []) if w.isalpha()]
    shapes["SURNAME"] = [re.escape(w) for w in dict.fromkeys(surnames)]
    macros = {"{" + name + "}": "(?:" + "|".join(sorted(pieces, key=len, reverse=True)) + ")" for name, pieces in shapes.items()}

    def expand(regex: str) -> str:
        for _ in range(3):  # pieces may use other pieces ({CAPWORD} uses {STOP})
            for macro, value in macros.items():
                regex = regex.replace(macro, value)
        return regex

    patterns = tuple(
        ContextPattern(row["id"], row["kind"], re.compile(expand(row["regex"])), row.get("override", False), row.get("title_case", False))
        for row in files.jsonl("context_patterns.jsonl")
    )
    return {
        "entries": entries,
        "layout_words": frozenset(w.lower() for w in files.lines("layout_words.txt")),
        "honorifics": tuple(sorted(files.lines("honorifics.txt"), key=len, reverse=True)),
        "acronyms": frozenset(files.lines("acronyms.txt")),
        "force_nouns": frozenset(w.lower() for w in files.lines("force_nouns.txt")),
        "context_patterns": patterns,
        "unit_words": unit_words,
    }
