"""The SPARQL endpoint at /sparql. First version: GET and POST, JSON results."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, request

from archivekg.server.storage import QueryError, get_storage

blueprint = Blueprint("sparql", __name__)


@blueprint.route("/sparql", methods=["GET", "POST"])
def endpoint():
    text = request.values.get("query")
    if text is None and request.mimetype == "application/sparql-query":
        text = request.get_data(as_text=True)
    if not text:
        return Response("give a SPARQL query in the `query` parameter\n", 400, mimetype="text/plain")
    try:
        results = get_storage().query(text)
    except QueryError as err:
        return Response(f"bad query: {err}\n", 400, mimetype="text/plain")
    if isinstance(results, ox.QueryTriples):
        return Response(results.serialize(format=ox.RdfFormat.TURTLE), mimetype="text/turtle")
    return Response(results.serialize(format=ox.QueryResultsFormat.JSON), mimetype="application/sparql-results+json")
