"""The SPARQL 1.1 Service Description of /sparql, with the dataset's VoID statistics.

Served at /sparql itself when no query is given and RDF is asked for (SPARQL 1.1 Service
Description §2). The default dataset is the VoID dataset of `server/void.py` (the same IRI,
`{base}dataset`), so a client can follow one to the other; its statistics (triples,
entities, classes, properties, one partition per class and per named graph) are counted
once per build and cached.
"""

from __future__ import annotations

import threading

import pyoxigraph as ox

from archivekg.extract.vocab import XSD
from archivekg.server.negotiate import GRAPH_FORMATS, QUERY_RESULT_FORMATS

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

# W3C's IRIs for the formats /sparql answers in (https://www.w3.org/ns/formats/)
FORMAT_IRIS = {
    "application/sparql-results+json": "SPARQL_Results_JSON",
    "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV",
    "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle",
    "application/n-triples": "N-Triples",
    "application/ld+json": "JSON-LD",
    "application/rdf+xml": "RDF_XML",
    "application/trig": "TriG",
    "application/n-quads": "N-Quads",
}

_cache: dict[str, list[tuple[str, str, object]]] = {}
_cache_lock = threading.Lock()


def sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def void(name: str) -> ox.NamedNode:
    return ox.NamedNode(VOID + name)


def integer(n) -> ox.Literal:
    return ox.Literal(str(int(n)), datatype=XSD.integer)


def statistics(storage) -> dict:
    """Counts over the whole dataset, once per build (they are cheap here, not on a big store)."""
    key = storage.build_id
    with _cache_lock:
        if key in _cache:
            return _cache[key]

    def one(query: str) -> int:
        return int(next(iter(storage.query(query)))["n"].value)

    stats = {
        "triples": one("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
        "entities": one("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o FILTER(ISIRI(?s)) }"),
        "distinctSubjects": one("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
        "distinctObjects": one("SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"),
        "properties": one("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }"),
        "classes": one("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }"),
        "classPartition": [
            (row["c"], int(row["n"].value))
            for row in storage.query("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(ISIRI(?c)) } GROUP BY ?c ORDER BY ?c")
        ],
        "graphs": [
            (row["g"], int(row["n"].value))
            for row in storage.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
        ],
    }
    with _cache_lock:
        _cache.clear()  # only the current build is ever asked for
        _cache[key] = stats
    return stats


def description(storage, endpoint: str, base_iri: str, updates: bool) -> list[ox.Triple]:
    """The service and its default dataset, as triples (hash IRIs under the endpoint: no blank nodes)."""
    service = ox.NamedNode(endpoint)
    dataset = ox.NamedNode(base_iri + "dataset")
    default_graph = ox.NamedNode(endpoint + "#default-graph")
    triples = [
        (service, RDF_TYPE, sd("Service")),
        (service, sd("endpoint"), service),
        (service, sd("supportedLanguage"), sd("SPARQL11Query")),
        (service, sd("feature"), sd("UnionDefaultGraph")),
        (service, sd("feature"), sd("BasicFederatedQuery")),
        (service, sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        (service, sd("defaultDataset"), dataset),
        (dataset, RDF_TYPE, sd("Dataset")),
        (dataset, RDF_TYPE, void("Dataset")),
        (dataset, void("sparqlEndpoint"), service),
        (dataset, sd("defaultGraph"), default_graph),
        (default_graph, RDF_TYPE, sd("Graph")),
        (default_graph, RDF_TYPE, void("Dataset")),
    ]
    if updates:
        triples.append((service, sd("supportedLanguage"), sd("SPARQL11Update")))
    for fmt in QUERY_RESULT_FORMATS + GRAPH_FORMATS:
        name = FORMAT_IRIS.get(fmt.media_type.split(";")[0])
        if name:
            triples.append((service, sd("resultFormat"), ox.NamedNode(FORMATS + name)))
    stats = statistics(storage)
    for name in ("triples", "entities", "distinctSubjects", "distinctObjects", "properties", "classes"):
        triples.append((dataset, void(name), integer(stats[name])))
        triples.append((default_graph, void(name), integer(stats[name])))
    for index, (cls, count) in enumerate(stats["classPartition"]):
        partition = ox.NamedNode(f"{endpoint}#class-{index}")
        triples += [(dataset, void("classPartition"), partition), (partition, void("class"), cls), (partition, void("entities"), integer(count))]
    for index, (graph, count) in enumerate(stats["graphs"]):
        named = ox.NamedNode(f"{endpoint}#named-graph-{index}")
        described = ox.NamedNode(f"{endpoint}#graph-{index}")
        triples += [
            (dataset, sd("namedGraph"), named),
            (named, RDF_TYPE, sd("NamedGraph")),
            (named, sd("name"), graph),
            (named, sd("graph"), described),
            (described, RDF_TYPE, sd("Graph")),
            (described, void("triples"), integer(count)),
        ]
    return [ox.Triple(*t) for t in triples]
