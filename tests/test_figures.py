"""Military figures: the seeds' figures measured against a hand-written gold list, and what
each figure says (item, numbers, holder, date, comparison), asked of the built graph."""

from __future__ import annotations

import csv
from pathlib import Path

GOLD = Path(__file__).parent / "gold" / "figures.tsv"


def read_gold() -> list[dict]:
    lines = [ln for ln in GOLD.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _value(row, name):
    value = row[name]
    return str(value.value) if value is not None else ""


def extracted_figures(ask) -> list[dict]:
    rows = ask("""SELECT ?f ?quote ?item ?count ?min ?max ?mult ?g WHERE { GRAPH ?g { ?f a kg:MilitaryFigure ; kg:quote ?quote ; kg:item ?item .
        OPTIONAL { ?f kg:count ?count } OPTIONAL { ?f kg:minCount ?min } OPTIONAL { ?f kg:maxCount ?max } OPTIONAL { ?f kg:multiplier ?mult } } }""")
    found = []
    for r in rows:
        found.append({
            "doc": r["g"].value.rsplit("/", 1)[-1][:3], "quote": r["quote"].value, "item": r["item"].value,
            "count": _value(r, "count"), "min": _value(r, "min"), "max": _value(r, "max"), "multiplier": _value(r, "mult"),
        })
    return found


def matches(gold: dict, found: dict) -> bool:
    same_numbers = all(gold[k] == found[k] for k in ("count", "min", "max")) and (gold["multiplier"] or "") == (found["multiplier"] or "")
    return gold["doc"] == found["doc"] and gold["item"] == found["item"] and same_numbers and (gold["quote"] in found["quote"] or found["quote"] in gold["quote"])


def test_precision_and_recall_against_the_gold_list(ask):
    gold, found = read_gold(), extracted_figures(ask)
    unmatched = list(found)
    recalled = []
    for g in gold:
        hit = next((f for f in unmatched if matches(g, f)), None)
        if hit:
            unmatched.remove(hit)
            recalled.append(g)
    precision, recall = (len(found) - len(unmatched)) / len(found), len(recalled) / len(gold)
    print(f"\nfigures: precision {precision:.3f} ({len(found) - len(unmatched)}/{len(found)}), recall {recall:.3f} ({len(recalled)}/{len(gold)})")
    assert precision >= 0.9, f"spurious: {unmatched}"
    assert recall >= 0.9, f"missed: {[g['quote'] for g in gold if g not in recalled]}"


def test_page_numbers_document_numbers_and_times_are_not_figures(ask):
    assert not ask("""ASK { ?f a kg:MilitaryFigure ; kg:quote ?q . FILTER(REGEX(?q, "25199|4581|2270|275|135|12[.:]|1950|esp")) }""")


def test_calibres_and_holders(ask):
    assert ask("""ASK { ?f kg:count 1500 ; kg:item "gun" ; kg:minCaliberMm ?lo ; kg:maxCaliberMm ?hi ; kg:heldBy ?us . FILTER(?lo = 70 && ?hi = 240)
        ?us rdfs:label ?l . FILTER(REGEX(?l, "united states", "i")) }""")
    # "each of our corps ... has only 36 such guns" in Mao's text: "our" is China
    assert ask("""ASK { ?f kg:count 36 ; kg:heldBy ?cn . ?cn rdfs:label ?l . FILTER(REGEX(?l, "china", "i")) }""")
    # a calibre bound, not a figure of guns: "of more than 70mm caliber"
    assert ask("""ASK { ?f kg:minCount 2200 ; kg:minCaliberMm ?c . FILTER(?c = 70) FILTER NOT EXISTS { ?f kg:maxCaliberMm ?x } }""")
    assert not ask("""ASK { ?f a kg:MilitaryFigure ; kg:item "gun" ; kg:count 70 }""")


def test_dates_places_and_comparisons(ask):
    assert ask("""ASK { ?f kg:count 12 ; kg:item "division" ; kg:date "1950-10-15"^^xsd:date ; kg:place ?p .
        ?p rdfs:label ?l . FILTER(REGEX(?l, "manchuria", "i")) }""")
    assert ask("""ASK { ?f kg:maxCount 300 ; kg:item "aircraft" ; kg:date "1951-02"^^xsd:gYearMonth }""")
    assert ask("""ASK { ?a kg:count 36 ; kg:comparedWith ?b . ?b kg:count 1500 }""")
    assert ask("""ASK { ?a kg:minCount 2200 ; kg:comparedWith ?b . ?b kg:count 1500 ; kg:quote ?q . FILTER(CONTAINS(?q, "enemy")) }""")


def test_multiples_and_number_words(ask):
    assert ask("""ASK { ?f kg:multiplier ?m ; kg:item "soldier" . FILTER(?m = 4) }""")
    assert ask("""ASK { ?f kg:minCount 5 ; kg:maxCount 6 ; kg:item "division" ; kg:statedIn ?t . ?t schema:identifier "25199" }""")


def test_number_words_compound_and_ranges_on_an_unseen_telegram(tmp_path, pipeline, settings):
    import dataclasses

    import pyoxigraph as ox

    from archivekg.build import build
    from archivekg.extract.vocab import PREFIXES

    (tmp_path / "t.txt").write_text(
        "CIPHERED TELEGRAM No. 77\n\n5.11.1950\n\nTO FILIPPOV [STALIN]\n\n"
        "The enemy has twenty-five divisions in the south, and we have five-six divisions ready.\n\nSHTYKOV\n",
        encoding="utf-8",
    )
    local = dataclasses.replace(settings, store=tmp_path / "store")
    build(local, [tmp_path], pipeline)
    store = ox.Store.read_only(str(local.store.resolve()))

    def ask(q):
        return store.query(q, use_default_graph_as_union=True, prefixes=PREFIXES)

    assert ask('ASK { ?f kg:count 25 ; kg:item "division" }'), "twenty-five is one number"
    assert ask('ASK { ?f kg:minCount 5 ; kg:maxCount 6 ; kg:item "division" }'), "five-six is a range"
    assert not ask("ASK { ?f kg:minCount 5 ; kg:maxCount 20 }")
