"""The renderers: one per format, chosen by content negotiation (datasette's `renderer.py`).

A view builds one `Page` (a template and its data for people, the triples for machines)
and hands it to `respond()`, which negotiates, renders, and adds `Vary` and `Link:
rel="alternate"` headers. No view branches on formats itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import Response, abort, render_template, request

from archivekg.extract.vocab import PREFIXES
from archivekg.server.cache import cached_page
from archivekg.server.negotiate import HTML, JSON, PageFormat, content_type, essence, negotiate

# formats of a thing's description, in order of preference for clients that accept anything
THING_FORMATS = [HTML, ox.RdfFormat.TURTLE, ox.RdfFormat.JSON_LD, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.RDF_XML]
RDF_ONLY = THING_FORMATS[1:]
EXTENSION_OF = {HTML: "html", ox.RdfFormat.TURTLE: "ttl", ox.RdfFormat.JSON_LD: "jsonld", ox.RdfFormat.N_TRIPLES: "nt", ox.RdfFormat.RDF_XML: "rdf"}


@dataclass
class Page:
    """What one view has to say, in every form it can take."""

    template: str | None = None
    context: Callable[[], dict] = dict  # computed only when HTML is asked for
    triples: Callable[[], list[ox.Triple]] | None = None
    data: Callable[[], object] | None = None  # for JSON
    status: int = 200
    alternates: dict[str, str] = field(default_factory=dict)  # extension -> path
    found: Callable[[], bool] = lambda: True  # False: a 404 (asked only when the page is not cached)


def render_html(page: Page, fmt) -> Response:
    return Response(render_template(page.template, **page.context()), page.status, content_type=content_type(fmt))


def render_json(page: Page, fmt) -> Response:
    body = json.dumps(page.data(), ensure_ascii=False, indent=2)
    return Response(body, page.status, content_type=content_type(fmt))


def jsonld(triples: list[ox.Triple]) -> bytes:
    """Compact JSON-LD with the contract's prefixes as its @context (pyoxigraph writes none)."""
    import rdflib

    graph = rdflib.Graph()
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
    return graph.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True).encode()


def render_rdf(page: Page, fmt) -> Response:
    triples = page.triples()
    if fmt == ox.RdfFormat.JSON_LD:
        body = jsonld(triples)
    else:
        body = ox.serialize(triples, format=fmt, prefixes=PREFIXES)
    return Response(body, page.status, content_type=content_type(fmt))


RENDERERS = {HTML: render_html, JSON: render_json, **{f: render_rdf for f in RDF_ONLY}}


def not_acceptable(offered) -> Response:
    names = ", ".join(essence(f) for f in offered)
    return Response(f"none of the formats you accept is available here; ask for one of: {names}\n", 406, mimetype="text/plain")


# negotiate.py reads `application/json` (and `json`) as SPARQL results JSON, the endpoint's
# meaning; for pages that JSON is plain JSON, so pages negotiate on this stand-in for it
JSON_AS_NEGOTIATED = PageFormat("application/sparql-results+json", "json", "JSON")


def choose(offered, explicit: str | None):
    standing_in = [JSON_AS_NEGOTIATED if f == JSON else f for f in offered]
    fmt = negotiate(request.headers.get("Accept"), standing_in, explicit)
    return JSON if fmt == JSON_AS_NEGOTIATED else fmt


def respond(page: Page, offered, explicit: str | None = None) -> Response:
    """Negotiate a format among `offered` (or take the `explicit` one) and render the page,
    or answer it from the page cache (`cache.py`: one place for every page, with ETags)."""
    fmt = choose(offered, explicit)
    return cached_page(essence(fmt) if fmt is not None else None, lambda: render(page, offered, fmt))


def render(page: Page, offered, fmt) -> Response:
    if not page.found():
        abort(404)
    response = not_acceptable(offered) if fmt is None else RENDERERS[fmt](page, fmt)
    response.vary.add("Accept")
    links = [f'<{path}>; rel="alternate"; type="{essence(f)}"' for f in offered for ext, path in page.alternates.items() if EXTENSION_OF.get(f) == ext and f != fmt]
    if links:
        response.headers["Link"] = ", ".join(links)
    return response
