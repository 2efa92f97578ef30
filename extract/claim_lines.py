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
COLUMNS = re.compile(r"\S {8,}\S|\S {4,}\S.*\S {4,}\S")  # a table row or a header laid out in columns
WRAP_WORDS = 8  # a line this long that does not end a sentence runs on into the next
TURN = re.compile(r"([A-Z][\w'’.-]+(?: [A-Z][\w'’-]+){0,3})\s*[.:]\s+(?=\S)")  # "Stalin. ...", "KIM IL SUNG: ..."
BRACKETS = re.compile(r"\[[^\[\]]{12,}\]")  # an editor's note or gloss
_LAST_WORD = re.compile(r"(\w+)\.$")


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
        continues = bool(current) and wraps(current[-1], line) and not LIST_MARKER.match(line.text)
        if not is_prose(line, record, rules, by_shape=not continues):
            flush()
            continue
        opens_item = bool(LIST_MARKER.match(line.text))
        if current and (opens_item or not wraps(current[-1], line)):
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


def wraps(previous: _Line, line: _Line) -> bool:
    """The previous line runs on into this one: prose wrapped across lines."""
    if SENTENCE_END.search(previous.text):
        return False
    return line.text[:1].islower() or len(previous.text.split()) >= WRAP_WORDS


def is_prose(line: _Line, record, rules: ClaimRules, by_shape: bool = True) -> bool:
    in_body = getattr(record, "in_body", None)
    if in_body is not None and getattr(record, "lines", None):
        return bool(in_body(line.start, line.end))
    return not is_apparatus(line.text, rules, by_shape) and any(c.isalpha() for c in line.text)


def is_apparatus(text: str, rules: ClaimRules, by_shape: bool = True, sentence: bool = False) -> bool:
    """A header, routing, transmission or handling line, a title or a table row, by the patterns
    of `claim_lines.jsonl` and by shape: capitals or title case without a full stop, columns. A
    `sentence` is judged by the patterns that do not need a whole line ("Sent Dept 2180, ...")."""
    punctuated = bool(SENTENCE_END.search(text))
    for pattern in rules.apparatus_lines:
        if pattern.unpunctuated and (punctuated or sentence):
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


def sentence_spans(text: str, sentences: list[tuple[int, int]], start: int, end: int, abbreviations: frozenset[str]) -> list[tuple[int, int]]:
    """The parser's sentences within a block, clipped to it; one that does not end like a
    sentence ("... [Document #12]", "Go to Cde.") runs on into the next."""
    found: list[tuple[int, int]] = []
    for a, b in sentences:
        a, b = max(a, start), min(b, end)
        if b <= a:
            continue
        if found and not ends_sentence(text[found[-1][0] : found[-1][1]].rstrip(), abbreviations):
            found[-1] = (found[-1][0], b)
        else:
            found.append((a, b))
    return found


def ends_sentence(sentence: str, abbreviations: frozenset[str]) -> bool:
    if not SENTENCE_END.search(sentence):
        return False
    last = _LAST_WORD.search(sentence)
    return not (last and (last.group(1).lower() in abbreviations or (len(last.group(1)) == 1 and last.group(1).isupper())))


def answered_no(text: str, sentences: list[tuple[int, int]], end: int, block_end: int, negative_answers: frozenset[str]) -> bool:
    """A question ending at `end` answered "no" by the next sentence of its block ("...? Clearly not.")."""
    following = next(((a, b) for a, b in sentences if a >= end and a < block_end), None)
    if following is None or text[end - 1 : end] != "?" or "\n\n" in text[end : following[0]]:
        return False
    words = re.sub(r"[^\w\s]", "", text[following[0] : following[1]]).strip().lower()
    return words in negative_answers


def turn_label(text: str, block: Block) -> tuple[int, int] | None:
    """A line opening "Name." or "NAME:": where the name ends and where the words start."""
    if block.item:
        return None
    match = TURN.match(text, block.start, block.end)
    return (match.end(1), match.end()) if match else None


def bracketed(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in BRACKETS.finditer(text)]
