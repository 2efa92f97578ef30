"""Figures in tables laid out with spaces: a header line names the columns, and a number under a
column named for a counted item ("Personnel", "Aircraft", "Tanks"; "Strength" counts men,
`column_items` in `figure_words.json`) is a figure of that item.

    Base        Personnel     Aircraft     Assigned to
    Dairen         350           70        Soviets
    Mukden         550          120        Soviets and Chinese Commu-
                                           nists

A cell is text between runs of two or more spaces (or tabs); a cell belongs to the header
column it lies under. A line with nothing in the first column continues the row above (a
hyphen at a line's end joins the word). The quote runs from the row's first cell to the
number; the holder is what the row says under a column such as "Assigned to" or "Nationality"
(`holder_columns` in `figure_words.json`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from archivekg.extract.figure_numbers import squash
from archivekg.extract.figure_rules import FigureRules
from archivekg.extract.model import DocumentRecord, Figure, SourceText, TextSpan

_CELL = re.compile(r"\S+(?: \S+)*")
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
MIN_COLUMNS = 3


@dataclass(frozen=True)
class Cell:
    start: int  # offset in the document
    end: int
    text: str


def _cells(text: str, start: int, end: int) -> list[Cell]:
    line = text[start:end]
    return [Cell(start + m.start(), start + m.end(), m.group()) for m in _CELL.finditer(line)]


def _lines(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in re.finditer(r"\n", text):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(text)))
    return out


def table_figures(source: SourceText, record: DocumentRecord, rules: FigureRules) -> Iterator[tuple[Figure, tuple[str, ...]]]:
    text, lines = source.text, _lines(source.text)
    holder_names = {squash(w) for w in rules.words["holder_columns"]}
    for i, (start, end) in enumerate(lines):
        header = _cells(text, start, end)
        if len(header) < MIN_COLUMNS or any(c.isdigit() for c in text[start:end]):
            continue
        columns = {**{k: v.item for k, v in rules.items.items()}, **rules.words["column_items"]}
        items = {j: columns[squash(c.text)] for j, c in enumerate(header) if squash(c.text) in columns}
        if not items:
            continue
        holder_column = next((j for j, c in enumerate(header) if squash(c.text) in holder_names), None)
        yield from _rows(source, record, lines[i + 1 :], header, line_start=start, items=items, holder_column=holder_column)


def _column(cell: Cell, header: list[Cell], header_start: int, line_start: int) -> int:
    """The header column a cell lies under: the one it overlaps most, else the nearest."""
    a, b = cell.start - line_start, cell.end - line_start

    def distance(j: int) -> tuple[int, int]:
        h = header[j]
        ha, hb = h.start - header_start, h.end - header_start
        overlap = min(b, hb) - max(a, ha)
        return (-overlap, 0) if overlap > 0 else (1, min(abs(a - hb), abs(ha - b)))

    return min(range(len(header)), key=distance)


def _rows(source, record, lines, header, line_start, items, holder_column) -> Iterator[tuple[Figure, tuple[str, ...]]]:
    text = source.text
    rows: list[dict[int, list[Cell]]] = []
    blank_seen = False
    for start, end in lines:
        cells = _cells(text, start, end)
        if not cells:
            if rows or blank_seen:
                break
            blank_seen = True
            continue
        columns: dict[int, list[Cell]] = {}
        for cell in cells:
            columns.setdefault(_column(cell, header, line_start, start), []).append(cell)
        if 0 in columns:
            rows.append(columns)
        elif rows and all(j not in items for j in columns):
            for j, more in columns.items():
                rows[-1].setdefault(j, []).extend(more)
        else:
            break
    for columns in rows:
        first = columns[0][0]
        holder = _joined(columns.get(holder_column, [])) if holder_column is not None else ""
        holders = tuple(h for h in re.split(r"\s*(?:,|&|\band\b)\s*", holder) if h)
        for j, item in items.items():
            for cell in columns.get(j, []):
                if not _NUMBER.fullmatch(cell.text):
                    continue
                value = int(cell.text.replace(",", ""))
                span = TextSpan(source.key, first.start, cell.end, text[first.start : cell.end])
                yield Figure(key=f"{source.key}-{cell.start}", span=span, stated_in=record.key_at(cell.start), item=item, count=value), holders


def _joined(cells: list[Cell]) -> str:
    out = ""
    for cell in cells:
        out = out[:-1] + cell.text if out.endswith("-") else (out + " " + cell.text).strip()
    return out
