"""/search?q=: find things by their name or any other name they go by ("filippov" finds
Stalin), as HTML for people and JSON for programs (Accept: application/json or format=json).

The words typed are bound into the query as a literal escaped by pyoxigraph (`describe.bind`),
never pasted into its text.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from flask import Blueprint, request

from archivekg.server import urls
from archivekg.server.describe import select
from archivekg.server.negotiate import HTML, JSON
from archivekg.server.render import Page, respond

blueprint = Blueprint("search", __name__)

MAX_QUERY = 200
MAX_RESULTS = 50
SEARCH = """SELECT DISTINCT ?e ?name ?how WHERE {
  { ?e rdfs:label ?name BIND("name" AS ?how) } UNION { ?e skos:altLabel ?name BIND("other name" AS ?how) }
  UNION { ?e a kg:Document ; schema:name ?name BIND("title" AS ?how) }
  UNION { ?e schema:identifier ?name BIND("number" AS ?how) }
  FILTER(STRSTARTS(STR(?e), ?space) && CONTAINS(LCASE(STR(?name)), ?words)) }"""


def score(name: str, words: str, how: str) -> tuple:
    lowered = name.lower()
    closeness = 0 if lowered == words else 1 if lowered.startswith(words) else 2 if re.search(r"\b" + re.escape(words), lowered) else 3
    return (closeness, 0 if how == "name" else 1, len(name))


def find(text: str) -> list[dict]:
    """Things whose name, other name, title or number contains the words, best first."""
    words = " ".join(text.lower().split())[:MAX_QUERY]
    if not words:
        return []
    rows = select(SEARCH, space=ox.Literal(urls.base_iri() + "id/"), words=ox.Literal(words))
    best: dict = {}
    for r in rows:
        parts = urls.split_iri(r["e"].value)
        if parts is None or parts[2] or parts[0] in ("mention", "build"):
            continue
        candidate = (score(r["name"].value, words, r["how"].value), r["name"].value, r["how"].value)
        if r["e"] not in best or candidate < best[r["e"]]:
            best[r["e"]] = candidate
    names = {r["e"]: r["l"].value for r in select_labels(list(best))}
    results = [
        {"iri": e.value, "href": urls.page(e.value), "label": names.get(e) or matched, "kind": urls.split_iri(e.value)[0], "matched": matched, "how": how}
        for e, (_, matched, how) in best.items()
    ]
    order = {e.value: s for e, (s, _, _) in best.items()}
    return sorted(results, key=lambda r: (order[r["iri"]], r["label"]))[:MAX_RESULTS]


def select_labels(nodes):
    if not nodes:
        return []
    values = " ".join(str(n) for n in nodes)
    return select(f"SELECT ?e ?l WHERE {{ VALUES ?e {{ {values} }} {{ ?e rdfs:label ?l }} UNION {{ ?e a kg:Document ; schema:name ?l }} }}")


@blueprint.route("/search")
def search():
    text = request.args.get("q", "")
    page = Page(
        "search.html",
        lambda: {"title": f"Search: {text}" if text else "Search", "q": text, "results": find(text)},
        data=lambda: {"q": text, "results": find(text)},
    )
    return respond(page, [HTML, JSON], explicit=request.args.get("format"))
