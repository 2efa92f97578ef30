"""How the pages name things: a label where the graph has one, else a title made from what
the graph says (a telegram's number, a quoted message's sender and date, a claim's quote),
and how any node or literal is shown (text, link, note).

Every function here takes a whole list of nodes and asks the store once per kind of thing,
never once per node: a page names dozens of things, and a query per name was most of its time.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from archivekg.extract.vocab import OWL, RDF, RDFS, SKOS
from archivekg.server import urls
from archivekg.server.describe import labels, select_each

PREDICATE_NAMES = {RDF.type: "type", RDFS.label: "name", SKOS.altLabel: "other name", OWL.sameAs: "same as"}
LONG_TEXT = 400
TITLE_KINDS = ("document", "part", "citation", "claim", "figure", "mention")

# one query per kind of unlabelled thing; `?this` takes every node of that kind (VALUES)
DOCUMENT_TITLES = """SELECT ?this ?id ?kind ?at WHERE { ?this schema:identifier ?id . OPTIONAL { ?this schema:text ?t }
  OPTIONAL { ?this kg:documentKind ?kind }
  BIND(IF(BOUND(?t) && CONTAINS(?t, ?id), STRLEN(STRBEFORE(?t, ?id)), 1000000) AS ?at) }"""
PART_TITLES = """SELECT ?this ?who ?date WHERE { OPTIONAL { ?this schema:sender|schema:author ?s . ?s rdfs:label ?who }
  OPTIONAL { ?this schema:dateSent ?date } }"""
QUOTE_TITLES = "SELECT ?this ?q WHERE { ?this kg:quote ?q }"
MENTION_TITLES = "SELECT ?this ?x WHERE { ?this oa:hasTarget/oa:hasSelector/oa:exact ?x }"


def humanize(local: str) -> str:
    """'dateSent' -> 'date sent', 'MilitaryUnit' -> 'military unit'."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).lower()


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """'1 figure', '2 figures', '0 figures' (`plural` for words that do not just take an s)."""
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def local_name(iri: str) -> str:
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


def short(text: str, length: int = 70) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def humanize_class(value: str) -> str:
    compacted = urls.compact(value)
    if compacted != value:  # a vocabulary term
        return humanize(local_name(value))
    parts = urls.split_iri(value)
    return f"{parts[0]} {parts[1]}" + (f" #{parts[2]}" if parts[2] else "") if parts else value


def names_of(nodes) -> dict:
    """node -> display name, for every node that has a label or schema:name."""
    return {node: values[0].value for node, values in labels(nodes).items()}


def value_of(row, name: str) -> str:
    return row[name].value if row[name] is not None else ""


def first_rows(rows, key=None) -> dict:
    """node (`?this`) -> its first row (after sorting by `key`, when given)."""
    found: dict = {}
    for row in sorted(rows, key=key) if key else rows:
        found.setdefault(row["this"], row)
    return found


def made_titles(nodes_by_kind: dict[str, list]) -> dict:
    """Titles made from the graph for unlabelled dataset nodes, one query per kind."""
    names: dict = {}
    documents = nodes_by_kind.get("document", []) + nodes_by_kind.get("citation", [])
    by_place = lambda r: (int(r["at"].value), r["id"].value, value_of(r, "kind"))  # noqa: E731  (where the number first appears)
    for node, row in first_rows(select_each(DOCUMENT_TITLES, documents), by_place).items():
        kind = urls.split_iri(node.value)[0]
        what = humanize(local_name(row["kind"].value)).capitalize() if row["kind"] is not None else ("Document" if kind == "document" else "Cited document")
        names[node] = f"{what} No. {row['id'].value}"
    by_sender = lambda r: (value_of(r, "who"), value_of(r, "date"))  # noqa: E731
    for node, row in first_rows(select_each(PART_TITLES, nodes_by_kind.get("part", [])), by_sender).items():
        if row["who"] is not None:
            names[node] = f"Message from {row['who'].value}" + (f", {row['date'].value[:10]}" if row["date"] is not None else "")
    for node, row in first_rows(select_each(QUOTE_TITLES, nodes_by_kind.get("claim", []) + nodes_by_kind.get("figure", []))).items():
        names[node] = f"{urls.split_iri(node.value)[0].capitalize()}: “{short(row['q'].value)}”"
    for node, row in first_rows(select_each(MENTION_TITLES, nodes_by_kind.get("mention", []))).items():
        names[node] = f"Mention: “{row['x'].value}”"
    return names


def titled(nodes) -> dict:
    """node -> display name, for labelled nodes and for the dataset nodes a title can be
    made for (documents, quoted messages, citations, claims, figures, mentions)."""
    nodes = {n for n in nodes if isinstance(n, ox.NamedNode)}
    names = names_of(nodes)
    untitled: dict[str, list] = {}
    for node in nodes - set(names):
        parts = urls.split_iri(node.value)
        if parts and not parts[2] and parts[0] in TITLE_KINDS:
            untitled.setdefault(parts[0], []).append(node)
    made = made_titles(untitled)
    for node in (n for kind_nodes in untitled.values() for n in kind_nodes):
        names[node] = made.get(node) or humanize_class(node.value)
    return names


def title(node: ox.NamedNode) -> str:
    """A readable name for any node (see `titled`), else one made from its IRI."""
    return titled([node]).get(node) or humanize_class(node.value)


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
