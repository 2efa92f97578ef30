"""The HTTP front of `archivekg serve` (server/front.py): uvicorn before the Flask app, and the
answers it remembers for the build being served. Real server on a free port, real store.

A remembered answer must be byte for byte the answer the app gives; it must never be given for
another request (another format, encoding, validator, credentials) or for another build (the
swap is tested in test_reliability.py, through this front)."""

from __future__ import annotations

import http.client
import urllib.parse

import pytest

from archivekg.server.front import Answer, AnswerCache, ServerThread, make_front
from archivekg.settings import Settings

MAO = "http://localhost:5000/id/person/mao-zedong"
LABEL = f"SELECT ?label WHERE {{ <{MAO}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"


@pytest.fixture(scope="module")
def front(app, settings):
    front = make_front(app, settings)
    with ServerThread(front) as url:
        front.url = url
        yield front


def get(front, path: str, method: str = "GET", **headers) -> tuple[int, dict[str, str], bytes]:
    parts = urllib.parse.urlsplit(front.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def sparql(query: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query})


def without_date(headers: dict) -> dict:
    return {k: v for k, v in headers.items() if k != "date"}


def test_a_repeated_query_is_answered_from_memory_with_the_same_bytes(front):
    path = sparql(LABEL + " # repeated")
    first = get(front, path, Accept=JSON)
    hits = front.cache.hits
    second = get(front, path, Accept=JSON)
    assert first[0] == second[0] == 200
    assert first[2] == second[2] and b"Mao Zedong" in second[2]
    assert without_date(first[1]) == without_date(second[1])
    assert front.cache.hits == hits + 1


def test_each_format_and_encoding_keeps_its_own_answer(front):
    path = sparql(f"SELECT ?p ?o WHERE {{ <{MAO}> ?p ?o }}")
    for _ in range(2):  # the second round comes from memory: still each its own
        assert get(front, path, Accept=JSON)[1]["content-type"].startswith(JSON)
        assert get(front, path, Accept=XML)[1]["content-type"].startswith(XML)
        status, headers, body = get(front, path, Accept=JSON, **{"Accept-Encoding": "gzip"})
        assert headers.get("content-encoding") == "gzip" and body[:2] == b"\x1f\x8b"
        assert "content-encoding" not in get(front, path, Accept=JSON)[1]
        assert get(front, path, method="HEAD", Accept=JSON)[2] == b""


def test_a_revalidation_gets_304_and_another_validator_does_not(front):
    path = sparql(LABEL + " # revalidated")
    etag = get(front, path, Accept=JSON)[1]["etag"]
    for _ in range(2):
        assert get(front, path, Accept=JSON, **{"If-None-Match": etag})[0] == 304
        assert get(front, path, Accept=JSON, **{"If-None-Match": 'W/"another"'})[0] == 200


def test_refusals_and_errors_are_not_remembered(front):
    path = sparql("SELECT ?x WHERE { ?x")
    for _ in range(2):
        status, _, body = get(front, path, Accept=JSON)
        assert status == 400 and b"not valid SPARQL" in body
    misses = front.cache.misses
    assert get(front, path, Accept=JSON)[0] == 400
    assert front.cache.misses == misses + 1, "asked the app again"


def test_requests_with_credentials_never_come_from_memory(front):
    path = sparql(LABEL + " # private")
    get(front, path, Accept=JSON)
    hits = front.cache.hits
    assert get(front, path, Accept=JSON, Authorization="Bearer x")[0] == 200
    assert get(front, path, Accept=JSON, Cookie="a=b")[0] == 200
    assert front.cache.hits == hits


def test_pages_are_remembered_too(front):
    path = "/id/person/mao-zedong"
    first = get(front, path, Accept="text/html")
    hits = front.cache.hits
    second = get(front, path, Accept="text/html")
    assert first[0] == 200 and first[2] == second[2] and front.cache.hits == hits + 1


def test_a_zero_budget_remembers_nothing(app, settings):
    assert make_front(app, Settings.from_env({}, store=settings.store, response_cache_mb=0)).cache is None
    assert make_front(app, Settings.from_env({}, store=settings.store, page_cache_size=0)).cache is None


def answer(size: int) -> Answer:
    return Answer(200, ((b"etag", b'W/"b-1"'),), b"x" * size)


def test_the_cache_stays_within_its_budget_dropping_the_least_recently_used():
    cache = AnswerCache(max_bytes=3 * answer(1000).size, max_entry_bytes=2000)
    assert cache.get("b", ("a",)) is None  # the first look names the build served
    for key in "abc":
        cache.put("b", (key,), answer(1000))
    assert cache.get("b", ("a",)) is not None  # a is now the most recently used
    cache.put("b", ("d",), answer(1000))
    assert cache.get("b", ("b",)) is None and cache.get("b", ("a",)) is not None
    cache.put("b", ("big",), answer(5000))
    assert cache.get("b", ("big",)) is None, "an answer over the entry limit is not kept"


def test_answers_of_another_build_are_neither_kept_nor_given():
    cache = AnswerCache(max_bytes=10**6, max_entry_bytes=10**5)
    cache.get("old", ("k",))
    cache.put("old", ("k",), answer(10))
    assert cache.get("old", ("k",)) is not None
    assert cache.get("new", ("k",)) is None, "a swap drops what was remembered"
    cache.put("old", ("k",), answer(10))  # an answer made from the old build, arriving late
    assert cache.get("new", ("k",)) is None


def test_an_answer_made_for_https_behind_a_proxy_is_not_given_to_plain_http(front):
    """uvicorn trusts X-Forwarded-Proto from localhost, and the service description names the
    endpoint's absolute URL: each scheme keeps its own answer."""
    for _ in range(2):
        secure = get(front, "/sparql", Accept="text/turtle", **{"X-Forwarded-Proto": "https"})[2]
        plain = get(front, "/sparql", Accept="text/turtle")[2]
        assert b"<https://127.0.0.1:" in secure and b"<http://127.0.0.1:" in plain


def test_an_endless_request_head_is_refused_and_the_server_goes_on(front):
    import socket

    parts = urllib.parse.urlsplit(front.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as connection:
        connection.sendall(b"GET /sparql HTTP/1.1\r\nHost: x\r\nX-Long: ")
        answer = b""
        try:
            for _ in range(40):  # 2.5 MB of one header value, unless the server closes first
                connection.sendall(b"a" * 65536)
        except OSError:
            pass  # closed by the server: the answer is already waiting
        while chunk := connection.recv(4096):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 431") and b"POST body" in answer
    assert get(front, sparql("ASK {}"), Accept=JSON)[0] == 200


def test_a_long_query_in_a_post_body_still_passes(front):
    parts = urllib.parse.urlsplit(front.url)
    query = "ASK { ?s ?p ?o } #" + "x" * 50_000
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("POST", "/sparql", body=query.encode(), headers={"Content-Type": "application/sparql-query", "Accept": JSON})
        response = connection.getresponse()
        assert response.status == 200 and b"true" in response.read()
    finally:
        connection.close()
