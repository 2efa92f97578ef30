"""The SPARQL 1.1 Protocol endpoint at /sparql, and its query editor.

    GET  /sparql?query=…                      a query (also HEAD)
    POST /sparql  query=… (form-encoded)       a query
    POST /sparql  application/sparql-query     a query in the body
    POST /sparql  update=… | sparql-update     an update: only with the server's update token
    GET  /sparql  (no query)                   YASGUI for browsers, the service description for RDF

Every query runs in a killable worker under the time limit and the row cap (`Storage`);
formats are negotiated before it runs (406 without running it); SERVICE is checked against
the allow-list before it runs. Every failure is a 4xx/5xx with a message, never a traceback.
"""

from __future__ import annotations

import hmac
import logging

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from archivekg.server import http
from archivekg.server.execution import serialize
from archivekg.server.negotiate import GRAPH_FORMATS, HTML, QUERY_RESULT_FORMATS, content_type, essence, negotiate
from archivekg.server.query_text import read_shape, refused_services
from archivekg.server.query_worker import QueryTimeout, WorkerFailed, WorkersBusy
from archivekg.server.storage import QueryError, get_storage

blueprint = Blueprint("sparql", __name__)
log = logging.getLogger(__name__)

DESCRIPTION_FORMATS = [HTML, ox.RdfFormat.TURTLE, ox.RdfFormat.JSON_LD, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.RDF_XML]
SLACK_BYTES = 16_384  # room for the other parameters beside the query text


class Refusal(Exception):
    """A request the endpoint will not run: an HTTP status and a message that says what to do."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def text_response(status: int, message: str, headers: dict | None = None) -> Response:
    return Response(message.rstrip("\n") + "\n", status, headers or {}, mimetype="text/plain")


@blueprint.errorhandler(Refusal)
def refused(err: Refusal):
    return text_response(err.status, err.message, err.headers)


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
    storage = get_storage()
    if not current_app.testing and hasattr(storage, "start_workers"):
        storage.start_workers()


@blueprint.route("/sparql", methods=["GET", "POST"])
def endpoint():
    limit = settings().max_query_bytes
    request.max_content_length = limit + SLACK_BYTES
    if len(request.query_string) > 3 * limit + SLACK_BYTES:  # percent-encoding triples a byte at most
        raise Refusal(413, f"the request is too large: queries are limited to {limit} bytes")
    operation, text, params = read_operation()
    if len(text.encode("utf-8", "surrogatepass")) > limit:
        raise Refusal(413, f"the query is {len(text.encode('utf-8', 'surrogatepass'))} bytes; this endpoint accepts at most {limit}")
    storage = get_storage()
    if operation is None:
        return describe_or_edit(storage)
    if operation == "update":
        return update(storage, text)
    return query(storage, text, params)


@blueprint.route("/sparql/prefixes.json")
def prefixes():
    """The project's prefixes, for the editor's prefix autocompleter (prefix.cc's format)."""
    return get_storage().prefixes()


def read_operation() -> tuple[str | None, str, dict]:
    """('query' | 'update' | None, text, parameters) from any of the protocol's request forms."""
    params = request.args
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype in ("application/sparql-query", "application/sparql-update"):
            body = request.get_data()
            try:
                text = body.decode(request.mimetype_params.get("charset", "utf-8"))
            except (UnicodeDecodeError, LookupError):
                raise Refusal(400, "the request body is not UTF-8 text") from None
            return ("query" if mimetype.endswith("query") else "update"), text, params
        if mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data", ""):
            raise Refusal(415, f"{mimetype} is not a SPARQL request body: send application/sparql-query, "
                               "application/sparql-update, or a form with `query` or `update`")
        params = request.values
    queries, updates = params.getlist("query"), params.getlist("update")
    if len(queries) + len(updates) > 1:
        raise Refusal(400, "give exactly one `query` or `update` parameter")
    if updates:
        return "update", updates[0], params
    if queries:
        if not queries[0].strip():
            raise Refusal(400, "the `query` parameter is empty: give a SPARQL query")
        return "query", queries[0], params
    if request.method == "POST":
        raise Refusal(400, "no query: give a SPARQL query in the `query` form field or as an application/sparql-query body")
    return None, "", params


def query(storage, text: str, params) -> Response:
    shape = read_shape(text, storage.prefixes())
    if shape.form == "UPDATE":
        if not settings().update_token:
            raise Refusal(403, "this endpoint is read-only: SPARQL Update is refused")
        raise Refusal(400, "this is a SPARQL Update: send it with POST as `update` or application/sparql-update")
    check_services(text, storage)
    explicit = params.get("format") or params.get("output")
    accept = request.headers.get("Accept")
    results_format = negotiate(accept, QUERY_RESULT_FORMATS, explicit)
    graph_format = negotiate(accept, GRAPH_FORMATS, explicit)
    if shape.form in ("SELECT", "ASK") and results_format is None or shape.form in ("CONSTRUCT", "DESCRIBE") and graph_format is None:
        raise not_acceptable(QUERY_RESULT_FORMATS if shape.form in ("SELECT", "ASK") else GRAPH_FORMATS)
    dataset = {
        "union_default_graph": not shape.has_dataset,
        "default_graphs": graphs(params, "default-graph-uri"),
        "named_graphs": graphs(params, "named-graph-uri"),
    }
    if dataset["default_graphs"] is not None or dataset["named_graphs"] is not None:
        dataset["default_graphs"] = dataset["default_graphs"] or ()
        dataset["named_graphs"] = dataset["named_graphs"] or ()
    formats = {"results_format": media(results_format), "graph_format": media(graph_format)}
    tag = http.etag(storage.build_id, text, repr(sorted(formats.items())), repr(sorted(dataset.items())), str(settings().max_rows))
    if request.method in ("GET", "HEAD") and http.not_modified(tag):
        return http.validators(Response(status=304), tag, built_at(storage))
    outcome = run(storage, text, **formats, **dataset)
    if outcome.status == "syntax":
        raise Refusal(400, f"the query is not valid SPARQL: {outcome.message}")
    if outcome.status == "unacceptable":
        raise not_acceptable([], outcome.message)
    if outcome.status != "ok":
        raise Refusal(502 if shape.services else 400, outcome.message)
    response = Response(outcome.body, content_type=content_type(next(f for f in QUERY_RESULT_FORMATS + GRAPH_FORMATS if essence(f) == outcome.media_type)))
    response.headers["X-Archivekg-Rows"] = str(outcome.rows)
    if outcome.truncated:
        response.headers["X-Archivekg-Truncated"] = "true"
        response.headers["X-Archivekg-Row-Limit"] = str(settings().max_rows)
    response.vary.add("Accept")
    if request.method in ("GET", "HEAD"):
        http.validators(response, tag, built_at(storage))
    return response


def run(storage, text: str, **options):
    """Run in a worker; a storage without workers (a remote endpoint) answers in-process."""
    timeout = settings().timeout
    if not hasattr(storage, "run_user_query"):
        return remote_outcome(storage, text, options)
    try:
        return storage.run_user_query(text, **options)
    except QueryTimeout:
        raise Refusal(503, f"timeout: the query ran longer than the {timeout:g} s limit and was stopped. "
                           "Make it more selective (fewer unbound patterns, a LIMIT) and try again.") from None
    except WorkersBusy:
        raise Refusal(503, f"every query worker stayed busy for {timeout:g} s; try again shortly", {"Retry-After": "5"}) from None
    except WorkerFailed as err:
        raise Refusal(503, f"the query worker stopped before answering ({err}); a new one has been started, try again") from None


def remote_outcome(storage, text: str, options: dict):
    from archivekg.server.execution import Job, Outcome, dataset_options

    job = Job(text, "", prefixes=storage.prefixes(), max_rows=settings().max_rows, **options)
    try:
        return serialize(storage.query(text, prefixes=job.prefixes, **dataset_options(job)), job)
    except QueryError as err:
        if type(err).__name__ == "RemoteUnavailableError":  # not the query's fault
            raise Refusal(502, str(err)) from None
        return Outcome("syntax", message=str(err).removeprefix("the query is not valid SPARQL: "))
    except (SyntaxError, OSError, ValueError) as err:
        return Outcome("error", message=f"the query could not be evaluated: {err}")


def check_services(text: str, storage) -> None:
    allowlist = settings().service_allowlist
    refused = refused_services(text, allowlist, storage.prefixes())
    if refused:
        allowed = ", ".join(allowlist) or "none"
        raise Refusal(403, f"SERVICE to {', '.join(refused)} is not allowed; this endpoint only federates with: {allowed}")


def graphs(params, name: str) -> tuple[str, ...] | None:
    values = params.getlist(name)
    if not values:
        return None
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError:
            raise Refusal(400, f"{name}={value!r} is not an IRI") from None
    return tuple(values)


def media(fmt) -> str | None:
    return None if fmt is None else essence(fmt)


def not_acceptable(offered, message: str = "") -> Refusal:
    names = ", ".join(f.media_type for f in offered)
    return Refusal(406, (message or "none of the formats in the Accept header (or `format=`) is available")
                   + (f"; this query can be answered as: {names}" if names else ""))


def built_at(storage) -> float | None:
    """When the served build was made (Last-Modified); None for a remote store."""
    return getattr(storage, "built_at", None)


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
    if not hasattr(storage, "apply_update"):
        raise Refusal(403, "updates are not accepted when serving from a remote endpoint")
    check_services(text, storage)
    timeout = settings().timeout
    try:
        outcome = storage.apply_update(text)
    except QueryTimeout:
        raise Refusal(503, f"timeout: the update ran longer than the {timeout:g} s limit and was not applied") from None
    except WorkersBusy:
        raise Refusal(503, f"every query worker stayed busy for {timeout:g} s; try again shortly", {"Retry-After": "5"}) from None
    except WorkerFailed as err:
        raise Refusal(503, f"the update worker stopped before answering ({err}); nothing was applied") from None
    except OSError as err:
        raise Refusal(507, f"the update could not be stored ({err.strerror or err}); nothing was applied") from None
    if outcome.status == "syntax":
        raise Refusal(400, f"the update is not valid SPARQL: {outcome.message}")
    if outcome.status != "ok":
        raise Refusal(400, outcome.message)
    return text_response(200, "update applied")


def describe_or_edit(storage) -> Response:
    """No query: the editor for people, the service description for machines."""
    fmt = negotiate(request.headers.get("Accept"), DESCRIPTION_FORMATS, request.args.get("format"))
    if fmt is None:
        raise not_acceptable(DESCRIPTION_FORMATS)
    if fmt == HTML:
        if hasattr(storage, "start_workers"):
            storage.start_workers()  # the editor's first query should not wait for a worker to start
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
