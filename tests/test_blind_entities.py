"""Entities and document metadata of documents written for the tests, scored against gold
written before the program was run on them (tests/data/blind-entities*/README.md: four
documents, and five more written later, with their figures at the first run)."""

from __future__ import annotations

import csv
import dataclasses
import unicodedata
from pathlib import Path

import pyoxigraph as ox
import pytest

from archivekg.build import build
from archivekg.extract.vocab import PREFIXES

FOLDERS = [Path(__file__).parent / "data" / name for name in ("blind-entities", "blind-entities-2", "blind-entities-3", "blind-entities-4", "blind-entities-5")]
TYPES = {"Person": "schema:Person", "Organization": "schema:Organization", "MilitaryUnit": "kg:MilitaryUnit", "Country": "schema:Country", "Place": "schema:Place"}


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).replace("’", "'").casefold().split())


def rows(folder: Path, name: str) -> list[dict]:
    return list(csv.DictReader((folder / name).read_text(encoding="utf-8").splitlines(), delimiter="\t"))


@pytest.fixture(scope="module", params=FOLDERS, ids=lambda folder: folder.name)
def blind(request, tmp_path_factory, pipeline, settings):
    """(the folder, the store built from it)"""
    folder = request.param
    local = dataclasses.replace(settings, store=tmp_path_factory.mktemp(folder.name) / "store")
    build(local, [folder], pipeline)
    return folder, ox.Store.read_only(str(local.store.resolve()))


def query(store, text):
    return list(store.query(text, use_default_graph_as_union=True, prefixes=PREFIXES))


def mentions(store) -> dict[str, list[tuple[str, set[str], set[str]]]]:
    """document file -> (entity, the texts it is mentioned by there, its types)."""
    found: dict[str, list] = {}
    for r in query(store, """SELECT ?doc ?e (GROUP_CONCAT(DISTINCT ?x; separator="\\u0001") AS ?xs) (GROUP_CONCAT(DISTINCT STR(?t); separator=" ") AS ?ts)
            WHERE { ?m oa:hasBody ?e ; oa:hasTarget ?tg . ?tg oa:hasSource ?d ; oa:hasSelector ?s . ?s oa:exact ?x .
                    ?e a ?t . VALUES ?t { schema:Person schema:Organization kg:MilitaryUnit schema:Country schema:Place }
                    BIND(?d AS ?doc) } GROUP BY ?doc ?e"""):
        found.setdefault(r["doc"].value, []).append((r["e"].value, {norm(x) for x in r["xs"].value.split("\u0001")}, set(r["ts"].value.split())))
    return found


def test_entities_of_documents_written_blind(blind):
    folder, blind_store = blind
    by_doc = {}
    for r in query(blind_store, "SELECT ?d ?t WHERE { ?d a kg:Document ; schema:text ?t }"):
        name = next(p.name for p in folder.glob("*.txt") if p.read_text(encoding="utf-8") == r["t"].value)
        by_doc[r["d"].value] = name
    found = mentions(blind_store)
    gold = rows(folder, "entities-gold.tsv")
    hits, typed = 0, 0
    matched: set[tuple[str, str]] = set()
    for g in gold:
        doc = next(d for d, n in by_doc.items() if n == g["doc"])
        forms = {norm(f) for f in g["forms"].split(" | ")}
        nodes = [(e, types) for e, texts, types in found.get(doc, []) if texts & forms]
        if nodes:
            hits += 1
            typed += any(TYPES[g["type"]].replace("schema:", "http://schema.org/").replace("kg:", "https://w3id.org/archivekg/ontology#") in t
                         or (g["type"] == "Organization" and "https://w3id.org/archivekg/ontology#MilitaryUnit" in t) for _, t in nodes)
            matched |= {(doc, e) for e, _ in nodes}
    total = sum(len(v) for v in found.values())
    recall, precision = hits / len(gold), len(matched) / total
    print(f"\n{folder.name}: recall {recall:.2f} ({hits}/{len(gold)}), precision {precision:.2f} ({len(matched)}/{total}), typed {typed}/{hits}")
    assert recall >= 0.9 and precision >= 0.9 and typed >= 0.9 * hits


def test_metadata_of_documents_written_blind(blind):
    folder, blind_store = blind
    found = {}
    for r in query(blind_store, """SELECT ?t ?date (GROUP_CONCAT(DISTINCT ?sl; separator="|") AS ?senders) (GROUP_CONCAT(DISTINCT ?id; separator="|") AS ?ids)
            WHERE { ?d a kg:Document ; schema:text ?t . OPTIONAL { ?d schema:dateCreated|schema:dateSent ?date }
                    OPTIONAL { ?d schema:sender|schema:author ?s . ?s rdfs:label ?sl } OPTIONAL { ?d schema:identifier ?id } } GROUP BY ?t ?date"""):
        name = next(p.name for p in folder.glob("*.txt") if p.read_text(encoding="utf-8") == r["t"].value)
        found.setdefault(name, {"dates": set(), "senders": set(), "ids": set()})
        if r["date"]:
            found[name]["dates"].add(r["date"].value[:10])
        found[name]["senders"] |= set(r["senders"].value.split("|")) if r["senders"] else set()
        found[name]["ids"] |= set(r["ids"].value.split("|")) if r["ids"] else set()
    forms = {}
    for e in rows(folder, "entities-gold.tsv"):
        forms.setdefault((e["doc"], e["canonical"]), {norm(e["canonical"])}).update(norm(f) for f in e["forms"].split(" | "))
    checked, wrong = 0, []
    for g in rows(folder, "documents-gold.tsv"):
        have = found[g["doc"]]
        checks = [("date", g["date"], g["date"] in have["dates"])]
        for sender in filter(None, g["sender"].split(";")):  # "A;B": two senders
            names = forms.get((g["doc"], sender), {norm(sender)})
            checks.append(("sender", sender, bool(names & {norm(s) for s in have["senders"]})))
        checks += [("number", number, number in have["ids"]) for number in filter(None, g["numbers"].split(";"))]
        checked += len(checks)
        wrong += [(g["doc"], field, value) for field, value, right in checks if not right]
    print(f"\n{folder.name}: dates, senders and numbers right {checked - len(wrong)}/{checked}; wrong: {wrong}")
    assert checked - len(wrong) >= 0.9 * checked, wrong
