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
    [(href, hidden)] = re.findall(r'<li class="more"><a href="(/sparql#query=[^"]+)">and (\d+) more</a>', row.group(1))
    assert int(hidden) == total - SHOWN
    # the link opens the query editor (a page), which reads the query from the fragment
    assert "text/html" in client.get(href.split("#")[0], headers={"Accept": "text/html"}).content_type
    query = urllib.parse.parse_qs(href.replace("&amp;", "&").split("#", 1)[1])["query"][0]
    listed = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert listed.status_code == 200
    assert len(listed.get_json()["results"]["bindings"]) == total


# ---- what a new user hit (issue 17) ---------------------------------------------------------------
def html_of(client, path: str) -> str:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def test_a_document_page_shows_every_claim_stated_in_it(client, ask, settings):
    """The claims stated in the document itself, not only those of the messages it quotes."""
    from archivekg.server.facts import SHOWN

    for row in ask("SELECT ?d WHERE { ?d a kg:Document }"):
        doc = row["d"].value
        direct = {r["c"].value for r in ask(f"SELECT ?c WHERE {{ ?c a kg:Claim ; kg:statedIn <{doc}> }}")}
        quoted = {r["c"].value for r in ask(f"SELECT ?c WHERE {{ ?c a kg:Claim ; kg:statedIn ?p . ?p schema:isPartOf <{doc}> }}")}
        assert direct, "each seed states claims directly"
        html = html_of(client, path_of(doc, settings))
        assert f"<h2>Claims ({len(direct | quoted)})</h2>" in html
        section = html[html.index('<section id="claims">') :]
        shown = set(re.findall(r'<a href="(/id/claim/[^"#]+)">the claim</a>', section))  # each card's own link
        wanted = {path_of(c, settings) for c in direct | quoted}
        assert shown <= wanted and len(shown) == min(len(wanted), SHOWN)
        assert {path_of(c, settings) for c in direct} & shown, "claims stated in the document itself are shown"


def pages_of_every_kind(client, ask, settings) -> list[str]:
    paths = []
    for kind in ("person", "document", "claim", "figure", "part", "citation", "contradiction", "mention", "place", "unit"):
        rows = list(ask(f'SELECT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{settings.base_iri}id/{kind}/") && !CONTAINS(STR(?s), "#")) }} LIMIT 3'))
        paths += [path_of(r["s"].value, settings) for r in rows]
    paths += ["/", "/documents", "/disputes", "/search?q=mao", "/ontology"]
    return paths + [f"/entities/{kind}" for kind in ("person", "place", "country", "organization", "unit", "work", "event")]


def test_no_page_says_1_things(client, ask, settings):
    """'1 figure', never '1 figures', on any kind of page."""
    wrong = re.compile(r"\b1 (?:figures|claims|mentions|documents|messages|characters|results|entities|statements|instances|uses)\b")
    for path in pages_of_every_kind(client, ask, settings):
        visible = " ".join("".join(Links(html_of(client, path)).text).split())
        assert not wrong.search(visible), (path, wrong.search(visible).group(0))
    doc = next(p for p in pages_of_every_kind(client, ask, settings) if p.startswith("/id/document/"))
    assert re.search(r"\b\d+ (?:mention|claim|figure)s?\b", html_of(client, doc))


def test_snippets_are_whole_words_without_markdown(client, ask, settings):
    """Each snippet on an entity page starts and ends on a whole word of its document and
    shows no markdown markers (`**Source:**`)."""
    texts = {r["d"].value: r["t"].value for r in ask("SELECT ?d ?t WHERE { ?d a kg:Document ; schema:text ?t }")}
    html = html_of(client, MAO)
    snippets = re.findall(r'<ul class="snippets">(.*?)</ul>', html, re.S)
    items = [re.sub(r"<[^>]+>", "", li) for block in snippets for li in re.findall(r"<li>(.*?)</li>", block, re.S)]
    assert len(items) >= 5
    words = {w for text in texts.values() for w in re.findall(r"\w+", text.replace("**", ""))}
    flat = " ".join(" ".join(texts.values()).split())
    for item in items:
        text = item.replace("&#39;", "'").replace("&amp;", "&").replace("&#34;", '"').replace("&quot;", '"')
        assert "**" not in text and "](" not in text and "__" not in text, text
        inner = text.strip("…")
        first, last = re.findall(r"\w+", inner)[0], re.findall(r"\w+", inner)[-1]
        assert first in words and last in words, text
        for piece in re.split(r"\s+", inner):
            if piece.strip("…") and not any(c in piece for c in "*_`"):
                assert piece.strip("…") in flat.replace("**", ""), (piece, text)


def test_home_counts_by_type_link_to_lists_of_all_of_them(client, ask):
    html = html_of(client, "/")
    counts = re.findall(r'<div><dt>([^<]+)</dt><dd>(?:<a href="([^"]+)">)?(\d+)', html[html.index("Entities by type") :])
    assert len(counts) == 7
    for name, href, count in counts:
        if int(count) == 0:
            continue
        assert href.startswith("/entities/"), name
        listing = client.get(href, headers={"Accept": "application/json"}).get_json()
        assert listing["total"] == int(count), name
        listed = set()
        page = href
        while page:
            found = client.get(page, headers={"Accept": "application/json"}).get_json()
            listed |= {item["href"] for item in found["items"]}
            page = found["next"]
        segment = href.rsplit("/", 1)[-1]
        assert len(listed) == int(count) and all(h.startswith("/id/") for h in listed), (name, segment)


def test_search_finds_every_gazetteer_spelling_of_what_the_graph_has(client, ask, settings):
    """A spelling the gazetteer has (Wade-Giles, another romanisation) finds the entity even
    when no document of the corpus writes it: taken from the gazetteer as the build reads it."""
    from archivekg.extract.gazetteer import parse_gazetteer
    from archivekg.extract.iris import ENTITY_SEGMENTS
    from archivekg.extract.rules import RuleFiles, data_dir

    in_graph = {r["e"].value: {r2["n"].value.lower() for r2 in ask(f"SELECT ?n WHERE {{ <{r['e'].value}> rdfs:label|skos:altLabel ?n }}")}
                for r in ask("SELECT DISTINCT ?e WHERE { ?e kg:mentionedIn ?d }")}
    tried = 0
    for entry in parse_gazetteer(RuleFiles([data_dir()]))["entries"]:
        iri = f"{settings.base_iri}id/{ENTITY_SEGMENTS[entry.kind]}/{entry.id}"
        if iri not in in_graph:
            continue
        for name in entry.names():
            if name.lower() in in_graph[iri] or len(name) < 6:
                continue
            results = client.get("/search", query_string={"q": name}, headers={"Accept": "application/json"}).get_json()["results"]
            assert path_of(iri, settings) in [r["href"] for r in results[:3]], (name, entry.id)
            tried += 1
    assert tried >= 10, "the seeds' entities have gazetteer spellings their texts do not use"
    mao = client.get("/search", query_string={"q": "mao tse-tung"}, headers={"Accept": "application/json"}).get_json()["results"]
    assert mao[0]["href"] == MAO and mao[0]["how"] == "gazetteer spelling"


def test_editor_and_ontology_are_pages_of_the_site_without_inline_code(client):
    for path in ("/sparql", "/ontology", "/", MAO, "/documents"):
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 200
        policy = response.headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in policy and "script-src 'self';" in policy, path
        html = response.get_data(as_text=True)
        page = Links(html)
        for link in ("/", "/documents", "/sparql", "/ontology", "/disputes"):
            assert link in page.hrefs, (path, link)
        assert "<style" not in html and " style=" not in html, path
        for script in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
            assert 'type="application/json"' in script[0] or ("src=" in script[0] and not script[1].strip()), (path, script[0])


def test_entity_pages_show_description_life_dates_and_pseudonyms_apart(client, ask, settings):
    """What the gazetteer holds about a person (description, life dates, pseudonyms) is on
    the page; pseudonyms are named as such and not again among the other spellings."""
    rows = list(ask("""SELECT ?e ?d ?b ?x WHERE { ?e a schema:Person ; schema:description ?d .
        OPTIONAL { ?e schema:birthDate ?b } OPTIONAL { ?e schema:deathDate ?x } }"""))
    pseudonymous = {r["e"].value: {r["p"].value for r in ask(f"SELECT ?p WHERE {{ <{r['e'].value}> kg:pseudonym ?p }}")}
                    for r in ask("SELECT DISTINCT ?e WHERE { ?e kg:pseudonym ?p }")}
    assert rows and pseudonymous, "the seeds' people carry descriptions and pseudonyms"
    for row in rows:
        html = html_of(client, path_of(row["e"].value, settings))
        head = html[html.index('<header class="page-head">') : html.index("</header>", html.index('<header class="page-head">'))]
        assert html_escape(row["d"].value) in head
        for date in (row["b"], row["x"]):
            if date is not None:
                year = date.value[:4]
                assert re.search(rf'<span class="life">[^<]*\b{year}\b', head), (row["e"].value, date.value)
    for entity, names in pseudonymous.items():
        head = html_of(client, path_of(entity, settings))
        pseudonyms = re.search(r'<p class="pseudonyms">(.*?)</p>', head, re.S).group(1)
        others = re.search(r'<p class="other-names">(.*?)</p>', head, re.S)
        for name in names:
            assert f">{html_escape(name)}</span>" in pseudonyms
            assert not others or f">{html_escape(name)}</span>" not in others.group(1)


def html_escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))
