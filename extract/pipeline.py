"""Runs the stages in order over a corpus of source texts. Pure: no file is read or written.

    read -> nlp -> mentions -> resolve -> link -> documents -> figures -> claims -> graph
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, DocBin

from archivekg.extract.claims import find_claims
from archivekg.extract.contradictions import find_contradictions
from archivekg.extract.documents import describe_document
from archivekg.extract.entity_table import EntityTable
from archivekg.extract.figures import find_figures
from archivekg.extract.rules import RuleSet
from archivekg.extract.link import link_entities
from archivekg.extract.mentions import find_mentions
from archivekg.extract.model import (
    CorpusExtraction,
    DocumentExtraction,
    DocumentRecord,
    Entity,
    Mention,
    ReadProblem,
    ResolvedMention,
    SourceText,
)
from archivekg.extract.nlp import analyse
from archivekg.extract.resolve import resolve_entities


@dataclass(frozen=True)
class Pipeline:
    """The loaded spaCy pipeline and rule data: built once, used for every corpus."""

    nlp: Language
    rules: RuleSet


def extract_corpus(pipeline: Pipeline, sources: list[SourceText], progress: Callable[[int], None] | None = None) -> CorpusExtraction:
    """The whole chain over a corpus in this process, every Doc in memory: the reference that
    the build (`archivekg.incremental`: cached, streaming, in worker processes or on a
    cluster) must agree with."""
    docs, mentions = [], {}
    for source, doc in zip(sources, analyse(pipeline.nlp, (s.text for s in sources), pipeline.rules)):
        docs.append(doc)
        mentions[source.key] = find_mentions(source, doc, pipeline.rules)
        if progress:
            progress(1)
    resolved_by_doc, entities = resolve_corpus(sources, mentions, pipeline.rules)
    results = [extract_document(s, d, resolved_by_doc[s.key], entities, pipeline.rules) for s, d in zip(sources, docs)]
    return finish_corpus(results, entities)


AUTO_WORKERS_FROM = 8  # documents: fewer are not worth starting processes for
AUTO_WORKERS_MAX = 4


def auto_workers(documents: int) -> int:
    """One process per core, at most AUTO_WORKERS_MAX, for a corpus worth it; else one."""
    if documents < AUTO_WORKERS_FROM:
        return 1
    return max(1, min(os.cpu_count() or 1, AUTO_WORKERS_MAX))


def resolve_corpus(
    sources: list[SourceText], mentions: dict[str, list[Mention]], rules: RuleSet
) -> tuple[dict[str, list[ResolvedMention]], dict[str, Entity]]:
    """The corpus-wide stages: one entity per thing, linked to Wikidata; each document's mentions resolved."""
    entities, resolved = resolve_entities((m for s in sources for m in mentions[s.key]), rules)
    entities = link_entities(entities, rules)
    resolved_by_doc: dict[str, list[ResolvedMention]] = {s.key: [] for s in sources}
    for r in resolved:
        resolved_by_doc[r.mention.span.doc_key].append(r)
    return resolved_by_doc, {e.key: e for e in entities}


def extract_document(
    source: SourceText, doc: Doc, mentions: list[ResolvedMention], entities: dict[str, Entity] | EntityTable, rules: RuleSet
) -> tuple[DocumentExtraction, ReadProblem | None]:
    """The per-document stages. A stage that fails on one document costs that document its
    metadata, figures and claims (reported, never silent), not the build. They read the
    entity table through an `EntityTable` (pass one to learn what they read)."""
    if not isinstance(entities, EntityTable):
        entities = EntityTable(entities)
    entities.read_kinds(r.entity_key for r in mentions)  # the graph writes each one's kind (in its IRI)
    try:
        record = describe_document(source, doc, mentions, entities, rules)
        figures = find_figures(source, doc, record, mentions, entities, rules)
        claims = find_claims(source, doc, record, mentions, entities, rules)
    except Exception as err:  # noqa: BLE001 - any stage fault is reported with the file's name
        problem = ReadProblem(source.path, f"extraction failed ({type(err).__name__}: {err}); only its text and mentions are in the graph")
        return DocumentExtraction(source, DocumentRecord(source.key, "document"), tuple(mentions)), problem
    return DocumentExtraction(source, record, tuple(mentions), tuple(figures), tuple(claims)), None


def finish_corpus(results: list[tuple[DocumentExtraction, ReadProblem | None]], entities: dict[str, Entity]) -> CorpusExtraction:
    extractions = [extraction for extraction, _ in results]
    problems = tuple(problem for _, problem in results if problem)
    contradictions = find_contradictions(extractions, entities)
    return CorpusExtraction(tuple(extractions), tuple(entities.values()), tuple(contradictions), problems)


# -- the per-document stages as a worker runs them (local process or cluster) ------------------
# A Doc travels and is kept as DocBin bytes: the build never holds every Doc of a corpus.


def doc_to_bytes(doc: Doc) -> bytes:
    docs = DocBin(store_user_data=True)
    docs.add(doc)
    return docs.to_bytes()


def doc_from_bytes(nlp: Language, data: bytes) -> Doc:
    return next(iter(DocBin().from_bytes(data).get_docs(nlp.vocab)))


def analyse_batch(pipeline: Pipeline, sources: list[SourceText]) -> list[tuple[bytes, list[Mention]]]:
    """Stage 1 of each source: its Doc (as bytes) and its mentions."""
    docs = analyse(pipeline.nlp, (s.text for s in sources), pipeline.rules)
    return [(doc_to_bytes(doc), find_mentions(source, doc, pipeline.rules)) for source, doc in zip(sources, docs)]


@dataclass(frozen=True)
class DocumentTask:
    """What stage 2 needs for one document: its Doc (None: analyse it again), its resolved
    mentions, and the corpus's entities (the figures stage looks sides and forces up among
    all of them, by gazetteer id and by name; what it reads is recorded)."""

    source: SourceText
    doc: bytes | None
    mentions: tuple[ResolvedMention, ...]
    entities: dict[str, Entity]


def extract_batch(pipeline: Pipeline, tasks: list[DocumentTask]) -> list[tuple[DocumentExtraction, ReadProblem | None, tuple]]:
    """Stage 2 of each task: its result and what it read of the entity table (`EntityTable.reads`)."""
    results = []
    for task in tasks:
        if task.doc is None:
            doc = next(iter(analyse(pipeline.nlp, [task.source.text], pipeline.rules)))
        else:
            doc = doc_from_bytes(pipeline.nlp, task.doc)
        table = EntityTable(task.entities)
        extraction, problem = extract_document(task.source, doc, list(task.mentions), table, pipeline.rules)
        results.append((extraction, problem, table.reads()))
    return results


STAGES = {"analyse": analyse_batch, "extract": extract_batch}  # what a worker can be asked to run
