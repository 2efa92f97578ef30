"""A deployment as a new user makes one: the Pythons it installs on, the commands CI and the
README run, `archivekg serve` as a real process on a taken port, on a store of another base
IRI, and under a base IRI with a path behind a proxy that forwards that path."""

from __future__ import annotations

import http.client
import json
import re
import socket
import subprocess
import sys
import time
import tomllib
from html.parser import HTMLParser

import pytest
from conftest import ROOT, SEEDS, free_port
from packaging.specifiers import SpecifierSet

from archivekg.build import build
from archivekg.settings import Settings


def archivekg(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "archivekg", *map(str, args)], capture_output=True, text=True, timeout=timeout)


# ---- Pythons, CI and the README ---------------------------------------------------------------
def test_installs_on_python_3_11_to_3_13():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    supported = SpecifierSet(project["requires-python"])
    for version in ("3.11.0", "3.12.0", "3.13.0"):
        assert version in supported, f"pip refuses to install on Python {version}"
        assert f"Programming Language :: Python :: {version[:4]}" in project["classifiers"]
    assert "3.10.0" not in supported


def readme_block_after(heading_text: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    after = readme[readme.index(heading_text) :]
    return re.search(r"```sh\n(.*?)```", after, re.S).group(1)


def test_ci_runs_the_readme_test_command_on_the_newest_python():
    block = readme_block_after("Install and run the whole test suite")
    [command] = [line for line in block.splitlines() if "pytest" in line]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert command in ci.splitlines(), "CI runs exactly the README's test command"
    choice = re.search(r"for v in ([0-9. ]+); do", ci).group(1).split()
    assert choice == ["3.13", "3.12", "3.11"], "CI takes the newest supported Python the machine has"
    assert "$PYTHON" in command


def test_readme_stands_on_its_own():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme and "shared/" not in readme


# ---- serve's checks ---------------------------------------------------------------------------
def test_serve_on_a_taken_port_says_so_and_how_to_choose_another(built_store):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = archivekg("serve", "--store", built_store, "--port", port, timeout=60)
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    suggested = int(re.search(r"--port (\d+)", result.stderr).group(1))
    assert suggested != port and "ARCHIVEKG_PORT" in result.stderr
    assert "serving" not in result.stderr and "Traceback" not in result.stderr


def test_serve_refuses_a_store_built_with_another_base_iri(built_store, settings):
    other = "https://example.org/somewhere/"
    result = archivekg("serve", "--store", built_store, "--base-iri", other, "--port", free_port(), timeout=60)
    assert result.returncode == 2, result.stderr
    assert f"built with base IRI {settings.base_iri}, not {other}" in result.stderr
    assert f"--base-iri {settings.base_iri}" in result.stderr, "how to serve it as built"
    assert f"archivekg build --base-iri {other}" in result.stderr, "how to rebuild it"
    assert "serving" not in result.stderr and "Traceback" not in result.stderr


# ---- under a base IRI with a path, behind a proxy --------------------------------------------
BASE = "https://example.org/archive/"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # what Chromium sends
PROXY_HEADERS = {"Host": "example.org", "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}  # what the proxy adds


class Page(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.links: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.links.append(value)


@pytest.fixture(scope="module")
def proxied(tmp_path_factory, pipeline):
    """`archivekg serve` (a real process) of a seeds store built under BASE, as the proxy in
    front of it reaches it: a function that asks a path with the headers a proxy sends."""
    settings = Settings.from_env({}, store=tmp_path_factory.mktemp("archive") / "store", base_iri=BASE)
    build(settings, [SEEDS], pipeline)
    port = free_port()
    log = tmp_path_factory.mktemp("archive-log") / "serve.log"
    with log.open("w") as errors:
        process = subprocess.Popen([sys.executable, "-m", "archivekg", "serve", "--store", str(settings.store), "--base-iri", BASE, "--port", str(port)],
                                   stdout=subprocess.DEVNULL, stderr=errors)

    def get(path: str, accept: str = "text/html", headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("GET", path, headers={**PROXY_HEADERS, "Accept": accept, **(headers or {})})
            response = connection.getresponse()
            return response.status, response.msg, response.read()  # the headers, by any case
        finally:
            connection.close()

    deadline = time.monotonic() + 60
    while True:
        try:
            get("/archive/")
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: {log.read_text()}")
            time.sleep(0.1)
    yield get
    process.terminate()
    process.wait(20)


def test_the_site_is_served_under_the_base_path(proxied):
    status, headers, _ = proxied("/")
    assert status == 302 and headers["Location"] == "/archive/"
    status, _, body = proxied("/id/person/mao-zedong")
    assert status == 404 and b"/archive/" in body, "outside the base path: a 404 that says where the site is"
    status, _, body = proxied("/archive/id/person/mao-zedong", "text/turtle")
    assert status == 200 and b"<https://example.org/archive/id/person/mao-zedong>" in body


def test_every_link_of_the_site_stays_under_the_base_path_and_answers(proxied):
    """Follow every link from the home page (a bounded crawl): each is under /archive/ and
    answers 200, so the pages work behind a proxy that forwards only /archive/."""
    seen, queue, broken = set(), ["/archive/"], []
    while queue and len(seen) < 120:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        status, headers, body = proxied(path, BROWSER_ACCEPT)
        if status != 200:
            broken.append((path, status))
            continue
        for alternate in re.findall(r"<([^>]+)>", headers.get("Link", "")):
            assert alternate.startswith("/archive/"), (path, alternate)
        if not headers.get("Content-Type", "").startswith("text/html"):
            continue
        for link in Page(body.decode("utf-8")).links:
            if link.startswith(("http://", "https://", "mailto:", "#")):
                continue
            assert link.startswith("/archive/"), f"{path} links to {link}, outside the base path"
            local = link.split("#")[0]
            if local not in seen and not local.startswith("/archive/download/"):
                queue.append(local)
    assert not broken
    assert len(seen) > 40 and any("/archive/id/document/" in p for p in seen) and any("/archive/entities/" in p for p in seen)


def test_absolute_urls_follow_the_proxy(proxied):
    _, _, body = proxied("/archive/sparql")
    config = json.loads(re.search(r'<script id="editor-config" type="application/json">(.*?)</script>', body.decode(), re.S).group(1))
    assert config["endpoint"] == "https://example.org/archive/sparql"
    status, _, body = proxied("/archive/.well-known/void", "application/n-triples")
    assert status == 200
    assert b"<http://rdfs.org/ns/void#sparqlEndpoint> <https://example.org/archive/sparql>" in body
    assert b"<http://rdfs.org/ns/void#dataDump> <https://example.org/archive/download/dataset.nq>" in body
    assert proxied("/archive/download/dataset.nq", "application/n-quads")[0] == 200


# ---- what the README tells a new user ---------------------------------------------------------
def section(title: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index(f"## {title}\n")
    end = readme.find("\n## ", start + 1)
    return readme[start : end if end > 0 else None]


def test_readme_gazetteer_example_is_a_valid_entry():
    from archivekg.extract.gazetteer import parse_entry

    text = section("The gazetteer")
    example = json.loads(re.search(r"```json\n(.*?)\n```", text, re.S).group(1))
    entry = parse_entry(example, "the README's example")
    assert f"id/{entry.kind}/{entry.id}" in text
    for field in ("id", "label", "type", "aliases", "pseudonyms", "demonyms", "wikidata", "description"):
        assert f"| `{field}` |" in text, field


def test_readme_documents_the_wikidata_review_file():
    from archivekg.linking import REVIEW_COLUMNS

    text = section("Linking to Wikidata")
    for command in ("archivekg link --online --review-file", "archivekg link --accept"):
        assert command in text
    for column in REVIEW_COLUMNS:
        assert f"`{column}`" in text, column


def test_readme_documents_own_documents_and_deployment():
    own = section("Your own documents")
    assert "A build replaces the store" in own and "every folder" in own
    deployment = section("Deployment")
    for words in ("--base-iri https://example.org/archive/", "proxy_pass http://127.0.0.1:5000;", "X-Forwarded-Proto",
                  "ARCHIVEKG_ACCESS_LOG", "--access-log", "oxigraph serve-read-only"):
        assert words in deployment, words
    sparql = section("SPARQL endpoint")
    assert 'ASK { ?p rdfs:label "Mao Zedong"@en }' in sparql


def test_readme_label_queries_say_what_the_store_does(ask):
    text = section("SPARQL endpoint")
    block = re.search(r"\*\*Labels are in English.*?```sparql\n(.*?)```", text, re.S).group(1)
    queries = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert not bool(ask('ASK { ?p rdfs:label "Mao Zedong" }')), "the README says a plain string does not match"
    assert bool(ask(queries[0]))
    assert [r["p"].value.rsplit("/", 1)[-1] for r in ask(queries[1])] == ["mao-zedong"]
    assert [r["p"].value.rsplit("/", 1)[-1] for r in ask(queries[2])] == ["joseph-stalin"]
