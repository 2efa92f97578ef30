"""Claims and contradictions, measured on the seeds against a hand-written gold list, and
checked on an unseen telegram through the real pipeline and store.

Matching rule (gold row <-> extracted claim, one to one): same claimant (entity key, or none
for the unnamed editor), same source (the document, the message quoted in it, or its
remarks), same polarity, and the gold quote is a piece of the claim's quote or the other way
round (case-insensitive). Precision and recall must both reach 0.8.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from archivekg.build import build
from archivekg.settings import Settings

GOLD = Path(__file__).parent / "gold" / "claims.tsv"
THRESHOLD = 0.8

CLAIMS = """
SELECT ?claim ?claimant ?where ?part_kind ?doc ?polarity ?quote WHERE {
  ?claim a kg:Claim ; kg:statedIn ?where ; kg:polarity ?polarity ; kg:quote ?quote .
  OPTIONAL { ?claim kg:claimant ?claimant }
  OPTIONAL { ?where schema:isPartOf ?parent ; kg:documentKind ?part_kind }
  BIND(COALESCE(?parent, ?where) AS ?doc)
}"""


def last_segment(iri) -> str:
    return iri.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1] if iri is not None else ""


def source_of(row) -> str:
    number = last_segment(row["doc"])[:3]
    kind = {"QuotedMessage": "message", "Remarks": "remarks"}.get(last_segment(row["part_kind"]), "doc")
    return f"{kind}:{number}"


def extracted_claims(ask) -> list[dict]:
    return [
        {
            "iri": row["claim"].value,
            "claimant": last_segment(row["claimant"]),
            "source": source_of(row),
            "polarity": last_segment(row["polarity"]).lower(),
            "quote": row["quote"].value,
        }
        for row in ask(CLAIMS)
    ]


def gold_claims() -> list[dict]:
    lines = [ln for ln in GOLD.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def matches(gold: dict, claim: dict) -> bool:
    g, c = gold["quote"].lower(), claim["quote"].lower()
    return (
        gold["claimant"] == claim["claimant"]
        and gold["source"] == claim["source"]
        and gold["polarity"] == claim["polarity"]
        and (g in c or c in g)
    )


def score(gold: list[dict], found: list[dict]) -> tuple[float, float, list, list]:
    unmatched = list(found)
    missed = []
    for row in gold:
        hit = next((c for c in unmatched if matches(row, c)), None)
        if hit is None:
            missed.append(row)
        else:
            unmatched.remove(hit)
    true_positives = len(gold) - len(missed)
    return true_positives / max(1, len(found)), true_positives / len(gold), missed, unmatched


def test_claims_precision_and_recall_on_the_seeds(ask):
    precision, recall, missed, spurious = score(gold_claims(), extracted_claims(ask))
    print(f"\nclaims: precision {precision:.2f}, recall {recall:.2f}")
    for row in missed:
        print("  missed:", row["claimant"], row["source"], row["polarity"], row["quote"])
    for claim in spurious:
        print("  spurious:", claim["claimant"], claim["source"], claim["polarity"], claim["quote"][:80])
    assert precision >= THRESHOLD and recall >= THRESHOLD


def test_the_gold_list_is_itself_exact():
    """Every gold quote is a piece of its seed, so the gold cannot silently rot."""
    seeds = {p.name[:3]: p.read_text(encoding="utf-8") for p in (Path(__file__).parent.parent / "seeds").glob("*.txt")}
    for row in gold_claims():
        assert row["quote"] in seeds[row["source"].split(":")[1]], row["quote"]


def test_each_contradiction_explains_itself(ask):
    rows = list(
        ask("""SELECT ?x ?a ?b ?why ?shared WHERE { ?x a kg:Contradiction ; kg:claimA ?a ; kg:claimB ?b ; kg:explanation ?why ;
               kg:sharedMessage ?shared . ?a kg:contradicts ?b . ?b kg:contradicts ?a .
               ?a kg:quote ?qa ; kg:statedIn ?wa . ?b kg:quote ?qb ; kg:statedIn ?wb . FILTER(?wa != ?wb) }""")
    )
    assert rows
    for row in rows:
        assert "refrain from advancing troops" in row["why"].value or "show patience" in row["why"].value


def test_no_contradiction_within_one_text(ask):
    """A change of position inside one message ("we originally planned ... now refrain") is not a contradiction."""
    assert not ask("ASK { ?a kg:contradicts ?b . ?a kg:statedIn ?w . ?b kg:statedIn ?w }")


def test_reported_refusal_is_the_reporters_claim_about_the_refuser(ask):
    assert ask("""ASK { ?c kg:polarity kg:Negative ; kg:modality kg:Reported ; kg:claimant ?stalin ; kg:about ?mao ; kg:quote ?q .
        ?stalin rdfs:label "Joseph Stalin"@en . ?mao rdfs:label "Mao Zedong"@en . FILTER(CONTAINS(?q, "replied with a refusal")) }""")


def test_quoted_message_claims_are_relayed_by_the_telegrams_sender(ask):
    assert ask("""ASK { ?c kg:claimant ?mao ; kg:reportedBy ?r ; kg:quote ?q . ?mao rdfs:label "Mao Zedong"@en .
        ?r rdfs:label ?rl . FILTER(CONTAINS(?q, "refrain from") && CONTAINS(LCASE(?rl), "roshchin")) }""")


def test_claim_quotes_are_annotated_with_exact_offsets(ask):
    assert not ask("""ASK { ?c a kg:Claim ; kg:quote ?q . ?a oa:hasBody ?c ; oa:hasTarget ?t . ?t oa:hasSource ?d ;
        oa:hasSelector ?p . ?p oa:start ?s ; oa:end ?e . ?d schema:text ?text . FILTER(SUBSTR(?text, ?s + 1, ?e - ?s) != ?q) }""")
    assert ask("ASK { ?c a kg:Claim . ?a oa:hasBody ?c }")


UNSEEN = """CIPHERED TELEGRAM No. 31877

From PYONGYANG

21.10.1950

TO FILIPPOV [STALIN]

I report that KIM IL SUNG ordered the troops to halt north of the river.

ZHOU ENLAI replied with a refusal, saying that the volunteers were not yet ready.

We have decided not to send the two divisions to the front this week.

We have decided to send the 13th Army to Korea.
"""


@pytest.fixture(scope="module")
def unseen(tmp_path_factory, pipeline):
    folder = tmp_path_factory.mktemp("unseen-claims")
    (folder / "telegram_31877.txt").write_text(UNSEEN, encoding="utf-8")
    settings = Settings.from_env({}, store=folder / "store")
    build(settings, [folder], pipeline)
    import pyoxigraph as ox

    from archivekg.extract.vocab import PREFIXES

    store = ox.Store.read_only(str(settings.store.resolve()))
    return lambda q: store.query(q, use_default_graph_as_union=True, prefixes=PREFIXES)


def test_unseen_order_to_halt(unseen):
    assert unseen("""ASK { ?c a kg:Claim ; kg:polarity kg:Affirmative ; kg:about ?kim ; kg:quote ?q .
        ?kim rdfs:label "Kim Il Sung"@en . FILTER(CONTAINS(?q, "ordered the troops to halt")) }""")


def test_unseen_refusal_reported_by_a_third_party(unseen):
    assert unseen("""ASK { ?c a kg:Claim ; kg:polarity kg:Negative ; kg:about ?zhou ; kg:quote ?q .
        ?zhou rdfs:label ?l . FILTER(CONTAINS(?q, "replied with a refusal") && CONTAINS(LCASE(?l), "zhou enlai"))
        FILTER NOT EXISTS { ?c kg:claimant ?zhou } }""")


def test_unseen_decision_not_to_send_is_negative_and_not_a_contradiction_of_another_decision(unseen):
    assert unseen("""ASK { ?c kg:polarity kg:Negative ; kg:modality kg:Decided ; kg:quote ?q . FILTER(CONTAINS(?q, "decided not to send")) }""")
    assert unseen("""ASK { ?c kg:polarity kg:Affirmative ; kg:modality kg:Decided ; kg:quote ?q . FILTER(CONTAINS(?q, "send the 13th Army")) }""")
    assert not unseen("ASK { ?a kg:contradicts ?b }")


def test_the_editors_judgement_of_incompatibility_is_a_claim_about_the_two_documents(ask):
    """"Is the above text ... compatible with the message ... [Document #12]? Clearly not.":
    a negative assessment, stated in the remarks, about the document they are appended to and
    the document they cite."""
    assert ask("""ASK { ?c a kg:Claim ; kg:polarity kg:Negative ; kg:modality kg:Assessed ; kg:quote ?q ;
        kg:statedIn ?remarks ; kg:about ?doc , ?cited .
        ?remarks schema:isPartOf ?doc . ?doc a kg:Document ; schema:name ?n .
        ?cited schema:identifier "12" .
        FILTER(REGEX(?q, "compatible") && REGEX(?n, "decision to send", "i")) }""")
