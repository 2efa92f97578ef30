"""What the dataset says about one IRI: the triples of its description, and labels.

A description is CBD-like: the statements about the thing, those about its own fragment
nodes (`{iri}#target`, `{iri}#annotation#position`, ...), the statements pointing at it
(incoming links), and the labels of every dataset node these name. Every query is
parameterised (`bind`): a term is written by pyoxigraph's own escaping, never pasted in raw.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from flask import g, has_app_context

from archivekg.extract.vocab import PREFIXES
from archivekg.server.storage import get_storage

CHUNK = 200  # IRIs per VALUES clause


def bind(query: str, bindings: dict) -> str:
    """The query with each `?name` replaced by its term, written by pyoxigraph itself
    (`str()` of a NamedNode or Literal is its escaped N-Triples form, valid SPARQL; a
    NamedNode cannot hold `>` or spaces). One pass over the text for all the names, so a term
    put in is never read again (a literal holding "?this" stays as it is). Works the same for
    the embedded store and a remote endpoint (which cannot take pyoxigraph `substitutions`)."""
    for term in bindings.values():
        if not isinstance(term, (ox.NamedNode, ox.Literal)):
            raise TypeError(f"can only bind IRIs and literals, not {term!r}")
    if not bindings:
        return query
    names = re.compile(r"\?(" + "|".join(re.escape(name) for name in sorted(bindings, key=len, reverse=True)) + r")\b")
    return names.sub(lambda match: str(bindings[match.group(1)]), query)


def select(query: str, **bindings) -> list:
    """Rows of a SELECT, with `?name` variables bound to the given terms.

    Within one request the same query is run once: a page asks for a thing's statements
    for its table, its picture and its header, and gets them from the first answer."""
    text = bind(query, bindings)
    answered = g.setdefault("archivekg_answers", {}) if has_app_context() else {}
    if text not in answered:
        answered[text] = list(get_storage().query(text, prefixes=PREFIXES))
    return answered[text]


def values(name: str, nodes) -> str:
    """A `VALUES ?name { ... }` clause for the given IRIs (written by pyoxigraph, escaped)."""
    return f"VALUES ?{name} {{ {' '.join(str(n) for n in nodes)} }}"


def select_each(query: str, nodes, name: str = "this") -> list:
    """Rows of `query` for every node at once: `?name` takes each node through a VALUES
    clause put at the start of its WHERE (in chunks, so the text stays small). One query
    for a list of things instead of one per thing."""
    nodes = sorted({n for n in nodes if isinstance(n, ox.NamedNode)}, key=str)
    head, brace, body = query.partition("WHERE {")
    if not brace:
        raise ValueError("select_each needs a query with `WHERE {`")
    rows: list = []
    for chunk in (nodes[i : i + CHUNK] for i in range(0, len(nodes), CHUNK)):
        rows += select(f"{head}WHERE {{ {values(name, chunk)} {body}")
    return rows


def ask(query: str, **bindings) -> bool:
    return bool(get_storage().query(bind(query, bindings), prefixes=PREFIXES))


def exists(iri: str) -> bool:
    """Whether the dataset says anything about `iri` (as subject or object)."""
    node = ox.NamedNode(iri)
    return ask("ASK { { ?this ?p ?o } UNION { ?s ?p ?this } }", this=node)


def remembered(key: tuple, compute):
    """`compute()`, once per request for the same key (like `select`'s answers)."""
    if not has_app_context():
        return compute()
    known = g.setdefault("archivekg_remembered", {})
    if key not in known:
        known[key] = compute()
    return known[key]


def outgoing(node: ox.NamedNode) -> list[ox.Triple]:
    rows = select("SELECT DISTINCT ?p ?o WHERE { ?this ?p ?o }", this=node)
    return remembered(("out", node), lambda: [ox.Triple(node, r["p"], r["o"]) for r in rows])


def incoming(node: ox.NamedNode) -> list[ox.Triple]:
    rows = select("SELECT DISTINCT ?s ?p WHERE { ?s ?p ?this }", this=node)
    return remembered(("in", node), lambda: [ox.Triple(r["s"], r["p"], node) for r in rows])


def is_fragment_of(term, iri: str) -> bool:
    return isinstance(term, ox.NamedNode) and term.value.startswith(iri + "#")


def description(iri: str) -> list[ox.Triple]:
    """The triples that describe `iri` (see the module docstring), sorted and distinct."""
    node = ox.NamedNode(iri)
    triples = set(outgoing(node))
    pointing = incoming(node)
    triples.update(pointing)
    # the thing's own fragment nodes, reached from it or pointing at it, followed to the end
    frontier = [t.object for t in triples if is_fragment_of(t.object, iri)]
    frontier += [t.subject for t in pointing if is_fragment_of(t.subject, iri)]
    seen = set()
    while frontier:
        fragment = frontier.pop()
        if fragment in seen:
            continue
        seen.add(fragment)
        for triple in outgoing(fragment):
            triples.add(triple)
            if is_fragment_of(triple.object, iri):
                frontier.append(triple.object)
    named = {t.subject for t in triples} | {t.object for t in triples if isinstance(t.object, ox.NamedNode)}
    for other, values in labelling(named - {node}).items():
        triples.update(ox.Triple(other, p, v) for p, v in values)
    return sorted(triples, key=str)


def labelling(nodes) -> dict[ox.NamedNode, list[tuple[ox.NamedNode, ox.Literal]]]:
    """node -> its labelling statements (rdfs:label, schema:name) as (predicate, literal)."""
    found: dict = {}
    for row in select_each("SELECT ?s ?p ?label WHERE { VALUES ?p { rdfs:label schema:name } ?s ?p ?label }", nodes, "s"):
        found.setdefault(row["s"], []).append((row["p"], row["label"]))
    return found


LABELS = """SELECT ?s ?label ?rank WHERE { { ?s rdfs:label ?label BIND(0 AS ?rank) } UNION { ?s schema:name ?label BIND(1 AS ?rank) } }"""


def labels(nodes) -> dict[ox.NamedNode, list[ox.Literal]]:
    """node -> its rdfs:label (or, lacking one, schema:name) literals, for the given nodes."""
    found: dict[ox.NamedNode, list] = {}
    for row in select_each(LABELS, nodes, "s"):
        found.setdefault(row["s"], []).append((int(row["rank"].value), row["label"].value, row["label"]))
    return {node: [label for _, _, label in sorted(ranked)] for node, ranked in found.items()}
