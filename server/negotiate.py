"""Formats and content negotiation, once, for the endpoint and the linked-data pages.

Formats are values: pyoxigraph's `RdfFormat` and `QueryResultsFormat` (with their
`media_type`, `file_extension` and W3C `iri`), plus `PageFormat`s (HTML, JSON) for pages.
`TABLE` is the one table of what else a format is called: the short names clients put in
`format=`/`output=`/`results=` and in file extensions (SPARQLWrapper's `xml`, `n3`,
`rdf+xml`, `json-ld`; Fuseki's and Virtuoso's), and the other media types they send for it.
A name means a format only among the formats a view offers, so `xml` is SPARQL results XML
for a SELECT and RDF/XML for a CONSTRUCT, and `application/json` is SPARQL JSON results, JSON-LD
or plain JSON, whichever the view offers.

`negotiate()` picks the best offered format for an Accept header (q-values, `type/*`,
`*/*`), or the one a `format=` value or file extension names; None means 406.
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

R, G = ox.QueryResultsFormat, ox.RdfFormat
# format -> (short names and extensions, other media types clients send for it)
TABLE: dict = {
    R.JSON: (("json", "srj"), ("application/json",)),
    R.XML: (("xml", "srx"), ("application/xml", "text/xml")),
    R.CSV: (("csv",), ()),
    R.TSV: (("tsv",), ()),
    G.TURTLE: (("ttl", "turtle", "n3"), ("application/x-turtle", "text/n3", "text/rdf+n3")),
    G.N_TRIPLES: (("nt", "ntriples", "n-triples"), ("text/plain",)),
    G.JSON_LD: (("jsonld", "json-ld", "json"), ("application/json", "application/json-ld")),
    G.RDF_XML: (("rdf", "xml", "rdfxml", "rdf+xml", "owl"), ("application/xml", "text/xml")),
    G.TRIG: (("trig",), ("application/x-trig",)),
    G.N_QUADS: (("nq", "nquads", "n-quads"), ("text/x-nquads",)),
    HTML: (("html", "htm"), ("application/xhtml+xml",)),
    JSON: (("json",), ()),
}
QUERY_RESULT_FORMATS = [R.JSON, R.XML, R.CSV, R.TSV]
GRAPH_FORMATS = [G.TURTLE, G.N_TRIPLES, G.JSON_LD, G.RDF_XML, G.TRIG, G.N_QUADS]
# a thing's description, in order of preference for clients that accept anything
THING_FORMATS = [HTML, G.TURTLE, G.JSON_LD, G.N_TRIPLES, G.RDF_XML]
RDF_ONLY = THING_FORMATS[1:]


def extension(fmt) -> str:
    """The file extension a page's alternate in `fmt` is served under."""
    return fmt.file_extension


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
        ranges.append((media, q, index))
    # more specific ranges first among equal q: type/sub > type/* > */*
    ranges.sort(key=lambda r: (-r[1], r[0].count("*"), r[2]))
    return [(media, q) for media, q, _ in ranges]


def essence(fmt) -> str:
    """The media type without parameters ('text/csv; charset=utf-8' -> 'text/csv')."""
    return fmt.media_type.split(";")[0].strip()


def by_name(name: str, offered):
    """The offered format a `format=` value or file extension names (or its media type), or None."""
    name = name.strip().lower()
    offered = list(offered)
    for fmt in offered:
        if name == essence(fmt) or name in TABLE.get(fmt, ((), ()))[0]:
            return fmt
    return next((fmt for fmt in offered if name in TABLE.get(fmt, ((), ()))[1]), None)


def matching(media: str, offered):
    """The first offered format a media range stands for: its own type first, then an alias."""
    if media == "*/*":
        return offered[0] if offered else None
    if media.endswith("/*"):
        major = media[:-2]
        return next((f for f in offered if essence(f).split("/")[0] == major), None)
    direct = next((f for f in offered if essence(f) == media), None)
    return direct or next((f for f in offered if media in TABLE.get(f, ((), ()))[1]), None)


def negotiate(accept: str | None, offered, explicit: str | None = None):
    """The best offered format, or None when nothing offered is acceptable (406).

    `offered` is in order of preference: the first one wins `*/*` and ties.
    """
    offered = list(offered)
    if explicit:
        return by_name(explicit, offered)
    for media, q in parse_accept(accept):
        if q > 0.0:
            fmt = matching(media, offered)
            if fmt is not None:
                return fmt
    return None


def content_type(fmt) -> str:
    media = essence(fmt)
    return media + "; charset=utf-8" if media.startswith("text/") or media.endswith(("json", "xml")) else media


def family(form: str | None) -> list:
    """The formats the results of a query form can take."""
    return QUERY_RESULT_FORMATS if form in ("SELECT", "ASK") else GRAPH_FORMATS
