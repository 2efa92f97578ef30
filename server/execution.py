"""Run one user query or update against a store, inside a query worker (`query_worker.py`).

Everything done to a text from outside happens here, under the worker's time and memory
limits: reading its shape (`query_text`), deciding whether it may use the network, the
evaluation, and serializing with the caps (at most `max_rows` rows or triples and at most
`max_bytes` of answer; a cut answer says so). The server only frames the text and the
request's options into a `Job` and reads back an `Outcome`; both travel as two length-prefixed
parts, a small marshalled header and the raw text or answer bytes (no pickling of bodies).
"""

from __future__ import annotations

import marshal
import re
import struct
from dataclasses import dataclass, fields

import pyoxigraph as ox

from archivekg.extract.vocab import PREFIXES
from archivekg.server.query_text import Refused, federation, read_shape
from archivekg.server.sandbox import is_sealed_failure

FRAME = struct.Struct("!II")  # header length, body length
XML_FORBIDDEN = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")  # what XML 1.0 cannot carry
REPLACEMENT = "\ufffd".encode()


def needs_reading(text: str) -> bool:
    """Whether a text may hold a dataset clause or a SERVICE call (any case; 'ſ' folds to 's')."""
    lowered = text.lower()
    return "from" in lowered or "service" in lowered or "ſ" in lowered
XML_MEDIA = ("application/sparql-results+xml", "application/rdf+xml")


@dataclass(frozen=True)
class Job:
    """A query (or update) as the endpoint read it from the request; `text` is the body."""

    kind: str  # "query" or "update"
    store_path: str  # the resolved build folder: a worker reopens when it changes
    results_format: str | None = None  # media type for SELECT/ASK, None if not acceptable
    graph_format: str | None = None  # media type for CONSTRUCT/DESCRIBE, None if not acceptable
    default_graphs: tuple[str, ...] | None = None  # the protocol's default-graph-uri
    named_graphs: tuple[str, ...] | None = None  # the protocol's named-graph-uri
    max_rows: int = 10_000
    max_bytes: int = 16 * 2**20
    allowlist: tuple[str, ...] = ()
    text: str = ""

    def frame(self) -> bytes:
        return _frame((self.kind, self.store_path, self.results_format, self.graph_format, self.default_graphs,
                       self.named_graphs, self.max_rows, self.max_bytes, self.allowlist), self.text.encode("utf-8", "surrogatepass"))

    @classmethod
    def unframe(cls, header: bytes, body: bytes) -> "Job":
        return cls(*marshal.loads(header), text=body.decode("utf-8", "surrogatepass"))


@dataclass(frozen=True)
class Outcome:
    """`status`: "ok", "syntax" (the parser's message), "refused" (403), "unacceptable" (406,
    `form` says which), "not-a-query" (an update sent as a query), "network" (must run where
    the network is reachable), "federation" (a SERVICE call failed) or "error"."""

    status: str
    media_type: str = ""
    rows: int = 0
    truncated: str = ""  # "", "rows" or "bytes": which cap cut the answer
    message: str = ""
    form: str = ""
    replaced: int = 0  # characters XML 1.0 cannot carry, replaced by U+FFFD
    body: bytes = b""

    def frame(self) -> bytes:
        return _frame((self.status, self.media_type, self.rows, self.truncated, self.message, self.form, self.replaced), self.body)

    @classmethod
    def unframe(cls, header: bytes, body: bytes) -> "Outcome":
        return cls(*marshal.loads(header), body=body)


def _frame(header_values: tuple, body: bytes) -> bytes:
    header = marshal.dumps(header_values)
    return FRAME.pack(len(header), len(body)) + header + body


assert [f.name for f in fields(Job)][-1] == "text" and [f.name for f in fields(Outcome)][-1] == "body"  # frames: all but the last, in order


class QueryError(ValueError):
    """A query the store refused (syntax, or an evaluation error); the message says why."""

    unavailable = False  # True: the store could not answer at all, not the query's fault


class Cut(Exception):
    """Raised inside serialization once a cap is reached (the kept part is complete lines)."""


class LineCap:
    """A file for pyoxigraph's line-based writers (TSV, N-Triples): keeps whole lines until
    `rows` lines after `skip` header lines, or `max_bytes`; then raises `Cut`."""

    def __init__(self, rows: int, max_bytes: int, skip: int = 0):
        self.left, self.max_bytes = rows + skip, max_bytes
        self.parts: list[bytes] = []
        self.size = 0
        self.truncated = ""

    def write(self, data) -> int:
        if self.truncated:  # pyoxigraph writes its buffer again when it drops the writer: refuse it
            raise Cut()
        data = bytes(data)
        if self.left <= 0:
            if data:
                self._keep(b"", "rows")  # something follows the last line kept: there was more
            return len(data)
        lines = data.count(b"\n")
        if lines > self.left or lines == self.left and not data.endswith(b"\n"):
            self._keep(data[: _nth_newline(data, self.left)], "rows")
        self._keep(data, "")
        self.left -= lines
        return len(data)

    def _keep(self, data: bytes, cut: str) -> None:
        if self.size + len(data) > self.max_bytes:
            room = data[: self.max_bytes - self.size]
            data, cut = room[: room.rfind(b"\n") + 1], "bytes"
        self.parts.append(data)
        self.size += len(data)
        if cut:
            self.truncated = cut
            raise Cut()

    def flush(self) -> None:
        pass

    def value(self) -> bytes:
        return b"".join(self.parts)


def _nth_newline(data: bytes, n: int) -> int:
    at = -1
    for _ in range(n):
        at = data.index(b"\n", at + 1)
    return at + 1


def answer(store: ox.Store, job: Job, networked: bool) -> Outcome:
    """Read, check, evaluate and serialize one query; every failure is an Outcome.

    A text without "from" or "service" anywhere (any case) can have no dataset clause and no
    SERVICE call: the engine reads it straight away (its answer's type gives the form); other
    texts are read by the lexer first."""
    shape = None
    try:
        if needs_reading(job.text):
            shape = read_shape(job.text, PREFIXES)
            if shape.form == "UPDATE":
                return Outcome("not-a-query")
            if shape.form in ("SELECT", "ASK") and job.results_format is None or shape.form in ("CONSTRUCT", "DESCRIBE") and job.graph_format is None:
                return Outcome("unacceptable", form=shape.form)
            if federation(job.text, shape, job.allowlist, PREFIXES) and not networked:
                return Outcome("network")
        union = shape is None or not shape.has_dataset
        results = store.query(job.text, prefixes=PREFIXES, **dataset_options(job, union))
        return serialize(results, job)
    except SyntaxError as err:
        if shape is None and read_shape(job.text, PREFIXES).form == "UPDATE":
            return Outcome("not-a-query")
        return Outcome("syntax", message=str(err))
    except Refused as err:
        return Outcome("refused", message=str(err))
    except QueryError as err:
        return Outcome("unavailable" if err.unavailable else "syntax", message=str(err).removeprefix("the query is not valid SPARQL: "))
    except MemoryError:
        return Outcome("error", message="the query needed more memory than a query may use; make it more selective")
    except (OSError, ValueError, TypeError, UnicodeError, OverflowError, RecursionError) as err:
        return failure(str(err))


def failure(message: str) -> Outcome:
    """An evaluation error as the client may see it: a SERVICE endpoint's answer is never
    passed on (only its status), and the seal's refusal is named as such."""
    if is_sealed_failure(message):
        return Outcome("refused", message="the query calls a SERVICE the endpoint did not find on its allow-list "
                                          "(write each SERVICE as `SERVICE <endpoint IRI> { ... }`)")
    remote = re.match(r"Error (\d{3})[^\n]* returned by (\S+)", message)
    if remote:
        return Outcome("federation", message=f"the SERVICE endpoint {remote.group(2)} answered HTTP {remote.group(1)}")
    if "http" in message.lower() or "connect" in message.lower() or "dns" in message.lower():
        return Outcome("federation", message="a SERVICE endpoint could not be reached or gave an answer that cannot be read")
    return Outcome("error", message=f"the query could not be evaluated: {message.splitlines()[0][:500] if message else 'unknown error'}")


def dataset_options(job: Job, union: bool) -> dict:
    """The SPARQL dataset: the protocol's graph parameters win; else union unless FROM is used."""
    if job.default_graphs is not None or job.named_graphs is not None:
        return {
            "default_graph": [ox.NamedNode(iri) for iri in job.default_graphs or ()],
            "named_graphs": [ox.NamedNode(iri) for iri in job.named_graphs or ()],
        }
    return {"use_default_graph_as_union": union}


def serialize(results, job: Job) -> Outcome:
    """Results in the job's format, cut at `max_rows` rows (or triples) or `max_bytes`.
    Evaluation is lazy: store errors surface here, as exceptions for `answer`."""
    if isinstance(results, ox.QueryBoolean):
        if job.results_format is None:
            return Outcome("unacceptable", form="ASK")
        fmt = ox.QueryResultsFormat.from_media_type(job.results_format)
        return _ok(results.serialize(format=fmt), job.results_format, 1, "")
    if isinstance(results, ox.QueryTriples):
        if job.graph_format is None:
            return Outcome("unacceptable", form="CONSTRUCT")
        kept = _capped(results, ox.RdfFormat.N_TRIPLES, LineCap(job.max_rows, job.max_bytes))
        fmt = ox.RdfFormat.from_media_type(job.graph_format)
        triples = ox.parse(kept.value(), format=ox.RdfFormat.N_TRIPLES)
        options = {"prefixes": PREFIXES} if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else {}
        body = ox.serialize(triples, format=fmt, **options) or b""
        return _ok(body, job.graph_format, kept.value().count(b"\n"), kept.truncated)
    if job.results_format is None:
        return Outcome("unacceptable", form="SELECT")
    # TSV writes one solution per line: the cap counts lines, and the kept lines are read back
    # exactly (terms in their N-Triples form, triple terms too) into the asked-for format
    kept = _capped(results, ox.QueryResultsFormat.TSV, LineCap(job.max_rows, job.max_bytes, skip=1))
    fmt = ox.QueryResultsFormat.from_media_type(job.results_format)
    tsv = kept.value()
    body = tsv if fmt == ox.QueryResultsFormat.TSV else ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV).serialize(format=fmt)
    if kept.truncated and fmt == ox.QueryResultsFormat.JSON and body.startswith(b"{"):
        note = f'{{"archivekg":{{"truncated":true,"by":"{kept.truncated}","maxRows":{job.max_rows},"maxBytes":{job.max_bytes}}},'
        body = note.encode() + body[1:]
    return _ok(body, job.results_format, max(0, tsv.count(b"\n") - 1), kept.truncated)


def _capped(results, fmt, cap: LineCap) -> LineCap:
    try:
        results.serialize(output=cap, format=fmt)
    except Cut:
        pass
    return cap


def _ok(body: bytes, media_type: str, rows: int, truncated: str) -> Outcome:
    replaced = 0
    if media_type in XML_MEDIA:
        body, replaced = XML_FORBIDDEN.subn(REPLACEMENT, body)
    return Outcome("ok", media_type, rows, truncated, replaced=replaced, body=body)


def apply_update(job: Job) -> Outcome:
    """Apply a SPARQL Update to a writable store folder (a copy of the current build)."""
    try:
        shape = read_shape(job.text, PREFIXES)
        federation(job.text, shape, (), PREFIXES)  # no LOAD, no SERVICE: an update never fetches
        store = ox.Store(job.store_path)
        store.update(job.text, prefixes=PREFIXES)
        store.flush()
        del store
    except Refused as err:
        return Outcome("refused", message=str(err))
    except SyntaxError as err:
        return Outcome("syntax", message=str(err))
    except MemoryError:
        return Outcome("error", message="the update needed more memory than an update may use")
    except (OSError, ValueError, TypeError, UnicodeError) as err:
        return Outcome("error", message=f"the update could not be applied: {str(err)[:500]}")
    return Outcome("ok", "text/plain", message="update applied")
