"""Military figures: the seeds' figures measured against a hand-written gold list, and what
each figure says (item, numbers, holder, date, comparison), asked of the built graph."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

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


# -- documents of our own, with gold written from their texts before the program was run on them --

DATA = Path(__file__).parent / "data"
OWN_FOLDERS = ("figures-unseen", "figures-blind")  # the second was never looked at before its gold was fixed


def _store_of(tmp_path, pipeline, settings, folders):
    import dataclasses

    import pyoxigraph as ox

    from archivekg.build import build
    from archivekg.extract.vocab import PREFIXES

    local = dataclasses.replace(settings, store=tmp_path / "store")
    report = build(local, list(folders), pipeline)
    assert not report.problems, report.problems
    store = ox.Store.read_only(str(local.store.resolve()))
    return lambda q: store.query(q, use_default_graph_as_union=True, prefixes=PREFIXES)


@pytest.fixture(scope="module")
def own_ask(tmp_path_factory, pipeline, settings):
    """Our documents built with the seeds, so that the sides they name are entities of the corpus."""
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    return _store_of(tmp_path_factory.mktemp("own"), pipeline, settings, [seeds, *(DATA / f for f in OWN_FOLDERS)])


def graph_figures(ask) -> list[dict]:
    rows = ask("""SELECT ?f ?item ?count ?min ?max ?src ?start ?end (GROUP_CONCAT(DISTINCT LCASE(STR(?name)); separator="|") AS ?held) WHERE {
        ?f a kg:MilitaryFigure ; kg:item ?item . ?a oa:hasBody ?f ; oa:hasTarget ?t .
        ?t oa:hasSource ?src ; oa:hasSelector ?sel . ?sel oa:start ?start ; oa:end ?end .
        OPTIONAL { ?f kg:count ?count } OPTIONAL { ?f kg:minCount ?min } OPTIONAL { ?f kg:maxCount ?max }
        OPTIONAL { ?f kg:heldBy ?h . { ?h rdfs:label ?name } UNION { ?h skos:altLabel ?name } }
    } GROUP BY ?f ?item ?count ?min ?max ?src ?start ?end""")
    return [
        {"doc": r["src"].value.rsplit("/", 1)[-1], "item": r["item"].value, "start": int(r["start"].value), "end": int(r["end"].value),
         "count": _value(r, "count"), "min": _value(r, "min"), "max": _value(r, "max"), "held": set(filter(None, _value(r, "held").split("|")))}
        for r in rows
    ]


def score_folder(folder: Path, found: list[dict]) -> dict:
    """The dev set's way: a gold figure is found by a graph figure of its document whose span overlaps
    the quote and whose numbers are the same; item and holder are then judged (' | ' alternatives)."""
    lines = [ln for ln in (folder / "figures-gold.tsv").read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    gold = list(csv.DictReader(lines, delimiter="\t"))
    docs = {g["doc"][:-4] for g in gold}
    mine = [f for f in found if f["doc"] in docs]
    used, out = set(), {"gold": 0, "found": 0, "item": 0, "held": 0, "held_total": 0, "missed": [], "wrong": []}
    for g in gold:
        text = (folder / g["doc"]).read_text(encoding="utf-8")
        a = text.index(g["quote"])
        b = a + len(g["quote"])
        hit = next((i for i, f in enumerate(mine) if i not in used and f["doc"] == g["doc"][:-4] and f["start"] < b and a < f["end"]
                    and [f["count"], f["min"], f["max"]] == [g["count"], g["min"], g["max"]]), None)
        if hit is not None:
            used.add(hit)
        if g["status"] != "required":
            continue
        out["gold"] += 1
        if hit is None:
            out["missed"].append(g["quote"])
            continue
        f = mine[hit]
        out["found"] += 1
        out["item"] += f["item"] in {x.strip() for x in g["item"].split("|")}
        if g["held_by"]:
            out["held_total"] += 1
            right = bool({x.strip().lower() for x in g["held_by"].split("|")} & f["held"])
            out["held"] += right
            if not right:
                out["wrong"].append((g["quote"], sorted(f["held"]), g["held_by"]))
    optional_hits = sum(1 for i in used if i is not None) - out["found"]
    out["graph"] = len(mine) - optional_hits
    return out


@pytest.mark.parametrize("folder", OWN_FOLDERS)
def test_documents_of_our_own_against_gold_written_before_the_run(own_ask, folder):
    s = score_folder(DATA / folder, graph_figures(own_ask))
    print(f"\n{folder}: recall {s['found']}/{s['gold']}, precision {s['found']}/{s['graph']}, item {s['item']}/{s['found']}, "
          f"holder {s['held']}/{s['held_total']}; holders wrong or missing: {s['wrong']}")
    assert s["found"] >= 0.95 * s["gold"], f"missed: {s['missed']}"
    assert s["found"] >= 0.95 * s["graph"], "figures the gold does not have"
    assert s["item"] >= 0.95 * s["found"]
    assert s["held"] >= 0.75 * s["held_total"], s["wrong"]


# -- one mechanism at a time, on short texts of the genres --

MECHANISMS = {
    "telegram.txt": "CIPHERED TELEGRAM No. 5120\n\n12.3.1951\n\nTO FILIPPOV [STALIN]\n\n"
    "The PLA now has 1400 [thousand] rounds of ammunition and no fewer than 260 tanks in reserve. We cannot send more "
    "than one division to the front before April; our corps have 3,000-4,000-5,000 men a division. The Korean comrades need "
    "between 10,000 and 15,000 men for each corps, up to 40 aircraft and roughly twenty-five anti-aircraft guns.\n\nMAO ZEDONG\n",
    "not-figures.txt": "MEMORANDUM\n\nOn 4 May 1951 the delegation of five persons met for 3 hours. The front was 12 miles wide; "
    "the loan came to $300 million, 35 per cent of the total. The population of the area is 2 million. The fourth division "
    "held the line, and Hill 355 was taken on 28 January. Telegram No. 212 of 5 May refers. Each team is to be six men.\n",
    "record.txt": "RECORD OF CONVERSATION OF COMRADE STALIN WITH KIM IL SUNG\n\n"
    "Stalin. How are things in North Korea?\nKim Il Sung. Hard.\n"
    "Stalin. How many divisions has the Korean People's Army now?\nKim Il Sung. Eight divisions.\n"
    "Stalin. We can give you two tank regiments.\nKim Il Sung. We also ask for 50 trucks.\n",
    "table.txt": "INFORMATION REPORT\n\nAircraft of the USSR and of China at the bases:\n\n"
    "   Base        Aircraft     Assigned to\n   Anju          40          Soviets\n   Sinuiju       25          Chinese\n",
    "appreciation.txt": "APPRECIATION\n\n9th March, 1951\n\n2. The Soviet forces in the Far East are strong. We estimate them at 35 divisions.\n",
    "cable.txt": "CABLE\n\n4 November 1950\n\nThe 9th Army Group, some 150,000 men in 12 divisions, should cross at once. "
    "The Korean People's Army, some 300,000 men, holds the line. "
    "Bombing could not hold us. The more than 200,000 men of the Korean People's Army hold their ground.\n",
    "sitrep.txt": "SITREP\n\n1. ENEMY. ELEMENTS OF AN ESTIMATED 6 CCF ARMIES, NOT MORE THAN 18 DIVS, IDENTIFIED. "
    "ENEMY RETAINS CAPABILITY TO COMMIT 2 TO 4 ADDITIONAL DIVS. Chinese People's Volunteers reported near the front.\n",
}


@pytest.fixture(scope="module")
def mech_ask(tmp_path_factory, pipeline, settings):
    folder = tmp_path_factory.mktemp("mechanisms")
    for name, text in MECHANISMS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return _store_of(folder, pipeline, settings, [folder])


def _held(ask, doc: str, pattern: str) -> list[tuple]:
    rows = ask(f"""SELECT ?count ?min ?max ?item (GROUP_CONCAT(DISTINCT LCASE(STR(?l)); separator="|") AS ?held) WHERE {{
        ?f a kg:MilitaryFigure ; kg:item ?item ; kg:quote ?q ; kg:statedIn/schema:isPartOf* ?d . FILTER(STRENDS(STR(?d), "/{doc}"))
        FILTER(REGEX(?q, "{pattern}", "i"))
        OPTIONAL {{ ?f kg:count ?count }} OPTIONAL {{ ?f kg:minCount ?min }} OPTIONAL {{ ?f kg:maxCount ?max }}
        OPTIONAL {{ ?f kg:heldBy/rdfs:label ?l }} }} GROUP BY ?f ?count ?min ?max ?item""")
    return [(_value(r, "count"), _value(r, "min"), _value(r, "max"), r["item"].value, _value(r, "held")) for r in rows]


def test_numbers_bounds_ranges_and_approximations(mech_ask):
    assert _held(mech_ask, "telegram", "1400")[0][:4] == ("1400000", "", "", "round"), "an editor's [thousand] is read with the number"
    assert _held(mech_ask, "telegram", "260")[0][:4] == ("", "260", "", "tank"), "no fewer than: a lower bound"
    assert _held(mech_ask, "telegram", "one division")[0][:4] == ("", "", "1", "division"), "cannot ... more than: an upper bound"
    assert _held(mech_ask, "telegram", "3,000")[0][:4] == ("", "3000", "5000", "man"), "a run of steps is lowest to highest"
    assert _held(mech_ask, "telegram", "between")[0][:4] == ("", "10000", "15000", "man")
    assert _held(mech_ask, "telegram", "40 aircraft")[0][:4] == ("", "", "40", "aircraft"), "up to: an upper bound"
    assert _held(mech_ask, "telegram", "twenty-five")[0][:4] == ("25", "", "", "gun"), "an approximation is a count"


def test_what_is_not_a_figure(mech_ask):
    assert not _held(mech_ask, "not-figures", "."), "durations, distances, money, percentages, population, delegations, ordinals, hills, dates"


def test_holders_from_the_speaker_the_clause_and_the_turn(mech_ask):
    assert "people's liberation army" in _held(mech_ask, "telegram", "1400")[0][4], "the clause's subject: the PLA has"
    assert "people's liberation army" in _held(mech_ask, "telegram", "one division")[0][4], "'we' in Mao's words: China's units are the PLA's"
    assert "korean people's army" in _held(mech_ask, "record", "eight")[0][4], "Kim Il Sung's turn: his side's force"
    assert "soviet union" in _held(mech_ask, "record", "two tank")[0][4], "Stalin's 'we' gives units: they are the Soviet Union's"
    assert "korea" in _held(mech_ask, "record", "50 trucks")[0][4], "Kim Il Sung's 'we ask for'"


def test_holders_from_tables_names_lists_and_the_enemy(mech_ask):
    assert _held(mech_ask, "table", "40")[0][3:] == ("aircraft", "soviet union"), "the 'Assigned to' column, a demonym"
    assert "china" in _held(mech_ask, "table", "25")[0][4]
    assert _held(mech_ask, "sitrep", "6 CCF")[0] == ("6", "", "", "army", "chinese people's volunteers"), "CCF is a name of the CPV"
    assert _held(mech_ask, "sitrep", "18 DIVS")[0] == ("", "", "18", "division", "chinese people's volunteers"), "a list shares its holder"
    assert _held(mech_ask, "sitrep", "2 TO 4")[0] == ("", "2", "4", "division", "chinese people's volunteers"), "the enemy: the enemy's last figure"


def test_holders_by_apposition_nesting_and_telegraphese(mech_ask):
    assert _held(mech_ask, "cable", "300,000")[0][3:] == ("man", "korean people's army"), "a figure in apposition to a force is the force's"
    assert _held(mech_ask, "cable", "12 divisions")[0][4] == _held(mech_ask, "cable", "150,000")[0][4], "'150,000 men in 12 divisions': the men's holder"
    assert "9th army group" not in _held(mech_ask, "cable", "150,000")[0][4], "a numbered formation is which, not whose (the dev set's holders are sides)"
    assert _held(mech_ask, "cable", "200,000")[0][1:3] == ("200000", ""), "a negation in the sentence before flips no bound"
    assert _held(mech_ask, "appreciation", "35 divisions")[0][4] != "", "we who estimate are not the holder"
    assert "soviet" in _held(mech_ask, "appreciation", "35 divisions")[0][4], "the forces named before"


def test_telegraphese_items_and_holders(tmp_path, pipeline, settings):
    folder = tmp_path / "jcs"
    folder.mkdir()
    (folder / "jcs.txt").write_text("FROM JCS PERSONAL FOR RIDGWAY.\n\n1. JCS NOTE YOUR ESTIMATE OF APPROX 525 MIG-15 JET FTRS OF "
                                    "CHINESE COMMUNIST AF AND 75 F-86 ACFT ON HAND.\n", encoding="utf-8")
    ask = _store_of(tmp_path, pipeline, settings, [folder])
    assert _held(ask, "jcs", "525")[0] == ("525", "", "", "fighter", "people's liberation army air force"), "FTRS OF X: X's"
    assert _held(ask, "jcs", "75 F-86")[0][3] == "aircraft", "ACFT is aircraft"


def test_a_list_of_items_and_numbers_under_the_line_that_says_for_whom(tmp_path, pipeline, settings):
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "report.txt").write_text(
        "To Comrade STALIN I. V.\n\n14 March 1952\n\nWe report on the deliveries made in February.\n\n"
        "For the Korean People's Army the following were dispatched through GRODEKOVO:\n"
        "- T-34-85 tanks: 60;\n- 37-mm anti-aircraft guns: 120;\n- artillery shells of all calibres: 200 thousand.\n\n"
        "VASILEVSKY\n", encoding="utf-8")
    ask = _store_of(tmp_path, pipeline, settings, [folder])
    assert _held(ask, "report", "tanks: 60")[0] == ("60", "", "", "tank", "korean people's army"), "item: number, for whom the list says"
    assert _held(ask, "report", "guns: 120")[0][3:] == ("gun", "korean people's army")
    assert _held(ask, "report", "200 thousand")[0][:4] == ("200000", "", "", "round"), "shells of all calibres: 200 thousand"
    assert not ask('ASK { ?e rdfs:label ?l FILTER(STRSTARTS(STR(?l), "T-34")) }'), "a tank's type is no entity"
