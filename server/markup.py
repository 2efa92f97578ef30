"""A document's text as HTML, with its marked spans (mentions, claims, figures, quoted
messages) as elements around the exact characters they cover.

Safety: the text itself is only ever escaped, piece by piece, between span offsets; markup is
made here from fixed tag names and escaped attribute values. Overlapping spans are split so
the HTML stays well nested; an anchor `id` goes on the first piece of each span only.
"""

from __future__ import annotations

import re
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
    """`text` escaped, with every mark as an element around its span.

    One sweep over the span bounds: at each bound the marks starting there join the open
    ones and those ending there leave, so the cost grows with the marks and how deeply they
    nest, never with marks times bounds (a long document has tens of thousands of both)."""
    marks = sorted((m for m in marks if 0 <= m.start < m.end <= len(text)), key=lambda m: m.start)
    bounds = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    order = lambda m: (m.rank, m.start, -m.end, m.anchor or "")  # noqa: E731
    active: list[Mark] = []
    opened: list[Mark] = []
    started: set[Mark] = set()
    out: list[str] = []
    upcoming = 0
    for left, right in zip(bounds, bounds[1:]):
        active = [m for m in active if m.end > left]
        while upcoming < len(marks) and marks[upcoming].start <= left:
            active.append(marks[upcoming])
            upcoming += 1
        wanted = sorted(active, key=order)
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


# markdown a transcription may carry (`**Source:**`, `# Title`, `[text](url)`, `` `code` ``);
# square brackets alone are kept: in archival texts they are the editor's ([STALIN])
MARKDOWN = [(re.compile(r"\[([^\]\n]*)\]\([^)\s]*\)"), r"\1"), (re.compile(r"\]\([^)\s]*\)"), ""), (re.compile(r"(?m)^\s*#{1,6}\s+"), ""),
            (re.compile(r"\*{1,3}|_{2,3}|`+"), ""), (re.compile(r"(?<![\w])_(?=\w)|(?<=\w)_(?![\w])"), "")]
START, END = "\x02", "\x03"  # where the mention is, while the markdown is taken out around it


def plain(text: str) -> str:
    """A piece of a document as a line of plain text: markdown markers dropped, runs of white
    space (line breaks too) as one space."""
    for pattern, replacement in MARKDOWN:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def words_before(prefix: str) -> tuple[str, bool]:
    """The prefix from its first whole word (a prefix is cut at a fixed width, often mid-word),
    and whether something was cut off."""
    if not prefix or prefix[0].isspace():
        return prefix, bool(prefix)
    cut = min((i for i in (prefix.find(" "), prefix.find("\n")) if i >= 0), default=-1)
    return (prefix[cut:], True) if cut >= 0 else (prefix, True)


def words_after(suffix: str) -> tuple[str, bool]:
    if not suffix or suffix[-1].isspace():
        return suffix, bool(suffix)
    cut = max(suffix.rfind(" "), suffix.rfind("\n"))
    return (suffix[:cut], True) if cut > 0 else (suffix, True)


def snippet(prefix: str, exact: str, suffix: str, href: str | None = None) -> Markup:
    """A mention in its context: '…prefix <mark>exact</mark> suffix…', cut at whole words,
    as plain text (no markdown markers, also where one spans the mention), all escaped."""
    before, cut_before = words_before(prefix)
    after, cut_after = words_after(suffix)
    line = plain(f"{before}{START}{exact}{END}{after}".replace(START, f" {START}" if before[-1:].isspace() else START)
                 .replace(END, f"{END} " if after[:1].isspace() else END))
    before, _, rest = line.partition(START)
    exact, _, after = rest.partition(END)
    core = f"<mark>{escape(exact.strip())}</mark>"  # escape() rather than Markup.format: same text, a tenth of the time
    if href:
        core = f'<a href="{escape(href)}">{core}</a>'
    return Markup(f"{'…' if cut_before else ''}{escape(before)}{core}{escape(after)}{'…' if cut_after else ''}")
