"""A time limit on making one page (the pages' own queries run in-process, where pyoxigraph
cannot be interrupted, so the page code checks the clock between its steps instead).

`start(seconds)` when a page begins; `check()` between queries and inside long loops raises
`PageTimeout` once the time is up, and the app answers 503 with a message (pages.py). With
the text of long documents cut into pages (`text_window.py`) and every list cut at `SHOWN`
items, a page is far inside the limit; the limit is what holds if that ever fails.
"""

from __future__ import annotations

import time

from flask import g, has_app_context


class PageTimeout(Exception):
    """Making this page took longer than the time limit; the message says what to do."""

    def __init__(self, seconds: float):
        super().__init__(seconds)
        self.seconds = seconds


def start(seconds: float) -> None:
    g.archivekg_deadline = (time.monotonic() + seconds, seconds)


def check() -> None:
    if not has_app_context():
        return
    deadline = g.get("archivekg_deadline")
    if deadline is not None and time.monotonic() > deadline[0]:
        raise PageTimeout(deadline[1])


def within(seconds: float, make):
    """`make()` under a time limit of `seconds`."""
    start(seconds)
    try:
        return make()
    finally:
        g.pop("archivekg_deadline", None)
