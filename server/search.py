"""/search?q=: find things by their name or any other name they go by ("filippov" finds
Stalin), as HTML for people and JSON for programs (Accept: application/json or format=json).

Two sources of names: the graph (labels, other names, titles, numbers) and the gazetteer the
extraction reads (`extract/data/gazetteer.jsonl` and the rule profiles, loaded as the build
loads them), whose
aliases hold spellings no document of the corpus may use: "Mao Tse-tung" (Wade-Giles) finds
Mao Zedong. Gazetteer names are compared without spaces, hyphens or case ("tsetung" too).

The words typed are bound into the query as a literal escaped by pyoxigraph (`describe.bind`),
never pasted into its text.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyoxigraph as ox
from flask import Blueprint, current_app, request

from archivekg.extract.iris import ENTITY_SEGMENTS
from archivekg.server import urls
from archivekg.server.describe import select
from archivekg.server.negotiate import HTML, JSON
from archivekg.server.render import Page, respond

blueprint = Blueprint("search", __name__)

MAX_QUERY = 200
MAX_RESULTS = 50
GAZETTEER_HOWS = ("gazetteer spelling", "pseudonym")
SEARCH = """SELECT DISTINCT ?e ?name ?how WHERE {
  { ?e rdfs:label ?name BIND("name" AS ?how) } UNION { ?e skos:altLabel ?name BIND("other name" AS ?how) }
  UNION { ?e a kg:Document ; schema:name ?name BIND("title" AS ?how) }
  UNION { ?e schema:identifier ?name BIND("number" AS ?how) }
  FILTER(STRSTARTS(STR(?e), ?space) && CONTAINS(LCASE(STR(?name)), ?words)) }"""


def score(name: str, words: str, how: str) -> tuple:
    lowered = name.lower()
    closeness = 0 if lowered == words else 1 if lowered.startswith(words) else 2 if re.search(r"\b" + re.escape(words), lowered) else 3
    return (closeness, 0 if how == "name" else 1, len(name))


def compact(name: str) -> str:
    """The form gazetteer names are compared in: letters and digits only, case folded."""
    return re.sub(r"[\W_]+", "", name.casefold())


@lru_cache(maxsize=4)
def gazetteer_names(profiles: tuple[str, ...]) -> tuple[tuple[str, str, str, str, str], ...]:
    """(compact name, name, how, kind segment, slug) for every name of every gazetteer entry,
    read as the build reads it: the base gazetteer with the rule profiles of the settings."""
    from archivekg.extract.gazetteer import parse_gazetteer
    from archivekg.extract.rules import RuleFiles, data_dir, profile_path

    found = []
    for entry in parse_gazetteer(RuleFiles([data_dir(), *(profile_path(p) for p in profiles)]))["entries"]:
        pseudonyms = set(entry.pseudonyms)
        for name in dict.fromkeys(entry.names()):
            how = "pseudonym" if name in pseudonyms else "gazetteer spelling"
            found.append((compact(name), name, how, ENTITY_SEGMENTS[entry.kind], entry.id))
    return tuple(found)


def from_gazetteer(words: str) -> list[tuple[ox.NamedNode, str, str]]:
    """(entity, the gazetteer's name, how) for the gazetteer names that contain the words."""
    wanted = compact(words)
    if not wanted:
        return []
    profiles = tuple(current_app.config["SETTINGS"].profiles)
    return [(ox.NamedNode(urls.iri(segment, slug)), name, how) for key, name, how, segment, slug in gazetteer_names(profiles) if wanted in key and urls.valid(segment, slug)]


def find(text: str) -> list[dict]:
    """Things whose name, other name, title or number (in the graph) or whose name in the
    gazetteer contains the words, best first."""
    words = " ".join(text.lower().split())[:MAX_QUERY]
    if not words:
        return []
    rows = select(SEARCH, space=ox.Literal(urls.base_iri() + "id/"), words=ox.Literal(words))
    found = [(r["e"], r["name"].value, r["how"].value) for r in rows] + from_gazetteer(words)
    best: dict = {}
    for node, name, how in found:
        parts = urls.split_iri(node.value)
        if parts is None or parts[2] or parts[0] in ("mention", "build"):
            continue
        candidate = (score(name, words, how), name, how)
        if node not in best or candidate < best[node]:
            best[node] = candidate
    names = {r["e"]: r["l"].value for r in select_labels(list(best))}
    best = {node: found for node, found in best.items() if node in names or found[2] not in GAZETTEER_HOWS}  # only what the graph has
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
