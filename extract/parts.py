"""Parts of a document and the documents it cites.

A message quoted inside another ("I report the answer of MAO ZEDONG to your [telegram]
No. 4581: "...."") is a part of its own, with its own sender, recipient and date; an
editor's remarks appended to a document are a part attributed to the editor the text names,
never to the document's author. Cited telegrams, letters, numbered documents and articles
are `Citation`s. All cues are data: `data/document_parts.jsonl` and `data/citations.jsonl`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from archivekg.extract.iris import slugify
from archivekg.extract.model import Citation, DocumentRecord, Part, ResolvedMention, SourceText, TextSpan

CLOSING = {'"': '"', "“": "”", "«": "»", "‘": "’"}
YOU = re.compile(r"(?i)\b(?:your|you)\b")
ME = re.compile(r"(?i)\b(?:me|us|my|our)\b")
SIGNATURE_TAIL = 80  # characters at the end of a quoted message where its signature and date are


@dataclass(frozen=True)
class Cue:
    id: str
    kind: str
    regex: re.Pattern
    answers: bool = False


def parse_cues(rows: list[dict]) -> tuple[Cue, ...]:
    """The rows of `document_parts.jsonl` or `citations.jsonl`."""
    return tuple(Cue(r["id"], r["kind"], re.compile(r["regex"]), r.get("answers", False)) for r in rows)


def _keys(mentions, start, end, kinds=("person", "organization")) -> tuple[str, ...]:
    from archivekg.extract.documents import keys_in

    return keys_in(mentions, start, end, kinds)


def _span(source: SourceText, start: int, end: int) -> TextSpan:
    while end > start and source.text[end - 1].isspace():
        end -= 1
    return TextSpan(source.key, start, end, source.text[start:end])


def _addressees(phrase: str, record: DocumentRecord, keys: tuple[str, ...]) -> tuple[str, ...]:
    """Who "your"/"me" in a carrier's words are: its recipient or its sender; else named ones."""
    if keys:
        return keys
    if YOU.search(phrase):
        return record.recipient_keys
    if ME.search(phrase):
        return record.sender_keys or record.author_keys
    return ()


def find_parts(source: SourceText, record: DocumentRecord, mentions: list[ResolvedMention], signatures, cues: tuple[Cue, ...]) -> list[Part]:
    """Quoted messages and remarks, in text order; `signatures` are (offset, person keys)."""
    text, parts = source.text, []
    for cue in cues:
        for m in cue.regex.finditer(text):
            if cue.kind == "message":
                part = _quoted_message(source, record, mentions, signatures, m, len(parts) + 1)
            else:
                part = Part(f"{source.key}-remarks", "remarks", _span(source, m.start(), len(text)), title=m.group(0).strip(" \t*#:"))
            if part and not any(p.span.start <= part.span.start < p.span.end and p.kind == part.kind for p in parts):
                parts.append(part)
    return sorted(parts, key=lambda p: p.span.start)


def _quoted_message(source, record, mentions, signatures, m: re.Match, number: int) -> Part | None:
    text = source.text
    groups = m.groupdict()
    opening = groups.get("open") or '"'
    close = text.find(CLOSING.get(opening, opening), m.end())
    if close < 0:
        close = len(text)
    if close <= m.end() or not text[m.end() : close].strip():
        return None  # an empty quotation is no message
    body = _span(source, m.end(), close)
    sender = _keys(mentions, *m.span("sender")) if groups.get("sender") else ()
    if not sender:
        signed = [keys for at, keys in signatures if body.start <= at < body.end and keys]
        sender = signed[-1] if signed else ()
    addressee = groups.get("addressee") or ""
    recipients = _addressees(addressee, record, _keys(mentions, *m.span("addressee")) if addressee else ())
    tail = [d for d in record.dates if d.span and max(body.start, body.end - SIGNATURE_TAIL) <= d.span.start < body.end]
    date_sent = next((d for d in reversed(tail) if d.value), None)
    return Part(f"{source.key}-message-{number}", "message", body, tuple(sender), tuple(recipients), date_sent)


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
