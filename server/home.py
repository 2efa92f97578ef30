"""The home page. First version: the dataset in numbers."""

from __future__ import annotations

from flask import Blueprint, jsonify

from archivekg.server.storage import get_storage

blueprint = Blueprint("home", __name__)


@blueprint.route("/")
def index():
    storage = get_storage()
    count = next(iter(storage.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value
    return jsonify({"statements": int(count), "sparql": "/sparql"})
