"""The ontology, published at `{base}ontology`: a documentation page for people, Turtle or
JSON-LD (or RDF/XML, N-Triples) for machines, by content negotiation.

The ontology is read from the store's ontology graph (what the build loaded alongside the
data), or from the packaged `ontology/archivekg.ttl` when that graph is missing. The page
lists every class, property and named individual with its label, comment, domain, range,
super-classes and how much the dataset uses it; each term's section has `id="<localName>"`,
so the term IRI `https://w3id.org/archivekg/ontology#Claim` lands on `/ontology#Claim`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request

from archivekg.extract.vocab import KG, ONTOLOGY_GRAPH, PREFIXES
from archivekg.server import urls
from archivekg.server.negotiate import HTML, content_type, negotiate
from archivekg.server.storage import get_storage

blueprint = Blueprint("ontology", __name__)

OFFERED = [HTML, ox.RdfFormat.TURTLE, ox.RdfFormat.JSON_LD, ox.RdfFormat.RDF_XML, ox.RdfFormat.N_TRIPLES]
EXTENSIONS = {"html": "html", "ttl": "ttl", "jsonld": "jsonld", "rdf": "rdf", "nt": "nt"}

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SCHEMA = "http://schema.org/"
# the kinds of term the page documents, in the order it shows them
KINDS = {
    OWL + "Class": "Classes",
    OWL + "ObjectProperty": "Object properties",
    OWL + "DatatypeProperty": "Datatype properties",
    OWL + "AnnotationProperty": "Annotation properties",
    OWL + "NamedIndividual": "Named individuals",
}
EXTRA_PREFIXES = {"dcterms": "http://purl.org/dc/terms/", "vann": "http://purl.org/vocab/vann/"}


@dataclass
class Term:
    """One documented term: what the page says about it."""

    iri: str
    curie: str
    anchor: str
    kind: str
    label: str = ""
    comment: str = ""
    domain: list[str] = field(default_factory=list)
    range: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)  # super-classes or super-properties
    types: list[str] = field(default_factory=list)  # for named individuals
    defined_by: str = ""
    count: int = 0
    own: bool = False  # declared in the kg: namespace (not a reused term)


def curie(iri: str) -> str:
    for prefix, namespace in (*PREFIXES.items(), *EXTRA_PREFIXES.items()):
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def anchor(iri: str) -> str:
    """`kg:Claim` -> `Claim` (so term IRIs resolve on the page); `schema:Person` -> `schema-Person`."""
    if iri.startswith(KG.iri):
        return iri[len(KG.iri) :]
    return curie(iri).replace(":", "-")


def ontology_triples() -> list[ox.Triple]:
    results = get_storage().query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ONTOLOGY_GRAPH.value}> {{ ?s ?p ?o }} }}")
    triples = list(results)
    if not triples:  # a store built without the ontology: the packaged file says the same
        from archivekg.build import ontology_path

        triples = list(ox.parse(path=str(ontology_path()), format=ox.RdfFormat.TURTLE))
    return triples


def usage_counts(terms: dict[str, Term]) -> dict[str, int]:
    """How many instances each class has, how many statements use each property, and how
    often each named individual is the value of a statement, in the data (not the ontology);
    computed once per build."""
    storage = get_storage()
    cache = current_app.extensions.setdefault("archivekg.ontology_usage", {})
    build = getattr(storage, "build_id", None)
    if build is not None and build in cache:
        return cache[build]
    outside = f"FILTER(?g != <{ONTOLOGY_GRAPH.value}>)"
    counts: dict[str, int] = {}
    queries = (
        f"SELECT ?t (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a ?t }} {outside} }} GROUP BY ?t",
        f"SELECT ?t (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?t ?o }} {outside} }} GROUP BY ?t",
    )
    for index, query in enumerate(queries):
        for row in storage.query(query):
            kind = terms.get(row["t"].value)
            if kind is not None and (index == 0) == (kind.kind == OWL + "Class"):
                counts[row["t"].value] = int(row["n"].value)
    individuals = " ".join(f"<{t.iri}>" for t in terms.values() if t.kind == OWL + "NamedIndividual")
    if individuals:
        query = f"SELECT ?t (COUNT(*) AS ?n) WHERE {{ VALUES ?t {{ {individuals} }} GRAPH ?g {{ ?s ?p ?t }} {outside} }} GROUP BY ?t"
        counts.update({row["t"].value: int(row["n"].value) for row in storage.query(query)})
    cache.clear()
    cache[build] = counts
    return counts


def documentation(triples: list[ox.Triple]) -> dict:
    """The page's data: the ontology's own metadata and every term, grouped by kind."""
    about: dict[str, dict[str, list[str]]] = {}
    for t in triples:
        about.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object.value)
    terms: dict[str, Term] = {}
    for iri, props in about.items():
        kinds = [k for k in KINDS if k in props.get(RDF_TYPE, [])]
        if not kinds:
            continue
        first = lambda p: (props.get(p) or [""])[0]  # noqa: E731
        terms[iri] = Term(
            iri=iri,
            curie=curie(iri),
            anchor=anchor(iri),
            kind=kinds[0],
            label=first(RDFS + "label"),
            comment=first(RDFS + "comment"),
            domain=sorted(props.get(RDFS + "domain", []) + props.get(SCHEMA + "domainIncludes", []), key=curie),
            range=sorted(props.get(RDFS + "range", []) + props.get(SCHEMA + "rangeIncludes", []), key=curie),
            parents=sorted(props.get(RDFS + "subClassOf", []) + props.get(RDFS + "subPropertyOf", []), key=curie),
            types=sorted((t for t in props.get(RDF_TYPE, []) if t not in KINDS), key=curie),
            defined_by=first(RDFS + "isDefinedBy"),
            own=iri.startswith(KG.iri),
        )
    for iri, count in usage_counts(terms).items():
        terms[iri].count = count
    ontology_iri = ONTOLOGY_GRAPH.value
    meta = about.get(ontology_iri, {})
    sections = []
    for kind, title in KINDS.items():
        members = sorted((t for t in terms.values() if t.kind == kind), key=lambda t: (not t.own, t.curie.lower()))
        if members:
            sections.append({"title": title, "id": title.lower().replace(" ", "-"), "terms": members})
    return {
        "iri": ontology_iri,
        "namespace": KG.iri,
        "title": (meta.get(RDFS + "label") or ["archivekg ontology"])[0],
        "comment": (meta.get(RDFS + "comment") or [""])[0],
        "version": (meta.get(OWL + "versionInfo") or [""])[0],
        "license": (meta.get("http://purl.org/dc/terms/license") or [""])[0],
        "sections": sections,
        "anchors": {t.iri: t.anchor for t in terms.values()},
        "curie": curie,
    }


def respond(fmt) -> Response:
    if fmt is None:
        offered = ", ".join(f.media_type for f in OFFERED)
        return Response(f"The ontology is available as {offered}; ask for one of them (Accept or ?format=).\n", 406, content_type="text/plain; charset=utf-8")
    triples = ontology_triples()
    if fmt == HTML:
        body = render_template("ontology.html", **documentation(triples))
    else:
        prefixes = {**PREFIXES, **EXTRA_PREFIXES}
        body = ox.serialize(sorted(triples, key=str), format=fmt, prefixes=prefixes if fmt != ox.RdfFormat.N_TRIPLES else None)
    response = Response(body, 200, content_type=content_type(fmt))
    response.vary.add("Accept")
    response.headers["Link"] = ", ".join(f'<{urls.path(f"/ontology.{ext}")}>; rel="alternate"; type="{f.media_type}"' for f, ext in zip(OFFERED, EXTENSIONS))
    return response


@blueprint.route("/ontology")
def ontology():
    return respond(negotiate(request.headers.get("Accept"), OFFERED, explicit=request.args.get("format")))


@blueprint.route("/ontology.<ext>")
def ontology_as(ext: str):
    if ext not in EXTENSIONS:
        abort(404)
    return respond(negotiate(None, OFFERED, explicit=ext))


@blueprint.route("/ontology/<name>")
def term(name: str):
    """`{base}ontology/Claim` -> the term's place on the page (for clients that drop `#`)."""
    if name not in KG.terms:
        abort(404)
    return redirect(f"{urls.ontology()}#{name}", 303)
