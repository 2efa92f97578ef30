"""The graph stage: the corpus extraction -> RDF quads, under the contract's vocabulary.

Every source document's statements go into a named graph of their own; entities and
cross-document results (contradictions) into the corpus graph; the build's provenance into
the build graph. No blank nodes: every node has an IRI from `iris.IriMinter`.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from pyoxigraph import Literal, NamedNode, Quad

from archivekg.extract.iris import IriMinter
from archivekg.extract.model import (
    MESSAGE_KINDS,
    Citation,
    Claim,
    Contradiction,
    CorpusExtraction,
    DateValue,
    DocumentExtraction,
    Entity,
    Figure,
    Part,
    TextSpan,
)
from archivekg.extract.vocab import KG, OA, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, WD, XSD

ENTITY_CLASSES = {
    "person": [SCHEMA.Person],
    "organization": [SCHEMA.Organization],
    "unit": [KG.MilitaryUnit],
    "country": [SCHEMA.Country],
    "place": [SCHEMA.Place],
    "event": [SCHEMA.Event],
    "work": [SCHEMA.CreativeWork],
}
DOCUMENT_KINDS = {"telegram": KG.Telegram, "cable": KG.Cable, "letter": KG.Letter, "circular": KG.Circular}
GENRES = {"record": KG.RecordOfConversation, "memorandum": KG.Memorandum, "statement": KG.Statement, "decision": KG.Decision, "report": KG.Report}
HANDLING = {"deciphered": KG.decipheredBy, "typed": KG.typedBy}
POLARITY = {"affirmative": KG.Affirmative, "negative": KG.Negative}
MODALITY = {m: KG[m.capitalize()] for m in ("decided", "planned", "considered", "proposed", "requested", "reported", "assessed", "ordered")}


def text(value: str) -> Literal:
    return Literal(value)


def english(value: str) -> Literal:
    return Literal(value, language="en")


def integer(value: int) -> Literal:
    return Literal(str(int(value)), datatype=XSD.integer)


def decimal(value: float) -> Literal:
    """An xsd:decimal in plain notation, exactly as the float reads ("70", "1.5", "0.0000001")."""
    return Literal(format(Decimal(repr(float(value))).normalize(), "f"), datatype=XSD.decimal)


def iso_literal(value: str) -> Literal:
    """A gazetteer date: xsd:date, xsd:gYearMonth or xsd:gYear by how much of it is given."""
    datatype = {10: XSD.date, 7: XSD.gYearMonth}.get(len(value.lstrip("-")), XSD.gYear)
    return Literal(value, datatype=datatype)


def date_literal(date: DateValue) -> Literal | None:
    return Literal(date.value, datatype=XSD[date.datatype]) if date.value else None


class GraphWriter:
    """Turns one corpus extraction into quads; holds only the IRI minter and entity index."""

    def __init__(self, corpus: CorpusExtraction, iris: IriMinter):
        self.corpus = corpus
        self.iris = iris
        self.entities = {e.key: e for e in corpus.entities}
        self.part_iris: dict[str, NamedNode] = {}
        # a cited message that is itself a document of the corpus is that document
        self.numbered: dict[str, NamedNode] = {
            identifier: iris.document(e.record.key)
            for e in corpus.documents
            if e.record.kind in MESSAGE_KINDS
            for identifier in e.record.identifiers
        }
        self.citations = {c.key: (c, iris.document(e.record.key)) for e in corpus.documents for c in e.record.citations}
        for extraction in corpus.documents:
            self.part_iris[extraction.record.key] = iris.document(extraction.record.key)
            for part in extraction.record.parts:
                self.part_iris[part.key] = iris.part(part.key)

    # -- helpers ------------------------------------------------------------------
    def entity(self, key: str) -> NamedNode:
        if key.startswith("office:"):  # an office that speaks where no person is named (kg:Office)
            return self.iris.office(key[len("office:") :])
        entity = self.entities[key]
        return self.iris.entity(entity.kind, entity.key)

    def text_node(self, key: str) -> NamedNode:
        """The IRI of a document, part or citation named by its key."""
        if key in self.citations:
            return self.cited_node(*self.citations[key])
        return self.where(key)

    def where(self, key: str) -> NamedNode:
        """The IRI of a document or part named by its key."""
        return self.part_iris[key]

    def annotation(self, node: NamedNode, body: NamedNode, span: TextSpan, motivation: NamedNode, source_text: str, g) -> Iterator[Quad]:
        span.check_against(source_text)  # text[start:end] == exact, or the build stops here
        # an annotation node may itself be a fragment ("{part}#annotation"): its sub-nodes then
        # extend the fragment, since an IRI holds one '#'
        target, position, quote = (
            NamedNode(f"{node.value}-{n}") if "#" in node.value else self.iris.fragment(node, n) for n in ("target", "position", "quote")
        )
        document = self.iris.document(span.doc_key)
        yield Quad(node, RDF.type, OA.Annotation, g)
        yield Quad(node, OA.hasBody, body, g)
        yield Quad(node, OA.motivatedBy, motivation, g)
        yield Quad(node, OA.hasTarget, target, g)
        yield Quad(target, RDF.type, OA.SpecificResource, g)
        yield Quad(target, OA.hasSource, document, g)
        yield Quad(target, OA.hasSelector, position, g)
        yield Quad(target, OA.hasSelector, quote, g)
        yield Quad(position, RDF.type, OA.TextPositionSelector, g)
        yield Quad(position, OA.start, integer(span.start), g)
        yield Quad(position, OA.end, integer(span.end), g)
        yield Quad(quote, RDF.type, OA.TextQuoteSelector, g)
        yield Quad(quote, OA.exact, text(span.text), g)
        yield Quad(quote, OA.prefix, text(source_text[max(0, span.start - 32) : span.start]), g)
        yield Quad(quote, OA.suffix, text(source_text[span.end : span.end + 32]), g)

    # -- the graph ----------------------------------------------------------------
    def quads(self) -> Iterator[Quad]:
        yield from self.entity_quads()
        for extraction in self.corpus.documents:
            yield from self.document_quads(extraction)
        for contradiction in self.corpus.contradictions:
            yield from self.contradiction_quads(contradiction)

    def entity_quads(self) -> Iterator[Quad]:
        g = self.iris.entities_graph()
        for entity in self.corpus.entities:
            node = self.entity(entity.key)
            for cls in ENTITY_CLASSES[entity.kind]:
                yield Quad(node, RDF.type, cls, g)
            yield Quad(node, RDFS.label, english(entity.label), g)
            for alt in entity.alt_labels:
                yield Quad(node, SKOS.altLabel, english(alt), g)
            for pseudonym in entity.pseudonyms:
                yield Quad(node, KG.pseudonym, english(pseudonym), g)
            if entity.description:
                yield Quad(node, SCHEMA.description, english(entity.description), g)
            for predicate, value in ((SCHEMA.birthDate, entity.birth_date), (SCHEMA.deathDate, entity.death_date)):
                if value:
                    yield Quad(node, predicate, iso_literal(value), g)
            if entity.wikidata:
                yield Quad(node, OWL.sameAs, NamedNode(WD + entity.wikidata), g)
                yield Quad(node, KG.linkMethod, text(entity.link_method or "gazetteer"), g)
                if entity.link_confidence is not None:
                    yield Quad(node, KG.linkConfidence, decimal(entity.link_confidence), g)

    def document_quads(self, extraction: DocumentExtraction) -> Iterator[Quad]:
        source, record = extraction.source, extraction.record
        g = self.iris.document_graph(source.key)
        doc = self.iris.document(source.key)
        yield Quad(doc, RDF.type, KG.Document, g)
        if record.kind in MESSAGE_KINDS:
            yield Quad(doc, RDF.type, SCHEMA.Message, g)
        if record.kind in DOCUMENT_KINDS:
            yield Quad(doc, KG.documentKind, DOCUMENT_KINDS[record.kind], g)
        if record.genre in GENRES:
            yield Quad(doc, KG.genre, GENRES[record.genre], g)
        yield Quad(doc, SCHEMA.text, text(source.text), g)
        yield Quad(doc, KG.sha256, text(source.sha256), g)
        if record.title:
            yield Quad(doc, SCHEMA.name, text(record.title), g)
        for predicate, keys in (
            (SCHEMA.author, record.author_keys),
            (SCHEMA.sender, record.sender_keys),
            (SCHEMA.recipient, record.recipient_keys),
            (SCHEMA.ccRecipient, record.copy_recipient_keys),
        ):
            for key in keys:
                yield Quad(doc, predicate, self.entity(key), g)
        for role, name in record.offices:
            office = self.iris.office(name)
            yield Quad(office, RDF.type, KG.Office, g)
            yield Quad(office, RDFS.label, english(name), g)
            yield Quad(doc, SCHEMA.sender if role == "sender" else SCHEMA.recipient, office, g)
        for predicate, date in (
            (SCHEMA.dateCreated, record.date_created),
            (SCHEMA.dateSent, record.date_sent),
            (SCHEMA.dateReceived, record.date_received),
        ):
            if date and date.value:
                yield Quad(doc, predicate, date_literal(date), g)
        for identifier in record.identifiers:
            yield Quad(doc, SCHEMA.identifier, text(identifier), g)
        if record.publication:
            yield Quad(doc, KG.publishedIn, text(record.publication), g)
        if record.publication_pages:
            yield Quad(doc, SCHEMA.pagination, text(record.publication_pages), g)
        if record.copies is not None:
            yield Quad(doc, KG.copies, integer(record.copies), g)
        for role, key, when in record.handled_by:
            yield Quad(doc, HANDLING.get(role, KG.handledBy), self.entity(key), g)
        for part in record.parts:
            yield from self.part_quads(part, doc, source.text, g)
        for citation in record.citations:
            yield from self.citation_quads(citation, doc, g)
        for citing, work in record.cited_works:
            yield Quad(self.where(citing), SCHEMA.citation, self.entity(work), g)
        seen_entities = set()
        for resolved in extraction.mentions:
            if resolved.mention.adjective:
                continue  # "American troops" refers to the country (figures, claims) but does not name it
            span = resolved.mention.span
            node = self.iris.mention(source.key, span.start, span.end)
            body = self.entity(resolved.entity_key)
            yield from self.annotation(node, body, span, OA.identifying, source.text, g)
            if resolved.entity_key not in seen_entities:
                seen_entities.add(resolved.entity_key)
                yield Quad(body, KG.mentionedIn, doc, g)
        for figure in extraction.figures:
            yield from self.figure_quads(figure, source.text, g)
        for claim in extraction.claims:
            yield from self.claim_quads(claim, source.text, g)

    def part_quads(self, part: Part, doc: NamedNode, source_text: str, g) -> Iterator[Quad]:
        node = self.iris.part(part.key)
        if part.kind == "message":
            yield Quad(node, RDF.type, SCHEMA.Message, g)
            yield Quad(node, KG.documentKind, KG.QuotedMessage, g)
            author = SCHEMA.sender
        else:
            yield Quad(node, RDF.type, SCHEMA.CreativeWork, g)
            yield Quad(node, KG.documentKind, KG.Remarks, g)
            author = SCHEMA.author
        yield Quad(node, SCHEMA.isPartOf, doc, g)
        yield Quad(doc, SCHEMA.hasPart, node, g)
        yield Quad(node, SCHEMA.text, text(part.span.text), g)
        if part.title:
            yield Quad(node, SCHEMA.name, text(part.title), g)
        for key in part.author_keys:
            yield Quad(node, author, self.entity(key), g)
        for key in part.recipient_keys:
            yield Quad(node, SCHEMA.recipient, self.entity(key), g)
        if part.date_sent and part.date_sent.value:
            yield Quad(node, SCHEMA.dateSent, date_literal(part.date_sent), g)
        yield from self.annotation(self.iris.fragment(node, "annotation"), node, part.span, OA.describing, source_text, g)

    def cited_node(self, citation: Citation, doc: NamedNode) -> NamedNode:
        """The node a citation is: a work entity, a document of the corpus with that number, or its own."""
        if citation.entity_key:
            return self.entity(citation.entity_key)
        if citation.identifier and citation.kind in MESSAGE_KINDS and self.numbered.get(citation.identifier, doc) != doc:
            return self.numbered[citation.identifier]
        return self.iris.citation(citation.key)

    def citation_quads(self, citation: Citation, doc: NamedNode, g) -> Iterator[Quad]:
        node = self.cited_node(citation, doc)
        citing = self.where(citation.cited_by) if citation.cited_by else doc
        yield Quad(citing, SCHEMA.citation, node, g)
        if node != self.iris.citation(citation.key) and not citation.entity_key:
            return  # the cited message is a document of the corpus: it describes itself
        if not citation.entity_key:  # a work entity has its type already
            yield Quad(node, RDF.type, SCHEMA.Message if citation.kind in MESSAGE_KINDS else SCHEMA.CreativeWork, g)
        if citation.identifier:
            yield Quad(node, SCHEMA.identifier, text(citation.identifier), g)
        if citation.title:
            yield Quad(node, SCHEMA.name, text(citation.title), g)
        if citation.date and citation.date.value:
            predicate = SCHEMA.dateSent if citation.kind in MESSAGE_KINDS else SCHEMA.dateCreated
            yield Quad(node, predicate, date_literal(citation.date), g)
        for key in citation.author_keys:
            yield Quad(node, SCHEMA.sender if citation.kind in MESSAGE_KINDS else SCHEMA.author, self.entity(key), g)
        for key in citation.recipient_keys:
            yield Quad(node, SCHEMA.recipient, self.entity(key), g)

    def figure_quads(self, figure: Figure, source_text: str, g) -> Iterator[Quad]:
        node = self.iris.figure(figure.key)
        yield Quad(node, RDF.type, KG.MilitaryFigure, g)
        yield Quad(node, KG.item, text(figure.item), g)
        for predicate, value in ((KG.count, figure.count), (KG.minCount, figure.min_count), (KG.maxCount, figure.max_count)):
            if value is not None:
                yield Quad(node, predicate, integer(value), g)
        for predicate, value in ((KG.minCaliberMm, figure.min_caliber_mm), (KG.maxCaliberMm, figure.max_caliber_mm), (KG.multiplier, figure.multiplier)):
            if value is not None:
                yield Quad(node, predicate, decimal(value), g)
        for holder in figure.holder_keys:
            yield Quad(node, KG.heldBy, self.entity(holder), g)
        if figure.place_key:
            yield Quad(node, KG.place, self.entity(figure.place_key), g)
        if figure.date and figure.date.value:
            yield Quad(node, KG.date, date_literal(figure.date), g)
        if figure.compared_with:
            yield Quad(node, KG.comparedWith, self.iris.figure(figure.compared_with), g)
        yield Quad(node, KG.statedIn, self.where(figure.stated_in), g)
        yield Quad(node, KG.quote, text(figure.span.text), g)
        yield from self.annotation(self.iris.fragment(node, "annotation"), node, figure.span, OA.describing, source_text, g)

    def claim_quads(self, claim: Claim, source_text: str, g) -> Iterator[Quad]:
        node = self.iris.claim(claim.key)
        yield Quad(node, RDF.type, KG.Claim, g)
        if claim.claimant_key:
            yield Quad(node, KG.claimant, self.entity(claim.claimant_key), g)
        if claim.reported_by:
            yield Quad(node, KG.reportedBy, self.entity(claim.reported_by), g)
        for key in (claim.claimant_key, claim.reported_by):
            if key and key.startswith("office:"):  # an office no header named: described where it speaks
                office = self.entity(key)
                yield Quad(office, RDF.type, KG.Office, g)
                yield Quad(office, RDFS.label, english(key[len("office:") :]), g)
        yield Quad(node, KG.statedIn, self.where(claim.stated_in), g)
        yield Quad(node, KG.quote, text(claim.span.text), g)
        yield Quad(node, KG.polarity, POLARITY[claim.polarity], g)
        yield Quad(node, KG.modality, MODALITY[claim.modality], g)
        for key in claim.about_keys:
            yield Quad(node, KG.about, self.entity(key), g)
        for key in claim.about_texts:
            yield Quad(node, KG.about, self.text_node(key), g)
        if claim.date and claim.date.value:
            yield Quad(node, KG.date, date_literal(claim.date), g)
        yield from self.annotation(self.iris.fragment(node, "annotation"), node, claim.span, OA.describing, source_text, g)

    def contradiction_quads(self, contradiction: Contradiction) -> Iterator[Quad]:
        g = self.iris.entities_graph()
        node = self.iris.contradiction(contradiction.key)
        a, b = (self.iris.claim(k) for k in contradiction.claim_keys)
        yield Quad(a, KG.contradicts, b, g)
        yield Quad(b, KG.contradicts, a, g)
        yield Quad(node, RDF.type, KG.Contradiction, g)
        yield Quad(node, KG.claimA, a, g)
        yield Quad(node, KG.claimB, b, g)
        yield Quad(node, KG.explanation, english(contradiction.reason), g)
        if contradiction.shared_message:
            yield Quad(node, KG.sharedMessage, self.where(contradiction.shared_message), g)


def provenance_quads(iris: IriMinter, corpus: CorpusExtraction, software_version: str, model_name: str, model_version: str) -> Iterator[Quad]:
    g = iris.build_graph()
    build = iris.build()
    agent = iris.thing("build", "archivekg")
    yield Quad(build, RDF.type, PROV.Activity, g)
    yield Quad(build, RDFS.label, english("archivekg build"), g)
    yield Quad(build, PROV.wasAssociatedWith, agent, g)
    yield Quad(build, KG.modelName, text(model_name), g)
    yield Quad(build, KG.modelVersion, text(model_version), g)
    yield Quad(agent, RDF.type, PROV.SoftwareAgent, g)
    yield Quad(agent, RDFS.label, english("archivekg"), g)
    yield Quad(agent, KG.softwareVersion, text(software_version), g)
    for extraction in corpus.documents:
        doc = iris.document(extraction.source.key)
        yield Quad(build, PROV.used, doc, g)
        yield Quad(doc, KG.sha256, text(extraction.source.sha256), g)


def corpus_quads(corpus: CorpusExtraction, iris: IriMinter) -> Iterator[Quad]:
    return GraphWriter(corpus, iris).quads()
