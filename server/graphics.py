"""Pictures drawn on the server as inline SVG: a thing's neighbourhood in the graph, and the
documents over time as counts. No script, no external service, no inline style (the CSP
forbids it): shapes carry classes that `static/site.css` colours. Every text is escaped.

Both are drawn at the size they are shown (one SVG unit is one CSS pixel, text 12-15 px)
and laid out so that no two labels can overlap: the neighbourhood puts each neighbour on a
row of its own, its name outside and the statement's name on its own stretch of line; the
timeline has one bar per day, month, year or decade, whatever the number of documents.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math

from markupsafe import Markup, escape

CHAR = {12: 7.2, 13: 7.8, 14: 8.4, 15: 9.0}  # generous mean glyph widths (px) of a sans-serif at each size (0.6 em)


def short(text: str, length: int = 24) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def fits(text: str, size: int, room: float) -> str:
    """`text`, cut (with …) so that it takes at most `room` pixels at `size` px."""
    return short(text, max(4, int(room / CHAR[size])))


# ---- the neighbourhood --------------------------------------------------------------------
WIDTH = 1100
ROW = 36  # vertical room per neighbour
NODE_X = 230  # distance of each column of neighbours from its edge of the picture
LABEL_ROOM = 140  # room for a statement's name on its stretch of line
CURVE = 36  # horizontal run of the curve from a stretch of line into the centre box


def neighbourhood(centre: str, kind: str, neighbours: list[dict], width: int = WIDTH) -> Markup:
    """The thing in the middle, its neighbours in two columns either side, one line per
    statement: straight where it carries the statement's name, curving into the centre."""
    half = (len(neighbours) + 1) // 2
    right, left = neighbours[:half], neighbours[half:]
    rows = max(len(left), len(right), 1)
    height = rows * ROW + 36
    cy = height / 2
    box_left, box_right = NODE_X + 16 + LABEL_ROOM + CURVE, width - NODE_X - 16 - LABEL_ROOM - CURVE
    parts = []
    for side, column in ((1, right), (-1, left)):
        top = cy - (len(column) - 1) * ROW / 2
        for i, n in enumerate(column):
            parts.append(neighbour_row(n, side, top + i * ROW, cy, width, box_left, box_right))
    box = box_right - box_left
    parts.append(
        f'<g class="centre"><title>{escape(centre)}</title>'
        f'<rect class="node centre {escape(kind)}" x="{box_left:.1f}" y="{cy - 17:.1f}" width="{box:.1f}" height="34" rx="17"/>'
        f'<text class="centre-label" x="{width / 2:.1f}" y="{cy + 5:.1f}" text-anchor="middle">{escape(fits(centre, 15, box - 24))}</text></g>'
    )
    return Markup(
        f'<svg class="graph" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:.0f}" viewBox="0 0 {width} {height:.0f}" '
        f'role="img" aria-label="{escape(centre)} and its neighbours in the graph">{"".join(parts)}</svg>'
    )


def neighbour_row(n: dict, side: int, y: float, cy: float, width: int, box_left: float, box_right: float) -> str:
    """One neighbour: its circle and name, and the line (with the statement's name) to the centre."""
    x = width - NODE_X if side > 0 else NODE_X
    inner = x - side * 16  # where the straight stretch starts, beside the circle
    bend = inner - side * LABEL_ROOM  # where it starts to curve into the centre box
    end = box_right if side > 0 else box_left
    middle = (bend + end) / 2
    line = f'<path class="edge" d="M{x:.1f},{y:.1f} L{bend:.1f},{y:.1f} C{middle:.1f},{y:.1f} {middle:.1f},{cy:.1f} {end:.1f},{cy:.1f}"/>'
    points_right = (n["direction"] == "out") == (side > 0)  # the arrow points from subject to object
    predicate = fits(n["predicate"], 12, LABEL_ROOM - 18)
    arrow_text = f"{predicate} →" if points_right else f"← {predicate}"
    label_x, anchor = (inner, "end") if side > 0 else (inner, "start")
    edge_label = f'<text class="edge-label" x="{label_x:.1f}" y="{y - 6:.1f}" text-anchor="{anchor}">{escape(arrow_text)}</text>'
    name_x, name_anchor = (x + 14, "start") if side > 0 else (x - 14, "end")
    name = fits(n["text"], 13, NODE_X - 24)
    shape = (
        f'<circle class="node {escape(n["kind"])}" cx="{x:.1f}" cy="{y:.1f}" r="9"/>'
        f'<text class="node-label" x="{name_x:.1f}" y="{y + 5:.1f}" text-anchor="{name_anchor}">{escape(name)}</text>'
    )
    tooltip = f'<title>{escape(n["text"])} ({escape(n["kind"])}), {escape(n["predicate"])}</title>'
    node = f'<a href="{escape(n["href"])}">{tooltip}{shape}</a>' if n.get("href") else f"<g>{tooltip}{shape}</g>"
    return line + edge_label + node


# ---- documents over time --------------------------------------------------------------------
def parse_date(value: str) -> dt.date | None:
    """'1950-10-02', '1950-10-02T12:15:00', '1950-10' or '1950' -> a date (first day of the period)."""
    parts = value[:10].split("-")
    try:
        numbers = [int(p) for p in parts if p][:3]
        return dt.date(numbers[0], *(numbers[1:] + [1, 1])[:2]) if numbers else None
    except (ValueError, TypeError):
        return None


def buckets(first: dt.date, last: dt.date) -> tuple[str, list[tuple[str, str, str]]]:
    """('day' | 'month' | 'year' | 'decade', every period from first to last as (label, first
    and last ISO prefix)): at most about 120 bars, whatever the span."""
    days = (last - first).days
    if days <= 62:
        return "day", [((first + dt.timedelta(days=d)).isoformat(),) * 3 for d in range(days + 1)]
    if days <= 6 * 366:
        months, (y, m) = [], (first.year, first.month)
        while (y, m) <= (last.year, last.month):
            months.append((f"{y:04}-{m:02}",) * 3)
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return "month", months
    if last.year - first.year < 120:
        return "year", [(f"{y:04}",) * 3 for y in range(first.year, last.year + 1)]
    return "decade", [(f"{y:04}s", f"{y:04}", f"{y + 9:04}") for y in range(first.year // 10 * 10, last.year + 1, 10)]


def timeline(counts: list[tuple[str, int]], link, width: int = 760, height: int = 150) -> Markup | None:
    """How many documents each day (or month, year, decade) has, as bars, each linked to the
    list of its documents (`link(first, last)` gives the path for a period); None if no
    document is dated."""
    dated = [(parse_date(day), n) for day, n in counts]
    dated = [(when, n) for when, n in dated if when]
    if not dated:
        return None
    unit, periods = buckets(min(w for w, _ in dated), max(w for w, _ in dated))
    totals = dict.fromkeys((p[1] for p in periods), 0)
    starts = sorted(totals)
    for when, n in dated:
        key = when.isoformat()[: len(starts[0])]
        totals[starts[bisect.bisect_right(starts, key) - 1]] += n
    left, right, top, axis_y = 40, width - 20, 18, height - 30
    slot = (right - left) / len(periods)
    bar = max(min(slot * 0.8, 40), 1)
    highest = max(totals.values())
    parts = [f'<line class="axis" x1="{left}" y1="{axis_y}" x2="{right}" y2="{axis_y}"/>']
    every = max(1, math.ceil(len(periods) / 8))  # at most about 8 period labels
    for i, (label, start, end) in enumerate(periods):
        n = totals[start]
        x = left + i * slot + (slot - bar) / 2
        if i % every == 0:
            parts.append(f'<text class="tick-label" x="{x + bar / 2:.1f}" y="{axis_y + 16}" text-anchor="middle">{label}</text>')
        if not n:
            continue
        h = max((axis_y - top) * n / highest, 2)
        title = f"{label}: {n} document{'' if n == 1 else 's'}"
        count = f'<text class="bar-count" x="{x + bar / 2:.1f}" y="{axis_y - h - 4:.1f}" text-anchor="middle">{n}</text>' if bar >= 14 else ""
        parts.append(f'<a href="{escape(link(start, end))}"><title>{escape(title)}</title>'
                     f'<rect class="bar" x="{x:.1f}" y="{axis_y - h:.1f}" width="{bar:.1f}" height="{h:.1f}"/>{count}</a>')
    return Markup(
        f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" data-unit="{unit}" aria-label="documents by {unit}">{"".join(parts)}</svg>'
    )
