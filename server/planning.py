"""The SPARQL 1.1 Protocol's rules, once: from a request to a planned job, and from the job's
outcome to the answer. Both ways a query arrives use them: the front's own /sparql path
(`front.py`, on the event loop) and the Flask view (`sparql.py`), so the two cannot differ.

    plan(request)   parameters and body -> size caps -> formats (406 before anything runs)
                    -> dataset parameters -> ETag (304 before anything runs) -> a `Plan`
    reply(plan, outcome)   the status, headers and body of the answer

Nothing here reads the query text beyond its length: its form, its dataset clauses and its
SERVICE calls are read in the worker, under the query's own time limit (`execution.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
import codecs
from urllib.parse import unquote_to_bytes

import pyoxigraph as ox

from archivekg.server import http
from archivekg.server.execution import Job, Outcome
from archivekg.server.negotiate import GRAPH_FORMATS, QUERY_RESULT_FORMATS, content_type, essence, family, negotiate
from archivekg.server.query_worker import LongLaneFull, QueryTimeout, WorkerFailed, WorkersBusy

SLACK_BYTES = 16_384  # room for the other parameters beside the query text
EXPLICIT = ("format", "output", "results")  # what Fuseki, Virtuoso and SPARQLWrapper send
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "")
TEXT_TYPES = ("application/sparql-query", "application/sparql-update")


CONTENT_TYPES = {essence(f): content_type(f) for f in QUERY_RESULT_FORMATS + GRAPH_FORMATS}


class Refusal(Exception):
    """A request the endpoint will not run: an HTTP status and a message that says what to do."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


@dataclass
class Request:
    """What the protocol reads of an HTTP request. `params` are the query string's (GET) or the
    query string's and form's (POST); `body` is a direct POST body's text."""

    method: str
    params: dict[str, list[str]]
    content_type: str = ""  # the media type, lower case, without parameters
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names

    @classmethod
    def from_wire(cls, method: str, query_string: bytes, headers: dict[str, str], body: bytes, limit: int) -> "Request":
        """From raw HTTP parts (the front): the same reading Flask gives."""
        if len(query_string) > 3 * limit + SLACK_BYTES:  # percent-encoding triples a byte at most
            raise Refusal(413, f"the request is too large: queries are limited to {limit} bytes")
        params = parse_form(query_string)
        media, _, options = headers.get("content-type", "").partition(";")
        media = media.strip().lower()
        text = None
        if method == "POST":
            if media in TEXT_TYPES:
                charset = next((v.strip().strip('"') for k, _, v in (o.partition("=") for o in options.split(";")) if k.strip().lower() == "charset"), "utf-8")
                try:
                    text = body.decode(charset)
                except (UnicodeDecodeError, LookupError):
                    raise Refusal(400, "the request body is not UTF-8 text") from None
            elif media == "application/x-www-form-urlencoded":
                for name, values in parse_form(body).items():
                    params.setdefault(name, []).extend(values)
        return cls(method, params, media, text, headers)

    def first(self, name: str) -> str | None:
        values = self.params.get(name)
        return values[0] if values else None


def parse_form(data: bytes) -> dict[str, list[str]]:
    """`a=1&b=x+y` -> {"a": ["1"], "b": ["x y"]}, as `urllib.parse.parse_qs` reads it (blank values
    kept, UTF-8 with replacement), with the percent-decoding done by the codec in C."""
    params: dict[str, list[str]] = {}
    for part in data.split(b"&"):
        if not part:
            continue
        name, _, value = part.partition(b"=")
        params.setdefault(unquote(name), []).append(unquote(value))
    return params


def unquote(data: bytes) -> str:
    data = data.replace(b"+", b" ")
    if b"%" not in data:
        return data.decode("utf-8", "replace")
    try:  # %XX -> \xXX, decoded by the C escape codec (a backslash of the text is kept as it is)
        return codecs.escape_decode(data.replace(b"\\", b"\\\\").replace(b"%", b"\\x"))[0].decode("utf-8", "replace")
    except ValueError:  # a % not followed by two hex digits: the slow, lenient way
        return unquote_to_bytes(data).decode("utf-8", "replace")


@dataclass
class Plan:
    kind: str  # "query", "update" or "describe" (no query: the editor or the service description)
    text: str = ""
    job: Job | None = None
    tag: str | None = None  # the ETag of a GET or HEAD answer


def plan(request: Request, storage, settings) -> Plan | tuple[int, list, bytes]:
    """What to do with a request, or a finished answer (a 304); raises `Refusal`."""
    limit = settings.max_query_bytes
    kind, text = read_operation(request)
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limit:
        raise Refusal(413, f"the query is {size} bytes; this endpoint accepts at most {limit}")
    if kind != "query":
        return Plan(kind, text)
    explicit = next((request.first(name) for name in EXPLICIT if request.first(name)), None)
    results_format, graph_format = formats(request.headers.get("accept"), explicit)
    if results_format is None and graph_format is None:
        raise not_acceptable(QUERY_RESULT_FORMATS + GRAPH_FORMATS)
    options = {
        "results_format": media(results_format),
        "graph_format": media(graph_format),
        "default_graphs": graphs(request, "default-graph-uri"),
        "named_graphs": graphs(request, "named-graph-uri"),
    }
    if options["default_graphs"] is not None or options["named_graphs"] is not None:
        options["default_graphs"] = options["default_graphs"] or ()
        options["named_graphs"] = options["named_graphs"] or ()
    build = storage.build_id  # asked first: a store swapped in since is reopened, and the job is for it
    job = storage.job(text, **options)
    tag = None
    if request.method in ("GET", "HEAD"):
        tag = http.etag(build, text, options["results_format"] or "", options["graph_format"] or "",
                        repr(options["default_graphs"]), repr(options["named_graphs"]), str(settings.max_rows), str(settings.max_answer_bytes))
        if http.holds(request.headers.get("if-none-match"), tag):
            return 304, http.validator_headers(tag, storage.built_at), b""
    return Plan("query", text, job, tag)


@lru_cache(maxsize=512)
def formats(accept: str | None, explicit: str | None) -> tuple:
    """(results format, graph format) for an Accept header and `format=` value (few distinct
    ones come, so each is negotiated once)."""
    return negotiate(accept, QUERY_RESULT_FORMATS, explicit), negotiate(accept, GRAPH_FORMATS, explicit)


def read_operation(request: Request) -> tuple[str, str]:
    """('query' | 'update' | 'describe', text) from any of the protocol's request forms."""
    if request.method == "POST":
        if request.body is not None:
            return ("query" if request.content_type.endswith("query") else "update"), request.body
        if request.content_type not in FORM_TYPES:
            raise Refusal(415, f"{request.content_type} is not a SPARQL request body: send application/sparql-query, "
                               "application/sparql-update, or a form with `query` or `update`")
    queries, updates = request.params.get("query", []), request.params.get("update", [])
    if len(queries) + len(updates) > 1:
        raise Refusal(400, "give exactly one `query` or `update` parameter")
    if updates:
        return "update", updates[0]
    if queries:
        if not queries[0].strip():
            raise Refusal(400, "the `query` parameter is empty: give a SPARQL query")
        return "query", queries[0]
    if request.method == "POST":
        raise Refusal(400, "no query: give a SPARQL query in the `query` form field or as an application/sparql-query body")
    return "describe", ""


def graphs(request: Request, name: str) -> tuple[str, ...] | None:
    values = request.params.get(name)
    if not values:
        return None
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError:
            raise Refusal(400, f"{name}={value!r} is not an IRI") from None
    return tuple(values)


def media(fmt) -> str | None:
    return None if fmt is None else essence(fmt)


def not_acceptable(offered, message: str = "") -> Refusal:
    names = ", ".join(f.media_type for f in offered)
    return Refusal(406, (message or "none of the formats in the Accept header (or `format=`) is available")
                   + (f"; this query can be answered as: {names}" if names else ""))


def failure(err: Exception, settings) -> Refusal:
    """What a client is told when no answer came back from the workers."""
    timeout = settings.timeout
    if isinstance(err, QueryTimeout):
        return Refusal(503, f"timeout: the query ran longer than the {timeout:g} s limit and was stopped. "
                            "Make it more selective (fewer unbound patterns, a LIMIT) and try again.")
    if isinstance(err, LongLaneFull):
        return Refusal(503, "the query was stopped after 1 s because the other workers are busy with long queries "
                            "(some are kept for small ones); try again shortly, or make it more selective", {"Retry-After": "5"})
    if isinstance(err, WorkersBusy):
        return Refusal(503, "every query worker is busy: the query was not run; try again shortly", {"Retry-After": "5"})
    if isinstance(err, WorkerFailed) and err.memory:
        return Refusal(503, f"the query needed more than the {settings.worker_memory_mb} MB a query may use and was stopped; "
                            "make it more selective (fewer unbound patterns, no ORDER BY over everything, a LIMIT)")
    return Refusal(503, f"the query worker stopped before answering ({err}); a new one has been started, try again")


def reply(planned: Plan, outcome: Outcome, storage, settings, updates: bool) -> tuple[int, list, bytes]:
    """The answer to a query: status, headers (without CORS and gzip) and body; raises `Refusal`."""
    status = outcome.status
    if status == "syntax":
        raise Refusal(400, f"the query is not valid SPARQL: {outcome.message}")
    if status == "refused":
        raise Refusal(403, outcome.message)
    if status == "unacceptable":
        raise not_acceptable(family(outcome.form))
    if status == "not-a-query":
        if not updates:
            raise Refusal(403, "this endpoint is read-only: SPARQL Update is refused")
        raise Refusal(400, "this is a SPARQL Update: send it with POST as `update` or application/sparql-update")
    if status in ("federation", "unavailable"):
        raise Refusal(502, outcome.message)
    if status != "ok":
        raise Refusal(400, outcome.message)
    headers = [("Content-Type", CONTENT_TYPES[outcome.media_type]), ("X-Archivekg-Rows", str(outcome.rows)), ("Vary", "Accept")]
    if outcome.truncated:
        headers += [("X-Archivekg-Truncated", "true"), ("X-Archivekg-Row-Limit", str(settings.max_rows)),
                    ("X-Archivekg-Byte-Limit", str(settings.max_answer_bytes))]
    if outcome.replaced:
        headers.append(("X-Archivekg-Replaced-Characters", str(outcome.replaced)))
    if planned.tag:
        headers += http.validator_headers(planned.tag, storage.built_at)
    return 200, headers, outcome.body


def refusal_answer(err: Refusal) -> tuple[int, list, bytes]:
    body = (err.message.rstrip("\n") + "\n").encode()
    return err.status, [("Content-Type", "text/plain; charset=utf-8"), *err.headers.items()], body
