"""Content negotiation, once, for the endpoint and the linked-data pages.

Formats are values: pyoxigraph's `RdfFormat` and `QueryResultsFormat` (with their
`media_type` and `file_extension`), plus `HTML` for pages. `negotiate()` picks the best of
the formats a view offers for an Accept header (q-values, `type/*`, `*/*`), or the one a
`format=` parameter or file extension names explicitly; None means 406.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class PageFormat:
    """A format that is not RDF: the HTML page (or JSON for a search)."""

    media_type: str
    file_extension: str
    name: str


HTML = PageFormat("text/html", "html", "HTML")
JSON = PageFormat("application/json", "json", "JSON")

# extra media types clients send for the same formats
ALIASES = {
    "application/json": "application/sparql-results+json",
    "text/xml": "application/sparql-results+xml",
    "application/xml": "application/sparql-results+xml",
    "text/plain": "application/n-triples",
    "application/x-turtle": "text/turtle",
    "application/xhtml+xml": "text/html",
    "application/json-ld": "application/ld+json",
    "text/n3": "text/turtle",
}
# short names accepted by `format=` and file extensions
SHORT_NAMES = {
    "json": "application/sparql-results+json",
    "srj": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "srx": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "nq": "application/n-quads",
    "nquads": "application/n-quads",
    "trig": "application/trig",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "rdfxml": "application/rdf+xml",
    "html": "text/html",
}

QUERY_RESULT_FORMATS = [
    ox.QueryResultsFormat.JSON,
    ox.QueryResultsFormat.XML,
    ox.QueryResultsFormat.CSV,
    ox.QueryResultsFormat.TSV,
]
GRAPH_FORMATS = [
    ox.RdfFormat.TURTLE,
    ox.RdfFormat.N_TRIPLES,
    ox.RdfFormat.JSON_LD,
    ox.RdfFormat.RDF_XML,
    ox.RdfFormat.TRIG,
    ox.RdfFormat.N_QUADS,
]


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """'text/turtle;q=0.9, */*;q=0.1' -> [('text/turtle', 0.9), ('*/*', 0.1)], best first."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges = []
    for index, item in enumerate(header.split(",")):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        if not media or "/" not in media:
            continue
        q = 1.0
        for param in parts[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((ALIASES.get(media, media), q, index))
    # more specific ranges first among equal q: type/sub > type/* > */*
    ranges.sort(key=lambda r: (-r[1], r[0].count("*"), r[2]))
    return [(media, q) for media, q, _ in ranges]


def essence(fmt) -> str:
    """The media type without parameters ('text/csv; charset=utf-8' -> 'text/csv')."""
    return fmt.media_type.split(";")[0].strip()


def by_name(name: str, offered):
    """The offered format a `format=` value or file extension names, or None."""
    name = name.strip().lower()
    media = SHORT_NAMES.get(name, ALIASES.get(name, name))
    return next((f for f in offered if essence(f) == media), None)


def negotiate(accept: str | None, offered, explicit: str | None = None):
    """The best offered format, or None when nothing offered is acceptable (406).

    `offered` is in order of preference: the first one wins `*/*` and ties.
    """
    offered = list(offered)
    if explicit:
        return by_name(explicit, offered)
    best, best_q = None, 0.0
    for media, q in parse_accept(accept):
        if q <= best_q or q == 0.0:
            continue
        for fmt in offered:
            major = essence(fmt).split("/")[0]
            if media in ("*/*", essence(fmt)) or media == f"{major}/*":
                best, best_q = fmt, q
                break
    return best


def content_type(fmt) -> str:
    media = essence(fmt)
    return media + "; charset=utf-8" if media.startswith("text/") or media.endswith(("json", "xml")) else media
