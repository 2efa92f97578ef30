"""Cache validators for pages: an ETag naming the build, Last-Modified, and 304.

A page is a function of the build the store serves, the path asked for (with its query
string) and the format negotiated, so its ETag names those three (`http.etag`). A client that
holds it is answered 304 without the page being made. The pages themselves are remembered in
one place only, the front's memory of answers (`front.py`), which keeps every answer whose
ETag names the build served, pages and query results alike, and makes a page once however
many clients miss it at the same time. /sparql has its own validators (`planning.py`).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, request

from archivekg.server import http
from archivekg.server.storage import get_storage


def cached_page(media_type: str | None, make: Callable[[], Response]) -> Response:
    """The page at this path in the negotiated format (`media_type`, None when nothing fits):
    304 when the client holds it, else made; with its validators either way."""
    storage = get_storage()
    tag = http.etag(storage.build_id, "page", request.full_path, media_type or "")
    if media_type is not None and request.method in ("GET", "HEAD") and http.not_modified(tag):
        return http.validators(Response(status=304), tag, storage.built_at)
    response = make()
    if response.status_code == 200:
        http.validators(response, tag, storage.built_at)
    return response
