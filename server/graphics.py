"""Pictures drawn on the server as inline SVG: a thing's neighbourhood in the graph, and the
documents on a timeline. No script, no external service, no inline style (the CSP forbids
it): shapes carry classes that `static/site.css` colours. Every text is escaped.
"""

from __future__ import annotations

import datetime as dt
import math

from markupsafe import Markup, escape


def short(text: str, length: int = 24) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def node_shape(x: float, y: float, text: str, kind: str, href: str | None, radius: float, tooltip: str, side: int = 0) -> str:
    """A labelled circle; `side` puts the label to the right (1), left (-1) or below (0)."""
    if side:
        lx, ly, anchor = x + side * (radius + 4), y + 4, "start" if side > 0 else "end"
    else:
        lx, ly, anchor = x, y + radius + 13, "middle"
    shape = (
        f'<circle class="node {escape(kind)}" cx="{x:.1f}" cy="{y:.1f}" r="{radius}"/>'
        f'<text class="node-label" x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}">{escape(short(text, 22))}</text>'
    )
    inner = f"<title>{escape(tooltip)}</title>{shape}"
    return f'<a href="{escape(href)}">{inner}</a>' if href else f"<g>{inner}</g>"


def neighbourhood(centre: str, kind: str, neighbours: list[dict], width: int = 480, height: int = 320) -> Markup:
    """The thing in the middle, its neighbours around it, one line per statement."""
    cx, cy = width / 2, height / 2
    rx, ry = width / 2 - 150, height / 2 - 45
    edges, nodes = [], []
    count = max(len(neighbours), 1)
    for i, n in enumerate(neighbours):
        angle = -math.pi / 2 + 2 * math.pi * i / count
        x, y = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        mx, my = cx + (x - cx) * 0.62, cy + (y - cy) * 0.62
        arrow = "→" if n["direction"] == "out" else "←"
        edges.append(
            f'<line class="edge" x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}"/>'
            f'<text class="edge-label" x="{mx:.1f}" y="{my - 3:.1f}" text-anchor="middle">{escape(short(n["predicate"], 18))} {arrow}</text>'
        )
        tooltip = f'{n["text"]} ({n["kind"]}) — {n["predicate"]}'
        side = 0 if abs(x - cx) < 12 else (1 if x > cx else -1)
        nodes.append(node_shape(x, y, n["text"], n["kind"], n["href"], 9, tooltip, side))
    nodes.append(node_shape(cx, cy, centre, kind + " centre", None, 16, centre))
    body = "".join(edges) + "".join(nodes)
    return Markup(
        f'<svg class="graph" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(centre)} and its neighbours in the graph">{body}</svg>'
    )


def parse_date(value: str) -> dt.date | None:
    """'1950-10-02', '1950-10-02T12:15:00', '1950-10' or '1950' -> a date (first day of the period)."""
    parts = value[:10].split("-")
    try:
        numbers = [int(p) for p in parts if p][:3]
        return dt.date(numbers[0], *(numbers[1:] + [1, 1])[:2]) if numbers else None
    except (ValueError, TypeError):
        return None


def ticks(first: dt.date, last: dt.date, wanted: int = 6) -> list[dt.date]:
    span = (last - first).days
    step = max(1, math.ceil(span / wanted))
    return [first + dt.timedelta(days=d) for d in range(0, span + 1, step)]


def timeline(documents: list[dict], width: int = 760) -> Markup | None:
    """Each dated document as a point on a time axis, linked to its page; None if no dates."""
    dated = [(parse_date(d["date"]), d) for d in documents if d.get("date")]
    dated = [(when, d) for when, d in dated if when]
    if not dated:
        return None
    dated.sort(key=lambda item: (item[0], item[1]["title"]))
    first = min(w for w, _ in dated) - dt.timedelta(days=1)
    last = max(w for w, _ in dated) + dt.timedelta(days=1)
    left, right, axis_y = 40, width - 40, 40
    scale = (right - left) / max((last - first).days, 1)
    x_of = lambda when: left + (when - first).days * scale  # noqa: E731
    parts = [f'<line class="axis" x1="{left}" y1="{axis_y}" x2="{right}" y2="{axis_y}"/>']
    for tick in ticks(first, last):
        x = x_of(tick)
        parts.append(f'<line class="tick" x1="{x:.1f}" y1="{axis_y - 4}" x2="{x:.1f}" y2="{axis_y + 4}"/>')
        parts.append(f'<text class="tick-label" x="{x:.1f}" y="{axis_y - 10}" text-anchor="middle">{tick.isoformat()}</text>')
    for row, (when, d) in enumerate(dated):
        x, y = x_of(when), axis_y + 28 + row * 24
        anchor = "start" if x < width * 0.6 else "end"
        label_x = x + 10 if anchor == "start" else x - 10
        parts.append(f'<line class="stem" x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{y:.1f}"/>')
        label = f'{when.isoformat()} · {short(d["title"], 60)}'
        parts.append(
            f'<a href="{escape(d["href"])}"><title>{escape(d["title"])}</title>'
            f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="6"/>'
            f'<text class="point-label" x="{label_x:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}">{escape(label)}</text></a>'
        )
    height = axis_y + 28 + len(dated) * 24
    return Markup(
        f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="the documents on a timeline">{"".join(parts)}</svg>'
    )
