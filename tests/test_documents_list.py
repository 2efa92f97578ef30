"""The documents list a historian pages through (/documents): sorted, filtered by date range,
kind, sender and recipient, a page at a time, with a timeline drawn from counts; and a home
page whose size does not grow with the corpus. On a corpus of letters and telegrams written
for the test, built by the real pipeline; every answer is checked against the store."""

from __future__ import annotations

import re

import pytest
from test_pages import Links

from archivekg.build import build
from archivekg.settings import Settings

LETTERS = [("Stalin", "Kim Il Sung", "October 8, 1950"), ("Mao Zedong", "Stalin", "November 3, 1950"), ("Stalin", "Mao Zedong", "December 1, 1950")]
TELEGRAMS = [("301", "5.10.1950"), ("302", "12.10.1950"), ("303", "2.11.1950"), ("304", "20.1.1951"), ("305", "3.3.1951")]


def corpus_files(folder):
    folder.mkdir()
    for i, (sender, recipient, date) in enumerate(LETTERS):
        (folder / f"letter-{i}.txt").write_text(
            f"Title: Letter from {sender} to {recipient}\n\nAuthor: {sender}\n\nDate: {date}\n\nDear comrade,\n\n"
            f"The divisions of the 13th Army Group will cross the Yalu River. Zhou Enlai will report on the details.\n\n{sender}\n",
            encoding="utf-8")
    for number, date in TELEGRAMS:
        (folder / f"telegram-{number}.txt").write_text(
            f"CIPHERED TELEGRAM No. {number}\n\nFrom BEIJING Received 12:15\n\n{date}\n\nTO FILIPPOV [STALIN]\n\n"
            "MAO ZEDONG asks for 120 guns and reports that Peng Dehuai has crossed into Korea.\n\nROSHCHIN\n", encoding="utf-8")
    (folder / "note.txt").write_text("A note without a date about Lin Biao and the 38th parallel.\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, pipeline):
    """(test client, ASK/SELECT over the store) for the corpus."""
    from archivekg.extract.vocab import PREFIXES
    from archivekg.server import create_app

    folder = tmp_path_factory.mktemp("documents-list")
    settings = Settings.from_env({}, store=folder / "store")
    report = build(settings, [corpus_files(folder / "corpus")], pipeline)
    assert report.documents == len(LETTERS) + len(TELEGRAMS) + 1
    app = create_app(settings)
    app.config["TESTING"] = True
    storage = app.extensions["archivekg.storage"]
    return app.test_client(), lambda q: list(storage.query(q, prefixes=PREFIXES))


def listed(client, **args) -> dict:
    response = client.get("/documents", query_string={**args, "format": "json"})
    assert response.status_code == 200
    return response.get_json()


def every_page(client, **args) -> list[dict]:
    documents, data = [], listed(client, **args)
    documents += data["documents"]
    pages = 1
    while data["next"]:
        pages += 1
        data = client.get(data["next"], headers={"Accept": "application/json"}).get_json()
        documents += data["documents"]
        assert pages <= 20
    return documents


def earliest_dates(ask) -> dict[str, str]:
    rows = ask("SELECT ?d (MIN(STR(?x)) AS ?when) WHERE { ?d a kg:Document . OPTIONAL { ?d schema:dateCreated|schema:dateSent|schema:dateReceived ?x } } GROUP BY ?d")
    return {"/id/document/" + r["d"].value.rsplit("/", 1)[-1]: (r["when"].value[:10] if r["when"] is not None else "") for r in rows}


def test_pages_through_every_document_once_in_date_order(corpus):
    client, ask = corpus
    dates = earliest_dates(ask)
    first = listed(client, per=3)
    assert first["total"] == len(dates) and first["pages"] == 3 and len(first["documents"]) == 3
    documents = every_page(client, per=3)
    assert [d["href"] for d in documents] == sorted(dates, key=lambda h: (dates[h] or "9999", h))
    assert [d["date"] for d in documents] == [dates[d["href"]] for d in documents]
    newest = every_page(client, per=4, sort="-date")
    assert [d["href"] for d in newest][1:] == [d["href"] for d in documents][:-1][::-1], "undated first when newest first, then by date down"


def test_sorted_by_title(corpus):
    client, _ = corpus
    titles = [d["title"] for d in every_page(client, sort="title", per=2)]
    assert titles == sorted(titles, key=str.lower)
    assert [d["title"] for d in every_page(client, sort="-title")] == titles[::-1]


@pytest.mark.parametrize("args, where", [
    ({"kind": "letter"}, "?d kg:documentKind kg:Letter"),
    ({"kind": "telegram"}, "?d kg:documentKind kg:Telegram"),
    ({"sender": "person/joseph-stalin"}, "?d schema:sender|schema:author <{base}id/person/joseph-stalin>"),
    ({"recipient": "person/joseph-stalin"}, "?d schema:recipient|schema:ccRecipient <{base}id/person/joseph-stalin>"),
    ({"recipient": "person/joseph-stalin", "kind": "letter"}, "?d kg:documentKind kg:Letter ; schema:recipient <{base}id/person/joseph-stalin>"),
])
def test_filters_by_kind_sender_and_recipient(corpus, args, where):
    client, ask = corpus
    base = "http://localhost:5000/"
    expected = {"/id/document/" + r["d"].value.rsplit("/", 1)[-1] for r in ask(f"SELECT DISTINCT ?d WHERE {{ ?d a kg:Document . {where.format(base=base)} }}")}
    assert expected, args
    found = every_page(client, per=2, **args)
    assert {d["href"] for d in found} == expected and len(found) == len(expected)


@pytest.mark.parametrize("args", [{"from": "1950-11"}, {"to": "1950-10-31"}, {"from": "1950-10-10", "to": "1950-11-30"}, {"from": "1951"}])
def test_filters_by_date_range(corpus, args):
    client, ask = corpus
    low, high = args.get("from", "0000"), args.get("to", "9999")
    expected = {h for h, when in earliest_dates(ask).items() if when and low <= when[: len(low)] and when[: len(high)] <= high}
    assert expected
    assert {d["href"] for d in every_page(client, **args)} == expected


def test_what_cannot_be_read_is_said_and_matches_nothing(corpus):
    client, _ = corpus
    for args, words in (({"from": "October"}, "is not a date"), ({"kind": "fax"}, "the kinds are: letter, telegram"), ({"sender": "nobody"}, "person/mao-zedong")):
        data = listed(client, **args)
        assert data["total"] == 0 and any(words in p for p in data["problems"]), args
        html = client.get("/documents", query_string=args, headers={"Accept": "text/html"}).get_data(as_text=True)
        assert words in html.replace("&#34;", '"')


def test_the_timeline_is_counts_and_each_bar_lists_its_documents(corpus):
    client, ask = corpus
    html = client.get("/documents", headers={"Accept": "text/html"}).get_data(as_text=True)
    bars = re.findall(r'<a href="([^"]+)"><title>([0-9-]+): (\d+) documents?</title><rect class="bar"', html)
    dated = [when for when in earliest_dates(ask).values() if when]
    assert sum(int(n) for _, _, n in bars) == len(dated)
    assert len(bars) < len(dated), "one bar per period, not one mark per document"
    for href, period, count in bars:
        data = client.get(href.replace("&amp;", "&"), headers={"Accept": "application/json"}).get_json()
        assert data["total"] == int(count) and all(d["date"].startswith(period) for d in data["documents"]), period


def test_home_page_stays_small_and_links_the_whole_list(corpus):
    client, ask = corpus
    from archivekg.server.home import FIRST_DOCUMENTS

    html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    rows = re.findall(r'<tr><td class="date">', html)
    assert len(rows) == min(FIRST_DOCUMENTS, len(earliest_dates(ask)))
    assert "/documents" in Links(html).hrefs
    assert len(re.findall(r"<circle class=\"point\"", html)) == 0 and 'class="bar"' in html


def test_the_form_offers_what_the_documents_have(corpus):
    client, _ = corpus
    html = client.get("/documents", query_string={"kind": "letter"}, headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<option value="letter" selected>Letter (3)</option>' in html
    assert '<option value="person/joseph-stalin">Joseph Stalin (2)</option>' in html  # a sender, with his letters
    entity = client.get("/id/person/joseph-stalin", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "/documents?sender=person%2Fjoseph-stalin" in entity and "/documents?recipient=person%2Fjoseph-stalin" in entity
