"""HTTP manners for every response: CORS, gzip, and cache validators tied to the build.

- CORS: every response may be read from any origin (the data is public and nothing uses
  cookies); preflight requests (OPTIONS with Access-Control-Request-Method) get 204 with the
  methods and headers the endpoint accepts, so YASGUI and other browser tools work.
- gzip: bodies of textual formats over 512 bytes are compressed when the client asks.
- `etag()`/`not_modified()`: a weak ETag naming the build (and what was asked for) plus
  Last-Modified, so a client can revalidate with If-None-Match and get a 304 without the
  query running.

The rules are plain functions of header values (`finish()` applies CORS and gzip to a
status, headers and body), used both by the Flask app (`init_app`) and by the front's own
/sparql path, so both give the same headers.
"""

from __future__ import annotations

import gzip
import hashlib
from email.utils import formatdate

from flask import Flask, Response, request

ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"
ALLOWED_HEADERS = "Accept, Accept-Encoding, Authorization, Content-Type, If-None-Match, If-Modified-Since"
EXPOSED_HEADERS = ("ETag, Last-Modified, Content-Length, X-Archivekg-Rows, X-Archivekg-Truncated, X-Archivekg-Row-Limit, "
                   "X-Archivekg-Byte-Limit, X-Archivekg-Replaced-Characters")
CORS = (("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", EXPOSED_HEADERS))
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
    for name, value in CORS:
        response.headers[name] = value
    return response


def accepts_gzip(header: str | None) -> bool:
    for item in (header or "").split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            q = params.strip().lower().removeprefix("q=")
            try:
                return not params or float(q) > 0
            except ValueError:
                return False
    return False


def compressible(status: int, content_type: str) -> bool:
    return status == 200 and content_type.startswith(COMPRESSIBLE)


def gzipped(body: bytes) -> bytes | None:
    """The gzip form of a body worth compressing, else None."""
    return gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= MIN_GZIP_BYTES else None


def weaken(tag: str) -> str:
    return tag if tag.startswith("W/") or not tag.startswith('"') else "W/" + tag  # another encoding, another byte sequence


def compress(response: Response) -> Response:
    if request.method == "HEAD" or "Content-Encoding" in response.headers or not compressible(response.status_code, response.mimetype):
        return response
    if response.is_streamed and not response.direct_passthrough:
        return response
    response.vary.add("Accept-Encoding")
    if not accepts_gzip(request.headers.get("Accept-Encoding")):
        return response
    response.direct_passthrough = False  # static files: read them to compress them
    packed = gzipped(response.get_data())
    if packed is None:
        return response
    response.set_data(packed)
    response.headers["Content-Encoding"] = "gzip"
    if "ETag" in response.headers:
        response.headers["ETag"] = weaken(response.headers["ETag"])
    return response


def finish(method: str, accept_encoding: str | None, status: int, headers: list[tuple[str, str]], body: bytes) -> tuple[list[tuple[str, str]], bytes]:
    """CORS and gzip for an answer made outside Flask (the front's /sparql): the same rules."""
    headers = headers + list(CORS)
    content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
    if method != "HEAD" and compressible(status, content_type):
        headers = [(k, v + ", Accept-Encoding" if k == "Vary" else v) for k, v in headers]
        if not any(k == "Vary" for k, _ in headers):
            headers.append(("Vary", "Accept-Encoding"))
        packed = gzipped(body) if accepts_gzip(accept_encoding) else None
        if packed is not None:
            body = packed
            headers = [(k, weaken(v) if k == "ETag" else v) for k, v in headers] + [("Content-Encoding", "gzip")]
    return headers, body


def etag(build_id: str, *parts: str) -> str:
    """A weak ETag for what a request asks of one build."""
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return f'W/"{build_id}-{digest}"'


def holds(if_none_match: str | None, tag: str) -> bool:
    """Whether an If-None-Match header names `tag` (weak comparison, as for GET)."""
    if not if_none_match:
        return False
    wanted = tag.removeprefix("W/")
    return any(item.strip() == "*" or item.strip().removeprefix("W/") == wanted for item in if_none_match.split(","))


def not_modified(tag: str) -> bool:
    """Whether the client already holds `tag` (If-None-Match), so a 304 will do."""
    return holds(request.headers.get("If-None-Match"), tag)


def validator_headers(tag: str, modified: float | None) -> list[tuple[str, str]]:
    headers = [("ETag", tag)]
    if modified is not None:
        headers.append(("Last-Modified", formatdate(modified, usegmt=True)))
    headers.append(("Cache-Control", "no-cache"))  # may be stored, but revalidated each time
    return headers


def validators(response: Response, tag: str, modified: float | None) -> Response:
    for name, value in validator_headers(tag, modified):
        response.headers[name] = value
    return response
