"""Linked-data pages: every dataset IRI `{base}id/{kind}/{slug}` dereferences here.

People get an HTML page; RDF clients get Turtle, JSON-LD, N-Triples or RDF/XML by content
negotiation, or by a file extension (`.html .ttl .jsonld .nt .rdf`). The RDF is the thing's
description (see `describe.py`). Unknown IRIs are 404s; nothing is ever looked up on the
filesystem from a path. Also here: the disputes page, the negotiated 404, and the security
headers every response gets.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from archivekg.extract.iris import ENTITY_SEGMENTS
from archivekg.extract.vocab import SCHEMA
from archivekg.server import corpus, facts, graphics, titles, urls
from archivekg.server.describe import description, exists
from archivekg.server.negotiate import HTML, JSON, negotiate
from archivekg.server.render import RDF_ONLY, THING_FORMATS, Page, respond

blueprint = Blueprint("pages", __name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


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
    if kind in ENTITY_SEGMENTS.values():
        template, context = "entity.html", lambda: entity_context(node, kind, slug)
    elif kind == "document":
        template, context = "document.html", lambda: document_context(node, kind, slug)
    else:
        template, context = "thing.html", lambda: thing_context(node, kind, slug)
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
        "other_names": facts.other_names(node),
        "wikidata": facts.wikidata(node),
        "mentions": facts.mentions(node),
        "claims": facts.claims(node),
        "figures": facts.figures(node),
    }


def document_context(node: ox.NamedNode, kind: str, slug: str) -> dict:
    return common_context(node, kind, slug, skip={SCHEMA.text}) | {
        "text": corpus.document_text(node),
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
        return render_template("404.html", title="Not found", path=request.path), 404
    return Response(f"nothing is published at {request.path}; the home page / lists what there is\n", 404, mimetype="text/plain")


# for pages of other blueprints that carry inline script or style (the /sparql editor): still
# nothing from outside the site, but inline code allowed; a view can set a stricter one itself
INLINE_ALLOWED_POLICY = CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)
STRICT_BLUEPRINTS = {"pages", "home", "search", "void", None}  # None: static files and errors


@blueprint.after_app_request
def security_headers(response: Response) -> Response:
    """A Content-Security-Policy (unless a view set its own), no sniffing, no referrer leaks."""
    policy = CONTENT_SECURITY_POLICY if request.blueprint in STRICT_BLUEPRINTS else INLINE_ALLOWED_POLICY
    response.headers.setdefault("Content-Security-Policy", policy)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
