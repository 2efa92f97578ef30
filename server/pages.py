"""Linked-data pages: every dataset IRI `{base}id/{kind}/{slug}` dereferences here.

People get an HTML page; RDF clients get Turtle, JSON-LD, N-Triples or RDF/XML by content
negotiation, or by a file extension (`.html .ttl .jsonld .nt .rdf`). The RDF is the thing's
description (see `describe.py`). Unknown IRIs are 404s; nothing is ever looked up on the
filesystem from a path. A long document's text is shown a page at a time (`?page=N`, see
`text_window.py`); making any page has a time limit (`deadline.py`, the query timeout).
Also here: the disputes page, the negotiated 404, and the security headers every response
gets.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from archivekg.extract.iris import ENTITY_SEGMENTS
from archivekg.extract.vocab import SCHEMA
from archivekg.server import about, corpus, deadline, facts, graphics, titles, urls
from archivekg.server.describe import description, exists
from archivekg.server.negotiate import HTML, JSON, negotiate
from archivekg.server.render import RDF_ONLY, THING_FORMATS, Page, respond

blueprint = Blueprint("pages", __name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The query editor's results table (YASR's column resizer, in static/yasgui/yasgui.min.js)
# adds two fixed <style> elements of its own: its grip rules when a table is drawn, and
# `*{cursor:col-resize!important}` while a column is dragged. Their hashes let exactly those
# two texts in, and nothing else inline (tests/test_browser.py checks the console stays clean).
EDITOR_STYLE_HASHES = ("'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk='", "'sha256-c0O6TmFAkgpNbHxKAa1BrveWHHopjEtC47i0PzMudxg='")
EDITOR_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' " + " ".join(EDITOR_STYLE_HASHES))


@blueprint.route("/id/<kind>/<slug>")
def thing(kind: str, slug: str):
    extension = None
    if "." in slug:
        slug, _, extension = slug.rpartition(".")
        if extension not in (*urls.EXTENSIONS, "json"):  # .json: the JSON-LD, as for Accept: application/json
            abort(404)
    if not urls.valid(kind, slug):
        abort(404)
    iri = urls.iri(kind, slug)
    node = ox.NamedNode(iri)
    number = request.args.get("page", "1")
    if kind == "document" and not (number.isdigit() and len(number) < 8):
        abort(404)
    if kind in ENTITY_SEGMENTS.values():
        template, make = "entity.html", lambda: entity_context(node, kind, slug)
    elif kind == "document":
        template, make = "document.html", lambda: document_context(node, kind, slug, int(number))
    else:
        template, make = "thing.html", lambda: thing_context(node, kind, slug)
    context = lambda: deadline.within(current_app.config["SETTINGS"].timeout, make)  # noqa: E731
    page = Page(template, context, triples=lambda: description(iri), alternates=urls.alternates(kind, slug), found=lambda: exists(iri))
    return respond(page, THING_FORMATS, explicit=extension)


def common_context(node: ox.NamedNode, kind: str, slug: str, skip=()) -> dict:
    title = titles.title(node)
    out, into = facts.statements(node, skip=skip)
    return {
        "title": title,
        "kind": kind,
        "kinds": facts.kinds(node),
        "iri": node.value,
        "statements": out,
        "incoming": into,
        "alternates": urls.alternates(kind, slug),
        "picture": graphics.neighbourhood(title, kind, facts.neighbours(node)),
    }


def entity_context(node: ox.NamedNode, kind: str, slug: str) -> dict:
    return common_context(node, kind, slug) | {
        "description": about.description(node),
        "life": about.life_dates(node),
        "pseudonyms": about.pseudonyms(node),
        "other_names": about.other_names(node),
        "correspondence": about.correspondence(node, kind, slug),
        "wikidata": facts.wikidata(node),
        "mentions": facts.mentions(node),
        "claims": facts.claims(node),
        "figures": facts.figures(node),
    }


def document_context(node: ox.NamedNode, kind: str, slug: str, number: int = 1) -> dict:
    try:
        text = corpus.document_text(node, number)
    except corpus.NoSuchPage:
        abort(404)
    return common_context(node, kind, slug, skip={SCHEMA.text}) | {
        "text": text,
        "parts": corpus.quoted_messages(node),
        "citations": corpus.citations(node),
        "claims": corpus.document_claims(node),
        "figures": facts.figures(node),
    }


def thing_context(node: ox.NamedNode, kind: str, slug: str) -> dict:
    context = common_context(node, kind, slug, skip={SCHEMA.text}) | {"place": facts.place(node), "claim": None, "dispute": None}
    if kind == "claim":
        context["claim"] = facts.claim_card(node)
    if kind == "contradiction":
        context["dispute"] = next(iter(corpus.disputes(only=node)), None)
    context["text"] = facts.own_text(node)
    return context


@blueprint.route("/disputes")
def disputes():
    page = Page("disputes.html", lambda: {"title": "Disputes", "disputes": corpus.disputes()}, data=lambda: strip_markup(corpus.disputes()))
    return respond(page, [HTML, JSON], explicit=request.args.get("format"))


def strip_markup(value):
    """Data for JSON: snippets (Markup) become plain strings."""
    if isinstance(value, dict):
        return {k: strip_markup(v) for k, v in value.items()}
    if isinstance(value, list):
        return [strip_markup(v) for v in value]
    return str(value.striptags()) if hasattr(value, "striptags") else value


@blueprint.route("/favicon.ico")
def favicon():
    return redirect(url_for("static", filename="favicon.svg"), 301)


@blueprint.app_errorhandler(404)
def not_found(error):
    fmt = negotiate(request.headers.get("Accept"), [HTML, *RDF_ONLY, JSON])
    if fmt == HTML:
        return render_template("404.html", title="Not found", path=request.script_root + request.path), 404
    return Response(f"nothing is published at {request.script_root + request.path}; the home page {urls.home()} lists what there is\n", 404, mimetype="text/plain")


@blueprint.app_errorhandler(deadline.PageTimeout)
def too_slow(error: deadline.PageTimeout):
    message = (f"this page took longer than {error.seconds:g} s to make and was stopped; try again later, "
               f"or ask for what you need at {urls.sparql()}\n")
    return Response(message, 503, {"Retry-After": "30"}, mimetype="text/plain")


@blueprint.after_app_request
def security_headers(response: Response) -> Response:
    """The Content-Security-Policy of every page (the editor and the ontology too: their
    scripts and styles are files of the site), no sniffing, no referrer leaks."""
    policy = EDITOR_POLICY if request.blueprint == "sparql" and response.mimetype == "text/html" else CONTENT_SECURITY_POLICY
    response.headers.setdefault("Content-Security-Policy", policy)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
