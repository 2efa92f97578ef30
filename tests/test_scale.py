"""The scale path: per-document N-Quads (`build --out`), `push` to a real Oxigraph server
started on localhost, and the app serving from that server (`serve --endpoint`)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from argparse import Namespace
from pathlib import Path

import pyoxigraph as ox
import pytest

from archivekg import store as stores
from archivekg.build import build
from archivekg.commands import export_bytes
from archivekg.extract.iris import slugify
from archivekg.extract.vocab import ONTOLOGY_GRAPH
from archivekg.push import run_push
from archivekg.server import create_app
from archivekg.server.remote import RemoteStorage
from archivekg.settings import Settings

from conftest import SEEDS, free_port

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
MAO = "http://localhost:5000/id/person/mao-zedong"


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(found).exists():
        pytest.skip("the oxigraph server binary (PyPI package `oxigraph`) is not installed")
    return found


@pytest.fixture(scope="module")
def remote():
    """A real `oxigraph serve` (in memory, union default graph) on a free localhost port."""
    port = free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1).read()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("oxigraph serve did not start")
            time.sleep(0.1)
    yield base
    process.kill()
    process.wait()


def count(store: ox.Store) -> int:
    return int(next(iter(store.query(COUNT)))["n"].value)


def test_build_out_writes_one_nquads_file_per_document_equal_to_the_store(tmp_path, pipeline):
    settings = Settings.from_env({}, store=tmp_path / "store")
    out = tmp_path / "nq"
    report = build(settings, [SEEDS], pipeline, out=out)
    files = sorted(p.name for p in out.glob("*.nq"))
    for source in SEEDS.glob("*.txt"):
        assert f"{slugify(source.stem)}.nq" in files, f"no N-Quads file for {source.name}"
    fresh = ox.Store()
    for path in out.glob("*.nq"):
        fresh.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    built = stores.open_read_only(settings.store)
    # the folder holds everything the build extracted; the ontology is the one graph it leaves out
    built_without_ontology = {q for q in built if q.graph_name != ONTOLOGY_GRAPH}
    assert set(fresh) == built_without_ontology
    assert report.documents == 2


def test_push_loads_the_build_into_a_real_oxigraph_server(built_store, settings, remote, capsys):
    status = run_push(settings, Namespace(endpoint=f"{remote}/store", store=None))
    assert status == 0, capsys.readouterr().err
    local = stores.open_read_only(built_store)
    answer = urllib.request.urlopen(
        urllib.request.Request(f"{remote}/query", data=COUNT.encode(), headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    ).read()
    remote_count = int(next(iter(ox.parse_query_results(answer, format=ox.QueryResultsFormat.JSON)))["n"].value)
    assert remote_count == count(local)
    # pushing again replaces each graph: the same content, not twice as much
    assert run_push(settings, Namespace(endpoint=f"{remote}/store", store=None)) == 0
    again = urllib.request.urlopen(
        urllib.request.Request(f"{remote}/query", data=COUNT.encode(), headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    ).read()
    assert again == answer


def test_push_to_an_unreachable_store_says_so(built_store, settings, capsys):
    status = run_push(settings, Namespace(endpoint=f"http://127.0.0.1:{free_port()}/store", store=None))
    assert status == 2
    assert "cannot reach" in capsys.readouterr().err


def test_serve_from_the_remote_store_answers_like_the_embedded_one(built_store, settings, remote, store):
    assert run_push(settings, Namespace(endpoint=f"{remote}/store", store=None)) == 0
    remote_settings = Settings.from_env({}, store=settings.store, endpoint=f"{remote}/query")
    app = create_app(remote_settings)
    assert isinstance(app.extensions["archivekg.storage"], RemoteStorage)
    client = app.test_client()

    query = "SELECT ?label WHERE { <%s> <http://www.w3.org/2000/01/rdf-schema#label> ?label }" % MAO
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    assert response.get_json()["results"]["bindings"][0]["label"]["value"] == "Mao Zedong"

    response = client.get("/sparql", query_string={"query": f"DESCRIBE <{MAO}>"}, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    remote_triples = set(ox.parse(response.data, format=ox.RdfFormat.TURTLE))
    local_triples = set(ox.parse(store.query(f"DESCRIBE <{MAO}>", use_default_graph_as_union=True).serialize(format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.TURTLE))
    assert remote_triples == local_triples and remote_triples

    response = client.get("/sparql", query_string={"query": "SELEC nothing"})
    assert response.status_code == 400

    # the pages too come from the remote store
    page = client.get("/id/person/mao-zedong", headers={"Accept": "text/html"})
    assert page.status_code == 200 and b"Mao Zedong" in page.data
    assert client.get("/id/person/nobody-at-all", headers={"Accept": "text/html"}).status_code == 404
    # the dump is the remote store's to give: a clear 501, not a 500
    dump = client.get("/download/dataset.nq")
    assert dump.status_code == 501 and b"remote SPARQL store" in dump.data


def test_serve_with_an_endpoint_builds_nothing(tmp_path, remote):
    """`archivekg serve --endpoint` starts without a local store (it would build seeds/ otherwise)."""
    import signal

    from conftest import ROOT

    port = free_port()
    store = tmp_path / "no-store"
    process = subprocess.Popen(
        [sys.executable, "-m", "archivekg", "serve", "--store", str(store), "--port", str(port), "--endpoint", f"{remote}/query"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", timeout=2).read()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "serve --endpoint did not come up"
                time.sleep(0.2)
        assert b"true" in body  # ASK {} holds on any store
        assert not store.exists()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(10)


def test_remote_build_id_changes_when_the_remote_content_does(built_store, settings, remote):
    """ETags name the build: pushing other content to the remote store must change them."""
    assert run_push(settings, Namespace(endpoint=f"{remote}/store", store=None)) == 0
    storage = RemoteStorage.from_settings(Settings.from_env({}, endpoint=f"{remote}/query"))
    before = storage.build_id
    assert storage.build_id == before  # stable while nothing changes
    extra = f'<{settings.base_iri}id/document/extra> <https://w3id.org/archivekg/ontology#sha256> "ffff" .\n'.encode()
    request = urllib.request.Request(f"{remote}/store?graph={settings.base_iri}graph/build", data=extra, method="POST", headers={"Content-Type": "application/n-triples"})
    urllib.request.urlopen(request).read()
    storage._build_id = None  # skip the few seconds' cache
    assert storage.build_id != before
    assert run_push(settings, Namespace(endpoint=f"{remote}/store", store=None)) == 0  # as it was


def test_remote_storage_names_an_unreachable_endpoint(settings):
    from archivekg.server.storage import QueryError

    storage = RemoteStorage.from_settings(Settings.from_env({}, endpoint=f"http://127.0.0.1:{free_port()}/query", timeout=2.0))
    with pytest.raises(QueryError, match="cannot be reached"):
        storage.query("ASK {}")


def test_export_of_the_pushed_store_matches(built_store, remote, settings):
    """The remote dataset, dumped graph by graph, equals the local store's quads."""
    assert run_push(settings, Namespace(endpoint=f"{remote}/store", store=None)) == 0
    local = stores.open_read_only(built_store)
    answer = urllib.request.urlopen(urllib.request.Request(f"{remote}/store", headers={"Accept": "application/n-quads"})).read()
    pushed = ox.Store()
    pushed.bulk_load(answer, format=ox.RdfFormat.N_QUADS)
    assert export_bytes(pushed, ox.RdfFormat.N_QUADS) == export_bytes(local, ox.RdfFormat.N_QUADS)
