"""What the document pages, the home page and the disputes page show, as plain data.

The document text is marked up from the annotations whose target is in that document: every
mention (a link to its entity), claim, figure and quoted message, each with an anchor the
other pages link to (`#m-<start>-<end>`, `#claim-<slug>`, `#figure-<slug>`, `#part-<slug>`).
"""

from __future__ import annotations

import pyoxigraph as ox

from archivekg.extract.vocab import KG, SCHEMA
from archivekg.server import urls
from archivekg.server.describe import select
from archivekg.server.facts import claim_cards, objects, places
from archivekg.server.titles import display, humanize, local_name, names_of, title, titled
from archivekg.server.markup import Mark, marked_text

ANNOTATIONS = """SELECT DISTINCT ?body ?start ?end ?polarity WHERE {
  ?a oa:hasBody ?body ; oa:hasTarget ?t . ?t oa:hasSource ?this ; oa:hasSelector ?p .
  ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
  OPTIONAL { ?body kg:polarity ?polarity } } ORDER BY ?start ?end"""
SPAN_RANKS = {"part": 0, "claim": 1, "figure": 2}


def document_text(node: ox.NamedNode) -> dict:
    """The document's text as HTML with its marks, and how many of each kind it has."""
    texts = objects(node, SCHEMA.text)
    text = texts[0].value if texts else ""
    annotations = select(ANNOTATIONS, this=node)
    names = names_of({r["body"] for r in annotations})
    marks, counts = [], {}
    for r in annotations:
        body, start, end = r["body"], int(r["start"].value), int(r["end"].value)
        parts = urls.split_iri(body.value)
        if parts is None:
            continue
        kind, slug = parts[0], parts[1]
        label = names.get(body) or f"{kind} {slug}"
        if kind in SPAN_RANKS:
            polarity = local_name(r["polarity"].value).lower() if r["polarity"] is not None else ""
            classes = f"span {kind} {polarity}".strip()
            note = f"{kind} ({polarity})" if polarity else kind
            marks.append(Mark(start, end, "span" if kind == "part" else "mark", (("class", classes), ("title", note)), urls.span_anchor(kind, slug), SPAN_RANKS[kind]))
        else:
            attrs = (("class", f"mention {kind}"), ("href", urls.page(body.value)), ("title", f"{label} ({kind})"))
            marks.append(Mark(start, end, "a", attrs, urls.mention_anchor(start, end), 3))
            kind = "mention"
        counts[kind] = counts.get(kind, 0) + 1
    return {"html": marked_text(text, marks), "length": len(text), "counts": counts}


def quoted_messages(node: ox.NamedNode) -> list[dict]:
    """The messages (and remarks) quoted within a document, with who sent them and when."""
    rows = select(
        """SELECT ?part ?name ?sender ?recipient ?date ?kind WHERE { ?part schema:isPartOf ?this .
        OPTIONAL { ?part schema:name ?name } OPTIONAL { ?part schema:sender|schema:author ?sender }
        OPTIONAL { ?part schema:recipient ?recipient } OPTIONAL { ?part schema:dateSent ?date }
        OPTIONAL { ?part kg:documentKind ?kind } } ORDER BY ?part""",
        this=node,
    )
    names = titled({r[n] for r in rows for n in ("part", "sender", "recipient") if r[n] is not None})
    where = places({r["part"] for r in rows})
    found: dict = {}
    for r in rows:
        entry = found.setdefault(r["part"], {"href": urls.page(r["part"].value), "title": names.get(r["part"]) or title(r["part"]), "senders": [], "recipients": [], "date": "", "kind": "", "place": where.get(r["part"])})
        for key, name in (("senders", "sender"), ("recipients", "recipient")):
            if r[name] is not None and display(r[name], names) not in entry[key]:
                entry[key].append(display(r[name], names))
        entry["date"] = r["date"].value if r["date"] is not None else entry["date"]
        entry["kind"] = humanize(local_name(r["kind"].value)) if r["kind"] is not None else entry["kind"]
    return list(found.values())


def citations(node: ox.NamedNode) -> list[dict]:
    rows = select(
        """SELECT DISTINCT ?c WHERE { { ?this schema:citation ?c } UNION { ?part schema:isPartOf ?this ; schema:citation ?c } } ORDER BY ?c""",
        this=node,
    )
    names = titled({r["c"] for r in rows})
    return [{"text": names.get(r["c"]) or title(r["c"]), "href": urls.page(r["c"].value)} for r in rows]


def document_claims(node: ox.NamedNode) -> list[dict]:
    rows = select(
        """SELECT DISTINCT ?c WHERE { ?c a kg:Claim ; kg:statedIn ?where . { FILTER(?where = ?this) } UNION { ?where schema:isPartOf ?this } } ORDER BY ?c""",
        this=node,
    )
    return claim_cards({r["c"]: None for r in rows})


DOCUMENTS = """SELECT ?d ?name ?id ?date ?kind WHERE { ?d a kg:Document .
  OPTIONAL { ?d schema:name ?name } OPTIONAL { ?d schema:identifier ?id }
  OPTIONAL { ?d schema:dateCreated|schema:dateSent|schema:dateReceived ?date }
  OPTIONAL { ?d kg:documentKind ?kind } } ORDER BY ?d"""


def documents() -> list[dict]:
    """Every source document with its title and earliest date, in date order."""
    found: dict = {}
    for r in select(DOCUMENTS):
        d = found.setdefault(r["d"], {"iri": r["d"].value, "href": urls.page(r["d"].value), "name": None, "ids": set(), "dates": set(), "kind": ""})
        if r["name"] is not None:
            d["name"] = r["name"].value
        if r["id"] is not None:
            d["ids"].add(r["id"].value)
        if r["date"] is not None:
            d["dates"].add(r["date"].value[:10])
        if r["kind"] is not None:
            d["kind"] = humanize(local_name(r["kind"].value))
    names = titled(node for node, d in found.items() if d["name"] is None)
    rows = []
    for node, d in found.items():
        ids = sorted(d.pop("ids"))
        dates = sorted(d.pop("dates"))
        d["identifier"] = ", ".join(ids)
        d["date"] = dates[0] if dates else ""
        d["title"] = d["name"] or names.get(node) or title(node)
        rows.append(d)
    return sorted(rows, key=lambda d: (d["date"] or "9999", d["title"]))


COUNTS = """SELECT ?type (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?type .
  VALUES ?type { kg:Document schema:Message schema:Person schema:Organization kg:MilitaryUnit schema:Country
                 schema:Place schema:Event schema:CreativeWork kg:Claim kg:MilitaryFigure kg:Contradiction } } GROUP BY ?type"""
ENTITY_TYPES = [("Person", SCHEMA.Person), ("Organisation", SCHEMA.Organization), ("Military unit", KG.MilitaryUnit), ("Country", SCHEMA.Country),
                ("Place", SCHEMA.Place), ("Event", SCHEMA.Event), ("Cited work", SCHEMA.CreativeWork)]
# entities are the things documents mention (a quoted message or remarks are CreativeWorks too, but not entities)
ENTITY_COUNTS = """SELECT ?type (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e kg:mentionedIn ?d ; a ?type } GROUP BY ?type"""


def numbers() -> dict:
    """The dataset in numbers: documents, entities by type, claims, figures, contradictions."""
    counts = {r["type"]: int(r["n"].value) for r in select(COUNTS)}
    entity_counts = {r["type"]: int(r["n"].value) for r in select(ENTITY_COUNTS)}
    entities = select("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e kg:mentionedIn ?d }")
    mentions = select("SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m oa:motivatedBy oa:identifying }")
    statements = select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return {
        "documents": counts.get(KG.Document, 0),
        "entities": int(entities[0]["n"].value),
        "by_type": [(name, entity_counts.get(cls, 0)) for name, cls in ENTITY_TYPES],
        "mentions": int(mentions[0]["n"].value),
        "claims": counts.get(KG.Claim, 0),
        "figures": counts.get(KG.MilitaryFigure, 0),
        "contradictions": counts.get(KG.Contradiction, 0),
        "statements": int(statements[0]["n"].value),
    }


DISPUTES = """SELECT ?x ?a ?b ?why ?shared WHERE { ?x a kg:Contradiction ; kg:claimA ?a ; kg:claimB ?b .
  OPTIONAL { ?x kg:explanation ?why } OPTIONAL { ?x kg:sharedMessage ?shared } } ORDER BY ?x"""


def disputes(only: ox.NamedNode | None = None) -> list[dict]:
    """Each contradiction (or `only` that one): why, and both claims side by side, each
    linked to its place."""
    rows = select(DISPUTES.replace("?x a kg:Contradiction", "VALUES ?x { ?only } ?x a kg:Contradiction") if only else DISPUTES, **({"only": only} if only else {}))
    names = titled({r["shared"] for r in rows if r["shared"] is not None})
    cards = {card["iri"]: card for card in claim_cards({c: None for r in rows for c in (r["a"], r["b"])})}
    return [
        {
            "href": urls.page(r["x"].value),
            "anchor": urls.split_iri(r["x"].value)[1] if urls.split_iri(r["x"].value) else "",
            "explanation": r["why"].value if r["why"] is not None else "",
            "shared": display(r["shared"], names) if r["shared"] is not None else None,
            "claims": [cards[r["a"].value], cards[r["b"].value]],
        }
        for r in rows
    ]
