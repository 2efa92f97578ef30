"""Run one user query against a store and serialize its answer, with the row cap applied.

This is what a query worker process does (`server/query_worker.py`); it is plain code over
a pyoxigraph store, so it also runs in-process (the overhead measurement compares the two).
Jobs and outcomes are small picklable values: the worker gets a `Job`, returns an `Outcome`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox


@dataclass(frozen=True)
class Job:
    """A user query, as the endpoint read it from the request."""

    text: str
    store_path: str  # the resolved build folder: a worker reopens when it changes
    results_format: str | None = None  # media type for SELECT/ASK, None if not acceptable
    graph_format: str | None = None  # media type for CONSTRUCT/DESCRIBE, None if not acceptable
    union_default_graph: bool = True
    default_graphs: tuple[str, ...] | None = None  # the protocol's default-graph-uri
    named_graphs: tuple[str, ...] | None = None  # the protocol's named-graph-uri
    max_rows: int = 10_000
    prefixes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """`status` is "ok", "syntax" (the parser's message), "unacceptable" (406) or "error"."""

    status: str
    body: bytes = b""
    media_type: str = ""
    rows: int = 0
    truncated: bool = False
    message: str = ""


def execute(store: ox.Store, job: Job) -> Outcome:
    """Parse, evaluate and serialize; every failure becomes an Outcome, never an exception."""
    try:
        return serialize(store.query(job.text, prefixes=job.prefixes, **dataset_options(job)), job)
    except SyntaxError as err:
        return Outcome("syntax", message=str(err))
    except OSError as err:
        return Outcome("error", message=f"the query could not be evaluated: {err}")
    except (ValueError, TypeError, UnicodeError, OverflowError, RecursionError) as err:
        return Outcome("error", message=f"the query could not be evaluated: {err}")


def serialize(results, job: Job) -> Outcome:
    """Results in the job's format, at most `max_rows` rows or triples (evaluation is lazy:
    store errors surface here, as exceptions for `execute` to turn into outcomes)."""
    if isinstance(results, ox.QueryBoolean):
        return _boolean(results, job)
    if isinstance(results, ox.QueryTriples):
        return _triples(results, job)
    return _solutions(results, job)


def dataset_options(job: Job) -> dict:
    """The SPARQL dataset: the protocol's graph parameters win; else union unless FROM is used."""
    if job.default_graphs is not None or job.named_graphs is not None:
        return {
            "default_graph": [ox.NamedNode(iri) for iri in job.default_graphs or ()],
            "named_graphs": [ox.NamedNode(iri) for iri in job.named_graphs or ()],
        }
    return {"use_default_graph_as_union": job.union_default_graph}


def _boolean(results: ox.QueryBoolean, job: Job) -> Outcome:
    if job.results_format is None:
        return _unacceptable("SELECT and ASK")
    fmt = ox.QueryResultsFormat.from_media_type(job.results_format)
    return Outcome("ok", results.serialize(format=fmt), job.results_format, rows=1)


def _solutions(results: ox.QuerySolutions, job: Job) -> Outcome:
    if job.results_format is None:
        return _unacceptable("SELECT and ASK")
    variables = results.variables
    rows = []
    for solution in results:
        if len(rows) == job.max_rows:
            truncated = True
            break
        rows.append(solution)
    else:
        truncated = False
    # pyoxigraph serializes only its own iterators: rebuild one from the kept rows
    # (TSV encodes each term as N-Triples, so the round trip is exact)
    lines = ["\t".join(map(str, variables))]
    lines += ["\t".join("" if term is None else str(term) for term in row) for row in rows]
    kept = ox.parse_query_results("\n".join(lines) + "\n", ox.QueryResultsFormat.TSV)
    fmt = ox.QueryResultsFormat.from_media_type(job.results_format)
    body = kept.serialize(format=fmt)
    if truncated and fmt == ox.QueryResultsFormat.JSON and body.startswith(b"{"):
        note = f'{{"archivekg":{{"truncated":true,"maxRows":{job.max_rows}}},'.encode()
        body = note + body[1:]
    return Outcome("ok", body, job.results_format, rows=len(rows), truncated=truncated)


def _triples(results: ox.QueryTriples, job: Job) -> Outcome:
    if job.graph_format is None:
        return _unacceptable("CONSTRUCT and DESCRIBE")
    triples = []
    truncated = False
    for triple in results:
        if len(triples) == job.max_rows:
            truncated = True
            break
        triples.append(triple)
    fmt = ox.RdfFormat.from_media_type(job.graph_format)
    options = {"prefixes": job.prefixes} if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else {}
    body = ox.serialize(triples, format=fmt, **options)
    return Outcome("ok", body, job.graph_format, rows=len(triples), truncated=truncated)


def _unacceptable(forms: str) -> Outcome:
    return Outcome("unacceptable", message=f"none of the formats in the Accept header can carry the results of {forms} queries")


def apply_update(store_path: str, text: str, prefixes: dict[str, str]) -> Outcome:
    """Apply a SPARQL Update to a writable store folder (a copy of the current build)."""
    try:
        store = ox.Store(store_path)
        store.update(text, prefixes=prefixes)
        store.flush()
        del store
    except SyntaxError as err:
        return Outcome("syntax", message=str(err))
    except (OSError, ValueError, TypeError, UnicodeError) as err:
        return Outcome("error", message=f"the update could not be applied: {err}")
    return Outcome("ok", b"", "text/plain", message="update applied")
