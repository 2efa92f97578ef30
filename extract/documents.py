"""The documents stage: a document's kind, title, people, dates, numbers, parts and citations.

Metadata comes from the lines that carry it (`archivekg.extract.layout`): a title line gives
the kind and the numbers, a heading or address line the sender and recipient, a date line the
date, a signature below the body the sender, a greeting the recipient. People are never
strings: an entity field takes the resolved mentions inside it ("TO FILIPPOV [STALIN]" ->
joseph-stalin); where a line names only an office ("to the Secretary of State"), the office
is recorded as such. Dates are resolved against the document's own date. Quoted and enclosed
messages, an editor's remarks and cited documents are found by `archivekg.extract.parts`.
"""

from __future__ import annotations

import re
from dataclasses import replace

from spacy.tokens import Doc

from archivekg.extract.dates import DateRules, find_dates, first_full_date, match_dates
from archivekg.extract.layout import classify_lines
from archivekg.extract.model import MESSAGE_KINDS, Citation, DateValue, DocumentRecord, Entity, Line, LineField, ResolvedMention, SourceText
from archivekg.extract.parts import find_citations, find_parts
from archivekg.extract.rules import RuleSet

PERSON_KINDS = ("person", "organization", "unit")
HEADER_KINDS = ("title", "heading", "address", "date", "citation", "routing", "stamp", "distribution", "greeting")
_NUMBER_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&)\s*")
OFFICE_COVER = 0.6  # an entity mention covering this share of an office field is that entity, not an office


def keys_in(mentions: list[ResolvedMention], start: int, end: int, kinds=PERSON_KINDS) -> tuple[str, ...]:
    """Entity keys of the mentions inside [start, end], in text order, each once."""
    keys: list[str] = []
    for r in sorted(mentions, key=lambda r: r.mention.span.start):
        span = r.mention.span
        if start <= span.start and span.end <= end and r.mention.kind in kinds and r.entity_key not in keys:
            keys.append(r.entity_key)
    return tuple(keys)


def date_at(dates: list[DateValue], start: int, end: int, slack: int = 0) -> DateValue | None:
    """The first resolved date expression that overlaps [start, end + slack], a full date
    before a partial one."""
    found = [d for d in dates if d.span and d.value and d.span.start <= end + slack and start < d.span.end]
    return next((d for d in found if d.datatype in ("date", "dateTime")), found[0] if found else None)


def fields_of(lines, name: str, kinds=None) -> list[tuple[Line, LineField]]:
    return [(line, f) for line in lines if kinds is None or line.kind in kinds for f in line.fields if f.name == name]


def reference_date(text: str, lines: tuple[Line, ...], key: str, rules: DateRules, matches) -> str | None:
    """The document's own date: a date line's, else the first full date above the body, else
    the first full date of the text."""
    for _, f in fields_of(lines, "date") + fields_of(lines, "date_sent"):
        dated = find_dates(text[f.start : f.end], key, rules)
        if dated and dated[0].value and dated[0].datatype in ("date", "dateTime"):
            return dated[0].value
    head_end = next((line.start for line in lines if line.kind == "body"), len(text))
    full = first_full_date(text[:head_end], rules) or first_full_date(text, rules, matches)
    return full[0] if full else None


def describe_document(source: SourceText, doc: Doc, mentions: list[ResolvedMention], entities: dict[str, Entity], rules: RuleSet) -> DocumentRecord:
    text, key = source.text, source.key
    lines = classify_lines(text, rules.layout)
    matches = match_dates(text, rules.dates)
    dates = find_dates(text, key, rules.dates, reference_date(text, lines, key, rules.dates, matches), matches=matches)
    record = DocumentRecord(key=key, kind="document", lines=lines, dates=tuple(dates))
    parts = find_parts(source, record, mentions, rules)
    record = replace(record, parts=tuple(parts))
    own = [line for line in lines if record.part_at(line.start) is None]  # the carrier's own lines
    record = replace(record, **_metadata(text, own, mentions, entities, dates, rules))
    parts = find_parts(source, record, mentions, rules)  # again: "your" and "me" in the intros now have a meaning
    record = replace(record, parts=tuple(parts))
    citations = [_as_work(c, mentions) for c in find_citations(source, record, mentions, rules.citation_cues)]
    return replace(record, citations=tuple(citations), cited_works=cited_works(record, mentions, citations, entities))


def _metadata(text, lines, mentions, entities, dates, rules: RuleSet) -> dict:
    values: dict = {}
    kinds = [rules.layout.kind_words.get(" ".join(text[f.start : f.end].lower().split())) for _, f in fields_of(lines, "document_kind")]
    kinds += [line.document_kind for line in lines if line.document_kind]
    named = [k for k in kinds if k and k != "letter-default"]
    values["kind"] = named[0] if named else "letter" if "letter-default" in kinds else "document"
    values["genre"] = next((line.genre for line in lines if line.genre), None)
    title = fields_of(lines, "title")
    if title:
        values["title"] = text[title[0][1].start : title[0][1].end].strip(" *")
    elif values["genre"]:
        heading = next(line for line in lines if line.genre)
        values["title"] = " ".join(text[heading.start : heading.end].split())
    identifiers: list[str] = []
    for _, f in fields_of(lines, "number"):
        for number in _NUMBER_SPLIT.split(text[f.start : f.end].strip(" .,")):
            if number and any(c.isdigit() for c in number) and number not in identifiers:
                identifiers.append(number)
    values["identifiers"] = tuple(identifiers)
    for name in ("date", "date_sent", "date_received"):
        found = [d for _, f in fields_of(lines, name) if (d := date_at(dates, f.start, f.end))]
        full = [d for d in found if d.datatype in ("date", "dateTime")]
        if found:
            values["date_created" if name == "date" else name] = (full or found)[0]
    if "date_created" not in values and "date_sent" not in values:
        head_end = next((line.start for line in lines if line.kind == "body"), len(text))
        first = next((d for d in dates if d.value and d.datatype in ("date", "dateTime") and d.span.start < head_end), None)
        if first:
            values["date_created"] = first
    publication = fields_of(lines, "publication")
    if publication:
        values["publication"] = text[publication[0][1].start : publication[0][1].end].strip(" *.,")
        pages = fields_of(lines, "pages")
        values["publication_pages"] = text[pages[0][1].start : pages[0][1].end] if pages else None
    copies = fields_of(lines, "copies")
    if copies:
        values["copies"] = int(text[copies[0][1].start : copies[0][1].end])
    values.update(_people(text, lines, mentions, entities, values, dates))
    return values


def _people(text, lines, mentions, entities, values: dict, dates) -> dict:
    def keys(name: str, kinds=PERSON_KINDS, line_kinds=None) -> list[str]:
        found: list[str] = []
        for _, f in fields_of(lines, name, line_kinds):
            found.extend(k for k in keys_in(mentions, f.start, f.end, kinds) if k not in found)
        return found

    record_like = values.get("genre") == "record"
    senders = keys("sender", line_kinds=HEADER_KINDS) + [k for k in keys("origin", ("person", "organization")) if entities[k].kind != "place"]
    signed = _signatories(lines, mentions)
    author = keys("author")
    handled = []
    for line, f in fields_of(lines, "clerk") + fields_of(lines, "participant", ("clerk",)):
        role = next((text[g.start : g.end] for g in line.fields if g.name == "role"), "handled")
        role = re.sub(r"[^a-z]", "", role.lower()) or "handled"
        role = "typed" if role.startswith("typ") else role
        for person in keys_in(mentions, f.start, f.end, ("person",)):
            handled.append((role, person, date_at(dates, f.start, line.end)))
    if record_like:
        handled.extend(("signed", k, None) for k in signed)
        signed = []
    if not senders and not author:
        senders = signed
    recipients = keys("recipient", line_kinds=HEADER_KINDS + ("address",))
    if not recipients:
        recipients = keys("recipient", line_kinds=("greeting",))
    if record_like:
        senders, recipients = [k for k in senders if k in author], []
    offices = []
    if not senders and not author:
        offices += [("sender", name) for name in _offices(text, lines, mentions, "sender_office")]
    if not recipients:
        offices += [("recipient", name) for name in _offices(text, lines, mentions, "recipient_office")]
    senders += [k for _, k in offices if not isinstance(k, str) or False]
    return {
        "author_keys": tuple(author),
        "sender_keys": tuple(dict.fromkeys(senders)),
        "recipient_keys": tuple(dict.fromkeys(recipients)),
        "copy_recipient_keys": tuple(keys("copy_recipient")),
        "handled_by": tuple(handled),
        "offices": tuple(offices),
    }


def _signatories(lines, mentions) -> list[str]:
    """The people who sign the document: the last run of signature lines below its body."""
    runs: list[list[Line]] = []
    for line in lines:
        if line.kind == "signature":
            if runs and runs[-1][-1] is not None:
                runs[-1].append(line)
            else:
                runs.append([line])
        elif line.kind not in ("blank", "date", "closing") and runs and runs[-1][-1] is not None:
            runs.append([None])  # a run ends at the next line that is not a signature
    runs = [[line for line in run if line is not None] for run in runs]
    runs = [run for run in runs if run]
    if not runs:
        return []
    signed: list[str] = []
    for line in runs[-1]:
        for f in line.fields:
            if f.name == "sender":
                signed.extend(k for k in keys_in(mentions, f.start, f.end, ("person",)) if k not in signed)
    return signed


def _offices(text, lines, mentions, name: str) -> list[str]:
    """Offices named where no person is: an office field that no entity mention fills."""
    found = []
    for _, f in fields_of(lines, name):
        inside = [r for r in mentions if f.start <= r.mention.span.start and r.mention.span.end <= f.end]
        covered = sum(r.mention.span.end - r.mention.span.start for r in inside)
        if covered >= OFFICE_COVER * (f.end - f.start):
            continue  # "to the Joint Chiefs of Staff": the body itself is named
        office = " ".join(text[f.start : f.end].split()).strip(" ,.")
        office = re.sub(r"^(?:the|The|THE)\s+", "", office)
        if office and office not in found:
            found.append(office)
    return found


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
