"""The SPARQL 1.1 Service Description of /sparql, with the dataset's VoID statistics.

Served at /sparql itself when no query is given and RDF is asked for (SPARQL 1.1 Service
Description §2). The default dataset is the VoID dataset of `server/void.py` (the same IRI,
`{base}dataset`), so a client can follow one to the other; its statistics (triples,
entities, classes, properties, one partition per class and per named graph) are
counted once per build by the storage (`Storage.statistics`, which VoID reads too).
"""

from __future__ import annotations

import pyoxigraph as ox

from archivekg.extract.vocab import XSD
from archivekg.server.negotiate import GRAPH_FORMATS, QUERY_RESULT_FORMATS

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def void(name: str) -> ox.NamedNode:
    return ox.NamedNode(VOID + name)


def integer(n) -> ox.Literal:
    return ox.Literal(str(int(n)), datatype=XSD.integer)


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
        triples.append((service, sd("resultFormat"), ox.NamedNode(fmt.iri)))  # W3C's IRI for the format
    stats = storage.statistics()
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
