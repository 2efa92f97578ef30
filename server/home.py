"""The home page: the dataset in numbers, the documents on a timeline and in a list, a search
box, and the ways in (SPARQL, disputes, ontology, VoID, the dump). JSON for programs."""

from __future__ import annotations

from flask import Blueprint, request

from archivekg.server import corpus, graphics
from archivekg.server.negotiate import HTML, JSON
from archivekg.server.render import Page, respond

blueprint = Blueprint("home", __name__)


@blueprint.route("/")
def index():
    def context() -> dict:
        documents = corpus.documents()
        return {"title": "archivekg", "numbers": corpus.numbers(), "documents": documents, "timeline": graphics.timeline(documents)}

    data = lambda: {**corpus.numbers(), "sparql": "/sparql", "void": "/.well-known/void"}  # noqa: E731
    return respond(Page("home.html", context, data=data), [HTML, JSON], explicit=request.args.get("format"))
