"""All rule data, loaded once into one `RuleSet` that every stage is given.

The rule files live in `extract/data/` (the common base). A *profile* is a folder holding
some of the same files, for the conventions of one kind of archive (Soviet cipher
telegrams, U.S. diplomatic telegrams, ...): `extract/data/profiles/NAME/`, or any folder a
user names. Profiles are layered on the base in the order given:

- line files (`.txt`, `.tsv`): the profile's lines are added; a line `-word` removes `word`;
- JSONL files: a row whose `id` (and `kind`, where rows have kinds) is already there replaces
  it, a row `{"id": ..., "disabled": true}` removes it, other rows are added;
- JSON files: objects are merged key by key (a profile's value wins).

No stage reads a rule file itself: `load_ruleset()` reads every file once, checks it, and
the stages take what they need from the `RuleSet` they are passed. `RuleSet.fingerprint` is
a hash of every byte read, for caches of analyses made under these rules.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

from archivekg.extract.gazetteer import GazetteerError, GazetteerEntry, ContextPattern


def data_dir() -> Path:
    return Path(str(resources.files("archivekg.extract") / "data"))


def profiles_dir() -> Path:
    return data_dir() / "profiles"


def available_profiles() -> list[str]:
    folder = profiles_dir()
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def profile_path(profile: str | Path) -> Path:
    """A profile's folder: a name under extract/data/profiles/, or a folder given by path."""
    path = Path(profile)
    if path.is_dir():
        return path
    named = profiles_dir() / str(profile)
    if named.is_dir():
        return named
    known = ", ".join(available_profiles()) or "none"
    raise GazetteerError(f"no rule profile {profile!r}: give a folder of rule files or one of the profiles ({known})")


class RuleFiles:
    """The rule files of the base and the profiles over it, read once and merged."""

    def __init__(self, layers: Sequence[Path]):
        self.layers = [Path(p) for p in layers]
        self._digest = hashlib.sha256()

    def _texts(self, name: str, required: bool = True) -> list[tuple[Path, str]]:
        found = []
        for layer in self.layers:
            path = layer / name
            if path.is_file():
                data = path.read_bytes()
                self._digest.update(name.encode() + b"\0" + data + b"\0")
                try:
                    found.append((path, data.decode("utf-8")))
                except UnicodeDecodeError:
                    raise GazetteerError(f"{path}: not UTF-8 text") from None
        if required and not found:
            raise GazetteerError(f"the rule file {name} is missing from {self.layers[0]}")
        return found

    def lines(self, name: str, required: bool = True) -> list[str]:
        """Stripped lines without comments; a later layer's `-line` removes `line`."""
        out: list[str] = []
        for _, text in self._texts(name, required):
            for raw in text.splitlines():
                line = raw.strip()
                if not line or line.startswith("#"):
                    continue
                if line.startswith("-") and len(line) > 1 and line[1:].strip() in out:
                    out = [x for x in out if x != line[1:].strip()]
                else:
                    out.append(raw.rstrip("\n") if "\t" in raw else line)
        return out

    def jsonl(self, name: str, required: bool = True) -> list[dict]:
        """Rows of a JSONL file; a later layer's rows with a known `id` replace (or disable) the
        earlier layers' rows of that id. Within one file, rows may share an id."""
        rows: list[tuple[tuple, dict]] = []
        for path, text in self._texts(name, required):
            layer: list[tuple[tuple, dict]] = []
            for number, line in enumerate(text.splitlines(), 1):
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as err:
                    raise GazetteerError(f"{path}:{number}: not valid JSON ({err.msg})") from None
                if not isinstance(row, dict):
                    raise GazetteerError(f"{path}:{number}: a rule must be a JSON object")
                layer.append(((row.get("kind"), row.get("id")), row))  # ids are unique within a kind of rule
            replaced = {key for key, _ in layer if key[1] is not None}
            rows = [(key, row) for key, row in rows if key not in replaced]
            rows.extend((key, row) for key, row in layer if not row.get("disabled"))
        return [row for _, row in rows]

    def json(self, name: str, required: bool = True) -> dict:
        merged: dict = {}
        for path, text in self._texts(name, required):
            try:
                value = json.loads(text)
            except json.JSONDecodeError as err:
                raise GazetteerError(f"{path}: not valid JSON ({err.msg}, line {err.lineno})") from None
            _merge(merged, value)
        return merged

    @property
    def fingerprint(self) -> str:
        return self._digest.hexdigest()


def _merge(into: dict, value: dict) -> None:
    for key, item in value.items():
        if isinstance(item, dict) and isinstance(into.get(key), dict):
            _merge(into[key], item)
        else:
            into[key] = item


@dataclass(frozen=True)
class RuleSet:
    """Every rule the pipeline uses: the gazetteer and name rules, and each stage's rules."""

    entries: tuple[GazetteerEntry, ...]
    layout_words: frozenset[str]  # lower-cased
    honorifics: tuple[str, ...]
    acronyms: frozenset[str]
    force_nouns: frozenset[str]
    context_patterns: tuple[ContextPattern, ...]
    unit_words: dict = field(default_factory=dict)  # unit noun abbreviations -> nouns ("div" -> "division")
    layout: object = None  # archivekg.extract.layout.LayoutRules
    part_cues: tuple = ()  # archivekg.extract.parts.Cue, quoted messages and remarks
    citation_cues: tuple = ()
    dates: object = None  # archivekg.extract.dates.DateRules
    figures: object = None  # archivekg.extract.figures.FigureRules
    claims: object = None  # archivekg.extract.claim_rules.ClaimRules
    evidence: object = None  # archivekg.extract.evidence.EvidenceRules
    romanisation: object = None  # archivekg.extract.names.Romanisation
    offices: tuple = ()  # (label, aliases lower-case, when-names): offices of data/offices.jsonl
    office_bodies: dict = field(default_factory=dict)  # office label -> (the body it heads, the body's bare names)
    office_holders: dict = field(default_factory=dict)  # an office's alias, lower-case -> ((person id, from, to), ...)
    profiles: tuple[str, ...] = ()
    fingerprint: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    def warm(self) -> None:
        """Build now the indexes otherwise built on first use (the world's place names, every
        name of the gazetteer), so that worker processes forked afterwards share them."""
        from archivekg.extract.places import place_index

        if self.evidence:
            place_index(self.evidence.countries)
        for index in ("earlier_entries", "office_aliases", "alias_index", "by_id", "name_words", "single_names", "surname_counts", "person_by_surname", "place_entries"):
            getattr(self, index)

    @cached_property
    def alias_index(self) -> dict[str, str]:
        """Every name of every entry, in the form names are compared in -> the entry's id."""
        from archivekg.extract.names import normalise_name

        index: dict[str, str] = {}
        for entry in self.entries:
            if entry.id in self.earlier_entries:
                continue  # reached only through the entry it precedes, by the document's date
            for name in entry.names():
                index.setdefault(normalise_name(name), entry.id)
        return index

    @cached_property
    def office_aliases(self) -> frozenset[str]:
        """Every name of every office of the office table, lower-case."""
        return frozenset(a for _, names, _ in self.offices for a in names)

    @cached_property
    def earlier_entries(self) -> frozenset[str]:
        """The entries that are another's `before`: what its names mean in a document dated
        before it came to be (they add no names of their own to the ruler or the index)."""
        return frozenset(e.before for e in self.entries if e.before)

    @cached_property
    def by_id(self) -> dict[str, GazetteerEntry]:
        return {e.id: e for e in self.entries}

    @cached_property
    def name_words(self) -> frozenset[str]:
        """Words kept capitalised in a line typed in capitals, though common: the rarer words of
        gazetteer names ("korea", "soviet") and the nouns of units ("army", "division")."""
        from wordfreq import zipf_frequency

        words = {w.lower() for entry in self.entries for name in entry.names() for w in re.findall(r"[^\W\d_]+", name) if len(w) > 2}
        words = {w for w in words if zipf_frequency(w, "en") < 4.0}
        return frozenset((words | self.head_words) - set(self.months) - {"b"})

    @cached_property
    def surname_counts(self) -> dict[str, int]:
        """How many gazetteer people have each last name (lower-case)."""
        from collections import Counter

        return dict(Counter(e.label.split()[-1].lower() for e in self.entries if e.kind == "person" and " " in e.label))

    @cached_property
    def person_by_surname(self) -> dict[str, str]:
        """The gazetteer person each last name names, where only one person has it ("franks")."""
        return {e.label.split()[-1].lower(): e.id for e in self.entries
                if e.kind == "person" and " " in e.label and self.surname_counts.get(e.label.split()[-1].lower()) == 1}

    @cached_property
    def single_names(self) -> frozenset[str]:
        """The gazetteer's one-word names, lower-case ("korea", "moscow", "stalin")."""
        return frozenset(n.lower() for e in self.entries for n in e.names() if " " not in n and len(n) > 2)

    def is_known_name(self, word: str) -> bool:
        """A word that is a name the gazetteer or the world knows (a city of 100,000, a country)."""
        if word.lower() in self.single_names:
            return True
        place = self.evidence.places.lookup(word) if self.evidence else None
        return bool(place and (place.country or (not place.alternate and place.population >= 100_000)))

    @cached_property
    def head_words(self) -> frozenset[str]:
        """Nouns that end the name of a body or a unit ("committee", "army"), lower-case."""
        if not self.evidence:
            return frozenset()
        words = {w.lower() for kind in ("organization", "unit") for w in re.findall(r"[A-Za-z]+", self.evidence.inside[kind].pattern)}
        return frozenset(words - {"b", "of", "the", "for", "and", "in", "to"})

    @cached_property
    def months(self) -> frozenset[str]:
        """Month names (not "may", also a name), which alone are never a name."""
        return frozenset(m for m in self.dates.months if m.isalpha() and len(m) > 3 and m != "may") if self.dates else frozenset()

    @cached_property
    def titles(self) -> frozenset[str]:
        """Honorifics and titles, one word each, lower-case and without a final stop."""
        return frozenset(h.casefold().rstrip(".") for h in self.honorifics if " " not in h)

    @cached_property
    def place_entries(self) -> dict[str, str]:
        """The key of every known city or country a gazetteer place names -> the entry's id."""
        found: dict[str, str] = {}
        for entry in self.entries:
            if entry.kind in ("place", "country"):
                for name in entry.names():
                    place = self.evidence.places.lookup(name)
                    if place and (place.country == (entry.kind == "country")):
                        found.setdefault(place.key, entry.id)
        return found


def load_ruleset(profiles: Sequence[str | Path] = (), base: Path | None = None) -> RuleSet:
    """Read and check every rule file of the base and the profiles; a malformed file stops
    here with its name, before any document is read."""
    import re

    from archivekg.extract.claim_rules import parse_claim_rules
    from archivekg.extract.dates import parse_date_rules
    from archivekg.extract.figures import parse_figure_rules
    from archivekg.extract.gazetteer import parse_gazetteer
    from archivekg.extract.evidence import parse_evidence_rules
    from archivekg.extract.layout import parse_layout_rules
    from archivekg.extract.names import parse_romanisation
    from archivekg.extract.parts import parse_cues

    layers = [base or data_dir(), *(profile_path(p) for p in profiles)]
    files = RuleFiles(layers)
    try:
        names = parse_gazetteer(files)
        ruleset = RuleSet(
            **names,
            layout=parse_layout_rules(files),
            evidence=parse_evidence_rules(files),
            romanisation=parse_romanisation(files),
            offices=tuple(
                (row["label"], tuple(a.lower() for a in row.get("aliases", ())), tuple(row.get("when", ())))
                for row in files.jsonl("offices.jsonl", required=False)
            ),
            office_bodies={
                row["label"]: (row["body"], tuple(row.get("bare", ())))
                for row in files.jsonl("offices.jsonl", required=False)
                if row.get("body")
            },
            office_holders={
                alias.lower(): tuple((h["person"], h["from"], h["to"]) for h in row["holders"])
                for row in files.jsonl("offices.jsonl", required=False)
                if row.get("holders")
                for alias in (row["label"], *row.get("aliases", ()))
            },
            part_cues=parse_cues(files.jsonl("document_parts.jsonl")),
            citation_cues=parse_cues(files.jsonl("citations.jsonl")),
            dates=parse_date_rules(files.json("date_words.json"), files.jsonl("date_patterns.jsonl")),
            figures=parse_figure_rules(files),
            claims=parse_claim_rules(files),
            profiles=tuple(str(p) for p in profiles),
        )
    except GazetteerError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, re.error, OSError) as err:
        raise GazetteerError(f"a rule file under {layers[0]} (or a profile) is malformed: {type(err).__name__}: {err}") from None
    from dataclasses import replace

    return replace(ruleset, fingerprint=files.fingerprint)
