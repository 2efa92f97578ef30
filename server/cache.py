"""Rendered pages kept for the build they were made from, and their cache validators.

A page is a function of the build the store serves, the path asked for (with its query
string) and the format negotiated, so that triple is the key. The cache is a bounded LRU
(`settings.page_cache_size` entries, and at most `MAX_BYTES` of bodies); when a new build is
swapped in, everything kept is dropped at the next request, since no page of the old build
can be served again. /sparql does not come through here: it has its own validators.

Every page also gets an ETag naming the build (`http.etag`), so a client that holds it is
answered 304 without the page being looked up or made.

Threads: the lock is held only to read or change the table, never while a page is made. When
several requests miss the same page at once (32 clients asking for a popular page right after
a restart), one makes it and the others wait for it instead of making it again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from flask import Response, current_app, request

from archivekg.server import http
from archivekg.server.memory import BuildMemory
from archivekg.server.storage import get_storage

MAX_BYTES = 64 * 1024 * 1024  # bodies kept, in all (a page of a very large thing is still kept)
MAX_PAGE_BYTES = 4 * 1024 * 1024  # a page larger than this is made each time, never kept
WAIT_SECONDS = 30.0  # how long a request waits for another one making the same page


@dataclass(frozen=True)
class Stored:
    """A response as it left the renderer: its status, headers and body."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @classmethod
    def of(cls, response: Response) -> "Stored":
        return cls(response.status_code, tuple(response.headers.items()), response.get_data())

    def response(self) -> Response:
        """A new Response each time (the after-request handlers change the one they get)."""
        return Response(self.body, self.status, headers=list(self.headers))


class PageCache(BuildMemory):
    """Pages by (build, path, format), at most `size` of them (see `memory.BuildMemory`)."""

    def __init__(self, size: int):
        super().__init__(max_entries=size, max_bytes=MAX_BYTES, max_entry_bytes=MAX_PAGE_BYTES)
        self._making: dict[tuple, threading.Event] = {}
        self.misses = 0

    def get_or_make(self, key: tuple, make: Callable[[], Response]) -> Response:
        """The kept page, or `make()` it (once, however many requests ask at the same time)
        and keep it if it is a 200."""
        stored = self.get(key[0], key)
        if stored is not None:
            return stored.response()
        with self._lock:
            waiting = self._making.get(key)
            if waiting is None:
                self._making[key] = threading.Event()
                self.misses += 1
        if waiting is not None:
            waiting.wait(WAIT_SECONDS)
            stored = self.get(key[0], key)
            return stored.response() if stored is not None else make()
        try:
            response = make()
            if response.status_code == 200 and not response.is_streamed:
                stored = Stored.of(response)
                self.put(key[0], key, stored, len(stored.body))
            return response
        finally:
            with self._lock:
                self._making.pop(key).set()


def page_cache() -> PageCache:
    """The app's page cache (made on first use, sized by `settings.page_cache_size`)."""
    extensions = current_app.extensions
    if "archivekg.page_cache" not in extensions:
        extensions.setdefault("archivekg.page_cache", PageCache(current_app.config["SETTINGS"].page_cache_size))
    return extensions["archivekg.page_cache"]


def current_build() -> str:
    """The build the store serves now (an embedded store reopens first if a new build has been
    swapped in; a remote endpoint's `build_id` follows its content by itself)."""
    return get_storage().build_id


def cached_page(media_type: str | None, make: Callable[[], Response]) -> Response:
    """The page at this path in the negotiated format (`media_type`, None when nothing fits):
    304 when the client holds it, else kept or made; with its ETag either way."""
    from archivekg.server.sparql import built_at  # the build's time, as /sparql gives it

    build = current_build()
    tag = http.etag(build, "page", request.full_path, media_type or "")
    if media_type is not None and request.method in ("GET", "HEAD") and http.not_modified(tag):
        return http.validators(Response(status=304), tag, built_at(get_storage()))
    response = page_cache().get_or_make((build, request.full_path, media_type), make)
    if response.status_code == 200:
        http.validators(response, tag, built_at(get_storage()))
    return response
