"""Pages of long documents (issue 16, point 5): the text is shown a page at a time, so what
one page renders does not grow with the document; every link into a long text lands on the
page that holds its place; and making a page has a time limit (503, not a page left
running). Two long telegrams built by the real pipeline from the seed telegram's text."""

from __future__ import annotations

import dataclasses
import math
import re
from html.parser import HTMLParser

import pytest
from conftest import SEEDS
from test_pages import Links

from archivekg.build import build
from archivekg.server.text_window import PAGE_CHARS, window
from archivekg.settings import Settings

REPEATS = {"long": 6, "longer": 12}  # about 24,000 and 47,000 characters


def long_text(repeats: int) -> str:
    seed = (SEEDS / "001_6bf8637f507ce4ab.txt").read_text(encoding="utf-8-sig")
    head, _, body = seed.partition("I report")
    return head + "I report" + ("\n\n" + body.strip()) * repeats + "\n"


@pytest.fixture(scope="module")
def long_store(tmp_path_factory, pipeline):
    folder = tmp_path_factory.mktemp("long")
    (folder / "corpus").mkdir()
    for name, repeats in REPEATS.items():
        (folder / "corpus" / f"{name}.txt").write_text(long_text(repeats), encoding="utf-8")
    settings = Settings.from_env({}, store=folder / "store", validate=False)
    build(settings, [folder / "corpus"], pipeline)
    return settings


@pytest.fixture(scope="module")
def client(long_store):
    from archivekg.server import create_app

    app = create_app(long_store)
    app.config["TESTING"] = True
    return app.test_client()


class SourceText(HTMLParser):
    """The visible characters of the page's `.source-text` block, and the ids inside it."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.depth, self.chars, self.ids = 0, [], set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth:
            self.depth += 1
            if attrs.get("id"):
                self.ids.add(attrs["id"])
        elif "source-text" in (attrs.get("class") or "").split():
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.chars.append(data)

    @property
    def text(self) -> str:
        return "".join(self.chars)


def page(client, name: str, number: int | None = None):
    path = f"/id/document/{name}" + (f"?page={number}" if number else "")
    return client.get(path, headers={"Accept": "text/html"})


def test_a_long_text_is_shown_a_page_at_a_time_and_every_character_is_on_a_page(client):
    text = long_text(REPEATS["longer"])
    pages = math.ceil(len(text) / PAGE_CHARS)
    assert pages >= 3
    covered = 0
    for number in range(1, pages + 1):
        response = page(client, "longer", number)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        shown = SourceText(html).text
        first, last = window(text, number)
        assert shown == text[first:last], f"page {number} shows its part of the text, character for character"
        assert first <= covered and last > covered, "the pages leave nothing out"
        assert len(shown) < PAGE_CHARS + 2 * 2_000
        assert first == 0 or text[first - 1] == "\n", "a page starts at the start of a line"
        covered = last
        assert f"page {number} of {pages}" in html
        links = Links(html).hrefs
        assert (f"/id/document/longer?page={number + 1}" in links) == (number < pages)
    assert covered == len(text)
    for wrong in ("0", str(pages + 1), "two", "-1", "99999999999"):
        assert client.get(f"/id/document/longer?page={wrong}", headers={"Accept": "text/html"}).status_code == 404, wrong


def test_what_one_page_renders_does_not_grow_with_the_document(client):
    sizes = {name: len(page(client, name).data) for name in REPEATS}
    assert sizes["longer"] < 1.25 * sizes["long"], sizes  # the text is twice as long
    assert sizes["longer"] < 12 * PAGE_CHARS


def test_every_link_into_a_long_text_lands_on_its_page(client):
    """Mentions (from entity pages), claims and figures (from the document's lists) link to
    `?page=N#anchor`; the anchor is on that page."""
    targets = set()
    for entity in ("/id/person/mao-zedong", "/id/person/joseph-stalin", "/id/country/china"):
        response = client.get(entity, headers={"Accept": "text/html"})
        if response.status_code == 200:
            targets |= {h for h in Links(response.get_data(as_text=True)).hrefs if h.startswith("/id/document/longer") and "#" in h}
    document = Links(page(client, "longer").get_data(as_text=True)).hrefs
    targets |= {h for h in document if h.startswith("/id/document/longer") and "#" in h}
    assert any("?page=" in t for t in targets), "some places are past the first page"
    ids_of: dict[str, set] = {}
    for target in targets:
        path, _, anchor = target.partition("#")
        if path not in ids_of:
            ids_of[path] = SourceText(client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)).ids
        assert anchor in ids_of[path], target


def test_making_a_page_has_a_time_limit(long_store):
    """Past the limit (here the query timeout, made tiny) the answer is a 503 that says what
    happened, and the server goes on answering."""
    from archivekg.server import create_app

    app = create_app(dataclasses.replace(long_store, timeout=1e-6, page_cache_size=0))
    app.config["TESTING"] = True
    client = app.test_client()
    response = page(client, "longer", 2)
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert re.search(r"took longer than [0-9e.-]+ s to make and was stopped", response.get_data(as_text=True))
    assert client.get("/", headers={"Accept": "text/html"}).status_code == 200
