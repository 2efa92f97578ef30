"""The dataset described and offered whole: VoID at /.well-known/void (RFC 5785, VoID §7),
and the dump at /download/dataset.{nq,trig} for download.

VoID terms are not part of the graph's vocabulary (they describe the dataset, from outside),
so they are named here and not in `extract/vocab.py`.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, abort, request, stream_with_context

from archivekg.extract.vocab import PREFIXES, RDF
from archivekg.server import urls
from archivekg.server.describe import select
from archivekg.server.negotiate import content_type
from archivekg.server.render import RDF_ONLY, Page, respond
from archivekg.server.service_description import integer
from archivekg.server.storage import get_storage

blueprint = Blueprint("void", __name__)

VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
DUMPS = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}


def term(namespace: str, name: str) -> ox.NamedNode:
    return ox.NamedNode(namespace + name)


def void_triples() -> list[ox.Triple]:
    base = urls.base_iri()
    dataset = ox.NamedNode(base + "dataset")
    stats = get_storage().statistics()
    facts = [
        (RDF.type, term(VOID, "Dataset")),
        (term(DCTERMS, "title"), ox.Literal("archivekg: a knowledge graph of archival documents", language="en")),
        (term(DCTERMS, "description"), ox.Literal("Entities, documents, claims and military figures extracted from archival documents, with their sources.", language="en")),
        (term(VOID, "sparqlEndpoint"), ox.NamedNode(base + "sparql")),
        (term(VOID, "uriSpace"), ox.Literal(base + "id/")),
        (term(VOID, "triples"), integer(stats["triples"])),
        (term(VOID, "entities"), integer(stats["entities"])),
        (term(VOID, "distinctSubjects"), integer(stats["distinctSubjects"])),
        (term(VOID, "properties"), integer(stats["properties"])),
        (term(VOID, "rootResource"), ox.NamedNode(base)),
        (term(VOID, "uriLookupEndpoint"), ox.NamedNode(base + "search?q=")),
    ]
    facts += [(term(VOID, "dataDump"), ox.NamedNode(base + f"download/dataset.{ext}")) for ext in DUMPS]
    facts += [(term(VOID, "vocabulary"), ox.NamedNode(namespace)) for namespace in sorted(PREFIXES.values())]
    rows = select("SELECT ?e WHERE { ?e a schema:Person ; rdfs:label ?l } ORDER BY ?l LIMIT 1")
    facts += [(term(VOID, "exampleResource"), r["e"]) for r in rows]
    return [ox.Triple(dataset, p, o) for p, o in facts]


@blueprint.route("/.well-known/void")
@blueprint.route("/.well-known/void.<extension>")
def void(extension: str | None = None):
    if extension is not None and extension not in ("ttl", "jsonld", "nt", "rdf"):
        abort(404)
    alternates = {ext: urls.path(f"/.well-known/void.{ext}") for ext in ("ttl", "jsonld", "nt", "rdf")}
    return respond(Page(triples=void_triples, alternates=alternates), RDF_ONLY, explicit=extension or request.args.get("format"))


@blueprint.route("/download/dataset.<extension>")
def dump(extension: str):
    """The whole dataset, streamed from the store a batch at a time (never whole in memory)."""
    fmt = DUMPS.get(extension)
    if fmt is None:
        abort(404)
    storage = get_storage()
    if not storage.capabilities.embedded:  # served from a remote SPARQL store (`serve --endpoint`)
        return Response(
            "this server reads a remote SPARQL store: download the dataset from that store "
            "(or run `archivekg export` where the build was made)\n",
            501,
            mimetype="text/plain",
        )
    response = Response(stream_with_context(storage.dump(fmt)), content_type=content_type(fmt))
    response.headers["Content-Disposition"] = f'attachment; filename="archivekg-dataset.{extension}"'
    return response
