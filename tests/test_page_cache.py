"""The page cache: a kept page is the same bytes as a freshly made one; a new build swapped in
drops every kept page; pages carry an ETag tied to the build and answer 304 to a client that
holds it; the cache stays within its size; many clients missing the same page at once make
it once. All on a real store and a real app (a private copy of the seeds store, so a build
can be swapped in under it)."""

from __future__ import annotations

import shutil
import threading
import urllib.request

import pyoxigraph as ox
import pytest

from archivekg import store as stores
from archivekg.server import create_app
from archivekg.server.cache import page_cache
from archivekg.server.front import Front, ServerThread
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


def make_app(store, **settings):
    app = create_app(Settings.from_env({}, store=store, **settings))
    app.config["TESTING"] = True
    return app


def cache_of(app):
    with app.app_context():
        return page_cache()


@pytest.fixture()
def store(tmp_path, built_store):
    return private_store(tmp_path, built_store)


@pytest.mark.parametrize("path, accept", PAGES)
def test_a_kept_page_is_the_same_bytes_and_headers_as_a_made_one(store, path, accept):
    app = make_app(store)
    client = app.test_client()
    made = client.get(path, headers={"Accept": accept})
    kept = client.get(path, headers={"Accept": accept})
    cache = cache_of(app)
    assert made.status_code == kept.status_code == 200
    assert (cache.misses, cache.hits) == (1, 1), "the second answer came from the cache"
    assert kept.data == made.data
    assert sorted(kept.headers.items()) == sorted(made.headers.items())
    uncached = make_app(store, page_cache_size=0).test_client().get(path, headers={"Accept": accept})
    assert uncached.data == made.data and sorted(uncached.headers.items()) == sorted(made.headers.items())


def test_formats_are_kept_apart(store):
    client = make_app(store).test_client()
    html = client.get(MAO, headers={"Accept": "text/html"})
    turtle = client.get(MAO, headers={"Accept": "text/turtle"})
    again = client.get(MAO, headers={"Accept": "text/html;q=0.9, text/turtle;q=0.1"})
    assert html.mimetype == "text/html" and turtle.mimetype == "text/turtle" and again.data == html.data
    assert html.headers["ETag"] != turtle.headers["ETag"]


def test_etag_and_304(store):
    client = make_app(store).test_client()
    first = client.get(MAO, headers={"Accept": "text/html"})
    tag = first.headers["ETag"]
    assert tag.startswith('W/"') and "Last-Modified" in first.headers
    again = client.get(MAO, headers={"Accept": "text/html", "If-None-Match": tag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == tag
    other = client.get(MAO, headers={"Accept": "text/turtle", "If-None-Match": tag})
    assert other.status_code == 200, "another format is another representation"
    missing = client.get("/id/person/nobody-at-all", headers={"Accept": "text/html", "If-None-Match": tag})
    assert missing.status_code == 404 and "ETag" not in missing.headers


def test_a_new_build_drops_kept_pages_and_changes_the_etag(store):
    app = make_app(store)
    client = app.test_client()
    before = client.get(MAO, headers={"Accept": "text/html"})
    assert before.status_code == 200 and b"Mao Tse-tung" not in before.data
    # a new build: the same graph with Mao renamed, swapped in while the app runs
    second = stores.builds_dir(store) / "second"
    shutil.copytree(store.resolve(), second)
    writable = ox.Store(str(second))
    writable.update(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        f"DELETE {{ GRAPH ?g {{ ?m rdfs:label ?l }} }} INSERT {{ GRAPH ?g {{ ?m rdfs:label \"Mao Tse-tung\"@en }} }} "
        f"WHERE {{ GRAPH ?g {{ ?m rdfs:label ?l }} FILTER(?m = <{app.config['SETTINGS'].base_iri}{MAO[1:]}>) }}"
    )
    writable.flush()
    del writable
    stores.swap_in(store, second)
    after = client.get(MAO, headers={"Accept": "text/html"})
    assert b"Mao Tse-tung" in after.data, "the page of the new build, not the kept one"
    assert after.headers["ETag"] != before.headers["ETag"]
    assert client.get(MAO, headers={"Accept": "text/html", "If-None-Match": before.headers["ETag"]}).status_code == 200
    assert len(cache_of(app)) == 1, "the old build's page is gone, the new one is kept"


def test_the_cache_keeps_at_most_its_size(store):
    app = make_app(store, page_cache_size=2)
    client = app.test_client()
    for path, accept in PAGES:
        assert client.get(path, headers={"Accept": accept}).status_code == 200
    assert len(cache_of(app)) == 2


def test_many_clients_missing_one_page_make_it_once(store):
    app = make_app(store)
    server = ServerThread(Front(app, None, None, threads=16))  # the front's own memory off: the pages' cache is tested
    base = server.start()
    bodies, errors = [], []

    def fetch():
        try:
            request = urllib.request.Request(f"{base}{MAO}", headers={"Accept": "text/html"})
            with urllib.request.urlopen(request, timeout=60) as response:
                bodies.append(response.read())
        except OSError as err:
            errors.append(err)

    threads = [threading.Thread(target=fetch) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    server.stop()
    assert not errors and len(bodies) == 16 and len(set(bodies)) == 1
    assert cache_of(app).misses == 1, "one request made the page, the others waited for it"
