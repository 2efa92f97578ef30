"""Entities: recognition, resolution and Wikidata links, measured against a hand-written gold list."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from archivekg.build import build
from archivekg.extract.resolve import normalise_name

GOLD = Path(__file__).parent / "gold" / "entities.tsv"
ENTITY_TYPES = """VALUES (?t ?kind) { (schema:Person "person") (schema:Organization "organization") (kg:MilitaryUnit "unit")
    (schema:Country "country") (schema:Place "place") (schema:Event "event") (schema:CreativeWork "work") }"""


def read_gold() -> list[dict]:
    lines = [ln for ln in GOLD.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def extracted_entities(ask) -> list[dict]:
    rows = ask(f"""SELECT ?e ?kind ?label (GROUP_CONCAT(?alt; separator="|") AS ?alts) (SAMPLE(?w) AS ?wd) WHERE {{
        {ENTITY_TYPES} ?e a ?t ; rdfs:label ?label ; kg:mentionedIn ?doc .
        FILTER NOT EXISTS {{ ?e a kg:MilitaryUnit . FILTER(?t = schema:Organization) }}
        OPTIONAL {{ ?e skos:altLabel ?alt }} OPTIONAL {{ ?e owl:sameAs ?w }} }} GROUP BY ?e ?kind ?label""")
    return [
        {
            "kind": r["kind"].value,
            "names": {normalise_name(n) for n in [r["label"].value, *(r["alts"].value.split("|") if r["alts"] else [])] if n},
            "wikidata": r["wd"].value.rsplit("/", 1)[-1] if r["wd"] else "",
        }
        for r in rows
    ]


def matches(gold: dict, found: dict) -> bool:
    names = {normalise_name(n) for n in [gold["label"], *gold["names"].split("|")] if n}
    return gold["type"] == found["kind"] and bool(names & found["names"])


def test_precision_and_recall_against_the_gold_list(ask):
    gold, found = read_gold(), extracted_entities(ask)
    true_found = [f for f in found if any(matches(g, f) for g in gold)]
    recalled = [g for g in gold if any(matches(g, f) for f in found)]
    precision, recall = len(true_found) / len(found), len(recalled) / len(gold)
    missed = sorted(g["label"] for g in gold if g not in recalled)
    spurious = sorted(min(f["names"]) for f in found if f not in true_found)
    print(f"\nentities: precision {precision:.3f} ({len(true_found)}/{len(found)}), recall {recall:.3f} ({len(recalled)}/{len(gold)})")
    print(f"missed: {missed}\nspurious: {spurious}")
    assert precision >= 0.9, f"spurious: {spurious}"
    assert recall >= 0.9, f"missed: {missed}"


def test_wikidata_links_are_exactly_the_verified_ones(ask):
    """Every gold item with a Wikidata id is linked to it, and nothing is linked to a wrong item."""
    found = extracted_entities(ask)
    for g in read_gold():
        hits = [f for f in found if matches(g, f)]
        if g["wikidata"]:
            assert any(f["wikidata"] == g["wikidata"] for f in hits), g["label"]
        for f in hits:
            assert f["wikidata"] in ("", g["wikidata"]), (g["label"], f["wikidata"])


def test_one_node_per_wikidata_item(ask):
    rows = list(ask("SELECT ?w (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e owl:sameAs ?w } GROUP BY ?w HAVING (COUNT(DISTINCT ?e) > 1)"))
    assert rows == []


def test_links_record_method_and_confidence(ask):
    assert ask("ASK { ?e owl:sameAs ?w ; kg:linkMethod 'gazetteer' ; kg:linkConfidence ?c }")
    assert not ask("ASK { ?e owl:sameAs ?w . FILTER NOT EXISTS { ?e kg:linkMethod ?m } }")


def test_surface_forms_are_alternative_labels_and_labels_are_in_normal_case(ask):
    assert ask("""ASK { ?p rdfs:label "Zhou Enlai"@en ; skos:altLabel "ZHOU ENLAI"@en }""")
    assert not ask("""ASK { ?e rdfs:label ?l ; kg:mentionedIn ?d . FILTER(STRLEN(?l) > 4 && UCASE(?l) = ?l && REGEX(?l, "^[A-Z ]+$")) }""")


def test_build_provenance(ask):
    assert ask("""ASK { ?b a prov:Activity ; kg:modelName ?m ; kg:modelVersion "3.8.0" ; prov:wasAssociatedWith ?a ;
        prov:used ?d . ?a kg:softwareVersion ?v . ?d kg:sha256 ?h . FILTER(STRLEN(?h) = 64) }""")


UNSEEN = """CIPHERED TELEGRAM No. 600

From PYONGYANG Received 03:40

5.11.1950

TO FYN SI [STALIN]

Comrade KIM IL SUNG asked me to report that the Korean People's Army holds the line north of Pyongyang.
Cde. PAK HON-YONG and General KUZNETSOV [the Soviet military adviser] met KIM in the evening.
The Americans and the troops of Syngman Rhee are advancing towards the Yalu River.

SHTYKOV
"""


@pytest.fixture(scope="module")
def unseen(tmp_path_factory, pipeline, settings):
    """A telegram of the same kind written for this test: other pseudonyms, people, places."""
    import dataclasses

    from archivekg.extract.vocab import PREFIXES

    folder = tmp_path_factory.mktemp("unseen")
    (folder / "telegram-600.txt").write_text(UNSEEN, encoding="utf-8")
    local = dataclasses.replace(settings, store=folder / "store")
    build(local, [folder], pipeline)
    import pyoxigraph as ox

    store = ox.Store.read_only(str(local.store.resolve()))
    return lambda q: store.query(q, use_default_graph_as_union=True, prefixes=PREFIXES)


def test_unseen_pseudonym_in_brackets_resolves_to_the_person(unseen):
    assert unseen("""ASK { ?s a schema:Person ; rdfs:label "Joseph Stalin"@en ; skos:altLabel ?a . FILTER(REGEX(?a, "fyn si", "i")) }""")


def test_unseen_people_with_honorifics_are_one_person_each(unseen):
    rows = {r["l"].value for r in unseen("SELECT ?l WHERE { ?p a schema:Person ; rdfs:label ?l }")}
    assert {"Kim Il Sung", "Pak Hon-yong", "Terentii Shtykov"} <= rows
    assert any("kuznetsov" in r.lower() for r in rows), rows
    assert not any(r.lower().startswith(("comrade", "cde", "general")) for r in rows), rows
    # "KIM" alone is Kim Il Sung, not a second person
    assert not unseen("""ASK { ?p a schema:Person ; rdfs:label ?l . FILTER(LCASE(?l) = "kim") }""")


def test_unseen_places_units_and_no_layout_words(unseen):
    assert unseen("""ASK { ?u a kg:MilitaryUnit ; rdfs:label "Korean People's Army"@en }""")
    assert unseen("""ASK { ?p a schema:Place ; rdfs:label "Pyongyang"@en ; owl:sameAs wd:Q18808 }""")
    assert unseen("""ASK { ?p rdfs:label ?l . FILTER(CONTAINS(?l, "Yalu")) }""")
    assert not unseen("""ASK { ?e rdfs:label ?l ; kg:mentionedIn ?d . FILTER(REGEX(?l, "^(ciphered telegram|received|from|to)$", "i")) }""")


LETTER_SPACED = """TELEGRAM

TO  S T A L I N

Comrade M A O  Z E D O N G's reply was delivered by KOLYA [KIM CHAEK], who met Kim Chaek's staff
and the NKPA [North Korean People's Army] in the North Korean People's Army headquarters.
"""


def test_letter_spaced_names_and_unknown_glosses(tmp_path, pipeline, settings):
    import dataclasses

    import pyoxigraph as ox

    from archivekg.extract.vocab import PREFIXES

    (tmp_path / "spaced.txt").write_text(LETTER_SPACED, encoding="utf-8")
    local = dataclasses.replace(settings, store=tmp_path / "store")
    build(local, [tmp_path], pipeline)
    store = ox.Store.read_only(str(local.store.resolve()))

    def ask(q):
        return store.query(q, use_default_graph_as_union=True, prefixes=PREFIXES)

    assert ask("""ASK { ?s rdfs:label "Joseph Stalin"@en ; skos:altLabel "S T A L I N"@en }""")
    assert ask("""ASK { ?s rdfs:label "Mao Zedong"@en ; skos:altLabel ?a . FILTER(STRSTARTS(?a, "M A O")) }""")
    # an unknown pseudonym glossed by an unknown name: one person, named by the gloss
    rows = list(ask("""SELECT ?l ?a WHERE { ?p a schema:Person ; rdfs:label ?l ; skos:altLabel ?a . FILTER(REGEX(?a, "kolya", "i")) }"""))
    assert len(rows) == 1 and rows[0]["l"].value == "Kim Chaek"


def test_numbered_units_are_military_units(tmp_path, pipeline, settings):
    import dataclasses

    import pyoxigraph as ox

    from archivekg.extract.vocab import PREFIXES

    (tmp_path / "units.txt").write_text(
        "TO FYN SI [STALIN]\n\nPENG DEHUAI ordered the 13th Army Group to halt. The Fortieth Army and the 42nd Corps crossed the Yalu.\n",
        encoding="utf-8",
    )
    local = dataclasses.replace(settings, store=tmp_path / "store")
    build(local, [tmp_path], pipeline)
    store = ox.Store.read_only(str(local.store.resolve()))
    names = "SELECT ?l WHERE { ?u a kg:MilitaryUnit . { ?u rdfs:label ?l } UNION { ?u skos:altLabel ?l } }"
    units = {r["l"].value for r in store.query(names, use_default_graph_as_union=True, prefixes=PREFIXES)}
    assert {"13th Army Group", "42nd Corps", "Fortieth Army"} <= units, units  # a label, or a name of a gazetteer unit
    organisations = {r["l"].value for r in store.query("SELECT ?l WHERE { ?u a schema:Organization ; rdfs:label ?l }", use_default_graph_as_union=True, prefixes=PREFIXES)}
    assert "Army Group" not in organisations


def test_pseudonyms_descriptions_and_life_dates_come_from_the_gazetteer(ask):
    """Stalin's cover name in the seeds is a kg:pseudonym (and, like every other name, a
    skos:altLabel); the gazetteer's one-line description and life dates are on his node."""
    assert ask("""ASK { ?s rdfs:label "Joseph Stalin"@en ; kg:pseudonym ?p ; skos:altLabel ?p .
                   FILTER(LCASE(STR(?p)) = "filippov") }""")
    assert not ask("""ASK { ?s rdfs:label "Joseph Stalin"@en ; kg:pseudonym "Stalin"@en }"""), "a real name is no pseudonym"
    assert ask("""ASK { ?s rdfs:label "Joseph Stalin"@en ; schema:description ?d ;
                   schema:birthDate "1878-12-18"^^xsd:date ; schema:deathDate "1953-03-05"^^xsd:date }""")
