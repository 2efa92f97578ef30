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
from archivekg.extract.evidence import is_office
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
    enclosed = min((p.span.start for p in parts if p.kind == "message" and p.enclosure), default=None)
    if enclosed is not None:  # the carrier ends where its enclosure begins: its own foot is above it
        lines = classify_lines(text, rules.layout, 0, enclosed) + tuple(line for line in lines if line.start >= enclosed)
    record = replace(record, lines=lines, parts=tuple(parts))
    own = [line for line in lines if record.part_at(line.start) is None]  # the carrier's own lines
    record = replace(record, **_metadata(text, own, mentions, entities, dates, rules))
    # an archive's stamp is the carrier's wherever it stands, inside a quoted message's text too
    stamped = [line for line in lines if line.kind == "stamp" and record.part_at(line.start) is not None]
    extra = [n for n in _numbers(text, stamped) if n not in record.identifiers]
    if extra:
        record = replace(record, identifiers=record.identifiers + tuple(extra))
    parts = find_parts(source, record, mentions, rules)  # again: "your" and "me" in the intros now have a meaning
    record = replace(record, parts=tuple(parts), **_relays(record, parts))
    citations = [_as_work(c, mentions) for c in find_citations(source, record, mentions, rules.citation_cues)]
    return replace(record, citations=tuple(citations), cited_works=cited_works(record, mentions, citations, entities))


def _relays(record: DocumentRecord, parts) -> dict:
    """A message the carrier relays in its own voice ("give him the following answer") is the
    carrier's too: its recipients are the carrier's, and its signature is the carrier's sender."""
    values: dict = {}
    voiced = [p for p in parts if p.kind == "message" and p.carrier_voice]
    if voiced:
        values["recipient_keys"] = tuple(dict.fromkeys(record.recipient_keys + tuple(k for p in voiced for k in p.recipient_keys)))
        if not record.sender_keys and not record.author_keys and voiced[0].author_keys:
            values["sender_keys"] = voiced[0].author_keys
    return values


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
    values["identifiers"] = tuple(_numbers(text, lines))
    values.update(_dates(text, lines, dates, values["genre"]))
    publication = fields_of(lines, "publication")
    if publication:
        values["publication"] = text[publication[0][1].start : publication[0][1].end].strip(" *.,")
        pages = fields_of(lines, "pages")
        values["publication_pages"] = text[pages[0][1].start : pages[0][1].end] if pages else None
    copies = fields_of(lines, "copies")
    if copies:
        values["copies"] = int(text[copies[0][1].start : copies[0][1].end])
    values.update(_people(text, lines, mentions, entities, values, dates, rules))
    return values


def _numbers(text, lines) -> list[str]:
    """The document's own numbers the number fields of these lines give, in order."""
    identifiers: list[str] = []
    for _, f in fields_of(lines, "number"):
        for number in _NUMBER_SPLIT.split(text[f.start : f.end].strip(" .,")):
            if number and any(c.isdigit() for c in number) and number not in identifiers:
                identifiers.append(number)
    return identifiers


def _dates(text, lines, dates, genre) -> dict:
    """The document's dates from its date lines. A record of conversation is dated by the
    conversation (the date line after its title), not by a covering note; without a date line,
    the first full date above the body that is not in a stamp."""
    values: dict = {}
    if genre == "record":
        titled = next((i for i, line in enumerate(lines) if line.genre == "record"), None)
        after = [f for line in lines[titled:] for f in line.fields if f.name == "date"] if titled is not None else []
        found = next((d for f in after if (d := date_at(dates, f.start, f.end)) and d.datatype in ("date", "dateTime")), None)
        if found:
            values["date_created"] = found
    for name in ("date", "date_sent", "date_received"):
        found = [d for _, f in fields_of(lines, name) if (d := date_at(dates, f.start, f.end))]
        full = [d for d in found if d.datatype in ("date", "dateTime")]
        if found:
            values.setdefault("date_created" if name == "date" else name, (full or found)[0])
    if "date_created" not in values and "date_sent" not in values:
        head_end = next((line.start for line in lines if line.kind == "body"), len(text))
        stamps = [(line.start, line.end) for line in lines if line.kind == "stamp"]
        first = next(
            (d for d in dates if d.value and d.datatype in ("date", "dateTime") and d.span.start < head_end and not any(a <= d.span.start <= b for a, b in stamps)),
            None,
        )
        if first:
            values["date_created"] = first
    return values


def _people(text, lines, mentions, entities, values: dict, dates, rules: RuleSet) -> dict:
    def keys(name: str, kinds=PERSON_KINDS, line_kinds=None) -> list[str]:
        found: list[str] = []
        for _, f in fields_of(lines, name, line_kinds):
            office = is_office(text[f.start : f.end], rules.evidence)
            wanted = ("person",) if office else kinds  # "To the Chairman of the Council of Ministers": not the Council
            found.extend(k for k in keys_in(mentions, f.start, f.end, wanted) if k not in found)
        return found

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
    record_like = values.get("genre") == "record" and not _covering_note(lines)
    if record_like:
        handled.extend(("signed", k, None) for k in signed)
        author = author or list(signed)  # the one who signs a record of conversation wrote it
        signed = []
    if not senders and not author:
        senders = signed
    recipients = keys("recipient", line_kinds=HEADER_KINDS + ("address",)) + keys("recipient_post", ("place", "country"))
    if not recipients:
        recipients = keys("recipient", line_kinds=("greeting",))
    if recipients:  # "Please convey the contents of this telegram to Comrade Kim Il Sung": a second addressee
        recipients += [k for k in keys("recipient", line_kinds=("body",)) if k not in recipients]
    if record_like:
        senders, recipients = [], []
    offices = []
    if not senders and not author:
        named, offices_found = _offices(text, lines, mentions, "sender_office", rules, document_head(text, rules))
        senders += named
        offices += [("sender", name) for name in offices_found]
    if not senders and not author and not record_like:
        senders = _issuer(lines, mentions)
    if not recipients and not record_like:
        named, offices_found = _offices(text, lines, mentions, "recipient_office", rules, document_head(text, rules))
        recipients += named
        offices += [("recipient", name) for name in offices_found]
    return {
        "author_keys": tuple(author),
        "sender_keys": tuple(dict.fromkeys(senders)),
        "recipient_keys": tuple(dict.fromkeys(recipients)),
        "copy_recipient_keys": tuple(keys("copy_recipient")),
        "handled_by": tuple(handled),
        "offices": tuple(offices),
    }


def _covering_note(lines) -> bool:
    """A record of conversation sent on with a note of its own: an address line above its title."""
    for line in lines:
        if line.genre == "record":
            return False
        if line.kind == "address":
            return True
    return False


def _issuer(lines, mentions) -> list[str]:
    """The body a document is issued by, when nothing else names its sender: the one body named
    alone on a heading line above the body ("CENTRAL INTELLIGENCE AGENCY")."""
    bodies = []
    for line in lines:
        if line.kind == "body":
            break
        if line.kind == "heading":
            inside = [r for r in mentions if line.start <= r.mention.span.start and r.mention.span.end <= line.end + 1 and r.mention.kind == "organization"]
            bodies.extend(r.entity_key for r in inside if r.entity_key not in bodies)
    return bodies[:1] if len(bodies) == 1 else []


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


def _offices(text, lines, mentions, name: str, rules: RuleSet, head: str) -> tuple[list[str], list[str]]:
    """The senders or recipients an office field gives: the body it names when an entity fills
    it ("to the Joint Chiefs of Staff"), else the office as named ("the Secretary of State")."""
    entities, offices = [], []
    for _, f in fields_of(lines, name):
        inside = [r for r in mentions if f.start <= r.mention.span.start and r.mention.span.end <= f.end and r.mention.kind in PERSON_KINDS]
        covered = sum(r.mention.span.end - r.mention.span.start for r in inside)  # where it sits ("TOKYO") is not who
        if covered >= OFFICE_COVER * (f.end - f.start):
            entities.extend(r.entity_key for r in inside if r.mention.kind in PERSON_KINDS and r.entity_key not in entities)
            continue
        office = canonical_office(office_text(text, f), text, rules, head)
        if office and office not in offices:
            offices.append(office)
    return entities, offices


def canonical_office(name: str, text: str, rules: RuleSet, head: str) -> str:
    """An office by the name the office table gives it ("CINCUNC TOKYO" -> "Commander in Chief,
    United Nations Command"; "PRESIDENT" in a White House statement -> "President of the United
    States"); else as the text names it."""
    return office_named(name, text, rules, head) or name


def office_text(text: str, field: LineField) -> str:
    """What an office field names, without its article: "the Secretary of State" -> "Secretary of State"."""
    return re.sub(r"^(?:the|The|THE)\s+", "", " ".join(text[field.start : field.end].split()).strip(" ,."))


def head_of(text: str, lines) -> str:
    """The text above the document's body (its heading, address and date lines)."""
    return text[: next((line.start for line in lines if line.kind == "body"), len(text))]


def document_head(text: str, rules: RuleSet) -> str:
    return head_of(text, classify_lines(text, rules.layout))


def office_named(name: str, text: str, rules: RuleSet, head: str) -> str | None:
    """The office of the office table a name is, in this text, or None. An office whose `when`
    names stand in the document's head (`document_head`: "FOREIGN OFFICE") is preferred to one
    whose names stand only further down ("Telegrams will go to Washington")."""

    def names(where: str, when) -> bool:  # as written, or in capitals ("WASHINGTON, MAY 7")
        return any(w in where or w.upper() in where for w in when)

    words = name.split()
    for cut in range(len(words), 0, -1):  # "CINCUNC TOKYO JAPAN": the office, then where it sits
        candidate = " ".join(words[:cut]).lower()
        found = [(label, when) for label, aliases, when in rules.offices if candidate in aliases and (not when or names(text, when))]
        if found:
            return next((label for label, when in found if when and names(head, when)), found[0][0])
        if cut < len(words) and not all(rules.evidence.places.lookup(w) for w in words[cut:]):
            break
    return None


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
