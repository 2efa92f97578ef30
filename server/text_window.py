"""How a long document's text is cut into pages, so that one page never renders more than
about `PAGE_CHARS` characters however long the document is (up to the 1 MB a build takes).

Page `n` (1, 2, ...) is the one that holds every span *starting* in characters
`[(n-1)·PAGE_CHARS, n·PAGE_CHARS)`; a link to a place in a document names its page from the
place's start offset alone (`page_of`), without reading the text. What a page shows is that
range widened to whole lines (or at least whole words): from the start of the line that
holds its first character to the end of the line that holds its last. So the line cut by a
boundary is shown on both pages, and nothing is ever shown cut in half.
"""

from __future__ import annotations

PAGE_CHARS = 20_000
LINE_SEARCH = 2_000  # how far to look for a line break before settling for a space
WORD_SEARCH = 200  # how far to look for a space before cutting where we are


def page_count(length: int) -> int:
    return max(1, -(-length // PAGE_CHARS))


def page_of(start: int) -> int:
    """The page that shows a span starting at character `start`."""
    return start // PAGE_CHARS + 1


def line_start(text: str, at: int) -> int:
    """Where the line (else the word) holding character `at` starts."""
    if at <= 0:
        return 0
    for mark, reach in (("\n", LINE_SEARCH), (" ", WORD_SEARCH)):
        found = text.rfind(mark, max(0, at - reach), at)
        if found >= 0:
            return found + 1
    return at


def line_end(text: str, at: int) -> int:
    """Where the line (else the word) holding character `at - 1` ends."""
    if at >= len(text):
        return len(text)
    for mark, reach in (("\n", LINE_SEARCH), (" ", WORD_SEARCH)):
        found = text.find(mark, at, at + reach)
        if found >= 0:
            return found
    return at


def window(text: str, page: int) -> tuple[int, int]:
    """(first, end) character offsets the page shows; `page` must be within page_count."""
    first, last = (page - 1) * PAGE_CHARS, min(page * PAGE_CHARS, len(text))
    return line_start(text, first), line_end(text, last)
