"""Runs the stages in order over a corpus of source texts. Pure: no file is read or written.

    read -> nlp -> mentions -> resolve -> link -> documents -> figures -> claims -> graph
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from spacy.language import Language

from archivekg.extract.claims import find_claims
from archivekg.extract.contradictions import find_contradictions
from archivekg.extract.documents import describe_document
from archivekg.extract.figures import find_figures
from archivekg.extract.gazetteer import RuleData
from archivekg.extract.link import link_entities
from archivekg.extract.mentions import find_mentions
from archivekg.extract.model import CorpusExtraction, DocumentExtraction, SourceText
from archivekg.extract.nlp import analyse
from archivekg.extract.resolve import resolve_entities


@dataclass(frozen=True)
class Pipeline:
    """The loaded spaCy pipeline and rule data: built once, used for every corpus."""

    nlp: Language
    rules: RuleData


def extract_corpus(
    pipeline: Pipeline,
    sources: list[SourceText],
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> CorpusExtraction:
    rules = pipeline.rules
    docs, mentions = [], []
    for source, doc in zip(sources, analyse(pipeline.nlp, (s.text for s in sources), rules, workers)):
        docs.append(doc)
        mentions.append(find_mentions(source, doc, rules))
        if progress:
            progress(1)
    entities, resolved = resolve_entities((m for ms in mentions for m in ms), rules)
    entities = link_entities(entities, rules)
    by_key = {e.key: e for e in entities}
    resolved_by_doc: dict[str, list] = {s.key: [] for s in sources}
    for r in resolved:
        resolved_by_doc[r.mention.span.doc_key].append(r)

    extractions = []
    for source, doc in zip(sources, docs):
        doc_mentions = resolved_by_doc[source.key]
        record = describe_document(source, doc, doc_mentions, by_key)
        figures = find_figures(source, doc, record, doc_mentions, by_key)
        claims = find_claims(source, doc, record, doc_mentions, by_key)
        extractions.append(DocumentExtraction(source, record, tuple(doc_mentions), tuple(figures), tuple(claims)))
    contradictions = find_contradictions(extractions, by_key)
    return CorpusExtraction(tuple(extractions), tuple(entities), tuple(contradictions))
