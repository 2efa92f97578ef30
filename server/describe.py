"""What the dataset says about one IRI: the triples of its description, and labels.

A description is CBD-like: the statements about the thing, those about its own fragment
nodes (`{iri}#target`, `{iri}#annotation#position`, ...), the statements pointing at it
(incoming links), and the labels of every dataset node these name. Every query is
parameterised (`bind`): a term is written by pyoxigraph's own escaping, never pasted in raw.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from archivekg.extract.vocab import PREFIXES
from archivekg.server.storage import get_storage


def bind(query: str, bindings: dict) -> str:
    """The query with each `?name` replaced by its term, written by pyoxigraph itself
    (`str()` of a NamedNode or Literal is its escaped N-Triples form, valid SPARQL; a
    NamedNode cannot hold `>` or spaces). Works the same for the embedded store and a remote
    endpoint (which cannot take pyoxigraph `substitutions`)."""
    for name, term in bindings.items():
        if not isinstance(term, (ox.NamedNode, ox.Literal)):
            raise TypeError(f"can only bind IRIs and literals, not {term!r}")
        query = re.sub(r"\?" + re.escape(name) + r"\b", lambda _: str(term), query)
    return query


def select(query: str, **bindings) -> list:
    """Rows of a SELECT, with `?name` variables bound to the given terms."""
    return list(get_storage().query(bind(query, bindings), prefixes=PREFIXES))


def ask(query: str, **bindings) -> bool:
    return bool(get_storage().query(bind(query, bindings), prefixes=PREFIXES))


def exists(iri: str) -> bool:
    """Whether the dataset says anything about `iri` (as subject or object)."""
    node = ox.NamedNode(iri)
    return ask("ASK { { ?this ?p ?o } UNION { ?s ?p ?this } }", this=node)


def outgoing(node: ox.NamedNode) -> list[ox.Triple]:
    rows = select("SELECT DISTINCT ?p ?o WHERE { ?this ?p ?o }", this=node)
    return [ox.Triple(node, r["p"], r["o"]) for r in rows]


def incoming(node: ox.NamedNode) -> list[ox.Triple]:
    rows = select("SELECT DISTINCT ?s ?p WHERE { ?s ?p ?this }", this=node)
    return [ox.Triple(r["s"], r["p"], node) for r in rows]


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
    nodes = sorted((n for n in nodes if isinstance(n, ox.NamedNode)), key=str)
    found: dict = {}
    for chunk in (nodes[i : i + 200] for i in range(0, len(nodes), 200)):
        values = " ".join(str(n) for n in chunk)  # NamedNode str() is a valid, escaped <IRI>
        for row in select(f"SELECT ?s ?p ?label WHERE {{ VALUES ?s {{ {values} }} VALUES ?p {{ rdfs:label schema:name }} ?s ?p ?label }}"):
            found.setdefault(row["s"], []).append((row["p"], row["label"]))
    return found


def labels(nodes) -> dict[ox.NamedNode, list[ox.Literal]]:
    """node -> its rdfs:label (or, lacking one, schema:name) literals, for the given nodes."""
    nodes = [n for n in nodes if isinstance(n, ox.NamedNode)]
    if not nodes:
        return {}
    found: dict[ox.NamedNode, list[ox.Literal]] = {}
    for chunk in (nodes[i : i + 200] for i in range(0, len(nodes), 200)):
        values = " ".join(str(n) for n in chunk)  # NamedNode str() is a valid, escaped <IRI>
        rows = select(
            f"""SELECT ?s ?label ?rank WHERE {{ VALUES ?s {{ {values} }}
            {{ ?s rdfs:label ?label BIND(0 AS ?rank) }} UNION {{ ?s schema:name ?label BIND(1 AS ?rank) }} }}
            ORDER BY ?s ?rank ?label"""
        )
        for row in rows:
            found.setdefault(row["s"], []).append(row["label"])
    return found


def label_of(node, fallback: str | None = None) -> str:
    """The display name of a node: its label, else the end of its IRI."""
    if isinstance(node, ox.Literal):
        return node.value
    values = labels([node]).get(node)
    if values:
        return values[0].value
    return fallback or node.value.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
