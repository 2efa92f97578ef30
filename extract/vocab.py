"""The vocabulary, named once.

Each namespace is closed: asking for a term it does not list raises, so a typo fails at
once instead of minting an undeclared IRI. `tests/test_ontology.py` checks that every `kg:`
term listed here is declared in `ontology/archivekg.ttl`.
"""

from __future__ import annotations

from pyoxigraph import NamedNode


class ClosedNamespace:
    def __init__(self, prefix: str, iri: str, terms: str):
        self.short_name = prefix
        self.iri = iri
        self.terms = frozenset(terms.split())

    def __getattr__(self, name: str) -> NamedNode:
        term = name.rstrip("_")  # allow e.g. `schema.Class_` for reserved words
        if term not in self.terms:
            raise AttributeError(f"{self.short_name}:{term} is not a term this project uses; add it to vocab.py and the ontology")
        return NamedNode(self.iri + term)

    def __getitem__(self, name: str) -> NamedNode:
        return self.__getattr__(name)


RDF = ClosedNamespace("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "type")
RDFS = ClosedNamespace("rdfs", "http://www.w3.org/2000/01/rdf-schema#", "label comment seeAlso")
XSD = ClosedNamespace("xsd", "http://www.w3.org/2001/XMLSchema#", "date dateTime gYearMonth gYear integer decimal string")
OWL = ClosedNamespace("owl", "http://www.w3.org/2002/07/owl#", "sameAs")
SKOS = ClosedNamespace("skos", "http://www.w3.org/2004/02/skos/core#", "altLabel")
SCHEMA = ClosedNamespace(
    "schema",
    "http://schema.org/",
    """Person Organization Country Place Event CreativeWork Message Book Article
    name text author sender recipient ccRecipient dateCreated dateSent dateReceived identifier isPartOf hasPart
    citation publisher isBasedOn pagination location description birthDate deathDate""",
)
PROV = ClosedNamespace(
    "prov",
    "http://www.w3.org/ns/prov#",
    "Activity Entity SoftwareAgent wasGeneratedBy used wasAssociatedWith wasAttributedTo wasDerivedFrom",
)
OA = ClosedNamespace(
    "oa",
    "http://www.w3.org/ns/oa#",
    "Annotation SpecificResource TextPositionSelector TextQuoteSelector hasBody hasTarget hasSource hasSelector start end exact prefix suffix motivatedBy identifying describing",
)
WD = "http://www.wikidata.org/entity/"
KG = ClosedNamespace(
    "kg",
    "https://w3id.org/archivekg/ontology#",
    """Document MilitaryUnit Claim MilitaryFigure Polarity Affirmative Negative Modality
    Decided Planned Considered Proposed Requested Reported Assessed Ordered
    DocumentKind Telegram Cable Letter Circular Speech Commentary Remarks QuotedMessage
    Genre RecordOfConversation Memorandum Statement Decision Report Office genre pseudonym
    Contradiction Build WikidataLink
    mentionedIn claimant statedIn quote polarity modality about date contradicts reportedBy
    count minCount maxCount item heldBy minCaliberMm maxCaliberMm comparedWith multiplier place
    documentKind copies decipheredBy typedBy copyNumber handledBy handledAt
    publishedIn sha256 modelName modelVersion softwareVersion linkMethod linkConfidence
    contradiction explanation sharedMessage claimA claimB dateText partKind""",
)

PREFIXES = {
    "rdf": RDF.iri,
    "rdfs": RDFS.iri,
    "xsd": XSD.iri,
    "owl": OWL.iri,
    "skos": SKOS.iri,
    "schema": SCHEMA.iri,
    "prov": PROV.iri,
    "oa": OA.iri,
    "wd": WD,
    "kg": KG.iri,
}

ONTOLOGY_GRAPH = NamedNode("https://w3id.org/archivekg/ontology")
