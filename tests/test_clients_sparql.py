"""What real clients send, against the live server (the production front): SPARQLWrapper's
format names (it puts `format=`, `output=` and `results=` in every request), rdflib's
SPARQLStore and its own `schema:` prefix, pyld's document loader on the entity pages, and the
access log of `archivekg serve`."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import urllib.request
import warnings

import pytest
import rdflib
from rdflib.query import Result

MAO = "http://localhost:5000/id/person/mao-zedong"
CONSTRUCT = f"CONSTRUCT {{ <{MAO}> ?p ?o }} WHERE {{ <{MAO}> ?p ?o }}"
SELECT = f"SELECT ?l WHERE {{ <{MAO}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"


def wrapper(live_server, query, fmt, method="GET"):
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper(live_server + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client.query()


@pytest.mark.parametrize("fmt, parse_as", [("xml", "xml"), ("n3", "turtle"), ("turtle", "turtle"), ("rdf+xml", "xml"), ("json-ld", "json-ld")])
def test_sparqlwrapper_graph_formats_by_name(live_server, fmt, parse_as):
    """SPARQLWrapper's default for CONSTRUCT is `xml` (RDF/XML), as Fuseki and Virtuoso answer it."""
    for method in ("GET", "POST"):
        answer = wrapper(live_server, CONSTRUCT, fmt, method)
        with warnings.catch_warnings():  # rdflib 7.6's JSON-LD parser uses its own deprecated ConjunctiveGraph
            warnings.filterwarnings("ignore", category=DeprecationWarning, module="rdflib")
            graph = rdflib.Graph().parse(data=answer.response.read(), format=parse_as)
        assert rdflib.Literal("Mao Zedong", lang="en") in set(graph.objects())


@pytest.mark.parametrize("fmt, parse_as", [("xml", "xml"), ("json", "json"), ("csv", "csv"), ("tsv", "tsv")])
def test_sparqlwrapper_result_formats_by_name(live_server, fmt, parse_as):
    answer = wrapper(live_server, SELECT, fmt)
    rows = list(Result.parse(source=io.BytesIO(answer.response.read()), format=parse_as))
    assert "Mao Zedong" in {str(row[0]) for row in rows}


def test_sparqlwrapper_converts_the_default_construct(live_server):
    from SPARQLWrapper import XML

    with warnings.catch_warnings():  # SPARQLWrapper 2.0 hands the RDF/XML to rdflib's deprecated ConjunctiveGraph
        warnings.filterwarnings("ignore", category=DeprecationWarning, message="ConjunctiveGraph is deprecated")
        graph = wrapper(live_server, CONSTRUCT, XML).convert()
    assert len(graph) > 3


def test_rdflib_sparqlstore_schema_prefix_and_how_to_use_ours(live_server):
    """rdflib binds `schema:` to https://schema.org/ and sends that PREFIX with every query; the
    graph says http://schema.org/ (the contract's). Rebinding the prefix on the graph fixes it."""
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    query = "SELECT ?e WHERE { ?e a schema:Person }"
    graph = rdflib.Graph(store=SPARQLStore(live_server + "/sparql"))
    assert list(graph.query(query)) == []  # rdflib's https://schema.org/ finds nothing here
    graph.bind("schema", "http://schema.org/", override=True, replace=True)
    assert len(list(graph.query(query))) > 3


@pytest.mark.parametrize("how", ["accept", "extension"])
def test_entity_pages_answer_json_with_json_ld(live_server, how):
    url = live_server + "/id/person/mao-zedong" + (".json" if how == "extension" else "")
    request = urllib.request.Request(url, headers={"Accept": "application/json"} if how == "accept" else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers.get_content_type() == "application/ld+json"
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=DeprecationWarning, module="rdflib")
            graph = rdflib.Graph().parse(data=response.read(), format="json-ld")
    assert rdflib.Literal("Mao Zedong", lang="en") in set(graph.objects())


def test_pyld_loads_an_entity_page(live_server):
    """pyld's own document loader (requests) on the page IRI: it asks for JSON-LD and reads the
    Link header (which must not hold two rel="alternate" for it)."""
    from pyld import jsonld

    expanded = jsonld.expand(live_server + "/id/person/mao-zedong")
    labels = [value["@value"] for node in expanded for value in node.get("http://www.w3.org/2000/01/rdf-schema#label", [])]
    assert "Mao Zedong" in labels
    html = urllib.request.urlopen(urllib.request.Request(live_server + "/id/person/mao-zedong", headers={"Accept": "text/html"}), timeout=30)
    assert 'type="text/turtle"' in html.headers["Link"], "browsers' answers still name every other form"


def test_serve_writes_one_access_log_line_per_request(built_store, tmp_path):
    from conftest import ROOT, free_port

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "archivekg", "serve", "--store", str(built_store), "--port", str(port), "--access-log"],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", timeout=2).read()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "serve did not come up"
                time.sleep(0.2)
        for path in ("/id/person/mao-zedong", "/id/person/nobody-at-all"):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10).read()
            except urllib.error.HTTPError:
                pass
    finally:
        process.terminate()
        _, err = process.communicate(timeout=15)
    lines = [line for line in err.splitlines() if '"GET ' in line]
    assert any('"GET /id/person/mao-zedong HTTP/1.1" 200' in line for line in lines), err[-2000:]
    assert any('"GET /id/person/nobody-at-all HTTP/1.1" 404' in line for line in lines)
    assert any('"GET /sparql?query=ASK%7B%7D HTTP/1.1" 200' in line for line in lines)
    assert all(line.startswith("127.0.0.1 - - [") for line in lines)
    json.dumps(lines)  # one line each: no traceback or stray output among them
