"""The documents stage: a document's kind, title, people, dates, numbers, parts and citations.

What a header line means is data (`data/document_headers.jsonl`): each pattern names the field
it fills and where in the match to look. People are never strings: an entity-valued field
takes the resolved mentions that fall inside the pattern's `value` group ("Author: Mao" ->
mao-zedong, "TO FILIPPOV [STALIN]" -> joseph-stalin). Dates are resolved against the
document's own date (its `Date:` header, else its first full date). Quoted messages, an
editor's remarks and cited documents are found by `archivekg.extract.parts`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from spacy.tokens import Doc

from archivekg.extract.dates import DateRules, find_dates, first_full_date, match_dates
from archivekg.extract.model import MESSAGE_KINDS, Citation, DateValue, DocumentRecord, Entity, ResolvedMention, SourceText
from archivekg.extract.parts import find_citations, find_parts
from archivekg.extract.rules import RuleSet

PERSON_KINDS = ("person", "organization", "unit")


@dataclass(frozen=True)
class HeaderPattern:
    id: str
    field: str
    regex: re.Pattern
    kind: str | None = None


@dataclass(frozen=True)
class HeaderMatch:
    """One header or footer line: which field, where its value is, and its groups."""

    pattern: HeaderPattern
    start: int
    end: int
    value: tuple[int, int] | None
    groups: dict


def parse_header_patterns(rows: list[dict]) -> tuple[HeaderPattern, ...]:
    """The rows of `document_headers.jsonl`."""
    return tuple(HeaderPattern(r["id"], r["field"], re.compile(r["regex"]), r.get("kind")) for r in rows)


def match_headers(text: str, patterns: tuple[HeaderPattern, ...]) -> list[HeaderMatch]:
    found = []
    for pattern in patterns:
        for m in pattern.regex.finditer(text):
            value = m.span("value") if "value" in pattern.regex.groupindex and m.group("value") is not None else None
            found.append(HeaderMatch(pattern, m.start(), m.end(), value, m.groupdict()))
    return found


def keys_in(mentions: list[ResolvedMention], start: int, end: int, kinds=PERSON_KINDS) -> tuple[str, ...]:
    """Entity keys of the mentions inside [start, end], in text order, each once."""
    keys: list[str] = []
    for r in sorted(mentions, key=lambda r: r.mention.span.start):
        span = r.mention.span
        if start <= span.start and span.end <= end and r.mention.kind in kinds and r.entity_key not in keys:
            keys.append(r.entity_key)
    return tuple(keys)


def date_at(dates: list[DateValue], start: int, end: int, slack: int = 0) -> DateValue | None:
    """The first date expression that starts inside [start, end + slack]."""
    for d in dates:
        if d.span and start <= d.span.start <= end + slack:
            return d
    return None


def reference_date(text: str, headers: list[HeaderMatch], doc_key: str, rules: DateRules, matches) -> str | None:
    """The document's own date: its `Date:` header, else the first full date of its text."""
    for h in headers:
        if h.pattern.field == "date_created" and h.value:
            dated = find_dates(text[h.value[0] : h.value[1]], doc_key, rules)
            if dated and dated[0].value:
                return dated[0].value
    full = first_full_date(text, rules, matches)
    return full[0] if full else None


def describe_document(source: SourceText, doc: Doc, mentions: list[ResolvedMention], entities: dict[str, Entity], rules: RuleSet) -> DocumentRecord:
    text, key = source.text, source.key
    headers = match_headers(text, rules.headers)
    matches = match_dates(text, rules.dates)
    dates = find_dates(text, key, rules.dates, reference_date(text, headers, key, rules.dates, matches), matches=matches)
    fields: dict[str, object] = {"kind": "document", "identifiers": []}
    people: dict[str, list[str]] = {f: [] for f in ("author", "recipient", "copy_recipient", "origin")}
    handled, signatures = [], []
    for h in headers:
        field, value = h.pattern.field, h.value
        if field == "kind":
            if fields["kind"] == "document":
                fields["kind"] = h.pattern.kind
            if h.groups.get("identifier") and h.groups["identifier"] not in fields["identifiers"]:
                fields["identifiers"].append(h.groups["identifier"])
        elif field == "title" and value and "title" not in fields:
            fields["title"] = text[value[0] : value[1]].strip(" *")
        elif field in people and value:
            people[field].extend(k for k in keys_in(mentions, *value) if k not in people[field])
        elif field in ("date_created", "date_received", "date_sent") and value and field not in fields:
            found = date_at(dates, value[0], value[1], slack=4)
            if found:
                fields[field] = found
            if h.groups.get("identifier") and h.groups["identifier"] not in fields["identifiers"]:
                fields["identifiers"].append(h.groups["identifier"])
        elif field == "publication" and value and "publication" not in fields:
            fields["publication"] = text[value[0] : value[1]].strip(" *.,")
            fields["publication_pages"] = h.groups.get("pages")
        elif field == "copies" and h.groups.get("count"):
            fields.setdefault("copies", int(h.groups["count"]))
        elif field in ("deciphered", "typed") and value:
            for person in keys_in(mentions, *value, kinds=("person",)):
                handled.append((field, person, date_at(dates, *value)))
        elif field == "signature" and value:
            signatures.append((h.start, keys_in(mentions, *value, kinds=("person",))))
    senders = [k for k in people["origin"] if entities.get(k) and entities[k].kind == "person"]
    record = DocumentRecord(
        key=key,
        kind=fields["kind"],
        title=fields.get("title"),
        author_keys=tuple(people["author"]),
        recipient_keys=tuple(people["recipient"]),
        copy_recipient_keys=tuple(people["copy_recipient"]),
        date_created=fields.get("date_created"),
        date_sent=fields.get("date_sent"),
        date_received=fields.get("date_received"),
        identifiers=tuple(fields["identifiers"]),
        publication=fields.get("publication"),
        publication_pages=fields.get("publication_pages"),
        copies=fields.get("copies"),
        handled_by=tuple(handled),
        dates=tuple(dates),
    )
    parts = find_parts(source, record, mentions, signatures, rules.part_cues)
    inside = [(p.span.start, p.span.end) for p in parts if p.kind == "message"]
    signed = [keys for start, keys in signatures if keys and not any(a <= start < b for a, b in inside)]
    if not senders and signed and record.kind in MESSAGE_KINDS:
        senders = list(signed[-1])
    record = replace(record, sender_keys=tuple(senders), parts=tuple(parts))
    citations = [_as_work(c, mentions) for c in find_citations(source, record, mentions, rules.citation_cues)]
    return replace(record, citations=tuple(citations), cited_works=cited_works(record, mentions, citations, entities))


def _as_work(citation: Citation, mentions: list[ResolvedMention]) -> Citation:
    """A cited article or book whose title the entities stage found is that work entity, not a second node."""
    for r in mentions:
        span = r.mention.span
        if r.mention.kind == "work" and citation.span.start <= span.start and span.end <= citation.span.end and citation.kind in ("article", "book"):
            return replace(citation, entity_key=r.entity_key)
    return citation


def cited_works(
    record: DocumentRecord, mentions: list[ResolvedMention], citations: list[Citation], entities: dict[str, Entity]
) -> tuple[tuple[str, str], ...]:
    """Every work a document (or the part of it where the title stands) names is a work it cites."""
    already = {c.entity_key for c in citations if c.entity_key}
    cited: dict[tuple[str, str], None] = {}
    for r in mentions:
        if entities[r.entity_key].kind != "work" or r.entity_key in already:
            continue
        cited[(record.key_at(r.mention.span.start), r.entity_key)] = None
    return tuple(cited)
