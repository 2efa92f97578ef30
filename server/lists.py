"""Lists to page through: `/documents` (filter by date range, kind, sender and recipient;
sort by date or title; a timeline of the counts) and `/entities/<type>` (every person,
place, ... that documents mention). HTML for people, JSON for programs (`format=json`)."""

from __future__ import annotations

from flask import Blueprint, abort, request

from archivekg.server import catalogue, graphics, urls
from archivekg.server.negotiate import HTML, JSON
from archivekg.server.render import Page, respond

blueprint = Blueprint("lists", __name__)


def period_link(f: catalogue.DocumentFilter):
    """For the timeline: the same list, narrowed to one period."""
    return lambda first, last: urls.documents(f.args(date_from=first, date_to=last, page=1))


@blueprint.route("/documents")
def documents():
    f = catalogue.document_filter(request.args)

    def listed() -> dict:
        found = catalogue.documents(f)
        shown = found["filter"]
        pages = {"previous": urls.documents(shown.args(page=shown.page - 1)) if shown.page > 1 else None,
                 "next": urls.documents(shown.args(page=shown.page + 1)) if shown.page < found["pages"] else None}
        sorts = {name: urls.documents(shown.args(sort=name, page=1)) for name in catalogue.SORTS}
        return found | pages | {"sorts": sorts}

    def context() -> dict:
        return listed() | {"title": "Documents", "choices": catalogue.choices(), "args": f.args(),
                           "timeline": graphics.timeline(catalogue.counts_by_day(f), period_link(f)), "everything": urls.documents()}

    def data() -> dict:
        found = listed()
        items = [{**d, "senders": [p["text"] for p in d["senders"]], "recipients": [p["text"] for p in d["recipients"]]} for d in found["items"]]
        return {"total": found["total"], "page": found["filter"].page, "pages": found["pages"], "per": f.per,
                "next": found["next"], "previous": found["previous"], "problems": list(f.problems), "documents": items}

    return respond(Page("documents.html", context, data=data), [HTML, JSON], explicit=request.args.get("format"))


@blueprint.route("/entities/<segment>")
def entities(segment: str):
    if segment not in catalogue.TYPE_BY_SEGMENT:
        abort(404)
    sort = request.args.get("sort", "name")
    page = catalogue.whole_number(request.args.get("page"), 1, 1, 10**6)

    def listed() -> dict:
        found = catalogue.entities(segment, sort, page)
        link = lambda **a: urls.entities(segment, {k: v for k, v in ({"sort": found["sort"], "page": found["page"]} | a).items() if v not in ("name", 1)})  # noqa: E731
        return found | {"previous": link(page=found["page"] - 1) if found["page"] > 1 else None,
                        "next": link(page=found["page"] + 1) if found["page"] < found["pages"] else None,
                        "sorts": {name: link(sort=name, page=1) for name in catalogue.ENTITY_SORTS}}

    data = lambda: {k: v for k, v in listed().items() if k != "sorts"}  # noqa: E731
    return respond(Page("entities.html", listed, data=data), [HTML, JSON], explicit=request.args.get("format"))
