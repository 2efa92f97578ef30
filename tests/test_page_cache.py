"""Pages remembered by the front (the one cache of answers, server/front.py): a kept page is the
same bytes and headers as a freshly made one; a new build swapped in drops every kept page;
pages carry an ETag tied to the build and answer 304 to a client that holds it; the memory
stays within its size; many clients missing the same page at once make it once. All over real
HTTP, on a private copy of the seeds store (so a build can be swapped in under it)."""

from __future__ import annotations

import http.client
import shutil
import threading
import urllib.parse

import pyoxigraph as ox
import pytest

from archivekg import store as stores
from archivekg.server import create_app
from archivekg.server.front import ServerThread, make_front
from archivekg.settings import Settings

MAO = "/id/person/mao-zedong"
PAGES = [(MAO, "text/html"), (MAO, "text/turtle"), ("/id/document/001-6bf8637f507ce4ab", "text/html"), ("/", "application/json"), ("/disputes", "text/html")]


def private_store(folder, built_store):
    """A store of our own (a copy of the seeds build) that a test may swap builds into."""
    store = folder / "store"
    first = stores.builds_dir(store) / "first"
    shutil.copytree(built_store.resolve(), first)
    stores.swap_in(store, first)
    return store


class Served:
    def __init__(self, store, **settings):
        self.settings = Settings.from_env({}, store=store, **settings)
        self.app = create_app(self.settings)
        self.front = make_front(self.app, self.settings)
        self.thread = ServerThread(self.front)
        parts = urllib.parse.urlsplit(self.thread.start())
        self.host, self.port = parts.hostname, parts.port

    def get(self, path: str, **headers) -> tuple[int, dict, bytes]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders() if k.lower() != "date"}, response.read()
        finally:
            connection.close()

    def post(self, query: str) -> bytes:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request("POST", "/sparql", body=query.encode(), headers={"Content-Type": "application/sparql-query"})
            return connection.getresponse().read()
        finally:
            connection.close()

    def stop(self):
        self.thread.stop()
        self.app.extensions["archivekg.storage"].close()


@pytest.fixture()
def store(tmp_path, built_store):
    return private_store(tmp_path, built_store)


@pytest.fixture()
def served(store):
    servers = []

    def start(**settings):
        servers.append(Served(store, **settings))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def test_a_kept_page_is_the_same_bytes_and_headers_as_a_made_one(served):
    remembering, forgetting = served(), served(response_cache_mb=0)
    assert forgetting.front.cache is None
    for path, accept in PAGES:
        made = remembering.get(path, Accept=accept)
        made_again = remembering.front.made
        kept = remembering.get(path, Accept=accept)
        assert made[0] == kept[0] == 200
        assert remembering.front.made == made_again, "the second answer came from memory"
        assert kept == made
        assert forgetting.get(path, Accept=accept) == made


def test_formats_are_kept_apart(served):
    server = served()
    html = server.get(MAO, Accept="text/html")
    turtle = server.get(MAO, Accept="text/turtle")
    again = server.get(MAO, Accept="text/html;q=0.9, text/turtle;q=0.1")
    assert html[1]["content-type"].startswith("text/html") and turtle[1]["content-type"].startswith("text/turtle")
    assert again[2] == html[2] and html[1]["etag"] != turtle[1]["etag"]


def test_etag_and_304(served):
    server = served()
    first = server.get(MAO, Accept="text/html")
    tag = first[1]["etag"]
    assert tag.startswith('W/"') and "last-modified" in first[1]
    for _ in range(2):  # made, then from memory
        again = server.get(MAO, Accept="text/html", **{"If-None-Match": tag})
        assert again[0] == 304 and again[2] == b"" and again[1]["etag"] == tag
    assert server.get(MAO, Accept="text/turtle", **{"If-None-Match": tag})[0] == 200, "another format is another representation"
    missing = server.get("/id/person/nobody-at-all", Accept="text/html", **{"If-None-Match": tag})
    assert missing[0] == 404 and "etag" not in missing[1]


def test_a_new_build_drops_kept_pages_and_changes_the_etag(served, store):
    server = served()
    before = server.get(MAO, Accept="text/html")
    assert before[0] == 200 and b"Mao Tse-tung" not in before[2]
    # a new build: the same graph with Mao renamed, swapped in while the server runs
    second = stores.builds_dir(store) / "second"
    shutil.copytree(store.resolve(), second)
    writable = ox.Store(str(second))
    writable.update(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "DELETE { GRAPH ?g { ?m rdfs:label ?l } } INSERT { GRAPH ?g { ?m rdfs:label \"Mao Tse-tung\"@en } } "
        f"WHERE {{ GRAPH ?g {{ ?m rdfs:label ?l }} FILTER(?m = <{server.settings.base_iri}{MAO[1:]}>) }}"
    )
    writable.flush()
    del writable
    stores.swap_in(store, second)
    after = server.get(MAO, Accept="text/html")
    assert b"Mao Tse-tung" in after[2], "the page of the new build, not the kept one"
    label = f"SELECT ?l WHERE {{ <{server.settings.base_iri}{MAO[1:]}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"
    assert b"Mao Tse-tung" in server.post(label), "a POSTed query is answered from the new build too"
    assert after[1]["etag"] != before[1]["etag"]
    assert server.get(MAO, Accept="text/html", **{"If-None-Match": before[1]["etag"]})[0] == 200
    kept = [answer for answer, _ in server.front.cache._entries.values()]
    new_build = stores.current_build_id(store)
    assert kept and all({k.lower(): v for k, v in answer.headers}["etag"].startswith(f'W/"{new_build}-') for answer in kept), "only the new build's answers are kept"


def test_the_memory_keeps_at_most_its_size(served):
    server = served(page_cache_size=2)
    for path, accept in PAGES:
        assert server.get(path, Accept=accept)[0] == 200
    assert len(server.front.cache) == 2
    assert served(page_cache_size=0).front.cache is None


def test_many_clients_missing_one_page_make_it_once(served):
    server = served()
    bodies, errors = [], []

    def fetch():
        try:
            bodies.append(server.get(MAO, Accept="text/html")[2])
        except OSError as err:
            errors.append(err)

    threads = [threading.Thread(target=fetch) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(bodies) == 16 and len(set(bodies)) == 1
    assert server.front.made == 1, "one request made the page, the others waited for it"
