"""A document's text as HTML, with its marked spans (mentions, claims, figures, quoted
messages) as elements around the exact characters they cover.

Safety: the text itself is only ever escaped, piece by piece, between span offsets; markup is
made here from fixed tag names and escaped attribute values. Overlapping spans are split so
the HTML stays well nested; an anchor `id` goes on the first piece of each span only.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

TAGS = {"a", "mark", "span"}


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    tag: str  # a | mark | span
    attrs: tuple[tuple[str, str], ...] = ()  # on every piece (class, href, title, ...)
    anchor: str | None = None  # the id, on the first piece only
    rank: int = 9  # lower ranks are the outer elements when spans nest

    def __post_init__(self):
        if self.tag not in TAGS:
            raise ValueError(f"unsupported tag {self.tag!r}")


def open_tag(mark: Mark, first: bool) -> str:
    attrs = list(mark.attrs)
    if first and mark.anchor:
        attrs.insert(0, ("id", mark.anchor))
    rendered = "".join(f' {name}="{escape(value)}"' for name, value in attrs)
    return f"<{mark.tag}{rendered}>"


def marked_text(text: str, marks: list[Mark]) -> Markup:
    """`text` escaped, with every mark as an element around its span."""
    marks = [m for m in marks if 0 <= m.start < m.end <= len(text)]
    bounds = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    opened: list[Mark] = []
    started: set[Mark] = set()
    out: list[str] = []
    for left, right in zip(bounds, bounds[1:]):
        wanted = sorted((m for m in marks if m.start <= left and m.end >= right), key=lambda m: (m.rank, m.start, -m.end, m.anchor or ""))
        keep = 0
        while keep < min(len(opened), len(wanted)) and opened[keep] == wanted[keep]:
            keep += 1
        for mark in reversed(opened[keep:]):
            out.append(f"</{mark.tag}>")
        for mark in wanted[keep:]:
            out.append(open_tag(mark, mark not in started))
            started.add(mark)
        opened = wanted
        out.append(str(escape(text[left:right])))
    out.extend(f"</{mark.tag}>" for mark in reversed(opened))
    return Markup("".join(out))


def snippet(prefix: str, exact: str, suffix: str, href: str | None = None) -> Markup:
    """A mention in its context: '…prefix <mark>exact</mark> suffix…', all escaped."""
    core = f"<mark>{escape(exact)}</mark>"  # escape() rather than Markup.format: same text, a tenth of the time
    if href:
        core = f'<a href="{escape(href)}">{core}</a>'
    return Markup(f"…{escape(prefix)}{core}{escape(suffix)}…")
