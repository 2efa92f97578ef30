"""The SPARQL 1.1 Protocol endpoint at /sparql, and its query editor.

    GET  /sparql?query=…                      a query (also HEAD)
    POST /sparql  query=… (form-encoded)       a query
    POST /sparql  application/sparql-query     a query in the body
    POST /sparql  update=… | sparql-update     an update: only with the server's update token
    GET  /sparql  (no query)                   YASGUI for browsers, the service description for RDF

The protocol's rules are in `planning.py`, shared with the front's own /sparql path (which
answers queries without this view when served by `archivekg serve`). Every query runs in a
killable, sealed worker under the time, memory, row and byte limits; formats are negotiated
before it runs (406 without running it). Every failure is a 4xx/5xx with a message, never a
traceback.
"""

from __future__ import annotations

import hmac
import logging

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from archivekg.server import http
from archivekg.server.negotiate import HTML, content_type, negotiate
from archivekg.server.planning import SLACK_BYTES, Refusal, Request, failure, not_acceptable, plan, refusal_answer, reply
from archivekg.server.query_worker import LongLaneFull, QueryTimeout, WorkerFailed, WorkersBusy
from archivekg.server.storage import get_storage

blueprint = Blueprint("sparql", __name__)
log = logging.getLogger(__name__)

DESCRIPTION_FORMATS = [HTML, ox.RdfFormat.TURTLE, ox.RdfFormat.JSON_LD, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.RDF_XML]
WORKER_ERRORS = (QueryTimeout, WorkersBusy, LongLaneFull, WorkerFailed)


def text_response(status: int, message: str, headers: dict | None = None) -> Response:
    return Response(message.rstrip("\n") + "\n", status, headers or {}, mimetype="text/plain")


def answer_response(answer: tuple[int, list, bytes]) -> Response:
    status, headers, body = answer
    return Response(body, status, headers=headers)


@blueprint.errorhandler(Refusal)
def refused(err: Refusal):
    return answer_response(refusal_answer(err))


@blueprint.errorhandler(HTTPException)
def http_error(err: HTTPException):
    return text_response(err.code or 400, f"{err.name}: {err.description}")


@blueprint.errorhandler(Exception)
def unexpected(err: Exception):
    log.exception("unexpected error in /sparql")
    return text_response(500, "the endpoint failed unexpectedly; the error has been logged. Try again, or simplify the query.")


def settings():
    return current_app.config["SETTINGS"]


@blueprint.before_app_request
def warm_workers():
    """On a served app's first request of any kind, start the query workers in the background,
    so the first query does not wait for Python to start (test apps start them on demand)."""
    if not current_app.testing:
        get_storage().start()


def from_flask() -> Request:
    """The protocol's view of the Flask request."""
    media = request.mimetype
    body = None
    if request.method == "POST" and media in ("application/sparql-query", "application/sparql-update"):
        try:
            body = request.get_data().decode(request.mimetype_params.get("charset", "utf-8"))
        except (UnicodeDecodeError, LookupError):
            raise Refusal(400, "the request body is not UTF-8 text") from None
    source = request.values if request.method == "POST" and body is None else request.args
    headers = {name.lower(): value for name, value in request.headers.items()}
    return Request(request.method, {name: values for name, values in source.lists()}, media, body, headers)


@blueprint.route("/sparql", methods=["GET", "POST"])
def endpoint():
    limit = settings().max_query_bytes
    request.max_content_length = limit + SLACK_BYTES
    if len(request.query_string) > 3 * limit + SLACK_BYTES:
        raise Refusal(413, f"the request is too large: queries are limited to {limit} bytes")
    storage = get_storage()
    planned = plan(from_flask(), storage, settings())
    if isinstance(planned, tuple):
        return answer_response(planned)
    if planned.kind == "describe":
        return describe_or_edit(storage)
    if planned.kind == "update":
        return update(storage, planned.text)
    try:
        outcome = storage.run_query(planned.job)
    except WORKER_ERRORS as err:
        raise failure(err, settings()) from None
    return answer_response(reply(planned, outcome, storage, settings(), bool(settings().update_token)))


@blueprint.route("/sparql/prefixes.json")
def prefixes():
    """The project's prefixes, for the editor's prefix autocompleter (prefix.cc's format)."""
    return get_storage().prefixes()


def update(storage, text: str) -> Response:
    token = settings().update_token
    if not token:
        raise Refusal(403, "this endpoint is read-only: SPARQL Update is refused (the server accepts updates "
                           "only when started with --update-token)")
    supplied = request.headers.get("Authorization", "")
    scheme, _, credential = supplied.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(credential.strip().encode(), token.encode()):
        raise Refusal(401, "SPARQL Update needs the server's update token: send `Authorization: Bearer <token>`",
                      {"WWW-Authenticate": 'Bearer realm="archivekg"'})
    if request.method != "POST":
        raise Refusal(405, "send SPARQL Update with POST", {"Allow": "POST"})
    if not storage.capabilities.writable:
        raise Refusal(403, "updates are not accepted when serving from a remote endpoint")
    try:
        outcome = storage.apply_update(text)
    except WORKER_ERRORS as err:
        refusal = failure(err, settings())
        raise Refusal(refusal.status, refusal.message.replace("query", "update") + " Nothing was applied.", refusal.headers) from None
    except OSError as err:
        raise Refusal(507, f"the update could not be stored ({err.strerror or err}); nothing was applied") from None
    if outcome.status == "syntax":
        raise Refusal(400, f"the update is not valid SPARQL: {outcome.message}")
    if outcome.status == "refused":
        raise Refusal(403, outcome.message)
    if outcome.status != "ok":
        raise Refusal(400, outcome.message)
    return text_response(200, "update applied")


def built_at(storage) -> float | None:
    """When the served build was made (Last-Modified); None for a remote store."""
    return storage.built_at


def describe_or_edit(storage) -> Response:
    """No query: the editor for people, the service description for machines."""
    fmt = negotiate(request.headers.get("Accept"), DESCRIPTION_FORMATS, request.args.get("format"))
    if fmt is None:
        raise not_acceptable(DESCRIPTION_FORMATS)
    if fmt == HTML:
        storage.start()  # the editor's first query should not wait for a worker to start
        from archivekg.server.editor import editor_context

        response = Response(render_template("editor.html", **editor_context(storage)), content_type=content_type(HTML))
    else:
        from archivekg.server.service_description import description

        endpoint = url_for("sparql.endpoint", _external=True)
        triples = description(storage, endpoint, settings().base_iri, bool(settings().update_token))
        options = {"prefixes": SD_PREFIXES} if fmt == ox.RdfFormat.TURTLE else {}
        body = ox.serialize(triples, format=fmt, **options)
        response = Response(body, content_type=content_type(fmt))
        http.validators(response, http.etag(storage.build_id, "service-description", fmt.media_type, endpoint), built_at(storage))
    response.vary.add("Accept")
    return response


SD_PREFIXES = {
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "void": "http://rdfs.org/ns/void#",
    "formats": "http://www.w3.org/ns/formats/",
}
