"""Parts of a document and the documents it cites.

A message quoted inside another ("I pass on a message from MAO ZEDONG to Comrade FILIPPOV:
"..."", "[Enclosure:]", "give him the following answer: "..."") is a part of its own, with
its own sender, recipient and date. A quotation is a message when it runs over a line break
(a quoted telegram, letter or directive; a phrase in quotation marks inside a sentence is
not). Who wrote it and to whom comes, in order, from its introduction (`data/document_parts.jsonl`:
"message from X to Y", "X's reply to Y", "my telegram to Y of DATE", "the following answer":
the carrier's sender), from its own lines (a heading "TO X FROM Y", a greeting, a signature,
a date line: the layout rules read the quotation as a text of its own), and else from the
carrier: "your"/"you" is the carrier's recipient, "me"/"my" its sender. A quotation with no
date of its own takes the carrier's.

An editor's remarks appended to a document are a part attributed to the editor the text
names, never to the document's author. Cited telegrams, letters, numbered documents and
articles are `Citation`s (`data/citations.jsonl`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from archivekg.extract.iris import slugify
from archivekg.extract.layout import classify_lines
from archivekg.extract.model import Citation, DocumentRecord, Part, ResolvedMention, SourceText, TextSpan

YOU = re.compile(r"(?i)^(?:your|you)$")
ME = re.compile(r"(?i)^(?:me|us|my|our|I|we)$")
HIM = re.compile(r"(?i)^(?:him|her|them)$")
SIGNATURE_TAIL = 40  # characters at the end of a quoted message where its signature's date is
INTRO_CHARS = 400  # how far before a quotation its introduction may start
_OPEN = {'"': '"', "“": "”", "«": "»"}


@dataclass(frozen=True)
class Cue:
    id: str
    kind: str  # "message" (an introduction), "enclosure" (a heading), "remarks" (a heading)
    regex: re.Pattern
    answers: bool = False
    author: str | None = None  # "carrier": the carrier's sender wrote the quoted message


def parse_cues(rows: list[dict]) -> tuple[Cue, ...]:
    """The rows of `document_parts.jsonl` or `citations.jsonl`."""
    return tuple(Cue(r["id"], r["kind"], re.compile(r["regex"]), r.get("answers", False), r.get("author")) for r in rows)


def _keys(mentions, start, end, kinds=("person", "organization")) -> tuple[str, ...]:
    from archivekg.extract.documents import keys_in

    return keys_in(mentions, start, end, kinds)


def _span(source: SourceText, start: int, end: int) -> TextSpan:
    while end > start and source.text[end - 1].isspace():
        end -= 1
    return TextSpan(source.key, start, end, source.text[start:end])


def quotations(text: str) -> list[tuple[int, int]]:
    """(start, end) of the inside of every quotation that runs over a line break.

    A quotation opens at a quotation mark at the start of a line or after a colon; each of
    its paragraphs may open with a mark again (the printers' convention); it closes at a
    closing mark at the end of a line (or of the text). An unclosed one runs to the end."""
    found = []
    position = 0
    opening = re.compile(r"(?m)(?:^[ \t]*|:[ \t]*)([\"“«])(?=\S)")
    while True:
        m = opening.search(text, position)
        if not m:
            break
        mark = m.group(1)
        close = _OPEN[mark]
        start = m.end()
        line_end = text.find("\n", start)
        line_end = len(text) if line_end < 0 else line_end
        if close in text[start:line_end].rstrip()[:-1]:
            position = m.end()  # '"4" September 1952', 'the "Kaesong sanctuary"': closed on its own line
            continue
        end = _closing(text, start, close)
        if "\n" in text[start:end].strip():
            found.append((start, end))
            position = end + 1
        else:
            position = m.end()
    return found


def _closing(text: str, start: int, close: str) -> int:
    """Where a quotation opened at `start` ends: a closing mark at the end of a line."""
    pattern = re.compile(re.escape(close) + r"[ \t]*(?:\n|$)")
    for m in pattern.finditer(text, start):
        before = text[m.start() - 1] if m.start() > start else " "
        line_start = text.rfind("\n", 0, m.start()) + 1
        if not before.isspace() and text[line_start : m.start()].strip():
            return m.start()
    return len(text)


def find_parts(source: SourceText, record: DocumentRecord, mentions: list[ResolvedMention], rules) -> list[Part]:
    """Quoted and enclosed messages and remarks, in text order."""
    text, parts = source.text, []
    blocks = quotations(text)
    enclosed: set[tuple[int, int]] = set()
    for cue in rules.part_cues:
        if cue.kind not in ("enclosure", "remarks"):
            continue
        for m in cue.regex.finditer(text):
            if any(a <= m.start() < b for a, b in blocks):
                continue
            if cue.kind == "remarks":
                parts.append(Part(f"{source.key}-remarks", "remarks", _span(source, m.start(), len(text)), title=m.group(0).strip(" \t*#:[]")))
            else:
                inner = next(((a, b) for a, b in blocks if a >= m.end()), None)
                start, end = inner if inner and not text[m.end() : inner[0]].strip(" \t\n\"“") else (m.end(), len(text))
                blocks = [(a, b) for a, b in blocks if not (a >= start and b <= end) or (a, b) == (start, end)]
                if (start, end) not in blocks:
                    blocks.append((start, end))
                enclosed.add((start, end))
    for number, (start, end) in enumerate(sorted(blocks), 1):
        if not text[start:end].strip():
            continue
        parts.append(_message(source, record, mentions, rules, start, end, number, (start, end) in enclosed))
    kept: list[Part] = []
    for part in sorted(parts, key=lambda p: p.span.start):
        if not any(p.span.start <= part.span.start < p.span.end and p.kind == part.kind for p in kept):
            kept.append(part)
    return kept


def forwarded_papers(source: SourceText, mentions: list[ResolvedMention], rules) -> list[tuple[int, int, str]]:
    """(start, end, author) of each paper a covering note forwards and names the author of ("I am
    forwarding the memorandum drawn up by Lieutenant Colonel FEDOROV"): the text from the line
    that is the paper's kind alone ("MEMORANDUM") to the end. Not a part: the note and the paper
    are one document; but what the paper says is its author's."""
    text, found = source.text, []
    for cue in rules.part_cues:
        if cue.kind != "forwarded":
            continue
        for m in cue.regex.finditer(text):
            authors = _keys(mentions, *m.span("sender"), kinds=("person",))
            heading = re.compile(r"(?im)^[ \t*]*" + re.escape(m.group("genre")) + r"[ \t*.:]*$").search(text, m.end())
            if len(authors) == 1 and heading:
                found.append((heading.start(), len(text), authors[0]))
    return found


def _intro(text: str, start: int) -> tuple[int, int]:
    """The introduction of a quotation opening at `start`: its paragraph before the mark (or the
    paragraph before, when the mark opens a line)."""
    end = start
    while end > 0 and text[end - 1] in "\"“« \t":
        end -= 1
    stop = text.rfind("\n\n", max(0, end - INTRO_CHARS), max(0, end - 1))
    if stop < 0 or not text[stop:end].strip():
        stop = max(0, end - INTRO_CHARS)
    begin = stop
    if text[begin:end].strip() == "":
        previous = text.rfind("\n\n", max(0, stop - INTRO_CHARS), stop)
        begin = max(0, previous)
    return begin, end


def _message(source, record: DocumentRecord, mentions, rules, start: int, end: int, number: int, enclosure: bool = False) -> Part:
    text = source.text
    body = _span(source, start, end)
    intro_start, intro_end = _intro(text, start)
    senders: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    date = None
    voiced = False
    first = text.find("\n\n", start, end)
    windows = [(intro_start, intro_end), (start, first if first > 0 else end)]  # its introduction, then its own first paragraph
    for cue, window in ((cue, window) for window in windows for cue in rules.part_cues):
        if cue.kind != "message" or (window[0] == start and (senders and recipients)):
            continue
        m = None
        for m in cue.regex.finditer(text, *window):
            pass  # the last match is the one nearest the quotation
        if m is None:
            continue
        groups = m.groupdict()
        if groups.get("sender"):
            senders = senders or _who(m.group("sender"), *m.span("sender"), record, mentions, record.sender_keys, record.recipient_keys)
        if cue.author == "carrier" and not senders:
            voiced = True
            senders = record.sender_keys or record.author_keys
        if groups.get("possessive"):
            senders = senders or _who(m.group("possessive"), *m.span("possessive"), record, mentions, record.sender_keys, record.recipient_keys)
        if groups.get("addressee"):
            recipients = recipients or _who(m.group("addressee"), *m.span("addressee"), record, mentions, record.sender_keys, record.recipient_keys)
        if groups.get("date") and date is None:
            date = next((d for d in record.dates if d.span and d.value and m.start("date") <= d.span.start < m.end("date") + 2), None)
    own = classify_lines(text, rules.layout, start, end)
    if not senders or (voiced and not record.sender_keys):
        senders = _line_people(own, mentions, ("sender",), ("signature", "title", "address", "heading")) or senders
    if not recipients:
        recipients = _line_people(own, mentions, ("recipient",), ("address", "greeting", "title", "heading", "body"))
    if date is None:
        date = _own_date(own, record) or _tail_date(record, body)
    if not senders:
        senders = record.sender_keys or record.author_keys
    if not recipients and not _addressed_within(own):
        recipients = record.recipient_keys
    date = date or record.date_sent or record.date_created
    return Part(f"{source.key}-message-{number}", "message", body, tuple(senders), tuple(recipients), date, enclosure=enclosure, carrier_voice=voiced)


def _who(phrase: str, start: int, end: int, record, mentions, speaker, listener) -> tuple[str, ...]:
    """The entities a phrase of an introduction names; "your"/"me" and "him" resolved."""
    named = _keys(mentions, start, end)
    if named:
        return named
    word = phrase.strip().split()[0] if phrase.strip() else ""
    if YOU.match(word):
        return tuple(listener)
    if ME.match(word):
        return tuple(speaker)
    return ()


def _line_people(lines, mentions, fields, kinds) -> tuple[str, ...]:
    found: list[str] = []
    for line in lines:
        if line.kind not in kinds:
            continue
        for f in line.fields:
            if f.name in fields:
                found.extend(k for k in _keys(mentions, f.start, f.end, ("person", "organization", "unit")) if k not in found)
    return tuple(found)


def _addressed_within(lines) -> bool:
    return any(line.kind in ("greeting", "address") for line in lines)


def _own_date(lines, record: DocumentRecord):
    """A quoted message's own date: a date line of its own (its head or its foot)."""
    for line in lines:
        if line.kind != "date":
            continue
        for f in line.fields:
            if f.name in ("date", "date_sent"):
                found = next((d for d in record.dates if d.span and d.value and d.datatype in ("date", "dateTime") and f.start <= d.span.start < f.end + 1), None)
                if found:
                    return found
    return None


def _tail_date(record: DocumentRecord, body: TextSpan):
    """The last resolved date at the very end of a quoted message, where its signature is."""
    tail = [d for d in record.dates if d.span and d.value and d.datatype in ("date", "dateTime") and max(body.start, body.end - SIGNATURE_TAIL) <= d.span.start < body.end]
    return tail[-1] if tail else None


def _whose(possessive: str | None, speaker_keys, listener_keys) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(sender, recipient) of a cited message from the citing text's possessive."""
    word = (possessive or "").lower()
    if word in ("your",):
        return tuple(listener_keys), tuple(speaker_keys)
    if word in ("my", "our"):
        return tuple(speaker_keys), tuple(listener_keys)
    return (), ()


def find_citations(source: SourceText, record: DocumentRecord, mentions: list[ResolvedMention], cues: tuple[Cue, ...]) -> list[Citation]:
    text, found, taken = source.text, [], []
    answered: dict[str, Citation] = {}  # part key -> the numbered message it answers
    for cue in cues:
        for m in cue.regex.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            identifier = m.groupdict().get("identifier")
            if identifier and identifier in record.identifiers:
                continue
            part = record.part_at(m.start())
            speaker = (part.author_keys if part else ()) or record.sender_keys or record.author_keys
            listener = part.recipient_keys if part else record.recipient_keys
            sender, recipient = _whose(m.groupdict().get("possessive"), speaker, listener)
            kind = (m.groupdict().get("word") or cue.kind).lower()
            kind = "telegram" if kind in ("cable", "message") else kind
            date = None
            if "date" in cue.regex.groupindex:
                date = next((d for d in record.dates if d.span and d.span.start == m.end("date")), None)
            # a numbered message is one node for the whole corpus (No. 4581 of Stalin, wherever cited)
            key = slugify(f"{kind}-{identifier}-{'-'.join(sender)}" if identifier else f"{source.key}-{kind}-at-{m.start()}", 120)
            title = m.groupdict().get("title")
            citation = Citation(key, _span(source, m.start(), m.end()), kind, identifier, title, date, sender, recipient, part.key if part else None)
            taken.append(m.span())
            if cue.answers:
                for answer in record.parts:
                    if answer.kind == "message" and answer.span.start >= m.end() and answer.span.start - m.end() < 10:
                        citation = replace(citation, recipient_keys=answer.author_keys or citation.recipient_keys)
                        answered[answer.key] = citation
            if kind in ("telegram", "letter") and not identifier and part and part.key in answered and (m.groupdict().get("possessive") or "").lower() == "your":
                earlier = answered[part.key]
                merged = replace(earlier, date=earlier.date or date)
                found = [merged if c.key == earlier.key else c for c in found]
                found.append(replace(merged, cited_by=part.key))
                answered[part.key] = merged
                continue
            found.append(citation)
    return found
