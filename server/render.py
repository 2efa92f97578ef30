"""The renderers: one per format, chosen by content negotiation (datasette's `renderer.py`).

A view builds one `Page` (a template and its data for people, the triples for machines)
and hands it to `respond()`, which negotiates, renders, and adds `Vary` and a `Link:
rel="alternate"` header. No view branches on formats itself.

The Link header names the other forms (`rel="alternate"`), in one header; the JSON-LD answer
names only the HTML page, because pyld's document loader (3.3) fails on a JSON-LD response
with two `rel="alternate"` links.
XML formats cannot carry some characters at all (U+0001..U+001F but tab and line breaks):
the RDF/XML form replaces them with U+FFFD and says how many (X-Archivekg-Replaced-Characters).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import Response, abort, render_template, request

from archivekg.extract.vocab import PREFIXES
from archivekg.server.cache import cached_page
from archivekg.server.execution import XML_FORBIDDEN, REPLACEMENT
from archivekg.server.negotiate import HTML, JSON, RDF_ONLY, THING_FORMATS, content_type, essence, negotiate

__all__ = ["Page", "RDF_ONLY", "THING_FORMATS", "respond"]


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
    replaced = 0
    if fmt == ox.RdfFormat.JSON_LD:
        body = jsonld(triples)
    else:
        body = ox.serialize(triples, format=fmt, prefixes=PREFIXES)
        if fmt == ox.RdfFormat.RDF_XML:
            body, replaced = XML_FORBIDDEN.subn(REPLACEMENT, body)
    response = Response(body, page.status, content_type=content_type(fmt))
    if replaced:
        response.headers["X-Archivekg-Replaced-Characters"] = str(replaced)
    return response


RENDERERS = {HTML: render_html, JSON: render_json, **{f: render_rdf for f in RDF_ONLY}}


def not_acceptable(offered) -> Response:
    names = ", ".join(essence(f) for f in offered)
    return Response(f"none of the formats you accept is available here; ask for one of: {names}\n", 406, mimetype="text/plain")


def respond(page: Page, offered, explicit: str | None = None) -> Response:
    """Negotiate a format among `offered` (or take the `explicit` one) and render the page,
    or answer it from the page cache (`cache.py`: one place for every page, with ETags)."""
    fmt = negotiate(request.headers.get("Accept"), offered, explicit)
    return cached_page(essence(fmt) if fmt is not None else None, lambda: render(page, offered, fmt))


def render(page: Page, offered, fmt) -> Response:
    if not page.found():
        abort(404)
    response = not_acceptable(offered) if fmt is None else RENDERERS[fmt](page, fmt)
    response.vary.add("Accept")
    others = [f for f in offered if f != fmt and f.file_extension in page.alternates]
    if fmt == ox.RdfFormat.JSON_LD:  # pyld's loader fails on two rel="alternate" links: name the page only
        others = [f for f in others if f == HTML]
    if others:
        response.headers["Link"] = ", ".join(f'<{page.alternates[f.file_extension]}>; rel="alternate"; type="{essence(f)}"' for f in others)
    return response
