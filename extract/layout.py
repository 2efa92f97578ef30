"""The layout stage: every line of a document classified before anything else reads it.

Archival documents carry furniture around their text: date lines, titles ("CIPHERED
TELEGRAM No. 600"), headings ("The Ambassador in the Soviet Union (Kirk) to the Secretary of
State"), classification and priority marks, address lines ("To Comrade X", "From PEKING"),
copy lists, clerks' lines, stamps, archival citations, greetings, closings and signatures.
Metadata comes from the lines that carry it, and furniture never becomes an entity or a
claim.

Which line is what is data (`data/layout.jsonl`), one rule a line:

    {"id": ..., "kind": LINE_KIND, "regex": ..., "zone": "head" | "foot" | "any",
     "entities": "keep" | "none" | "fields", "document_kind": ..., "genre": ...}

A rule's regex is matched at the start of a line (`search: true`: anywhere in it); its named
groups are the fields the line gives (`FIELDS`). A `head` rule holds only above the body and a
`foot` rule only below it; the body starts at the first line of prose no rule claims and ends
at the last one. `entities` says which names in the line are entities: all (`keep`), none
(`none`: classification marks, file numbers) or only those inside an entity field (`fields`).
The same classification runs over any span, so a quoted message finds its own greeting and
signature.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from archivekg.extract.model import LINE_KINDS, Line, LineField
from archivekg.extract.names import ocr_digits, ocr_letters

ZONES = ("head", "foot", "lead", "any")  # lead: the first line of the body
ENTITY_POLICIES = ("keep", "none", "fields")
# named groups a rule may have, and what they give
FIELDS = {
    "sender": "entity",  # a person or body who sent the document
    "recipient": "entity",
    "copy_recipient": "entity",
    "author": "entity",
    "clerk": "entity",  # typed, deciphered, drafted, checked by
    "participant": "entity",
    "place": "entity",  # where a meeting took place ("Place: KAESONG")
    "origin": "entity",  # the place it was sent from
    "sender_office": "office",  # an office named where no person is ("the Secretary of State")
    "recipient_office": "office",
    "recipient_post": "entity",  # a post addressed by its city ("Sent London, Paris, Ottawa")
    "date": "date",  # the document's own date
    "date_sent": "date",
    "date_received": "date",
    "number": "number",  # one or more of the document's own numbers
    "title": "text",
    "document_kind": "kind",  # a word naming the kind ("telegram", "cable")
    "role": "text",  # what a clerk did ("typed", "deciphered")
    "publication": "text",  # where the text was published
    "pages": "text",
    "copies": "count",  # how many copies were made
}
_PROSE_WORDS = 7  # a line of at least this many words, most of them lower-case, is prose


@dataclass(frozen=True)
class LineRule:
    id: str
    kind: str
    regex: re.Pattern
    zone: str = "any"
    entities: str = "keep"
    search: bool = False
    document_kind: str | None = None  # the kind this line says the document is
    genre: str | None = None  # the genre (record of conversation, memorandum, ...)
    after: frozenset[str] = frozenset()  # holds only after a line of these kinds
    after_rule: frozenset[str] = frozenset()  # holds only after a line of these rules
    sentences: bool = False  # holds on a line that is a sentence of prose too (else only on furniture)


@dataclass(frozen=True)
class LayoutRules:
    rules: tuple[LineRule, ...]
    kind_words: dict[str, str]  # a word naming a kind of document -> the kind ("cablegram" -> "cable")
    genre_words: frozenset[str]  # words of titles and layout, never a name on their own
    citation_words: frozenset[str] = frozenset()  # telegraphese for a cited telegram ("Deptel")


def _alternation(pieces) -> str:
    return "(?:" + "|".join(sorted(pieces, key=len, reverse=True)) + ")"


def parse_layout_rules(files) -> LayoutRules:
    words = files.json("document_kinds.json")
    kind_words = {w.lower(): kind for kind, forms in words["kinds"].items() for w in forms}
    months = files.json("date_words.json")["months"]
    macros = {
        "{KIND}": _alternation(re.escape(w).replace(r"\ ", r"\s+") for w in kind_words if w != "letter-default"),
        "{ROUTING}": _alternation(words["routing"]),
        "{HONORIFIC}": _alternation(words["honorifics"]),
        "{MONTH}": "(?i:" + _alternation(re.escape(m) for m in months) + ")",
    }
    rules = []
    for row in files.jsonl("layout.jsonl"):
        where = f"layout.jsonl rule {row.get('id', '?')}"
        if row.get("kind") not in LINE_KINDS:
            raise ValueError(f"{where}: kind {row.get('kind')!r} is not one of {', '.join(LINE_KINDS)}")
        if row.get("zone", "any") not in ZONES or row.get("entities", "keep") not in ENTITY_POLICIES:
            raise ValueError(f"{where}: zone must be one of {ZONES} and entities one of {ENTITY_POLICIES}")
        pattern = row["regex"]
        for macro, value in macros.items():
            pattern = pattern.replace(macro, value)
        regex = re.compile(pattern)
        unknown = set(regex.groupindex) - set(FIELDS)
        if unknown:
            raise ValueError(f"{where}: unknown field group(s) {', '.join(sorted(unknown))}; fields are {', '.join(FIELDS)}")
        rules.append(
            LineRule(
                row["id"], row["kind"], regex, row.get("zone", "any"), row.get("entities", "keep"), row.get("search", False),
                row.get("document_kind"), row.get("genre"), frozenset(row.get("after", ())), frozenset(row.get("after_rule", ())),
                row.get("sentences", False),
            )
        )
    return LayoutRules(tuple(rules), kind_words, frozenset(w.lower() for w in words["genre_words"]), frozenset(w.lower() for w in words.get("citation_words", ())))


def physical_lines(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of every line of text[start:end], without its line break."""
    end = len(text) if end is None else end
    spans, position = [], start
    while position <= end:
        stop = text.find("\n", position, end)
        if stop < 0:
            spans.append((position, end))
            break
        spans.append((position, stop))
        position = stop + 1
    return [(a, b) for a, b in spans if a < b or a == start]


def is_prose(line: str) -> bool:
    """A line of running text: enough words, many of them lower-case (or, in a text typed in
    capitals, a long line ending a sentence)."""
    words = re.findall(r"[^\W\d_][\w'’-]*", line)
    if len(words) < _PROSE_WORDS or re.match(r"\s*\[[^\]]*\]?\s*$", line):
        return False  # a bracketed note or stamp is furniture, however long
    lower = sum(w[0].islower() for w in words)
    if lower >= 0.4 * len(words):
        return True
    return len(words) >= 10 and line.rstrip().endswith(".")


def is_sentence(line: str) -> bool:
    """A line of prose that ends a sentence (or introduces what follows)."""
    return is_prose(line) and bool(re.search(r"[.?!;:][\"”)\]]*\s*$", line))


def classify_lines(text: str, rules: LayoutRules, start: int = 0, end: int | None = None) -> tuple[Line, ...]:
    """Every line of text[start:end] with its kind and the fields it gives."""
    spans = physical_lines(text, start, end)
    matched: list[list[tuple[LineRule, re.Match]]] = []
    sentence = [is_sentence(text[a:b]) for a, b in spans]
    for (a, b), is_sent in zip(spans, sentence):
        line = ocr_digits(ocr_letters(text[a:b]))  # "16 0ct 53", "lNDIA": read as the scanner's letters (same length)
        hits = []
        if line.strip():
            for rule in rules.rules:
                if is_sent and not rule.sentences:
                    continue
                m = rule.regex.search(line) if rule.search else rule.regex.match(line)
                if m and m.end() > m.start():
                    hits.append((rule, m))
        hits.sort(key=lambda hit: hit[0].search)  # a rule anchored at the line's start names its kind first
        matched.append(hits)
    prose = [is_prose(text[a:b]) for a, b in spans]
    first_body = next((i for i, p in enumerate(prose) if p and not _claims_line(matched[i], "head")), len(spans))
    last_body = next((i for i in range(len(spans) - 1, -1, -1) if prose[i] and not _claims_line(matched[i], "foot")), -1)
    lines: list[Line] = []
    previous: Line | None = None  # the last line that is not blank
    for i, ((a, b), hits) in enumerate(zip(spans, matched)):
        if lines and lines[-1].kind != "blank":
            previous = lines[-1]
        zone = "head" if i < first_body else "foot" if i > last_body else "body"
        zones = {zone, "any", "lead"} if i == first_body else {zone, "any"}
        usable = [(r, m) for r, m in hits if r.zone in zones and _follows(r, previous)]
        if not text[a:b].strip():
            lines.append(Line(a, b, "blank"))
            continue
        if not usable:
            kind = "body" if zone == "body" or sentence[i] else "heading" if zone == "head" else "closing"
            lines.append(Line(a, b, kind))
            continue
        rule = usable[0][0]
        givers = [(r, m) for r, m in usable if r is rule or r.search]  # other anchored rules read the line otherwise
        lines.append(Line(a, b, rule.kind, rule.id, _fields(a, givers), rule.entities, rule.document_kind, rule.genre))
    return tuple(lines)


def _follows(rule: LineRule, previous: Line | None) -> bool:
    if not rule.after and not rule.after_rule:
        return True
    return previous is not None and (previous.kind in rule.after or previous.rule in rule.after_rule)


def _claims_line(hits, zone: str) -> bool:
    return any(r.kind != "body" and r.zone in (zone, "any") and not (r.after or r.after_rule or r.search) for r, _ in hits)


def _fields(offset: int, hits) -> tuple[LineField, ...]:
    """The fields of every usable rule on a line, the first rule's winning where two of the same
    name overlap (fields of different names may nest: a title that names its sender)."""
    found: list[LineField] = []
    for _, m in hits:
        for name, value in m.groupdict().items():
            if value is None or not value.strip():
                continue
            s, e = m.span(name)
            s += len(value) - len(value.lstrip())
            e -= len(value) - len(value.rstrip())
            if any(f.name == name and f.start < offset + e and offset + s < f.end for f in found):
                continue
            found.append(LineField(name, offset + s, offset + e))
    return tuple(sorted(found, key=lambda f: f.start))


def line_index(lines: tuple[Line, ...]) -> list[int]:
    return [line.start for line in lines]


def line_at(lines: tuple[Line, ...], starts: list[int], offset: int) -> Line | None:
    i = bisect_right(starts, offset) - 1
    return lines[i] if i >= 0 and lines[i].start <= offset <= lines[i].end else None
