"""The prose of a document, as blocks of lines the claims stage reads sentence by sentence.

A block is a run of prose lines that belong together: a paragraph line, a list item ("1.", "a)",
"(b)") with its list marker and section label ("2. FRIENDLY.") left out, or a line wrapped onto the
next. Header, routing, transmission and other apparatus lines are not prose: where the layout stage
has classed the document's lines (`record.lines`, `record.in_body`), its classes decide; otherwise the
patterns of `claim_lines.jsonl` and the shape of the line do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archivekg.extract.claim_rules import ClaimRules

LIST_MARKER = re.compile(r"^(?:\(?(?:\d{1,2}|[a-z]|[ivx]{1,4}|[IVX]{1,4})[.)]|\(\d{1,2}\)|\([a-z]\))\s+")
SECTION_LABEL = re.compile(r"^(?:[A-Z][A-Z'’-]+(?: [A-Z][A-Z'’-]+){0,2}\.|[A-Z][\w'’-]*(?: [\w'’-]+){0,2}:)\s+(?=\S)")
SENTENCE_END = re.compile(r"[.!?;:][\"”'’)\]]*$")
COLUMNS = re.compile(r"\S {4,}\S")  # a table row or a header laid out in columns
WRAP_WORDS = 8  # a line this long that does not end a sentence runs on into the next


@dataclass(frozen=True)
class Block:
    start: int  # characters of its text, after any list marker and section label
    end: int
    line_start: int  # where its first line starts (list marker included)
    paragraph: int  # the blank-line-separated paragraph it is in
    item: bool  # it opens with a list marker


@dataclass(frozen=True)
class _Line:
    start: int
    end: int  # stripped
    text: str


def prose_blocks(text: str, record, rules: ClaimRules) -> list[Block]:
    lines, paragraph, blocks = [], 0, []
    position = 0
    for raw in text.splitlines(keepends=True):
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        lines.append(_Line(position + lead, position + lead + len(stripped), stripped))
        position += len(raw)
    current: list[_Line] = []
    current_paragraph = 0

    def flush():
        if current:
            blocks.append(_block(current, current_paragraph))
            current.clear()

    for line in lines:
        if not line.text:
            flush()
            paragraph += 1
            continue
        continues = bool(current) and runs_on(current[-1], line) and not LIST_MARKER.match(line.text)
        if not is_prose(line, record, rules, by_shape=not continues):
            flush()
            continue
        opens_item = bool(LIST_MARKER.match(line.text))
        if current and (opens_item or not runs_on(current[-1], line)):
            flush()
        if not current:
            current_paragraph = paragraph
        current.append(line)
    flush()
    return [b for b in blocks if b.end > b.start]


def _block(lines: list[_Line], paragraph: int) -> Block:
    first = lines[0]
    start = first.start
    marker = LIST_MARKER.match(first.text)
    if marker:
        start += marker.end()
        label = SECTION_LABEL.match(first.text[marker.end() :])
        if label:
            start += label.end()
    return Block(start, lines[-1].end, first.start, paragraph, bool(marker))


def runs_on(previous: _Line, line: _Line) -> bool:
    if SENTENCE_END.search(previous.text):
        return False
    return line.text[:1].islower() or len(previous.text.split()) >= WRAP_WORDS


def is_prose(line: _Line, record, rules: ClaimRules, by_shape: bool = True) -> bool:
    in_body = getattr(record, "in_body", None)
    if in_body is not None and getattr(record, "lines", None):
        return bool(in_body(line.start, line.end))
    return not is_apparatus(line.text, rules, by_shape) and any(c.isalpha() for c in line.text)


def is_apparatus(text: str, rules: ClaimRules, by_shape: bool = True) -> bool:
    """A header, routing, transmission or handling line, a title or a table row, by the patterns
    of `claim_lines.jsonl` and by shape: capitals or title case without a full stop, columns."""
    punctuated = bool(SENTENCE_END.search(text))
    for pattern in rules.apparatus_lines:
        if pattern.unpunctuated and punctuated:
            continue
        if pattern.regex.search(text) if pattern.anywhere else pattern.regex.match(text):
            return True
    if not by_shape:
        return False
    if COLUMNS.search(text):
        return True
    words = [w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 3]
    if not punctuated and (text.upper() == text or (words and sum(w[0].isupper() for w in words) >= 0.8 * len(words))):
        return True  # "RECORD OF A CONVERSATION ...", "Significant World Developments Affecting U.S. Security"
    return False
