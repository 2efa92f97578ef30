"""Linked-data pages: every IRI dereferences, for people (HTML) and machines (RDF), on the
seeds graph built by the real pipeline; unknown IRIs are 404s; nothing outside the dataset
is served; document texts are escaped."""

from __future__ import annotations

import http.client
import json
import re
import urllib.parse
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest
import rdflib
from conftest import SEEDS

from archivekg.build import build
from archivekg.settings import Settings

MAO = "/id/person/mao-zedong"
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}
EXTENSIONS = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml"}
# rdflib's own JSON-LD parser uses its deprecated ConjunctiveGraph internally
rdflib_jsonld = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


class Links(HTMLParser):
    """The hrefs and ids of an HTML page, and its visible text."""

    def __init__(self, html: str):
        super().__init__()
        self.hrefs, self.ids, self.text = [], set(), []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if attrs.get("id"):
            self.ids.add(attrs["id"])

    def handle_data(self, data):
        self.text.append(data)


def iri_of(path: str, settings) -> rdflib.URIRef:
    return rdflib.URIRef(settings.base_iri + path.lstrip("/"))


def parse(body: bytes, syntax: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=body, format=syntax)
    return graph


def path_of(iri: str, settings) -> str:
    assert iri.startswith(settings.base_iri)
    return "/" + iri[len(settings.base_iri) :]


# ---- entity pages ------------------------------------------------------------------------
def test_mao_as_html_names_him_links_wikidata_and_documents(client):
    response = client.get(MAO, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    page = Links(html)
    assert re.search(r"<h1>\s*Mao Zedong\s*</h1>", html)
    assert "http://www.wikidata.org/entity/Q5816" in page.hrefs and "Q5816" in html
    documents = {h.split("#")[0] for h in page.hrefs if h.startswith("/id/document/")}
    assert len(documents) == 2, "he is mentioned in both seeds"
    assert any("#m-" in h for h in page.hrefs), "each mention links to its place in the document"
    assert "Accept" in response.headers["Vary"]
    alternates = response.headers["Link"]
    for media in RDF_TYPES:
        assert f'type="{media}"' in alternates
    assert "<svg" in html, "the neighbourhood picture is drawn on the server"


@pytest.mark.parametrize("media", RDF_TYPES)
@rdflib_jsonld
def test_mao_as_rdf_by_accept(client, settings, ask, media):
    response = client.get(MAO, headers={"Accept": media})
    assert response.status_code == 200 and response.mimetype == media
    assert "Accept" in response.headers["Vary"] and 'rel="alternate"' in response.headers["Link"]
    graph = parse(response.data, RDF_TYPES[media])
    mao = iri_of(MAO, settings)
    assert len(list(graph.triples((mao, None, None)))) >= 5
    assert len(list(graph.triples((None, None, mao)))) >= 1, "incoming links are part of the description"
    assert (mao, rdflib.OWL.sameAs, rdflib.URIRef("http://www.wikidata.org/entity/Q5816")) in graph
    # the labels of the things it names come along
    documents = set(graph.objects(mao, rdflib.URIRef("https://w3id.org/archivekg/ontology#mentionedIn")))
    assert len(documents) == 2
    for doc in documents:
        names = {r["n"].value for r in ask(f"SELECT ?n WHERE {{ <{doc}> rdfs:label|schema:name ?n }}")}
        assert names == {str(o) for p in (rdflib.RDFS.label, rdflib.URIRef("http://schema.org/name")) for o in graph.objects(doc, p)}


@pytest.mark.parametrize("extension", EXTENSIONS)
@rdflib_jsonld
def test_mao_as_rdf_by_extension(client, settings, extension):
    response = client.get(f"{MAO}.{extension}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    graph = parse(response.data, EXTENSIONS[extension])
    assert (iri_of(MAO, settings), rdflib.RDFS.label, rdflib.Literal("Mao Zedong", lang="en")) in graph


def test_jsonld_has_a_context(client):
    body = json.loads(client.get(MAO, headers={"Accept": "application/ld+json"}).data)
    assert body["@context"]["schema"] == "http://schema.org/"
    assert "rdfs:label" in json.dumps(body), "terms are compacted with the context"


def test_html_by_extension_and_406_when_nothing_fits(client):
    assert client.get(f"{MAO}.html", headers={"Accept": "text/turtle"}).mimetype == "text/html"
    response = client.get(MAO, headers={"Accept": "image/png"})
    assert response.status_code == 406 and "text/turtle" in response.get_data(as_text=True)


def test_claim_and_annotation_descriptions_carry_their_fragment_nodes(client, ask, settings):
    rows = list(ask("SELECT ?m WHERE { ?m a oa:Annotation ; oa:motivatedBy oa:identifying } LIMIT 1"))
    mention = rows[0]["m"].value
    graph = parse(client.get(path_of(mention, settings), headers={"Accept": "text/turtle"}).data, "turtle")
    selectors = set(graph.objects(None, rdflib.URIRef("http://www.w3.org/ns/oa#start")))
    assert len(selectors) == 1, "the position selector (#position) is in the mention's description"


def test_every_kind_of_thing_dereferences(client, ask, settings):
    rows = ask(f"""SELECT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{settings.base_iri}id/") && !CONTAINS(STR(?s), "#")) }}""")
    by_kind: dict[str, str] = {}
    for row in rows:
        kind = path_of(row["s"].value, settings).split("/")[2]
        by_kind.setdefault(kind, row["s"].value)
    assert {"person", "document", "mention"} <= set(by_kind)
    for kind, iri in by_kind.items():
        for accept in ("text/html", "text/turtle"):
            response = client.get(path_of(iri, settings), headers={"Accept": accept})
            assert response.status_code == 200, (kind, iri, accept)


# ---- document pages ----------------------------------------------------------------------
def telegram_25199(ask) -> str:
    rows = list(ask('SELECT ?d WHERE { ?d a kg:Document ; schema:identifier "25199" }'))
    rows = rows or list(ask('SELECT ?d WHERE { ?d a kg:Document ; schema:text ?t FILTER(CONTAINS(?t, "No. 25199")) }'))
    return rows[0]["d"].value


def test_telegram_page_shows_its_text_with_linked_mentions(client, ask, settings):
    doc = telegram_25199(ask)
    html = client.get(path_of(doc, settings), headers={"Accept": "text/html"}).get_data(as_text=True)
    page = Links(html)
    visible = "".join(page.text)
    source = (SEEDS / "001_6bf8637f507ce4ab.txt").read_text(encoding="utf-8-sig")
    assert source.strip() in visible, "the full text, character for character"
    mentions = list(ask(f"""SELECT ?s ?e ?entity WHERE {{ ?m oa:hasBody ?entity ; oa:motivatedBy oa:identifying ; oa:hasTarget ?t .
        ?t oa:hasSource <{doc}> ; oa:hasSelector ?p . ?p oa:start ?s ; oa:end ?e }}"""))
    assert mentions
    for row in mentions:
        assert f"m-{row['s'].value}-{row['e'].value}" in page.ids
    entity_links = {h for h in page.hrefs if h.startswith("/id/person/")}
    assert MAO in entity_links


def test_entity_snippets_link_to_anchors_that_exist(client):
    page = Links(client.get(MAO, headers={"Accept": "text/html"}).get_data(as_text=True))
    targets = [h for h in page.hrefs if h.startswith("/id/document/") and "#" in h]
    assert targets
    anchors = {}
    for target in targets:
        path, _, anchor = target.partition("#")
        if path not in anchors:
            anchors[path] = Links(client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)).ids
        assert anchor in anchors[path], target


def test_document_rdf_holds_its_text(client, ask, settings):
    doc = telegram_25199(ask)
    graph = parse(client.get(path_of(doc, settings) + ".nt").data, "nt")
    texts = list(graph.objects(rdflib.URIRef(doc), rdflib.URIRef("http://schema.org/text")))
    assert len(texts) == 1 and "25199" in texts[0]


# ---- 404s and what is never served --------------------------------------------------------
@pytest.mark.parametrize("path", ["/id/person/nobody-at-all", "/id/spaceship/mao-zedong", "/id/person/Mao_Zedong", f"{MAO}.exe"])
def test_unknown_iris_are_404_in_html_and_turtle(client, path):
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 404 and "search" in page.get_data(as_text=True).lower()
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 404 and turtle.mimetype == "text/plain"


TRAVERSALS = [
    "/static/../../pyproject.toml",
    "/static/%2e%2e/%2e%2e/pyproject.toml",
    "/static/..%2f..%2fpyproject.toml",
    "/static/..%5c..%5cpyproject.toml",
    "/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc/passwd",
    "/id/person/..%2f..%2f..%2fetc%2fpasswd",
    "/id/../../etc/passwd",
    "/id/person/%2e%2e",
    "/download/dataset.nq%2f..%2f..%2fpyproject.toml",
    "/download/..%2f..%2fpyproject.toml",
    "/.well-known/void.%2e%2e%2fpyproject.toml",
    "//etc/passwd",
    "/templates/base.html",
    "/static/../storage.py",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_traversal_attempts_are_served_nothing(live_server, path):
    host = urllib.parse.urlsplit(live_server)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
    connection.putrequest("GET", path, skip_accept_encoding=True)  # the path exactly as written
    connection.endheaders()
    try:
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status in (400, 404), (path, response.status)
    for secret in (b"root:", b"[project]", b"{% block", b"import "):
        assert secret not in body, path


def test_static_files_come_from_the_package(client):
    with client.get("/static/site.css") as response:
        assert response.status_code == 200 and response.mimetype == "text/css"


def test_security_headers(client):
    for path in ("/", MAO, "/search?q=mao"):
        headers = client.get(path, headers={"Accept": "text/html"}).headers
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"


# ---- site ---------------------------------------------------------------------------------
def test_home_page_has_numbers_documents_and_search(client, ask):
    html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    page = Links(html)
    documents = {r["d"].value for r in ask("SELECT ?d WHERE { ?d a kg:Document }")}
    linked = {h for h in page.hrefs if h.startswith("/id/document/")}
    assert len(linked) == len(documents) == 2
    entities = int(next(iter(ask("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e kg:mentionedIn ?d }")))["n"].value)
    assert re.search(rf"<dt>entities</dt><dd>{entities}</dd>", html)
    assert 'action="/search"' in html
    for path in ("/sparql", "/disputes", "/.well-known/void", "/download/dataset.nq"):
        assert path in page.hrefs
    dated = bool(ask("ASK { ?d a kg:Document ; schema:dateCreated|schema:dateSent|schema:dateReceived ?x }"))
    assert ('class="timeline"' in html) == dated


def test_home_as_json(client):
    data = client.get("/", headers={"Accept": "application/json"}).get_json()
    assert data["documents"] == 2 and data["statements"] > 1000


def test_search_finds_stalin_by_his_pseudonym(client):
    data = client.get("/search?q=filippov", headers={"Accept": "application/json"}).get_json()
    assert data["results"][0]["label"] == "Joseph Stalin"
    assert data["results"][0]["href"].startswith("/id/person/")
    html = client.get("/search?q=FILIPPOV", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Joseph Stalin" in html and data["results"][0]["href"] in Links(html).hrefs


@pytest.mark.parametrize("q", ['"} } SELECT * WHERE { ?s ?p ?o', "\\", "<script>alert(1)</script>", "x" * 5000, ""])
def test_search_takes_any_text_safely(client, q):
    response = client.get("/search", query_string={"q": q}, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "<script>alert" not in response.get_data(as_text=True)


@rdflib_jsonld
def test_void_describes_the_dataset(client, store):
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = parse(response.data, "turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    datasets = list(graph.subjects(rdflib.RDF.type, void.Dataset))
    assert len(datasets) == 1
    assert any(str(o).endswith("/sparql") for o in graph.objects(datasets[0], void.sparqlEndpoint))
    assert any(str(o).endswith("/download/dataset.nq") for o in graph.objects(datasets[0], void.dataDump))
    jsonld = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert len(parse(jsonld.data, "json-ld")) == len(graph)


def test_dump_is_the_whole_dataset(client, store):
    response = client.get("/download/dataset.nq")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    quads = set(ox.parse(response.data, format=ox.RdfFormat.N_QUADS))
    assert len(quads) == len(store)


def test_disputes_page_shows_both_quotes_linked_to_their_places(client, ask):
    html = client.get("/disputes", headers={"Accept": "text/html"}).get_data(as_text=True)
    rows = list(ask("SELECT ?a ?b ?qa ?qb WHERE { ?x a kg:Contradiction ; kg:claimA ?a ; kg:claimB ?b . ?a kg:quote ?qa . ?b kg:quote ?qb }"))
    page = Links(html)
    visible = " ".join("".join(page.text).split())
    for row in rows:
        for quote in (row["qa"].value, row["qb"].value):
            assert " ".join(quote.split()) in visible
        for claim in (row["a"].value, row["b"].value):
            slug = claim.rsplit("/", 1)[-1]
            assert any(h.startswith("/id/document/") and h.endswith(f"#claim-{slug}") for h in page.hrefs)
    if not rows:
        assert "No contradictions" in html


# ---- hostile documents ----------------------------------------------------------------------
HOSTILE = """CIPHERED TELEGRAM No. 31337

From BEIJING 5.10.1950

TO FILIPPOV [STALIN]

MAO ZEDONG reports: <script>alert(1)</script> and <img src=x onerror=alert(1)> were found
in the telegram of Zhou Enlai. "Quotes" & 'apostrophes' <b>stay</b> as text.
"""


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory, pipeline):
    from archivekg.server import create_app

    folder = tmp_path_factory.mktemp("hostile")
    (folder / "corpus").mkdir()
    (folder / "corpus" / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    settings = Settings.from_env({}, store=folder / "store")
    build(settings, [folder / "corpus"], pipeline)
    app = create_app(settings)
    app.config["TESTING"] = True
    return app.test_client()


def test_hostile_document_text_is_escaped(hostile_client):
    page = Links(hostile_client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True))
    [doc] = sorted({h for h in page.hrefs if h.startswith("/id/document/")})  # the table and the timeline link it
    html = hostile_client.get(doc, headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html and "<b>stay</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    visible = "".join(Links(html).text)
    assert "<script>alert(1)</script>" in visible, "shown as text, character for character"
    assert "<script" not in html.replace("&lt;script", ""), "the page itself has no script element"


# ---- long lists -----------------------------------------------------------------------------
def test_long_lists_show_their_first_items_and_link_to_all_of_them(client, ask, settings):
    """A telegram names more things than a page lists: the page lists the first ones and
    "and N more" runs a query that lists every one."""
    from archivekg.server.facts import SHOWN

    rows = list(ask("SELECT ?d (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e kg:mentionedIn ?d } GROUP BY ?d ORDER BY DESC(?n) LIMIT 1"))
    doc, total = rows[0]["d"].value, int(rows[0]["n"].value)
    assert total > SHOWN, "a seed telegram names enough things to cut the list"
    html = client.get(path_of(doc, settings), headers={"Accept": "text/html"}).get_data(as_text=True)
    row = re.search(r'<th scope="row" title="kg:mentionedIn">← [^<]*</th>\s*<td>\s*<ul class="values">(.*?)</ul>', html, re.S)
    assert row, "the incoming kg:mentionedIn statements are listed"
    assert row.group(1).count("<li>") == SHOWN
    [(href, hidden)] = re.findall(r'<li class="more"><a href="(/sparql\?query=[^"]+)">and (\d+) more</a>', row.group(1))
    assert int(hidden) == total - SHOWN
    listed = client.get(href.replace("&amp;", "&"), headers={"Accept": "application/sparql-results+json"})
    assert listed.status_code == 200
    assert len(listed.get_json()["results"]["bindings"]) == total
