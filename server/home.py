"""The home page: the dataset in numbers (each type of entity linked to the list of all of
them), the documents over time as counts, the first documents in date order with the way to
all of them (`/documents`), a search box, and the ways in (SPARQL, disputes, ontology,
VoID, the dump). JSON for programs. Its size does not grow with the corpus."""

from __future__ import annotations

from flask import Blueprint, request

from archivekg.server import catalogue, graphics, urls
from archivekg.server.lists import period_link
from archivekg.server.negotiate import HTML, JSON
from archivekg.server.render import Page, respond

blueprint = Blueprint("home", __name__)

FIRST_DOCUMENTS = 10


@blueprint.route("/")
def index():
    def context() -> dict:
        everything = catalogue.DocumentFilter(per=FIRST_DOCUMENTS)
        return {"title": "archivekg", "numbers": catalogue.numbers(), "documents": catalogue.documents(everything),
                "timeline": graphics.timeline(catalogue.counts_by_day(everything), period_link(everything)), "all_documents": urls.documents()}

    data = lambda: {**catalogue.numbers(), "sparql": urls.sparql(), "void": urls.void(), "documents_list": urls.documents()}  # noqa: E731
    return respond(Page("home.html", context, data=data), [HTML, JSON], explicit=request.args.get("format"))
