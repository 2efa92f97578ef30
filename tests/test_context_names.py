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
    "consultations-1952.txt": """November 4, 1952
Memorandum of conversation

Mr. Pearson had talked with Urrutia of Colombia, with Santa Cruz of Chile, with Belaunde of Peru and with
Quevedo of Ecuador about the resolution. The delegates consulted Muniz of Brazil and Arce of Argentina.
""",
    "bases-1950.txt": """August 2, 1950
American bases on Okinawa, Formosa, Mindanao, Leyte and Samar were reinforced.
""",
    "sitrep-1951.txt": """August 10, 1951
1. ENEMY. AT 0400I 9 AUG CCF RESUMED ATTACKS. ELEMENTS OF CCF 181ST DIV AND NKPA 13TH REGT ATTACKED ROK 7TH DIV NEAR YANGGU.
""",
    "korea-1952.txt": """March 3, 1952
Ciphered Telegram No. 702 - Razuvaev to Filippov

Kim Il Sung and Pak Hon Yong said that Korea and China will accept the proposal. The situation in Korea is calm.
""",
    "korea-aid-1952.txt": """RECORD OF A CONVERSATION OF COMRADE STALIN WITH KIM IL SUNG
11 June 1952

Stalin. What does Korea need most of all?
Kim Il Sung. Korea is short of lorries and of fuel for them.
""",
    "korea-front-1952.txt": """RECORD OF A CONVERSATION OF COMRADE STALIN WITH KIM IL SUNG
12 June 1952

Kim Il Sung said that Korea is short of lorries. The front in Korea is quiet.
""",
    "korea-1947.txt": """RECORD OF A CONVERSATION OF COMRADE STALIN WITH KIM IL SUNG
3 May 1947

Stalin. What is Korea short of?
Kim Il Sung. Korea is short of grain.
""",
    "un-estimate-1951.txt": """Washington, March 2, 1951
Memorandum by the Director of Central Intelligence

The enemy cannot drive the UN out of Korea this spring, and UN forces will hold the Han line.
""",
    "un-assembly-1951.txt": """Washington, March 5, 1951
Memorandum by the Director of Central Intelligence

UN forces hold the Han line. The question will go before the UN General Assembly, and the UN will be asked to act.
""",
    "stamp-1950.txt": """Ciphered Telegram No. 4410
3 April 1950

The delegation leaves for Beijing on Monday.

[Stamp: TO BE RETURNED to the III Section of the Special Sector of the CC VKP(b). Incoming No. 1200/shs]
""",
    "gloss-place-1948.txt": """12 November 1948
Telegram from Mao Zedong to Stalin

The fighting near Linyi [Jining] goes well. By Monday Linyi will be wholly in our hands.
""",
    "linyi-1948.txt": """14 November 1948
Telegram from Mao Zedong to Stalin

The railway from Linyi to the coast is cut.
""",
    "corps-1950.txt": """Ciphered Telegram No. 3105
2 July 1950

The fourth division of each corps will fill out the other three. The 1st corps keeps all four.
""",
    "front-1950.txt": """CIPHERED TELEGRAM No. 40211
From PYONGYANG                         Sent 21.IX.50 10.40
To MOSCOW, to Comrade FILIPPOV         Received 21.IX.50 16.05

The 1st Corps and the 2nd Corps, fighting at Masan and Taegu, have been ordered north. The troops of Ch'ien Ta-chun
are landing at Yosu. The enemy bombed the Pujon power station in the north. The statement made by the Minister of
Foreign Affairs, Zhou Enlai, was read out. Kim Il Sung spoke first. Kim is alarmed but calm. Kim Chaek has left for the front.

SHTYKOV
""",
    "vienna-1947.txt": """740.00119 Control (Austria)/5-1247: Telegram

The Minister in Austria (Erhardt) to the Secretary of State

No. 12                                        Vienna, May 12, 1947.

The Allied Council met today and adjourned without agreement.
""",
    "ocr-1953.txt": """[Translated from the Chinese; names in Wade-Giles.]
REPORT OF THE CUSTODIAN FORCE
16 October 1953

The delegates of P0land and Switzer1and visited the camp. The Assistant Secretary said nothing.
The road T'eng-hsien - Tsou-hsien was cut. The troops of Ch'iu Ch'ing-ch'üan's army fell back.
""",
    "cincunc-1951.txt": """Pusan, July 12, 1951
The Ambassador in Korea (Muccio) to the Secretary of State

General Ridgway saw President Rhee this morning. Sent Department 41; repeated info Tokyo 19 for CINCUNC.
""",
    "cincunc-1953.txt": """Tokyo, August 3, 1953
The Ambassador in Japan (Murphy) to the Secretary of State

General Ridgway's book was discussed. Repeated info CINCUNC.
""",
    "macarthur-1950.txt": """July 9, 1950
General Douglas MacArthur reported that the bridgehead holds.
""",
    "pass-1949.txt": """Washington, June 3, 1949
The Secretary of State to the Embassy in France

Department pass London for Douglas, Brussels for Kirk.
""",
    "fo-minute-1951.txt": """FOREIGN OFFICE

SECRET

The Secretary of State decided this morning that the talks should resume on Monday. Telegrams will go to
Washington tonight.

R. H. SCOTT
3rd March, 1951
""",
    "nsc-1952.txt": """MEMORANDUM OF DISCUSSION AT THE 120TH MEETING OF THE NATIONAL SECURITY COUNCIL, WASHINGTON, MAY 7, 1952

The President presided.

The President said that we ought to strengthen the garrison before the winter.
""",
    "covering-note-1947.txt": """SECRET
Copy No. 2

I am forwarding the report prepared by Major General ZOLOTOV on the state of the railways in the zone.

/signature/ BELOV

                              *   *   *

REPORT

The railway workshops are short of coal. The repair of the bridges will take two more months.
""",
    "relayed-1950.txt": """CABLE No. 61200
from PEKING     received 14.20 3 May 1950
to FILIPPOV

I am forwarding a telegram from Cde. MAO ZEDONG:

"We ask you to send two hundred lorries to MANZHOULI before the end of the month.

[Stamp at the foot of the first sheet: To be returned to the Special Section. 310. Incoming No. 1187/shs, 3 May 1950]

Please let us know when they can leave."

ROSHCHIN
""",
    "eusak-1952.txt": """FROM CG EUSAK KOREA
TO CINCFE TOKYO JAPAN

NR GX 4410

1. Enemy activity light along the whole front.
""",
    "frus-1952.txt": """751.00/3-352: Telegram

The Ambassador in France (Bruce) to the Secretary of State

SECRET

Paris, March 3, 1952—6 p.m.

Department will wish to know that the Foreign Minister asked for the text of the Department's note.
""",
    "ministry-1952.txt": """March 4, 1952

The Department has finished its review of the railway tariffs.
""",
    "cinc-1951.txt": """795.00/7-351: Telegram

The Commander in Chief, Far East (Ridgway) to the Joint Chiefs of Staff

SECRET

Tokyo, 3 July 1951.

REVIEW OF U.S. POLICY IN THE PACIFIC

The enemy has been told that the talks may open at Kaesong. Our APO number and the PW lists follow.
""",
    "convey-1951.txt": """TELEGRAM FROM ZHOU ENLAI TO GAO GANG
3 March 1951

Comrade Gao Gang:

Please show this telegram to Comrade Li Fuchun.

The railway wagons will be sent to Shenyang before the end of the month.
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


def test_a_name_of_a_country_after_with_is_a_person(ask):
    found = entities_of(ask, "consultations-1952.txt")
    people = {label for label, kind in found.values() if kind == "Person"}
    assert {"Urrutia", "Santa Cruz", "Belaunde", "Quevedo", "Muniz", "Arce"} <= people, found
    countries = {label for label, kind in found.values() if kind == "Country"}
    assert {"Colombia", "Chile", "Peru", "Ecuador", "Brazil", "Argentina"} <= countries, found


def test_names_listed_with_places_are_places(ask):
    rows = ask("""SELECT ?a ?t WHERE { ?e kg:mentionedIn ?d ; a ?t . { ?e rdfs:label ?a } UNION { ?e skos:altLabel ?a } FILTER(STRENDS(STR(?d), "/bases-1950")) }""")
    typed = {(r["a"].value, r["t"].value.rsplit("/", 1)[-1]) for r in rows}
    assert {("Mindanao", "Place"), ("Leyte", "Place"), ("Samar", "Place")} <= typed, typed


def test_a_force_before_its_numbered_formation_is_a_mention_of_its_own(ask):
    found = entities_of(ask, "sitrep-1951.txt")
    labels = {label for label, _ in found.values()}
    assert "Chinese People's Volunteers" in labels and "Korean People's Army" in labels, labels
    units = {label.lower() for label, kind in found.values() if kind == "MilitaryUnit"}
    assert "181st div" in units and "13th regt" in units, units  # the formation, without its force
    assert "rok 7th div" in units  # a country's abbreviation is part of the name
    assert not any(kind == "Person" for _, kind in found.values()), found  # not "Aug Ccf"


def test_a_divided_country_listed_with_states_is_the_state_of_the_documents_side(ask):
    found = entities_of(ask, "korea-1952.txt")
    assert ("North Korea", "Country") in found.values(), found  # "Korea and China will accept", in the east's words
    assert ("Korea", "Place") in found.values(), found  # "the situation in Korea": the country as a whole


def test_a_divided_country_used_only_as_a_state_is_the_state_of_the_documents_side(ask):
    # the subject of a clause, and never a place, in the east's words after the DPRK's founding
    found = entities_of(ask, "korea-aid-1952.txt")
    assert ("North Korea", "Country") in found.values() and ("Korea", "Place") not in found.values(), found
    # once a place ("the front in Korea"), every use stays the country as a whole
    found = entities_of(ask, "korea-front-1952.txt")
    assert ("Korea", "Place") in found.values() and ("North Korea", "Country") not in found.values(), found
    # before either state existed, "Korea" is the country as a whole, whoever speaks
    found = entities_of(ask, "korea-1947.txt")
    assert ("Korea", "Place") in found.values() and ("North Korea", "Country") not in found.values(), found


def test_a_body_named_for_its_armed_force_is_the_force(ask):
    # "drive the UN out of Korea" in a document that names UN forces: the UN Command
    found = entities_of(ask, "un-estimate-1951.txt")
    assert ("United Nations Command", "MilitaryUnit") in found.values() and "United Nations" not in {l for l, _ in found.values()}, found
    # the body itself where nothing military follows its name
    found = entities_of(ask, "un-assembly-1951.txt")
    assert ("United Nations", "Organization") in found.values() and ("United Nations Command", "MilitaryUnit") in found.values(), found


def test_a_numbered_section_of_a_known_body_is_named_as_the_body(ask):
    found = entities_of(ask, "stamp-1950.txt")
    label = "Special Sector of the Central Committee of the Communist Party of the Soviet Union"
    assert (label, "Organization") in found.values(), found
    assert not any("III Section" in l for l, _ in found.values()), found


def test_a_place_glossed_by_the_editor_is_the_glossed_place_in_that_document_only(ask):
    found = {label for label, _ in entities_of(ask, "gloss-place-1948.txt").values()}
    assert "Jining" in found and "Linyi" not in found, found  # "Linyi [Jining]", and "Linyi" alone after it
    assert "Linyi" in {label for label, _ in entities_of(ask, "linyi-1948.txt").values()}  # elsewhere Linyi is Linyi


def test_a_numbered_unit_of_each_formation_is_no_unit_of_its_own(ask):
    found = {label.lower() for label, _ in entities_of(ask, "corps-1950.txt").values()}
    assert "1st corps" in found and "fourth division" not in found, found  # "the fourth division of each corps": any of them


def test_names_the_model_mistakes_on_a_front_report(ask):
    found = entities_of(ask, "front-1950.txt").values()
    labels = {label for label, _ in found}
    assert {("Masan", "Place"), ("Yosu", "Place")} <= set(found), found  # "at Masan and Taegu" is two places; "at Yosu"
    assert not any(" and " in label or label.startswith("of ") for label in labels), labels  # nor "of Foreign Affairs"
    assert ("Pujon", "Place") in set(found), found  # "the Pujon power station"
    assert any(t == "Person" and "Ta-chun" in label for label, t in found), found  # a surname and a hyphenated given name
    assert "Kim" not in labels and "IX" not in labels, labels  # "Kim" after Kim Il Sung is him; "21.IX.50" is a date


def test_a_file_numbers_subject_and_a_numbered_dateline_name_their_places(ask):
    found = set(entities_of(ask, "vienna-1947.txt").values())
    assert ("Austria", "Country") in found and ("Vienna", "Place") in found, found
    assert not any("Control" in label or "740" in label for label, _ in found), found


def test_a_scanners_digits_a_language_an_office_and_county_towns(ask):
    found = set(entities_of(ask, "ocr-1953.txt").values())
    labels = {label for label, _ in found}
    assert ("Poland", "Country") in found and ("Switzerland", "Country") in found, found  # "P0land", "Switzer1and"
    assert not {"Chinese", "Wade-Giles", "Assistant Secretary"} & labels, labels  # a language, a romanisation, an office
    places = {label for label, t in found if t == "Place"}
    assert len(places) >= 2 and "Zoucheng" in places, found  # two county towns joined by a dash ("Tsou-hsien" is Zoucheng)
    assert not any("hsien" in label for label, t in found if t == "Person"), found
    assert any(t == "Person" and "Ch'iu" in label for label, t in found), found  # a romanised name with a diacritic


def test_an_office_named_alone_stands_for_its_holder_of_the_day_the_document_names(ask):
    labels = {label for label, _ in entities_of(ask, "cincunc-1951.txt").values()}
    assert "Matthew Ridgway" in labels and not any("Cincunc" in l or "CINCUNC" in l for l in labels), labels
    rows = ask("""SELECT ?x WHERE { ?m oa:hasBody <http://localhost:5000/id/person/matthew-ridgway> ; oa:hasTarget ?t .
                  ?t oa:hasSource ?d ; oa:hasSelector/oa:exact ?x . FILTER(STRENDS(STR(?d), "/cincunc-1953")) }""")
    assert "CINCUNC" not in {r["x"].value for r in rows}  # in 1953 the office was Clark's, not Ridgway's


def test_a_first_name_alone_joins_no_one_outside_his_documents(ask):
    found = entities_of(ask, "pass-1949.txt")
    assert ("Douglas", "Person") in found.values(), found
    assert "Douglas MacArthur" not in {label for label, _ in found.values()}


def test_an_office_that_speaks_where_no_one_is_named_is_the_claimant(ask):
    def claimant(fragment: str) -> set[tuple[str, str]]:
        rows = ask(f"""SELECT ?l ?t WHERE {{ ?c a kg:Claim ; kg:quote ?q ; kg:claimant ?o . ?o rdfs:label ?l ; a ?t .
                      FILTER(CONTAINS(?q, "{fragment}")) }}""")
        return {(r["l"].value, r["t"].value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]) for r in rows}

    # the office of the document's own head: a Foreign Office minute's Secretary of State
    assert claimant("talks should resume") == {("Secretary of State for Foreign Affairs", "Office")}
    assert claimant("strengthen the garrison") == {("President of the United States", "Office")}


def test_a_forwarded_paper_speaks_for_its_author_not_the_forwarder(ask):
    rows = ask("""SELECT ?l ?r WHERE { ?c a kg:Claim ; kg:quote ?q ; kg:claimant/rdfs:label ?l .
                  OPTIONAL { ?c kg:reportedBy/rdfs:label ?r } FILTER(CONTAINS(?q, "short of coal")) }""")
    found = {(r["l"].value, r["r"].value if r["r"] else None) for r in rows}
    assert {label.lower() for label, _ in found} == {"zolotov"}, found
    assert {(reporter or "").lower() for _, reporter in found} == {"belov"}, found  # relayed by the note's signer


def test_an_archive_stamp_inside_a_quoted_message_numbers_the_carrier(ask):
    numbers = {r["n"].value for r in ask("""SELECT ?n WHERE { ?d a kg:Document ; schema:identifier ?n . FILTER(STRENDS(STR(?d), "/relayed-1950")) }""")}
    assert {"61200", "1187/shs"} <= numbers, numbers


def test_an_office_before_the_place_it_sits_in_is_the_office_and_the_place(ask):
    found = entities_of(ask, "eusak-1952.txt")
    assert ("Tokyo", "Place") in found.values(), found
    assert not any("cincfe" in label.lower() for label, _ in found.values()), found
    recipients = {r["l"].value for r in ask("""SELECT ?l WHERE { ?d schema:recipient ?o . ?o a kg:Office ; rdfs:label ?l . FILTER(STRENDS(STR(?d), "/eusak-1952")) }""")}
    assert recipients == {"Commander in Chief, Far East"}, recipients


def test_the_department_of_a_telegram_to_the_secretary_of_state_is_the_department_of_state(ask):
    found = entities_of(ask, "frus-1952.txt")
    assert ("United States Department of State", "Organization") in found.values(), found
    # a document addressed to no such office keeps its bare "Department" as it was
    assert "United States Department of State" not in {label for label, _ in entities_of(ask, "ministry-1952.txt").values()}


def test_the_words_of_an_office_title_and_adjectival_abbreviations_are_no_mentions(ask):
    found = entities_of(ask, "cinc-1951.txt")
    labels = {label for label, _ in found.values()}
    assert "Far East" not in labels, found  # the title's: "Commander in Chief, Far East"
    assert {"Joint Chiefs of Staff", "Tokyo", "Matthew Ridgway"} <= labels and any(label.startswith("Kaes") for label in labels), found
    assert "United States of America" not in labels, found  # "U.S. POLICY": an adjective
    assert not labels & {"APO", "PW"}, found  # paperwork, not bodies


def test_a_telegram_passed_on_to_someone_has_him_as_a_second_recipient(ask):
    rows = ask("""SELECT ?l WHERE { ?d schema:recipient/rdfs:label ?l . FILTER(STRENDS(STR(?d), "/convey-1951")) }""")
    assert {r["l"].value for r in rows} == {"Gao Gang", "Li Fuchun"}
