"""What a page about one thing shows, as plain data: its statements in readable form (labels,
not raw IRIs), its incoming links, its place in a document, the claims and figures it has
to do with, and its neighbourhood. Templates only lay these dicts out.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from archivekg.extract.vocab import OA, OWL, RDF, RDFS, SKOS
from archivekg.server import urls
from archivekg.server.describe import incoming, labels, outgoing, select
from archivekg.server.markup import snippet

# predicates some pages show in a place of their own (not again in the statement table)
ANNOTATION_LINKS = {OA.hasBody, OA.hasSource}
PREDICATE_NAMES = {RDF.type: "type", RDFS.label: "name", SKOS.altLabel: "other name", OWL.sameAs: "same as"}
LONG_TEXT = 400


def humanize(local: str) -> str:
    """'dateSent' -> 'date sent', 'MilitaryUnit' -> 'military unit'."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).lower()


def local_name(iri: str) -> str:
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


def names_of(nodes) -> dict:
    """node -> display name, for every node that has a label or schema:name."""
    return {node: values[0].value for node, values in labels(nodes).items()}


def predicate_name(p: ox.NamedNode, names: dict) -> str:
    return PREDICATE_NAMES.get(p) or names.get(p) or humanize(local_name(p.value))


def display(term, names: dict) -> dict:
    """A node or literal as the pages show it: text, link, and a small note."""
    if isinstance(term, ox.Literal):
        value = term.value
        note = term.language or ("" if term.datatype.value.endswith("#string") else urls.compact(term.datatype.value))
        if len(value) > LONG_TEXT:
            value = value[:LONG_TEXT].rstrip() + " …"
        return {"text": value, "href": None, "note": note, "literal": True}
    value = term.value
    wikidata = urls.wikidata_id(value)
    text = names.get(term) or (f"Wikidata {wikidata}" if wikidata else None) or humanize_class(value)
    return {"text": text, "href": urls.link(value), "note": wikidata or "", "literal": False, "iri": value}


def humanize_class(value: str) -> str:
    compacted = urls.compact(value)
    if compacted != value:  # a vocabulary term
        return humanize(local_name(value))
    parts = urls.split_iri(value)
    return f"{parts[0]} {parts[1]}" + (f" #{parts[2]}" if parts[2] else "") if parts else value


def statements(node: ox.NamedNode, skip=()) -> tuple[list[dict], list[dict]]:
    """(outgoing, incoming) statements, grouped by predicate, in readable form."""
    out = [t for t in outgoing(node) if t.predicate not in skip]
    into = [t for t in incoming(node) if t.predicate not in ANNOTATION_LINKS and t.predicate not in skip]
    named = {t.predicate for t in out + into} | {t.object for t in out} | {t.subject for t in into}
    names = titled(named)
    return group(out, names, lambda t: t.object), group(into, names, lambda t: t.subject)


def group(triples, names, other) -> list[dict]:
    groups: dict = {}
    for t in triples:
        groups.setdefault(t.predicate, []).append(display(other(t), names))
    rows = [
        {"predicate": predicate_name(p, names), "curie": urls.compact(p.value), "values": sorted(values, key=lambda v: v["text"].lower())}
        for p, values in groups.items()
    ]
    order = {"type": 0, "name": 1, "other name": 2, "same as": 3}
    return sorted(rows, key=lambda r: (order.get(r["predicate"], 9), r["predicate"]))


PLACE = """SELECT ?doc ?start ?end ?exact ?prefix ?suffix WHERE {
  ?a oa:hasTarget ?t . ?t oa:hasSource ?doc ; oa:hasSelector ?p , ?q .
  ?p oa:start ?start ; oa:end ?end . ?q oa:exact ?exact .
  OPTIONAL { ?q oa:prefix ?prefix } OPTIONAL { ?q oa:suffix ?suffix } } ORDER BY ?doc ?start"""


def anchor_for(node: ox.NamedNode, start: int, end: int) -> str:
    parts = urls.split_iri(node.value)
    if parts and parts[0] in ("claim", "figure", "part"):
        return urls.span_anchor(parts[0], parts[1])
    return urls.mention_anchor(start, end)


def place(node: ox.NamedNode) -> dict | None:
    """Where a claim, figure, quoted message or mention stands in its document: a snippet
    and the link to that place."""
    rows = select(PLACE.replace("?a oa:hasTarget", "?a oa:hasBody ?this ; oa:motivatedBy oa:describing ; oa:hasTarget"), this=node)
    rows = rows or select(PLACE.replace("?a oa:hasTarget", "?this oa:hasTarget"), this=node)
    if not rows:
        return None
    row = rows[0]
    start, end = int(row["start"].value), int(row["end"].value)
    href = urls.in_document(row["doc"].value, anchor_for(node, start, end))
    text = lambda name: row[name].value if row[name] is not None else ""  # noqa: E731
    return {
        "document": display(row["doc"], titled([row["doc"]])),
        "href": href,
        "snippet": snippet(text("prefix"), text("exact"), text("suffix"), href),
    }


MENTIONS = """SELECT ?m ?doc ?start ?end ?exact ?prefix ?suffix WHERE {
  ?m oa:hasBody ?this ; oa:motivatedBy oa:identifying ; oa:hasTarget ?t .
  ?t oa:hasSource ?doc ; oa:hasSelector ?p , ?q . ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
  ?q a oa:TextQuoteSelector ; oa:exact ?exact . OPTIONAL { ?q oa:prefix ?prefix } OPTIONAL { ?q oa:suffix ?suffix }
} ORDER BY ?doc ?start"""


def mentions(node: ox.NamedNode) -> list[dict]:
    """The documents that mention a thing, each with its mentions as linked snippets."""
    rows = select(MENTIONS, this=node)
    names = titled({r["doc"] for r in rows})
    documents: dict = {}
    for r in rows:
        start, end = int(r["start"].value), int(r["end"].value)
        href = urls.in_document(r["doc"].value, urls.mention_anchor(start, end))
        text = lambda name: r[name].value if r[name] is not None else ""  # noqa: E731
        doc = documents.setdefault(r["doc"], {"document": display(r["doc"], names), "snippets": []})
        doc["snippets"].append(snippet(text("prefix"), text("exact"), text("suffix"), href))
    return list(documents.values())


CLAIMS = """SELECT DISTINCT ?c ?role WHERE {
  { ?c kg:claimant ?this BIND("claimant" AS ?role) } UNION { ?c kg:about ?this BIND("about" AS ?role) }
  UNION { ?c kg:statedIn ?this BIND("stated" AS ?role) } UNION { ?c kg:reportedBy ?this BIND("reporter" AS ?role) }
  ?c a kg:Claim } ORDER BY ?c"""

CLAIM = """SELECT ?quote ?polarity ?claimant ?stated ?date ?modality WHERE { ?this a kg:Claim .
  OPTIONAL { ?this kg:quote ?quote } OPTIONAL { ?this kg:polarity ?polarity } OPTIONAL { ?this kg:modality ?modality }
  OPTIONAL { ?this kg:claimant ?claimant } OPTIONAL { ?this kg:statedIn ?stated } OPTIONAL { ?this kg:date ?date } } LIMIT 1"""


def claim_card(node: ox.NamedNode, role: str | None = None) -> dict:
    """One claim as the pages show it: quote, polarity, claimant, where it is stated."""
    rows = select(CLAIM, this=node)
    row = rows[0] if rows else {}
    get = lambda name: row[name] if row and row[name] is not None else None  # noqa: E731
    names = titled([t for t in (get("claimant"), get("stated")) if t is not None])
    polarity = get("polarity")
    return {
        "iri": node.value,
        "href": urls.page(node.value),
        "role": role,
        "quote": get("quote").value if get("quote") else "",
        "polarity": local_name(polarity.value).lower() if polarity else "unknown",
        "modality": humanize(local_name(get("modality").value)) if get("modality") else "",
        "claimant": display(get("claimant"), names) if get("claimant") else None,
        "stated": display(get("stated"), names) if get("stated") else None,
        "date": get("date").value if get("date") else "",
        "place": place(node),
    }


def claims(node: ox.NamedNode) -> list[dict]:
    roles: dict = {}
    for r in select(CLAIMS, this=node):
        roles.setdefault(r["c"], []).append(r["role"].value)
    return [claim_card(c, ", ".join(sorted(set(rs)))) for c, rs in roles.items()]


FIGURES = """SELECT DISTINCT ?f ?quote ?item ?count ?min ?max WHERE {
  { ?f kg:heldBy ?this } UNION { ?f kg:statedIn ?this } UNION { ?f kg:place ?this }
  ?f a kg:MilitaryFigure . OPTIONAL { ?f kg:quote ?quote } OPTIONAL { ?f kg:item ?item }
  OPTIONAL { ?f kg:count ?count } OPTIONAL { ?f kg:minCount ?min } OPTIONAL { ?f kg:maxCount ?max } } ORDER BY ?f"""


def figures(node: ox.NamedNode) -> list[dict]:
    found = {}
    for r in select(FIGURES, this=node):
        value = lambda name: r[name].value if r[name] is not None else None  # noqa: E731
        amount = value("count") or "–".join(v for v in (value("min"), value("max")) if v)
        found.setdefault(r["f"], {"href": urls.page(r["f"].value), "quote": value("quote") or "", "item": value("item") or "", "amount": amount, "place": place(r["f"])})
    return list(found.values())


def kinds(node: ox.NamedNode) -> list[str]:
    return [humanize(local_name(r["t"].value)) for r in select("SELECT DISTINCT ?t WHERE { ?this a ?t } ORDER BY ?t", this=node)]


GROUPED_KINDS = {"claim": ("claims", "#claims"), "figure": ("figures", "#figures")}


def neighbours(node: ox.NamedNode, limit: int = 10) -> list[dict]:
    """The dataset nodes one statement away (not annotations, fragments or classes); claims
    and figures, which can be many, are drawn as one node each that links to their list."""
    out = [(t.object, t.predicate, "out") for t in outgoing(node) if t.predicate != RDF.type]
    into = [(t.subject, t.predicate, "in") for t in incoming(node)]
    seen, found, grouped = set(), [], {}
    for other, predicate, direction in out + into:
        parts = urls.split_iri(other.value) if isinstance(other, ox.NamedNode) else None
        if not parts or parts[2] or parts[0] in ("mention", "build") or other == node or other in seen:
            continue
        seen.add(other)
        if parts[0] in GROUPED_KINDS:
            grouped.setdefault(parts[0], []).append((predicate, direction))
        else:
            found.append((other, predicate, direction, parts[0]))
    found.sort(key=lambda f: (f[3] == "document", f[0].value))
    found = found[: max(limit - len(grouped), 0)]
    names = titled({f[0] for f in found} | {f[1] for f in found} | {p for links in grouped.values() for p, _ in links})
    drawn = [{"text": names.get(o) or humanize_class(o.value), "href": urls.page(o.value), "kind": k, "predicate": predicate_name(p, names), "direction": d} for o, p, d, k in found]
    for kind, links in sorted(grouped.items()):
        plural, anchor = GROUPED_KINDS[kind]
        predicate, direction = links[0]
        text = f"{len(links)} {plural}" if len(links) > 1 else f"1 {kind}"
        drawn.append({"text": text, "href": anchor, "kind": kind, "predicate": predicate_name(predicate, names), "direction": direction})
    return drawn


TITLE_KINDS = ("document", "part", "citation", "claim", "figure", "mention")


def title(node: ox.NamedNode) -> str:
    """A readable name for any node: its label, else one made from what the graph says
    (a telegram's number, a quoted message's sender and date, a claim's quote)."""
    names = names_of([node])
    if node in names:
        return names[node]
    parts = urls.split_iri(node.value)
    kind = parts[0] if parts else "thing"
    if kind in ("document", "citation"):
        rows = select(
            """SELECT ?id ?kind WHERE { ?this schema:identifier ?id . OPTIONAL { ?this schema:text ?t }
            OPTIONAL { ?this kg:documentKind ?kind } OPTIONAL { ?this a schema:Message BIND(1 AS ?message) }
            BIND(IF(BOUND(?t) && CONTAINS(?t, ?id), STRLEN(STRBEFORE(?t, ?id)), 1000000) AS ?at) } ORDER BY ?at ?id LIMIT 1""",
            this=node,
        )
        if rows:
            what = humanize(local_name(rows[0]["kind"].value)).capitalize() if rows[0]["kind"] is not None else ("Document" if kind == "document" else "Cited document")
            return f"{what} No. {rows[0]['id'].value}"
    if kind == "part":
        rows = select("SELECT ?who ?date WHERE { OPTIONAL { ?this schema:sender|schema:author ?s . ?s rdfs:label ?who } OPTIONAL { ?this schema:dateSent ?date } } LIMIT 1", this=node)
        if rows and rows[0]["who"] is not None:
            return f"Message from {rows[0]['who'].value}" + (f", {rows[0]['date'].value[:10]}" if rows[0]["date"] is not None else "")
    if kind in ("claim", "figure"):
        rows = select("SELECT ?q WHERE { ?this kg:quote ?q } LIMIT 1", this=node)
        if rows:
            return f"{kind.capitalize()}: “{short(rows[0]['q'].value)}”"
    if kind == "mention":
        rows = select("SELECT ?x WHERE { ?this oa:hasTarget/oa:hasSelector/oa:exact ?x } LIMIT 1", this=node)
        if rows:
            return f"Mention: “{rows[0]['x'].value}”"
    return humanize_class(node.value)


def short(text: str, length: int = 70) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def titled(nodes) -> dict:
    """node -> display name, for labelled nodes and for the dataset nodes `title` can name."""
    names = names_of(nodes)
    for node in nodes:
        if node not in names and isinstance(node, ox.NamedNode):
            parts = urls.split_iri(node.value)
            if parts and not parts[2] and parts[0] in TITLE_KINDS:
                names[node] = title(node)
    return names


def wikidata(node: ox.NamedNode) -> list[dict]:
    rows = select("SELECT ?w WHERE { ?this owl:sameAs ?w } ORDER BY ?w", this=node)
    return [{"id": urls.wikidata_id(r["w"].value), "href": r["w"].value} for r in rows if urls.wikidata_id(r["w"].value)]


def other_names(node: ox.NamedNode) -> list[str]:
    return [r["a"].value for r in select("SELECT DISTINCT ?a WHERE { ?this skos:altLabel ?a } ORDER BY ?a", this=node)]



def own_text(node: ox.NamedNode) -> str | None:
    """The schema:text of a quoted message (or any node that carries one)."""
    rows = select("SELECT ?t WHERE { ?this schema:text ?t } LIMIT 1", this=node)
    return rows[0]["t"].value if rows else None
