"""HTTP manners for every response: CORS, gzip, and cache validators tied to the build.

- CORS: every response may be read from any origin (the data is public and nothing uses
  cookies); preflight requests (OPTIONS with Access-Control-Request-Method) get 204 with the
  methods and headers the endpoint accepts, so YASGUI and other browser tools work.
- gzip: bodies of textual formats over 512 bytes are compressed when the client asks.
- `validators()`: a weak ETag naming the build (and what was asked for) plus Last-Modified,
  so a client can revalidate with If-None-Match and get a 304 without the query running.
"""

from __future__ import annotations

import gzip
import hashlib
from email.utils import formatdate

from flask import Flask, Response, request

ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"
ALLOWED_HEADERS = "Accept, Accept-Encoding, Authorization, Content-Type, If-None-Match, If-Modified-Since"
EXPOSED_HEADERS = "ETag, Last-Modified, Content-Length, X-Archivekg-Rows, X-Archivekg-Truncated, X-Archivekg-Row-Limit"
COMPRESSIBLE = ("text/", "application/json", "application/javascript", "application/ld+json", "application/sparql-results",
                "application/n-triples", "application/n-quads", "application/trig", "application/rdf+xml", "application/xml",
                "image/svg+xml")
MIN_GZIP_BYTES = 512


def init_app(app: Flask) -> None:
    app.before_request(preflight)
    app.after_request(cors)
    app.after_request(compress)


def preflight():
    """Answer a CORS preflight before routing (so it never reaches a view)."""
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        response = Response(status=204)
        response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        asked = request.headers.get("Access-Control-Request-Headers")
        response.headers["Access-Control-Allow-Headers"] = asked or ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = "86400"
        return response
    return None


def cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response


def accepts_gzip() -> bool:
    for item in request.headers.get("Accept-Encoding", "").split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            q = params.strip().lower().removeprefix("q=")
            try:
                return not params or float(q) > 0
            except ValueError:
                return False
    return False


def compress(response: Response) -> Response:
    if request.method == "HEAD" or response.status_code != 200 or "Content-Encoding" in response.headers:
        return response
    if not response.mimetype.startswith(COMPRESSIBLE) or response.is_streamed and not response.direct_passthrough:
        return response
    response.vary.add("Accept-Encoding")
    if not accepts_gzip():
        return response
    response.direct_passthrough = False  # static files: read them to compress them
    data = response.get_data()
    if len(data) < MIN_GZIP_BYTES:
        return response
    response.set_data(gzip.compress(data, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    if response.headers.get("ETag", "").startswith('"'):
        response.headers["ETag"] = "W/" + response.headers["ETag"]  # another encoding, another byte sequence
    return response


def etag(build_id: str, *parts: str) -> str:
    """A weak ETag for what a request asks of one build."""
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return f'W/"{build_id}-{digest}"'


def not_modified(tag: str) -> bool:
    """Whether the client already holds `tag` (If-None-Match), so a 304 will do."""
    return request.if_none_match.contains_weak(tag.removeprefix("W/").strip('"'))


def validators(response: Response, tag: str, modified: float | None) -> Response:
    response.headers["ETag"] = tag
    if modified is not None:
        response.headers["Last-Modified"] = formatdate(modified, usegmt=True)
    response.headers["Cache-Control"] = "no-cache"  # may be stored, but revalidated each time
    return response
