"""Validation of a graph against the SHACL shapes in `ontology/shapes.ttl`, with pyshacl.

The build calls `check_store()` on every new store before swapping it in, and
`archivekg validate` calls it on an existing store: a graph that breaks the shapes is
refused with a list of violations in plain words (which node, which rule, what value).

What is validated is the union of the data graphs (every named graph but the ontology's),
copied into an rdflib graph. Validation runs without inference: the shapes name every class
they target, so the ontology need not be merged in, which keeps it fast on large corpora.
"""

from __future__ import annotations

import logging
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from archivekg.extract.vocab import ONTOLOGY_GRAPH, PREFIXES

KG_DOCUMENT = "https://w3id.org/archivekg/ontology#Document"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
MAX_LISTED = 40  # violations listed in a message; the rest are counted
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
SHAPES_PREFIX = ("kgsh", "https://w3id.org/archivekg/shapes#")


class ValidationError(ValueError):
    """The graph breaks the shapes; the message lists each violation in plain words."""

    def __init__(self, violations: list[Violation]):
        self.violations = violations
        super().__init__(describe(violations))


@dataclass(frozen=True)
class Violation:
    """One broken rule: the node that breaks it, the shape and property, the offending value."""

    node: str
    message: str
    shape: str
    path: str | None = None
    value: str | None = None
    severity: str = "Violation"

    def __str__(self) -> str:
        where = f" ({self.path})" if self.path else ""
        value = f"; found {self.value}" if self.value is not None else ""
        return f"{self.node}{where}: {self.message}{value} [rule {self.shape}]"


@lru_cache(maxsize=1)
def shapes_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(source=str(resources.files("archivekg.ontology") / "shapes.ttl"), format="turtle")
    return graph


@contextmanager
def quiet_rdflib():
    """rdflib warns and logs about ill-typed literals ("1950-13-45"^^xsd:date); the shapes report them."""
    term_log = logging.getLogger("rdflib.term")
    level = term_log.level
    term_log.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        term_log.setLevel(level)


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal):
    """A pyoxigraph term as the equal rdflib term."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == XSD_STRING:
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(datatype))


def data_graph(store: ox.Store, graphs: list | None = None) -> rdflib.Graph:
    """The union of the store's data graphs (the ontology graph left out) as one rdflib graph,
    or of the named `graphs` only.

    (pyshacl can read an Oxigraph store itself, but fails on broken data such as a literal
    where a node should be, which is exactly what validation is for.)
    """
    graph = rdflib.Graph()
    add = graph.add
    quads = store if graphs is None else (q for g in graphs for q in store.quads_for_pattern(None, None, None, g))
    left_out = set() if graphs is None else nodes_left_out(store, graphs)
    with quiet_rdflib():
        for quad in quads:
            if quad.graph_name == ONTOLOGY_GRAPH or quad.subject in left_out or quad.object in left_out:
                continue
            add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


def nodes_left_out(store: ox.Store, graphs: list) -> set:
    """The nodes a sample leaves out: those typed in a document graph it does not read (the
    document, its parts, claims, figures, mentions). Statements of the graphs it reads that
    point at them (the build used document X, a contradiction names claim Y) are left out
    too, since what they point at is not there to be checked.

    Only the nodes the sampled graphs name can matter, so only those are looked up (one index
    lookup each): the cost is the sample's, not the corpus's."""
    kept = set(graphs)
    edges = [(q.subject, q.object) for g in kept for q in store.quads_for_pattern(None, None, None, g)]
    inside = {q.subject for g in kept for q in store.quads_for_pattern(None, RDF_TYPE, None, g)}
    named = {node for edge in edges for node in edge if isinstance(node, (ox.NamedNode, ox.BlankNode))} - inside

    def typed_outside(node) -> bool:
        return any(q.graph_name != ONTOLOGY_GRAPH and q.graph_name not in kept for q in store.quads_for_pattern(node, RDF_TYPE, None, None))

    left_out = {node for node in named if typed_outside(node)}
    # a node of the sample that needs one of them to be whole (a contradiction between a claim
    # of the sample and a claim outside it; the build that used every document) is left out
    # too, and so, in turn, is what needs that node (the claim's annotation): until none is left
    while needing := {subject for subject, obj in edges if obj in left_out} - left_out:
        left_out |= needing
    return left_out


def sample_graphs(store: ox.Store, documents: int) -> tuple[list, int, int] | None:
    """The graphs a sampled validation reads: every graph that is not a document's (entities,
    contradictions, provenance) and `documents` document graphs spread evenly over the corpus.

    None when the corpus is small enough to validate whole. Every document goes through the
    same code, so a systematic fault shows in any sample; `archivekg validate` reads all.
    """
    document_graphs = sorted(
        (r["g"] for r in store.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?d a <{KG_DOCUMENT}> }} }}")),
        key=lambda g: g.value,
    )
    if documents <= 0 or len(document_graphs) <= documents:
        return None
    step = len(document_graphs) / documents
    chosen = [document_graphs[int(i * step)] for i in range(documents)]
    others = [g for g in store.named_graphs() if g not in set(document_graphs) and g != ONTOLOGY_GRAPH]
    return others + chosen, len(chosen), len(document_graphs)


def validate_graph(graph: rdflib.Graph) -> list[Violation]:
    """Every violation and warning the shapes find in `graph` (empty when it conforms)."""
    from pyshacl import validate

    shapes = shapes_graph()
    with quiet_rdflib():
        _, results, _ = validate(
            graph,
            shacl_graph=shapes,
            inference="none",
            abort_on_first=False,
            allow_warnings=True,
            meta_shacl=False,
            advanced=False,
            js=False,
            inplace=True,
        )
    return sorted(read_results(results, shapes), key=lambda v: (v.severity != "Violation", v.node, v.shape, v.path or ""))


def read_results(results: rdflib.Graph, shapes: rdflib.Graph) -> list[Violation]:
    found = []
    nested = set(results.objects(None, SH.detail))  # the inner reasons of an sh:node failure
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        if result in nested:
            continue
        focus = results.value(result, SH.focusNode)
        shape = results.value(result, SH.sourceShape)
        message = results.value(result, SH.resultMessage)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        severity = results.value(result, SH.resultSeverity)
        found.append(
            Violation(
                node=short(focus),
                message=(str(message) if message is not None else "breaks a shape") + because(results, result),
                shape=shape_name(shape, shapes),
                path=short(path) if isinstance(path, rdflib.URIRef) else None,
                value=short(value) if value is not None and value != focus else None,
                severity=short(severity).rsplit("#", 1)[-1].split(":")[-1] if severity is not None else "Violation",
            )
        )
    return found


def because(results: rdflib.Graph, result) -> str:
    """The inner reasons of a failed sh:node (the referenced node breaks its own rules)."""
    reasons = []
    for detail in results.objects(result, SH.detail):
        path = results.value(detail, SH.resultPath)
        where = f" ({short(path)})" if isinstance(path, rdflib.URIRef) else ""
        reasons.append(f"{short(results.value(detail, SH.focusNode))}{where}: {results.value(detail, SH.resultMessage)}")
    return "".join(f"; because {reason}" for reason in sorted(reasons))


def shape_name(shape, shapes: rdflib.Graph) -> str:
    """A property shape is a blank node: name it by the node shape that holds it."""
    if isinstance(shape, rdflib.BNode):
        parent = shapes.value(predicate=SH.property, object=shape)
        if parent is not None:
            return short(parent)
    return short(shape) if shape is not None else "?"


def short(term) -> str:
    """An IRI in prefixed form where a known prefix fits; literals quoted with their type."""
    if isinstance(term, rdflib.Literal):
        text = repr(str(term))[:80]
        if term.language:
            return f"{text}@{term.language}"
        return f"{text}^^{short(term.datatype)}" if term.datatype else text
    value = str(term)
    for prefix, iri in (*PREFIXES.items(), SHAPES_PREFIX, ("sh", str(SH))):
        if value.startswith(iri) and value != iri:
            return f"{prefix}:{value[len(iri):]}"
    return f"<{value}>"


def describe(violations: list[Violation]) -> str:
    errors = [v for v in violations if v.severity == "Violation"]
    lines = [f"the graph breaks the shapes of ontology/shapes.ttl in {len(errors)} place(s):"]
    lines += [f"  - {v}" for v in errors[:MAX_LISTED]]
    if len(errors) > MAX_LISTED:
        lines.append(f"  ... and {len(errors) - MAX_LISTED} more")
    lines.append("fix the extraction (or the data files under extract/data/) so the graph keeps the contract, and build again")
    return "\n".join(lines)


def check_store(store: ox.Store, sample: int = 0) -> list[Violation]:
    """Raise ValidationError listing every violation; otherwise return the warnings (maybe none).

    With `sample` > 0 a large corpus is validated on a sample of its documents (see
    `sample_graphs`); the build does that by default, `archivekg validate` never does.
    """
    chosen = sample_graphs(store, sample) if sample else None
    found = validate_graph(data_graph(store, chosen[0] if chosen else None))
    if any(v.severity == "Violation" for v in found):
        raise ValidationError(found)
    return found
