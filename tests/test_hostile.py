"""Hostile input against a real server (the production front, real worker processes, a private
copy of the seeds store, loopback only, bounded loops): each test reproduces one break of
issue 16 and shows it holds now.

SERVICE calls are aimed at listeners of our own on 127.0.0.1: a test fails if anything
connects to one that is not on the allow-list."""

from __future__ import annotations

import dataclasses
import http.client
import json
import shutil
import socket
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ElementTree

import pyoxigraph as ox
import pytest

from archivekg import store as stores
from archivekg.server import create_app
from archivekg.server.connection import Limits
from archivekg.server.front import ServerThread, make_front

JSON = "application/sparql-results+json"
MAO = "http://localhost:5000/id/person/mao-zedong"
CONTROL = "Mao\x01Zedong\x0bthe\x0cChairman"
SMALL = f"SELECT ?l WHERE {{ <{MAO}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"


class Listener:
    """A TCP listener on 127.0.0.1 that records who connects and answers each with `reply`."""

    def __init__(self, reply: bytes = b""):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}/sparql"
        self.reply, self.calls, self.stop = reply, [], False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stop:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(2)
                try:
                    self.calls.append(connection.recv(65536))
                    if self.reply:
                        connection.sendall(self.reply)
                except OSError:
                    pass

    def close(self):
        self.stop = True
        self.thread.join(2)
        self.socket.close()


def http_reply(status: str, content_type: str, body: bytes) -> bytes:
    return f"HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {len(body)}\r\nconnection: close\r\n\r\n".encode() + body


@pytest.fixture(scope="module")
def listeners():
    secret = Listener(http_reply("500 Oops", "text/plain", b"SECRET-REMOTE-BODY"))
    rows = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "from afar"}}]}}).encode()
    allowed = Listener(http_reply("200 OK", "application/sparql-results+json", rows))
    unlisted = Listener()
    yield {"secret": secret, "allowed": allowed, "unlisted": unlisted}
    for listener in (secret, allowed, unlisted):
        listener.close()


def private_store(folder, built_store):
    """A copy of the seeds build with one label full of the control characters PDFs leave."""
    path = folder / "store"
    build = stores.builds_dir(path) / "hostile"
    shutil.copytree(built_store.resolve(), build)
    writable = ox.Store(str(build))
    writable.add(ox.Quad(ox.NamedNode(MAO), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                         ox.Literal(CONTROL, language="en"), ox.NamedNode("http://localhost:5000/graph/entities")))
    writable.flush()
    del writable
    stores.swap_in(path, build)
    return path


def start(settings, limits=Limits()):
    app = create_app(settings)
    server = ServerThread(make_front(app, settings, limits=limits))
    return app, server, server.start()


@pytest.fixture(scope="module")
def server(tmp_path_factory, built_store, settings, listeners):
    limits = Limits(head_seconds=1.0, body_seconds=2.0, idle_seconds=5.0)
    own = dataclasses.replace(settings, store=private_store(tmp_path_factory.mktemp("hostile"), built_store), timeout=5.0,
                              worker_memory_mb=400, max_answer_bytes=200_000, query_workers=3, update_token="tok",
                              max_client_connections=24, service_allowlist=(listeners["secret"].url, listeners["allowed"].url))
    app, thread, url = start(own, limits)
    yield url
    thread.stop()
    app.extensions["archivekg.storage"].close()


def call(base, method="GET", params=None, body=None, headers=None, timeout=30):
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    path = "/sparql" + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        connection.request(method, path, body=body, headers={"Accept": JSON, **(headers or {})})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def query(base, text, **headers):
    return call(base, params={"query": text}, headers=headers)


def quick(base, limit=2.0) -> None:
    """A small honest query never asked before (not from the front's memory) is answered, and quickly."""
    started = time.monotonic()
    status, _, body = query(base, f"{SMALL} # {time.monotonic_ns()}")
    assert status == 200 and b"Mao Zedong" in body
    assert time.monotonic() - started < limit


# ---- 16.1: SERVICE is decided by what the engine itself would call ---------------------------
def tricks(target: str) -> list[str]:
    prefix, local = target.rsplit("/", 1)
    return [
        # the red team's: \u0022 read as a quote by rdflib, SERVICE:sparql as keyword + name by Oxigraph
        f'PREFIX : <{prefix}/> SELECT * WHERE {{ BIND("\\u0022" AS ?d) SERVICE:{local} {{ ?x ?p ?o }} }} # \\u000a""" AS ?d) }}',
        f'PREFIX : <{prefix}/> SELECT * WHERE {{ SERVICE:{local} {{ ?x ?p ?o }} }}',
        f'SELECT * WHERE {{ BIND("\\u0022" AS ?d) SERVICE <{target}> {{ ?x ?p ?o }} }} # \\u000a""" AS ?d) }}',
        f"SELECT * WHERE {{ VALUES (?a ?b) {{ (1 2) }} FILTER(?a<?b||'>'!=?c) SERVICE <{target}> {{ ?x ?p ?o }} #'\n}}",
        f"SELECT * WHERE {{ SERVICE <{target.replace('s', chr(92) + 'u0073', 1)}> {{ ?x ?p ?o }} }}",
        f"PREFIX t: <{prefix}/> SELECT * WHERE {{ SERVICE SILENT t:{local} {{ ?x ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{target}> AS ?e) SERVICE ?e {{ ?x ?p ?o }} }}",
        f"SELECT * WHERE {{ 1e1SERVICE <{target}> {{ ?x ?p ?o }} }}",
        f"select * where {{ service <{target}> {{ ?x ?p ?o }} }}",
    ]


def test_no_service_trick_reaches_an_unlisted_endpoint(server, listeners):
    target = listeners["unlisted"]
    for text in tricks(target.url):
        status, _, body = query(server, text)
        assert 400 <= status < 500, (text, status, body)
    time.sleep(0.3)
    assert target.calls == [], "a SERVICE call left the server"


def test_a_call_the_check_cannot_see_is_stopped_by_the_sealed_worker(server, listeners):
    """The check's second reader (rdflib) cannot read RDF 1.2 triple terms, and the lexer reads
    `<?b||'>` as an IRI: only the seal stands between this query and the listener."""
    target = listeners["unlisted"]
    text = (f"SELECT * WHERE {{ BIND(<<( <x:a> <x:b> <x:c> )>> AS ?t) VALUES (?a ?b) {{ (1 2) }} "
            f"FILTER(?a<?b&&'>'!=STR(?a)) SERVICE <{target.url}> {{ ?x ?p ?o }} #'\n}}")
    status, _, body = query(server, text)
    assert status == 403 and b"allow-list" in body, body
    time.sleep(0.3)
    assert target.calls == []


def test_allowed_federation_works_and_a_remote_error_body_is_not_passed_on(server, listeners):
    status, _, body = query(server, f"SELECT ?x WHERE {{ SERVICE <{listeners['allowed'].url}> {{ ?x ?p ?o }} }}")
    assert status == 200 and b"from afar" in body
    status, _, body = query(server, f"SELECT ?x WHERE {{ SERVICE <{listeners['secret'].url}> {{ ?x ?p ?o }} }}")
    assert status == 502 and b"HTTP 500" in body and b"SECRET" not in body
    assert listeners["secret"].calls, "the allowed endpoint was called"


def test_load_is_refused_even_with_the_token(server, listeners):
    target = listeners["unlisted"]
    for text in (f"LOAD <{target.url}>", f"LOAD SILENT <{target.url}> INTO GRAPH <x:g>"):
        status, _, body = call(server, "POST", body=text.encode(), headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer tok"})
        assert status == 403 and b"LOAD" in body, body
    time.sleep(0.3)
    assert target.calls == []


# ---- 16.2: what runs before evaluation is linear, or under the time limit --------------------
def test_a_lexer_bomb_is_answered_quickly_and_others_go_on(server):
    started = time.monotonic()
    status, _, _ = call(server, "POST", body=("a." * 50_000).encode(), headers={"Content-Type": "application/sparql-query"})
    assert status == 400 and time.monotonic() - started < 3
    bombs = [threading.Thread(target=call, args=(server, "POST", None, ("'''" + "\\'" * 22_000).encode(), {"Content-Type": "application/sparql-query"}))
             for _ in range(8)]
    for bomb in bombs:
        bomb.start()
    quick(server)
    for bomb in bombs:
        bomb.join(30)


# ---- 16.3: memory and answer size are bounded per query --------------------------------------
def test_a_memory_hungry_query_is_stopped_and_the_server_goes_on(server):
    started = time.monotonic()
    status, _, body = query(server, "SELECT ?a ?b ?c ?d WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?f ?c ?i")
    assert status == 503 and (b"MB a query may use" in body or b"timeout" in body), body
    assert time.monotonic() - started < 5.0 + 3
    quick(server)


def test_an_answer_is_cut_at_the_byte_cap_and_says_so(server):
    status, headers, body = query(server, "SELECT ?s ?text WHERE { ?s <http://schema.org/text> ?text . ?x ?y ?z }")
    assert status == 200 and headers["x-archivekg-truncated"] == "true" and headers["x-archivekg-byte-limit"] == "200000"
    data = json.loads(body)
    assert data["archivekg"]["truncated"] is True and data["results"]["bindings"]
    assert len(body) < 3 * 200_000


# ---- 16.4: slow clients hold nothing ---------------------------------------------------------
def open_from(base, source: str) -> socket.socket:
    parts = urllib.parse.urlsplit(base)
    connection = socket.socket()
    connection.bind((source, 0))
    connection.settimeout(5)
    connection.connect((parts.hostname, parts.port))
    return connection


def test_trickled_bodies_and_half_sent_heads_hold_nothing(server):
    trickles = []
    for _ in range(8):  # eight clients sending a POST body a byte at a time
        c = open_from(server, "127.0.0.2")
        c.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 100\r\n\r\nA")
        trickles.append(c)
    heads = []
    for _ in range(40):  # more half-sent heads than one address may hold open
        c = open_from(server, "127.0.0.3")
        try:
            c.sendall(b"GET /sparql?query=ASK HTTP/1.1\r\nHost: x\r\n")
        except OSError:
            pass
        heads.append(c)
    quick(server)  # another address is answered at once
    answers = []
    for c in heads + trickles:
        try:
            answers.append(c.recv(200))
        except OSError as err:
            answers.append(repr(err).encode())
        c.close()
    assert sum(a.startswith(b"HTTP/1.1 503") for a in answers) >= 40 - 24 + 8 - 8, "past the per-address bound: 503"
    assert sum(a.startswith(b"HTTP/1.1 408") for a in answers) >= 8, "the slow ones are cut off at the deadline"
    quick(server)


def test_runaways_leave_a_reserve_for_small_queries(tmp_path, built_store, settings):
    """Four runaways against three workers and a 12 s limit: without a reserve, small queries
    would wait for the runaways' limit; with it, one at most waits for the 1 s leash of a
    runaway that took the reserved worker and for a worker to start in its place (a few
    seconds on a loaded machine)."""
    own = dataclasses.replace(settings, store=private_store(tmp_path, built_store), timeout=12.0, query_workers=3)
    app, thread, url = start(own)
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } # %d"
    answers = []
    try:
        quick(url, limit=30)  # the workers are up
        threads = [threading.Thread(target=lambda i=i: answers.append(query(url, runaway % i))) for i in range(4)]
        for each in threads:
            each.start()
        time.sleep(1.5)
        for _ in range(5):
            quick(url, limit=6.0)  # without the reserve: the runaways' 12 s
        for each in threads:
            each.join(60)
    finally:
        thread.stop()
        app.extensions["archivekg.storage"].close()
    assert all(status == 503 for status, _, _ in answers) and len(answers) == 4
    messages = b" ".join(body for _, _, body in answers)
    assert b"long queries" in messages and b"timeout" in messages


def test_a_query_that_never_ran_is_told_so(tmp_path, built_store, settings):
    own = dataclasses.replace(settings, store=private_store(tmp_path, built_store), timeout=2.0, query_workers=1)
    app, thread, url = start(own)
    try:
        assert query(url, "ASK {}")[0] == 200  # the worker is up
        runaway = threading.Thread(target=query, args=(url, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"))
        runaway.start()
        time.sleep(0.5)
        status, headers, body = query(url, SMALL + " # never asked before")  # not from the front's memory
        assert status == 503 and b"not run" in body and headers.get("retry-after")
        runaway.join(30)
    finally:
        thread.stop()
        app.extensions["archivekg.storage"].close()


# ---- 16.6, 16.8, 16.9, 16.12 -----------------------------------------------------------------
def test_the_dump_is_streamed_whole(tmp_path, built_store, settings):
    """A dump larger than what the front gathers in memory (4 MB) goes out in chunks, batch by
    batch from the store, and arrives whole."""
    store = private_store(tmp_path, built_store)
    writable = ox.Store(str(store.resolve()))
    graph = ox.NamedNode("http://example.org/bulk")
    writable.bulk_extend(ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), ox.NamedNode("http://example.org/p"),
                                 ox.Literal("x" * 60 + str(i)), graph) for i in range(60_000))
    writable.flush()
    expected = len(writable)
    del writable
    app, thread, url = start(dataclasses.replace(settings, store=store))
    try:
        parts = urllib.parse.urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        connection.request("GET", "/download/dataset.nq")
        response = connection.getresponse()
        assert response.status == 200 and response.getheader("Transfer-Encoding") == "chunked"
        quads = list(ox.parse(response.read(), format=ox.RdfFormat.N_QUADS))
        connection.close()
    finally:
        thread.stop()
        app.extensions["archivekg.storage"].close()
    assert len(quads) == expected


def test_a_chunked_update_is_applied(server):
    parts = urllib.parse.urlsplit(server)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    update = 'INSERT DATA { <http://example.org/chunked> <http://example.org/p> "sent in chunks" }'
    connection.request("POST", "/sparql", body=iter([update[:20].encode(), update[20:].encode()]), encode_chunked=True,
                       headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer tok"})
    response = connection.getresponse()
    assert response.status == 200, response.read()
    connection.close()
    status, _, body = query(server, 'ASK { <http://example.org/chunked> ?p "sent in chunks" }')
    assert status == 200 and json.loads(body)["boolean"] is True


def test_a_long_get_gets_its_answer_or_the_documented_limit(server, settings):
    status, _, body = query(server, "ASK {} #" + "x" * 70_000)
    assert status == 200 and json.loads(body)["boolean"] is True
    status, _, body = query(server, "ASK {} #" + "x" * (settings.max_query_bytes + 1))
    assert status == 413 and str(settings.max_query_bytes).encode() in body


def test_a_triple_term_is_answered(server):
    status, _, body = query(server, "SELECT ?t WHERE { BIND(<<( <x:a> <x:b> <x:c> )>> AS ?t) }")
    assert status == 200, body
    term = json.loads(body)["results"]["bindings"][0]["t"]
    assert term["type"] == "triple" and term["value"]["subject"]["value"] == "x:a"


# ---- 16.7: text XML 1.0 cannot carry ---------------------------------------------------------
@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"])
def test_control_characters_in_every_results_format(server, accept):
    status, headers, body = query(server, f"SELECT ?l WHERE {{ <{MAO}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}", Accept=accept)
    assert status == 200
    if "xml" in accept:
        ElementTree.fromstring(body)  # well-formed
        assert int(headers["x-archivekg-replaced-characters"]) == 3
        assert "Mao\ufffdZedong".encode() in body
    elif "json" in accept:
        values = {b["l"]["value"] for b in json.loads(body)["results"]["bindings"]}
        assert CONTROL in values
    else:
        assert "Zedong".encode() in body


@pytest.mark.parametrize("fmt", [ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD, ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS])
def test_control_characters_in_every_rdf_format(server, fmt):
    status, _, body = query(server, f"CONSTRUCT {{ <{MAO}> ?p ?o }} WHERE {{ <{MAO}> ?p ?o }}", Accept=fmt.media_type)
    assert status == 200
    if fmt == ox.RdfFormat.RDF_XML:
        ElementTree.fromstring(body)
    labels = {t.object.value for t in ox.parse(body, format=fmt) if isinstance(t.object, ox.Literal)}
    assert (CONTROL if fmt != ox.RdfFormat.RDF_XML else CONTROL.replace("\x01", "\ufffd").replace("\x0b", "\ufffd").replace("\x0c", "\ufffd")) in labels


def test_the_rdf_xml_page_is_well_formed(server):
    parts = urllib.parse.urlsplit(server)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", "/id/person/mao-zedong.rdf")
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status == 200 and int(response.getheader("X-Archivekg-Replaced-Characters")) >= 3
    ElementTree.fromstring(body)
