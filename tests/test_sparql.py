"""The SPARQL endpoint against a live server (the production front: uvicorn, a free port, the seeds store, timeout 5 s),
with real clients: urllib for the protocol cases, SPARQLWrapper, rdflib's SPARQLStore."""

from __future__ import annotations

import dataclasses
import gzip
import json
import shutil
import socket
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.query import Result

from archivekg import store as stores
from archivekg.extract.vocab import PREFIXES

COUNT_DOCUMENTS = "SELECT (COUNT(?d) AS ?n) WHERE { ?d a kg:Document }"
CONSTRUCT_LABELS = "CONSTRUCT { ?e rdfs:label ?l } WHERE { ?e a schema:Person ; rdfs:label ?l }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def call(base, method="GET", params=None, body=None, headers=None, path="/sparql", timeout=30):
    """(status, headers, body) of one request; HTTP errors are answers too."""
    url = base + path + ("?" + urllib.parse.urlencode(params, doseq=True) if params else "")
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def form(**fields) -> bytes:
    return urllib.parse.urlencode(fields).encode()


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def parse_rdf(body: bytes, fmt: str):
    """An rdflib graph of the body (the union of its graphs, for the formats that carry them)."""
    with warnings.catch_warnings():
        # rdflib 7.6's own parsers use its deprecated ConjunctiveGraph/default_context inside
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="rdflib")
        if fmt in ("trig", "nquads"):
            graph = rdflib.Graph()
            for s, p, o, _ in rdflib.Dataset().parse(data=body, format=fmt).quads():
                graph.add((s, p, o))
            return graph
        return rdflib.Graph().parse(data=body, format=fmt)


def documents(body: bytes) -> int:
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def total_statements(base) -> int:
    status, _, body = call(base, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    assert status == 200
    return documents(body)


def test_the_three_request_forms_give_the_same_answer(live_server):
    answers = [
        call(live_server, params={"query": COUNT_DOCUMENTS}),
        call(live_server, "POST", body=form(query=COUNT_DOCUMENTS), headers=FORM),
        call(live_server, "POST", body=COUNT_DOCUMENTS.encode(), headers={"Content-Type": "application/sparql-query"}),
    ]
    for status, headers, body in answers:
        assert status == 200 and headers.get_content_type() == "application/sparql-results+json"
        assert documents(body) == 2
    status, headers, body = call(live_server, "HEAD", params={"query": COUNT_DOCUMENTS})
    assert status == 200 and body == b"" and headers.get_content_type() == "application/sparql-results+json"


@pytest.mark.parametrize(
    "accept, media, rdflib_format",
    [
        ("application/sparql-results+json", "application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "application/sparql-results+xml", "xml"),
        ("text/csv", "text/csv", "csv"),
        ("text/tab-separated-values", "text/tab-separated-values", "tsv"),
    ],
)
def test_select_in_every_results_format(live_server, accept, media, rdflib_format):
    query = "SELECT ?e ?l WHERE { ?e a schema:Person ; rdfs:label ?l } ORDER BY ?l"
    status, headers, body = call(live_server, params={"query": query}, headers={"Accept": accept})
    assert status == 200 and headers.get_content_type() == media
    rows = list(Result.parse(source=__import__("io").BytesIO(body), format=rdflib_format))
    assert len(rows) > 3 and any(str(row[1]) == "Mao Zedong" for row in rows)


@pytest.mark.parametrize(
    "media, rdflib_format",
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/trig", "trig"),
        ("application/n-quads", "nquads"),
    ],
)
def test_construct_in_every_rdf_format(live_server, media, rdflib_format):
    status, headers, body = call(live_server, params={"query": CONSTRUCT_LABELS}, headers={"Accept": media})
    assert status == 200 and headers.get_content_type() == media
    graph = parse_rdf(body, rdflib_format)
    labels = {str(o) for o in graph.objects()}
    assert "Mao Zedong" in labels


def test_ask_answers_in_json_and_xml(live_server):
    for accept in ("application/sparql-results+json", "application/sparql-results+xml"):
        status, _, body = call(live_server, params={"query": "ASK { ?d a kg:Document }"}, headers={"Accept": accept})
        assert status == 200
        assert Result.parse(source=__import__("io").BytesIO(body), format=accept.rsplit("+", 1)[1]).askAnswer is True


@pytest.mark.parametrize(
    "query, accept, explicit, media",
    [
        (COUNT_DOCUMENTS, "text/csv;q=0.5, application/sparql-results+xml;q=0.9", None, "application/sparql-results+xml"),
        (COUNT_DOCUMENTS, "*/*", None, "application/sparql-results+json"),
        (COUNT_DOCUMENTS, "text/html, text/*;q=0.8", None, "text/csv"),
        (COUNT_DOCUMENTS, "application/sparql-results+xml", "tsv", "text/tab-separated-values"),
        (CONSTRUCT_LABELS, "*/*", None, "text/turtle"),
        (CONSTRUCT_LABELS, "application/json;q=0.2, application/ld+json;q=0.9, text/turtle;q=0.5", None, "application/ld+json"),
        (CONSTRUCT_LABELS, None, "nt", "application/n-triples"),
    ],
)
def test_content_negotiation_weighs_the_accept_header(live_server, query, accept, explicit, media):
    params = {"query": query} | ({"format": explicit} if explicit else {})
    status, headers, _ = call(live_server, params=params, headers={"Accept": accept} if accept else {})
    assert status == 200 and headers.get_content_type() == media
    assert "Accept" in headers.get("Vary", "")


def test_nothing_acceptable_is_406(live_server):
    status, _, body = call(live_server, params={"query": COUNT_DOCUMENTS}, headers={"Accept": "image/png"})
    assert status == 406 and b"application/sparql-results+json" in body
    status, _, _ = call(live_server, params={"query": CONSTRUCT_LABELS}, headers={"Accept": "application/sparql-results+json"})
    assert status == 406


def test_a_malformed_query_is_400_with_line_and_column(live_server):
    status, headers, body = call(live_server, params={"query": "SELECT ?s WHERE {\n  ?s ?p ?o\n  FILTER(?s = ) }"})
    assert status == 400 and headers.get_content_type() == "text/plain"
    assert b"3:" in body and b"Traceback" not in body


def test_bad_requests_are_4xx_never_500(live_server):
    cases = [
        call(live_server, "POST", body=b"", headers=FORM),
        call(live_server, "POST", body=b"\xff\xfe", headers={"Content-Type": "application/sparql-query"}),
        call(live_server, "POST", body=b"query", headers={"Content-Type": "image/png"}),
        call(live_server, params={"query": ["ASK {}", "ASK {}"]}),
        call(live_server, params={"query": "ASK {}", "default-graph-uri": "not an iri"}),
        call(live_server, params={"query": "\x00\ud800" if False else "\x00"}),
        call(live_server, params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999999"}),
    ]
    for status, _, body in cases:
        assert 400 <= status < 500, (status, body)


def test_query_size_is_capped_with_413(live_server, settings):
    big = "ASK {}" + "#" * (settings.max_query_bytes + 10)
    status, _, _ = call(live_server, "POST", body=big.encode(), headers={"Content-Type": "application/sparql-query"})
    assert status == 413
    status, _, _ = call(live_server, "POST", body=form(query=big), headers=FORM)
    assert status == 413


def test_update_is_refused_and_the_data_unchanged(live_server):
    before = total_statements(live_server)
    update = "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"
    answers = [
        call(live_server, "POST", body=form(update=update), headers=FORM),
        call(live_server, "POST", body=update.encode(), headers={"Content-Type": "application/sparql-update"}),
        call(live_server, params={"query": update}),
        call(live_server, "POST", body=b"DROP ALL", headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer guess"}),
    ]
    assert all(status in (401, 403, 405) for status, _, _ in answers), [a[0] for a in answers]
    assert total_statements(live_server) == before


def test_service_to_an_unlisted_endpoint_is_refused_before_any_request(live_server):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.5)
        target = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
        for query in (
            f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
            f"PREFIX t: <{target.rsplit('/', 1)[0]}/> SELECT * WHERE {{ SERVICE SILENT t:sparql {{ ?s ?p ?o }} }}",
            "SELECT * WHERE { BIND(<%s> AS ?x) SERVICE ?x { ?s ?p ?o } }" % target,
            f"SELECT * WHERE {{ ?a ?b ?c FILTER(?a<?b&&'>'!=?c) SERVICE <{target}> {{ }} #'\n}}",
        ):
            status, _, body = call(live_server, params={"query": query})
            assert status == 403, body
            assert target.encode() in body or b"not a fixed IRI" in body, body
        with pytest.raises(socket.timeout):
            listener.accept()  # nobody called


def test_cors_simple_and_preflight(live_server):
    status, headers, _ = call(live_server, params={"query": "ASK {}"}, headers={"Origin": "http://example.org"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    status, headers, _ = call(live_server, "OPTIONS", headers={
        "Origin": "http://example.org",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    })
    assert status in (200, 204)
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert "content-type" in headers["Access-Control-Allow-Headers"].lower()


def test_service_description_with_void_statistics(live_server):
    SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
    for media, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld")):
        status, headers, body = call(live_server, headers={"Accept": media})
        assert status == 200 and headers.get_content_type() == media
        graph = parse_rdf(body, fmt)
        service = graph.value(predicate=rdflib.RDF.type, object=SD.Service)
        assert graph.value(service, SD.endpoint) == rdflib.URIRef(live_server + "/sparql")
        dataset = graph.value(service, SD.defaultDataset)
        assert int(graph.value(dataset, VOID.triples)) == total_statements(live_server)
        assert len(list(graph.objects(service, SD.resultFormat))) == 10


def test_the_editor_page_is_yasgui_served_from_the_package(live_server):
    from archivekg.query import list_queries

    status, headers, body = call(live_server, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    page = body.decode()
    assert status == 200 and headers.get_content_type() == "text/html"
    assert "/static/yasgui/yasgui.min.js" in page and "/static/editor.js" in page  # the editor's own script is a file too
    assert b"new Yasgui(" in call(live_server, path="/static/editor.js")[2]
    assert 'src="http' not in page and 'href="http' not in page  # nothing from a CDN
    assert PREFIXES["kg"] in page
    for _, title in list_queries():
        assert json.dumps(title)[1:-1] in page
    status, headers, script = call(live_server, path="/static/yasgui/yasgui.min.js", headers={"Accept-Encoding": "identity"})
    assert status == 200 and len(script) > 500_000
    status, _, licence = call(live_server, path="/static/yasgui/LICENSE.txt")
    assert status == 200 and b"MIT" in licence


def test_gzip_when_asked(live_server):
    query = {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 200"}
    _, plain_headers, plain = call(live_server, params=query)
    status, headers, body = call(live_server, params=query, headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain_headers
    assert gzip.decompress(body) == plain and len(body) < len(plain)


def test_etag_tied_to_the_build_gives_304(live_server, built_store):
    status, headers, _ = call(live_server, params={"query": COUNT_DOCUMENTS})
    tag = headers["ETag"]
    assert status == 200 and stores.current_build_id(built_store) in tag and headers["Last-Modified"]
    status, _, body = call(live_server, params={"query": COUNT_DOCUMENTS}, headers={"If-None-Match": tag})
    assert status == 304 and body == b""


def test_default_and_named_graph_parameters(live_server):
    status, _, body = call(live_server, params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"})
    graphs = [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]]
    assert len(graphs) >= 2
    union = total_statements(live_server)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    status, _, body = call(live_server, params={"query": count, "default-graph-uri": graphs[0]})
    assert status == 200 and 0 < documents(body) < union
    named = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    status, _, body = call(live_server, "POST", body=form(query=named, **{"named-graph-uri": graphs[1]}), headers=FORM)
    assert status == 200 and documents(body) == 1


def test_sparqlwrapper(live_server):
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    client = SPARQLWrapper(live_server + "/sparql")
    client.setQuery("PREFIX kg: <https://w3id.org/archivekg/ontology#> " + COUNT_DOCUMENTS)
    client.setReturnFormat(JSON)
    assert client.query().convert()["results"]["bindings"][0]["n"]["value"] == "2"
    client.setMethod("POST")
    client.setQuery("ASK { ?d a <https://w3id.org/archivekg/ontology#Document> }")
    assert client.query().convert()["boolean"] is True
    client.setQuery(CONSTRUCT_LABELS)
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.query().convert(), format="turtle")
    assert rdflib.Literal("Mao Zedong", lang="en") in set(graph.objects()) or "Mao Zedong" in {str(o) for o in graph.objects()}


def test_rdflib_sparqlstore(live_server):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = rdflib.Graph(store=SPARQLStore(live_server + "/sparql"))
    rows = list(graph.query("SELECT ?l WHERE { ?e a <http://schema.org/Person> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }"))
    assert "Mao Zedong" in {str(r[0]) for r in rows}
    kg = rdflib.Namespace("https://w3id.org/archivekg/ontology#")
    assert len(list(graph.triples((None, rdflib.RDF.type, kg.Document)))) == 2
    assert graph.query("ASK { ?d a <https://w3id.org/archivekg/ontology#Document> }").askAnswer is True


def test_a_runaway_query_is_stopped_at_the_timeout_while_others_are_answered(live_server, settings):
    call(live_server, params={"query": "ASK {}"})  # the workers are warm
    runaway: dict = {}

    def run():
        started = time.monotonic()
        runaway["answer"] = call(live_server, params={"query": RUNAWAY}, timeout=settings.timeout + 30)
        runaway["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    status, _, body = call(live_server, params={"query": COUNT_DOCUMENTS})
    assert status == 200 and documents(body) == 2
    assert time.monotonic() - started < 2.0
    thread.join(settings.timeout + 30)
    status, _, body = runaway["answer"]
    assert status == 503 and b"timeout" in body.lower()
    assert settings.timeout - 0.5 <= runaway["seconds"] <= settings.timeout + 2
    started = time.monotonic()
    assert call(live_server, params={"query": COUNT_DOCUMENTS})[0] == 200
    assert time.monotonic() - started < 2.0


def test_a_cross_join_that_streams_stops_at_the_row_cap_within_the_timeout(live_server, settings):
    started = time.monotonic()
    status, headers, body = call(live_server, params={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"})
    assert time.monotonic() - started <= settings.timeout + 2
    if status == 200:  # the row cap ended it first
        assert headers["X-Archivekg-Truncated"] == "true"
        assert len(json.loads(body)["results"]["bindings"]) == settings.max_rows
    else:
        assert status == 503 and b"timeout" in body


@pytest.fixture()
def own_app(built_store, settings, tmp_path):
    """An app over a private copy of the seeds store (for updates and other limits)."""
    from archivekg.server import create_app

    apps = []

    def make(**overrides):
        path = tmp_path / f"store{len(apps)}"
        build = stores.builds_dir(path) / "copy"
        shutil.copytree(built_store.resolve(), build)
        stores.swap_in(path, build)
        app = create_app(dataclasses.replace(settings, store=path, **overrides))
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["archivekg.storage"].close()


def test_update_with_the_token_is_applied(own_app):
    app = own_app(update_token="s3cret")
    client = app.test_client()
    ask = {"query": "ASK { <http://example.org/a> <http://example.org/b> ?o }"}
    update = {"update": 'INSERT DATA { <http://example.org/a> <http://example.org/b> "c" }'}
    assert client.post("/sparql", data=update).status_code == 401
    assert client.post("/sparql", data=update, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/sparql", query_string=ask).get_json()["boolean"] is False
    answer = client.post("/sparql", data=update, headers={"Authorization": "Bearer s3cret"})
    assert answer.status_code == 200, answer.get_data()
    assert client.get("/sparql", query_string=ask).get_json()["boolean"] is True
    bad = client.post("/sparql", data={"update": "INSERT DATA { oops"}, headers={"Authorization": "Bearer s3cret"})
    assert bad.status_code == 400 and b"1:" in bad.get_data()


def test_results_over_the_row_cap_are_truncated_visibly(own_app):
    client = own_app(max_rows=5).test_client()
    answer = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert answer.status_code == 200 and answer.headers["X-Archivekg-Truncated"] == "true"
    data = answer.get_json()
    assert len(data["results"]["bindings"]) == 5 and data["archivekg"]["truncated"] is True
    answer = client.get("/sparql", query_string={"query": CONSTRUCT_LABELS, "format": "nt"})
    assert answer.headers["X-Archivekg-Truncated"] == "true" and len(answer.get_data().splitlines()) == 5
    answer = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"})
    assert "X-Archivekg-Truncated" not in answer.headers


def test_isolation_costs_little_on_small_queries(app, live_server, built_store):
    """A small query through a worker process vs the same query run in this process."""
    from archivekg.server.execution import answer

    storage = app.extensions["archivekg.storage"]
    store = ox.Store.read_only(str(built_store.resolve()))
    job = storage.job(COUNT_DOCUMENTS, results_format="application/sparql-results+json")
    storage.run_query(job)  # warm

    def median_ms(run, n=30):
        times = []
        for _ in range(n):
            started = time.perf_counter()
            assert run().status == "ok"
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)

    direct = median_ms(lambda: answer(store, job, networked=False))
    isolated = median_ms(lambda: storage.run_query(job))
    print(f"\nsmall query: in-process {direct:.2f} ms, through a worker {isolated:.2f} ms")
    assert isolated - direct < 25


FRAGMENTS = [
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "INSERT DATA", "SERVICE", "PREFIX kg: <x>", "BASE <", "*", "WHERE",
    "{", "}", "(", ")", "?s a kg:Document .", "?s rdfs:label ?l .", "FILTER(", "?l = \"Mao\"", "'", '"', "<", ">",
    "#", "\n", "LIMIT 3", "GRAPH ?g", "OPTIONAL", "UNION", "\\u0053", "COUNT(*)", "AS ?n", "ORDER BY", "\x00", "é",
]


def test_no_input_gives_a_500(app):
    """Random texts, Accept headers and parameters: always an answer below 500."""
    from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

    client = app.test_client()
    texts = st.one_of(st.text(max_size=80), st.lists(st.sampled_from(FRAGMENTS), max_size=12).map(" ".join))
    # header values: what HTTP can carry (printable ASCII; a CR or LF cannot be sent in a header)
    accepts = st.one_of(st.none(), st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30), st.sampled_from(["*/*;q=x", "text/turtle;q=0.5,*/*;q=0", ";;,", "a/b/c"]))

    @hypothesis_settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    @given(text=texts, accept=accepts, use_post=st.booleans(), fmt=st.one_of(st.none(), st.text(max_size=8)))
    def check(text, accept, use_post, fmt):
        params = {"query": text} | ({"format": fmt} if fmt is not None else {})
        headers = {"Accept": accept} if accept is not None else {}
        try:
            headers and headers["Accept"].encode("latin-1")
        except UnicodeEncodeError:
            headers = {}
        answer = client.post("/sparql", data=params, headers=headers) if use_post else client.get("/sparql", query_string=params, headers=headers)
        assert answer.status_code < 500, (answer.status_code, answer.get_data()[:300])
        assert b"Traceback" not in answer.get_data()

    check()
