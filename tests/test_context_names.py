"""Names whose meaning depends on the document: its date ("China" before 1 October 1949), the
name before them ("Hodes, USA"), and its side ("the Politburo"). Texts written for these tests."""

import dataclasses

import pyoxigraph as ox
import pytest

from archivekg.build import build
from archivekg.extract.vocab import PREFIXES

TEXTS = {
    "cable-1948.txt": """December 3, 1948
Ciphered Telegram No. 4410 - Terebin to Kuznetsov

The Guomindang still holds the cities of the south of China. The situation in China is changing quickly.
""",
    "cable-1951.txt": """March 8, 1951
Ciphered Telegram No. 7721 - Razuvaev to Shtemenko

Supplies from China reached the front. China has sent two more armies.
""",
    "minutes-1952.txt": """May 14, 1952
Record of the meeting of the military armistice delegations

Present for the United Nations Command: Vice Admiral C. Turner Joy, USN; Major General Henry I. Hodes, USA;
Major General Laurence C. Craigie, USAF.

The governments of France, USA, and Britain were informed.
""",
    "directive-1950.txt": """Strictly secret

Extract from the minutes of the meeting of the Politburo of the CC VKP(b)
Decision of 4 May 1950

To instruct Comrade Molotov to prepare the reply. The Central Committee approves the text.
""",
    "beiping-1949.txt": """May 20, 1949
CIPHERED TELEGRAM No. 55102
From BEIPING
To FILIPPOV [Stalin]

I met Mao Zedong, Zhou Enlai and Liu Shaoqi. Later the Politburo discussed the loan.
""",
    "pyongyang-1951.txt": """February 2, 1951
Ciphered Telegram No. 601 - Razuvaev to Filippov

Kim Il Sung said that the Politburo had approved the plan. The Politburo of the Korean Workers' Party
will meet again on Monday.
""",
}


@pytest.fixture(scope="module")
def ask(tmp_path_factory, pipeline, settings):
    folder = tmp_path_factory.mktemp("context-names")
    for name, text in TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    local = dataclasses.replace(settings, store=folder / "store")
    report = build(local, [folder], pipeline)
    assert report.documents == len(TEXTS) and not report.problems
    store = ox.Store.read_only(str(local.store.resolve()))
    return lambda q: store.query(q, use_default_graph_as_union=True, prefixes=PREFIXES)


def entities_of(ask, doc: str) -> dict[str, tuple[str, str]]:
    """IRI -> (label, type local name) of the entities mentioned in one document."""
    rows = ask(
        f"""SELECT ?e ?l ?t WHERE {{ ?e kg:mentionedIn ?d ; rdfs:label ?l ; a ?t .
            FILTER(STRENDS(STR(?d), "/{doc.removesuffix('.txt')}")) }}"""
    )
    return {r["e"].value: (r["l"].value, r["t"].value.rsplit("/", 1)[-1].rsplit("#", 1)[-1]) for r in rows}


def test_china_before_the_proclamation_is_not_the_peoples_republic(ask):
    before = {iri for iri, (label, _) in entities_of(ask, "cable-1948.txt").items() if label == "China"}
    after = {iri for iri, (label, _) in entities_of(ask, "cable-1951.txt").items() if label == "People's Republic of China"}
    assert len(before) == 1 and len(after) == 1 and before != after
    assert ask(f"ASK {{ <{after.pop()}> owl:sameAs wd:Q148 }}")
    assert not ask(f"ASK {{ <{before.pop()}> owl:sameAs ?x }}")  # no verified item: no link


def test_a_service_after_a_name_is_the_service(ask):
    found = entities_of(ask, "minutes-1952.txt")
    labels = {label for label, _ in found.values()}
    assert {"United States Army", "United States Navy", "United States Air Force"} <= labels, labels
    assert ("United States Army", "MilitaryUnit") in found.values()
    # in a list of countries "USA" is still the country
    assert ("United States of America", "Country") in found.values(), found


def test_a_body_named_without_its_party_is_the_body_of_the_documents_side(ask):
    def bodies(doc):
        return {label for label, kind in entities_of(ask, doc).values() if kind == "Organization"}

    moscow = bodies("directive-1950.txt")
    assert "Central Committee of the Communist Party of the Soviet Union" in moscow and "Central Committee" not in moscow, moscow
    beiping = bodies("beiping-1949.txt")  # no party named: the side of the people it names
    assert "Politburo of the Chinese Communist Party" in beiping and "Politburo" not in beiping, beiping
    pyongyang = bodies("pyongyang-1951.txt")  # named in full in the document: that one
    assert pyongyang & {"Politburo of the Workers' Party of Korea"} and "Politburo" not in pyongyang, pyongyang
    assert "Politburo of the Chinese Communist Party" not in pyongyang
