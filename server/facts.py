"""What a page about one thing shows, as plain data: its statements in readable form (labels,
not raw IRIs), its incoming links, its place in a document, the claims and figures it has
to do with, and its neighbourhood. Templates only lay these dicts out.

Cost: a page asks a handful of queries whatever it shows. The thing's own statements are read
once per request (`describe.select` remembers them) and the rest comes from them; lists of
things (claims, places, titles) are asked for all at once with VALUES. Long lists are cut at
`SHOWN` items with "and N more" linking to a SPARQL query for all of them: a person named in
a thousand telegrams gets a page as quick as one named in two.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from archivekg.extract.vocab import KG, OA, OWL, RDF, SCHEMA
from archivekg.server import urls
from archivekg.server.describe import incoming, outgoing, select, select_each
from archivekg.server.markup import plain, snippet
from archivekg.server.titles import display, first_rows, humanize, humanize_class, local_name, predicate_name, titled, value_of

# predicates some pages show in a place of their own (not again in the statement table)
ANNOTATION_LINKS = {OA.hasBody, OA.hasSource}
SHOWN = 25  # items of one list shown on a page (values of one predicate, claims, figures, documents)
SNIPPETS_SHOWN = 10  # mentions shown per document on an entity page


def more(total: int, shown: int, query: str) -> dict | None:
    """'and N more', linked to the query editor with a query that lists them all (run when
    it opens); None when all are shown."""
    return {"count": total - shown, "href": urls.editor(query), "query": query} if total > shown else None


def listing(items: list, total: int, query: str) -> dict:
    return {"items": items, "total": total, "more": more(total, len(items), query)}


def statements(node: ox.NamedNode, skip=()) -> tuple[list[dict], list[dict]]:
    """(outgoing, incoming) statements, grouped by predicate, in readable form."""
    out = [t for t in outgoing(node) if t.predicate not in skip]
    into = [t for t in incoming(node) if t.predicate not in ANNOTATION_LINKS and t.predicate not in skip]
    out_groups = grouped(out, lambda t: t.object)
    in_groups = grouped(into, lambda t: t.subject)
    named = set(out_groups) | set(in_groups) | {v for vs in out_groups.values() for v in vs[:SHOWN]} | {v for vs in in_groups.values() for v in vs[:SHOWN]}
    names = titled(named)
    return (
        rows(out_groups, names, lambda p: f"SELECT ?value WHERE {{ {node} {written(p)} ?value }}"),
        rows(in_groups, names, lambda p: f"SELECT ?thing WHERE {{ ?thing {written(p)} {node} }}"),
    )


def written(p: ox.NamedNode) -> str:
    """A predicate as a query for people writes it: `kg:mentionedIn` (the endpoint predeclares
    the prefixes), else `<iri>`."""
    short = urls.compact(p.value)
    return short if re.fullmatch(r"[a-z]+:[A-Za-z][A-Za-z0-9_]*", short) else str(p)


def grouped(triples, other) -> dict:
    """predicate -> the terms at the other end, in a stable order (IRIs and literals by text)."""
    groups: dict = {}
    for t in triples:
        groups.setdefault(t.predicate, []).append(other(t))
    return {p: sorted(terms, key=lambda term: (term.value, str(term))) for p, terms in groups.items()}


def rows(groups: dict, names: dict, query_for) -> list[dict]:
    found = []
    for p, terms in groups.items():
        values = sorted((display(term, names) for term in terms[:SHOWN]), key=lambda v: v["text"].lower())
        found.append({"predicate": predicate_name(p, names), "curie": urls.compact(p.value), "values": values, "more": more(len(terms), SHOWN, query_for(p))})
    order = {"type": 0, "name": 1, "other name": 2, "same as": 3}
    return sorted(found, key=lambda r: (order.get(r["predicate"], 9), r["predicate"]))


def objects(node: ox.NamedNode, predicate: ox.NamedNode) -> list:
    """The objects of one of the thing's own statements (from the statements read once)."""
    return sorted((t.object for t in outgoing(node) if t.predicate == predicate), key=lambda o: o.value)


def kinds(node: ox.NamedNode) -> list[str]:
    return [humanize(local_name(t.value)) for t in objects(node, RDF.type)]


def wikidata(node: ox.NamedNode) -> list[dict]:
    return [{"id": urls.wikidata_id(w.value), "href": w.value} for w in objects(node, OWL.sameAs) if urls.wikidata_id(w.value)]


def own_text(node: ox.NamedNode) -> str | None:
    """The schema:text of a quoted message (or any node that carries one)."""
    texts = objects(node, SCHEMA.text)
    return texts[0].value if texts else None


PLACE = """SELECT ?this ?doc ?start ?end ?exact ?prefix ?suffix WHERE {
  ?a oa:hasTarget ?t . ?t oa:hasSource ?doc ; oa:hasSelector ?p , ?q .
  ?p oa:start ?start ; oa:end ?end . ?q oa:exact ?exact .
  OPTIONAL { ?q oa:prefix ?prefix } OPTIONAL { ?q oa:suffix ?suffix } }"""
DESCRIBED_PLACE = PLACE.replace("?a oa:hasTarget", "?a oa:hasBody ?this ; oa:motivatedBy oa:describing ; oa:hasTarget")
TARGETED_PLACE = PLACE.replace("?a oa:hasTarget", "?this oa:hasTarget")


def anchor_for(node: ox.NamedNode, start: int, end: int) -> str:
    parts = urls.split_iri(node.value)
    if parts and parts[0] in ("claim", "figure", "part"):
        return urls.span_anchor(parts[0], parts[1])
    return urls.mention_anchor(start, end)


def places(nodes) -> dict:
    """node -> where it stands in its document (a snippet and the link to that place), for
    claims, figures, quoted messages and mentions: two queries for all of them."""
    nodes = set(nodes)
    by_place = lambda r: (r["doc"].value, int(r["start"].value))  # noqa: E731
    found = {}
    for query in (DESCRIBED_PLACE, TARGETED_PLACE):
        rows_of = select_each(query, nodes - set(found))
        found.update({node: row for node, row in first_rows(rows_of, by_place).items() if node not in found})
    names = titled({row["doc"] for row in found.values()})
    result = {}
    for node, row in found.items():
        start = int(row["start"].value)
        href = urls.in_document(row["doc"].value, anchor_for(node, start, int(row["end"].value)), start)
        result[node] = {"document": display(row["doc"], names), "href": href, "snippet": snippet(value_of(row, "prefix"), value_of(row, "exact"), value_of(row, "suffix"), href)}
    return result


def place(node: ox.NamedNode) -> dict | None:
    return places([node]).get(node)


MENTIONS = """SELECT ?m ?doc ?start ?end ?exact ?prefix ?suffix WHERE {
  ?m oa:hasBody ?this ; oa:motivatedBy oa:identifying ; oa:hasTarget ?t . ?t oa:hasSource ?doc FILTER(?doc IN (?shown))
  ?t oa:hasSelector ?p , ?q . ?p oa:start ?start ; oa:end ?end . ?q oa:exact ?exact
  OPTIONAL { ?q oa:prefix ?prefix } OPTIONAL { ?q oa:suffix ?suffix } }"""


def mentions(node: ox.NamedNode) -> dict:
    """The documents that mention a thing (the first `SHOWN`, from its kg:mentionedIn), each
    with its mentions as linked snippets (the first `SNIPPETS_SHOWN`). The snippets are the
    stored quote selectors, asked for the shown documents only (the filter keeps the query
    to them, where a VALUES clause would make the store start from every mention)."""
    documents = objects(node, KG.mentionedIn)
    shown = documents[:SHOWN]
    query = f"SELECT ?document WHERE {{ {node} kg:mentionedIn ?document }}"
    if not shown:
        return listing([], 0, query)
    names = titled(shown)
    found = {doc: {"document": display(doc, names), "snippets": [], "count": 0, "more": None} for doc in shown}
    rows_of = select(MENTIONS.replace("?shown", ", ".join(str(d) for d in shown)), this=node)
    for r in sorted(rows_of, key=lambda r: (r["doc"].value, int(r["start"].value), int(r["end"].value))):
        doc = found[r["doc"]]
        doc["count"] += 1
        if len(doc["snippets"]) < SNIPPETS_SHOWN:
            start = int(r["start"].value)
            href = urls.in_document(r["doc"].value, urls.mention_anchor(start, int(r["end"].value)), start)
            doc["snippets"].append(snippet(value_of(r, "prefix"), value_of(r, "exact"), value_of(r, "suffix"), href))
    for doc, entry in found.items():
        hidden = entry["count"] - len(entry["snippets"])
        entry["more"] = {"count": hidden, "href": urls.page(doc.value)} if hidden else None
    return listing([entry for entry in found.values() if entry["count"]], len(documents), query)


def linked(node: ox.NamedNode, kind: str, predicates: dict) -> dict:
    """The things of one kind (claims, figures) linked to `node` by one of `predicates`,
    from its incoming statements: thing -> the roles (predicate names) it has."""
    found: dict = {}
    for t in incoming(node):
        parts = urls.split_iri(t.subject.value) if t.predicate in predicates and isinstance(t.subject, ox.NamedNode) else None
        if parts and parts[0] == kind and not parts[2]:
            found.setdefault(t.subject, set()).add(predicates[t.predicate])
    return dict(sorted(found.items(), key=lambda item: item[0].value))


CLAIM_ROLES = {KG.claimant: "claimant", KG.about: "about", KG.statedIn: "stated", KG.reportedBy: "reporter"}
CLAIM = """SELECT ?this ?quote ?polarity ?claimant ?stated ?date ?modality WHERE { ?this a kg:Claim .
  OPTIONAL { ?this kg:quote ?quote } OPTIONAL { ?this kg:polarity ?polarity } OPTIONAL { ?this kg:modality ?modality }
  OPTIONAL { ?this kg:claimant ?claimant } OPTIONAL { ?this kg:statedIn ?stated } OPTIONAL { ?this kg:date ?date } }"""


def claim_cards(claims: dict) -> list[dict]:
    """Claims (node -> role or None) as the pages show them: quote, polarity, claimant, where
    stated, its place; a few queries for all of them, in the order given."""
    found = first_rows(select_each(CLAIM, claims))
    names = titled({r[n] for r in found.values() for n in ("claimant", "stated") if r[n] is not None})
    where = places(claims)
    cards = []
    for node, role in claims.items():
        row = found.get(node)
        get = lambda name: row[name] if row is not None and row[name] is not None else None  # noqa: E731
        cards.append({
            "iri": node.value,
            "href": urls.page(node.value),
            "role": role,
            "quote": plain(get("quote").value) if get("quote") else "",
            "polarity": local_name(get("polarity").value).lower() if get("polarity") else "unknown",
            "modality": humanize(local_name(get("modality").value)) if get("modality") else "",
            "claimant": display(get("claimant"), names) if get("claimant") else None,
            "stated": display(get("stated"), names) if get("stated") else None,
            "date": get("date").value if get("date") else "",
            "place": where.get(node),
        })
    return cards


def claim_card(node: ox.NamedNode, role: str | None = None) -> dict:
    return claim_cards({node: role})[0]


def claims(node: ox.NamedNode) -> dict:
    """The claims a thing makes, is the subject of, states or reports (the first `SHOWN`)."""
    roles = linked(node, "claim", CLAIM_ROLES)
    shown = {c: ", ".join(sorted(rs)) for c, rs in list(roles.items())[:SHOWN]}
    query = f"SELECT DISTINCT ?claim WHERE {{ ?claim a kg:Claim ; kg:claimant|kg:about|kg:statedIn|kg:reportedBy {node} }}"
    return listing(claim_cards(shown), len(roles), query)


FIGURE_LINKS = {KG.heldBy: "held by", KG.statedIn: "stated in", KG.place: "place"}
FIGURE = """SELECT ?this ?quote ?item ?count ?min ?max WHERE { ?this a kg:MilitaryFigure . OPTIONAL { ?this kg:quote ?quote }
  OPTIONAL { ?this kg:item ?item } OPTIONAL { ?this kg:count ?count } OPTIONAL { ?this kg:minCount ?min } OPTIONAL { ?this kg:maxCount ?max } }"""


def figures(node: ox.NamedNode) -> dict:
    """The military figures a thing holds, states or is the place of (the first `SHOWN`)."""
    every = list(linked(node, "figure", FIGURE_LINKS))
    shown = every[:SHOWN]
    found = first_rows(select_each(FIGURE, shown))
    where = places(shown)
    items = []
    for f in shown:
        if f not in found:
            continue
        r = found[f]
        amount = value_of(r, "count") or "–".join(v for v in (value_of(r, "min"), value_of(r, "max")) if v)
        items.append({"href": urls.page(f.value), "quote": plain(value_of(r, "quote")), "item": value_of(r, "item"), "amount": amount, "place": where.get(f)})
    query = f"SELECT DISTINCT ?figure WHERE {{ ?figure a kg:MilitaryFigure ; kg:heldBy|kg:statedIn|kg:place {node} }}"
    return listing(items, len(every), query)


GROUPED_KINDS = {"claim": ("claims", "#claims"), "figure": ("figures", "#figures")}


def neighbours(node: ox.NamedNode, limit: int = 10) -> list[dict]:
    """The dataset nodes one statement away (not annotations, fragments or classes); claims
    and figures, which can be many, are drawn as one node each that links to their list."""
    out = [(t.object, t.predicate, "out") for t in outgoing(node) if t.predicate != RDF.type]
    into = [(t.subject, t.predicate, "in") for t in incoming(node) if t.predicate not in ANNOTATION_LINKS]  # annotations are not drawn
    seen, found, grouped_links = set(), [], {}
    for other, predicate, direction in out + into:
        parts = urls.split_iri(other.value) if isinstance(other, ox.NamedNode) else None
        if not parts or parts[2] or parts[0] in ("mention", "build") or other == node or other in seen:
            continue
        seen.add(other)
        if parts[0] in GROUPED_KINDS:
            grouped_links.setdefault(parts[0], []).append((predicate, direction))
        else:
            found.append((other, predicate, direction, parts[0]))
    found.sort(key=lambda f: (f[3] == "document", f[0].value))
    found = found[: max(limit - len(grouped_links), 0)]
    names = titled({f[0] for f in found} | {f[1] for f in found} | {p for links in grouped_links.values() for p, _ in links})
    drawn = [{"text": names.get(o) or humanize_class(o.value), "href": urls.page(o.value), "kind": k, "predicate": predicate_name(p, names), "direction": d} for o, p, d, k in found]
    for kind, links in sorted(grouped_links.items()):
        plural, anchor = GROUPED_KINDS[kind]
        predicate, direction = links[0]
        text = f"{len(links)} {plural}" if len(links) != 1 else f"1 {kind}"
        drawn.append({"text": text, "href": anchor, "kind": kind, "predicate": predicate_name(predicate, names), "direction": direction})
    return drawn
