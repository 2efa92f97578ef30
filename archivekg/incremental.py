"""The build's extraction, streaming and incremental: each stage's result per document is
kept in the cache (`archivekg.cache`) under a key made of everything it depends on, and
only what is missing is made, in batches, by a pool (this process, worker processes, or a
Dask cluster).

    stage 1   source -> Doc (DocBin bytes) + mentions          key: code, model, rules, key + bytes
    resolve   all mentions -> entities (corpus-wide, never cached, it is cheap)
    stage 2   Doc + resolved mentions + the corpus's entities      key: stage 1's + those mentions
              -> document record, figures, claims                     + what it read of the entities
    contradictions over every document's claims (corpus-wide, cheap)
    graph     a document's extraction -> its named graph (N-Quads)  key: stage 2's + base IRI
              + path + the corpus documents its citations name

Stage 2 reads a small part of the entity table (the entities its mentions name, the sides and
forces the figures stage looks up: `archivekg.extract.entity_table`), and which part is known
only once it has run. So its results are found through a trace: under the key of its inputs
(stage 1's key and the resolved mentions) the cache keeps the records of what earlier runs
read, newest first; a record the new table answers the same way names the result to reuse,
whose own key is the inputs' key and the record's answers (content-addressed, like every other
entry: never stale). A document added to an archive, naming people no other document names,
re-extracts itself and the documents whose reads it changes, not the corpus.

A Doc is in memory only while a worker analyses or reads it: the parent keeps the mentions
until resolution and then the per-document extractions without their mentions, never a
corpus of Docs or quads. The store built from the result is the same, quad for quad, as a
build from scratch.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
import spacy

from archivekg.cache import Cache, digest
from archivekg.extract.entity_table import TableAnswers
from archivekg.extract.graph import GraphWriter
from archivekg.extract.iris import IriMinter
from archivekg.extract.model import CorpusExtraction, DocumentExtraction, ReadProblem, SourceText
from archivekg.extract.pipeline import DocumentTask, Pipeline, finish_corpus, resolve_corpus

BATCH = 16  # documents per batch sent to a worker (spaCy's own batch size)


class CacheLost(RuntimeError):
    """An entry this build wrote is gone before the build could read it back."""


def code_version() -> str:
    """A hash of the extraction code (every .py file of archivekg.extract): an edit to a stage
    makes every cached result of the older code unreachable."""
    package = Path(str(resources.files("archivekg.extract")))
    return digest(*(p.read_bytes() for p in sorted(package.glob("*.py"))))


def rules_version(pipeline: Pipeline) -> str:
    """A hash of every byte of rule data the pipeline was built from (base and profiles)."""
    return pipeline.rules.fingerprint


def fingerprint(pipeline: Pipeline) -> str:
    """Everything besides a document that its analysis depends on: code, rules, model, libraries."""
    meta = pipeline.nlp.meta
    return digest(code_version(), rules_version(pipeline), f"{meta['lang']}_{meta['name']}", meta["version"], spacy.__version__, ox.__version__)


def analysis_key(fp: str, source: SourceText) -> str:
    return digest("analysis", fp, source.key, source.sha256)


TRACE_RECORDS = 4  # records of what stage 2 read kept per inputs' key (one per entity table seen lately)


def inputs_key(analysis: str, mentions: tuple) -> str:
    """Stage 2's inputs but the entity table: stage 1's key and the resolved mentions (dataclass
    reprs are exact and stable: field order, repr of str/int/float; unlike pickles)."""
    return digest("extraction-inputs", analysis, repr(mentions))


def extraction_key(inputs: str, reads: tuple) -> str:
    """A stage-2 result: its inputs and the answers the entity table gave to what it read."""
    return digest("extraction", inputs, repr(reads))


def reuse(cache: Cache, inputs: str, table: TableAnswers) -> tuple[str, tuple] | None:
    """The key and value of a cached stage-2 result whose reads this table answers the same way."""
    for reads in cache.get("trace", inputs) or ():
        if table.hold(reads):
            key = extraction_key(inputs, reads)
            value = cache.get("extraction", key)
            if value is not None:
                return key, value
    return None


def remember(cache: Cache, inputs: str, reads: tuple) -> None:
    """Put a record of reads first in the trace of its inputs (the trace is a hint: a record whose
    result is gone is a miss)."""
    records = [reads] + [r for r in cache.get("trace", inputs) or () if r != reads]
    cache.put("trace", inputs, records[:TRACE_RECORDS])


@dataclass
class Extracted:
    """The extraction of a corpus and, per document, the key of its stage-2 result."""

    corpus: CorpusExtraction
    keys: dict[str, str]
    analysed: int  # documents stage 1 ran on (not found in the cache)
    extracted: int  # documents stage 2 ran on


def batches(items: list, size: int = BATCH) -> Iterator[tuple[int, list]]:
    for start in range(0, len(items), size):
        yield start, items[start : start + size]


def run_stages(pipeline: Pipeline, sources: list[SourceText], cache: Cache, pool, progress: Callable[[int], None] | None = None) -> Extracted:
    fp = fingerprint(pipeline)
    analysis = {s.key: analysis_key(fp, s) for s in sources}

    # stage 1: mentions of every document; Docs go to the cache as they are made
    mentions: dict[str, list] = {}
    missing: list[SourceText] = []
    for source in sources:
        entry = cache.get("analysis", analysis[source.key])
        if entry is None:
            missing.append(source)
        else:
            mentions[source.key] = entry[1]
            if progress:
                progress(1)
    for start, results in pool.run("analyse", batches(missing)):
        for source, (doc, found) in zip(missing[start : start + BATCH], results):
            cache.put("analysis", analysis[source.key], (doc, found))
            mentions[source.key] = found
            if progress:
                progress(1)

    resolved_by_doc, entities = resolve_corpus(sources, mentions, pipeline.rules)
    del mentions

    # stage 2: where no cached result read the entity table as it is now, read the Doc back and extract
    results: dict[str, tuple[DocumentExtraction, ReadProblem | None]] = {}
    keys: dict[str, str] = {}
    todo: list[tuple[SourceText, str, tuple, dict]] = []
    table = TableAnswers(entities)
    for source in sources:
        resolved = tuple(resolved_by_doc.pop(source.key))
        inputs = inputs_key(analysis[source.key], resolved)
        found = reuse(cache, inputs, table)
        if found is None:
            todo.append((source, inputs, resolved, entities))
        else:
            keys[source.key] = found[0]
            results[source.key] = slim(found[1], source)

    def tasks() -> Iterator[tuple[int, list[DocumentTask]]]:
        for start, chunk in batches(todo):
            yield start, [DocumentTask(s, doc_bytes(cache, analysis[s.key]), m, e) for s, _, m, e in chunk]

    for start, done in pool.run("extract", tasks()):
        for (source, inputs, _, _), (extraction, problem, reads) in zip(todo[start : start + BATCH], done):
            keys[source.key] = key = extraction_key(inputs, reads)
            cache.put("extraction", key, (extraction, problem))
            remember(cache, inputs, reads)
            results[source.key] = slim((extraction, problem), source)
    corpus = finish_corpus([results.pop(s.key) for s in sources], entities)
    return Extracted(corpus, keys, len(missing), len(todo))


def doc_bytes(cache: Cache, key: str) -> bytes | None:
    entry = cache.get("analysis", key)
    return entry[0] if entry else None  # gone (the cache was cleared meanwhile): analysed again


def rebased(result: tuple[DocumentExtraction, ReadProblem | None], source: SourceText):
    """A stage-2 result (made for the same key and bytes, maybe under another path) with the
    source as read now: its path is the one found now (the path is for messages only, and not
    part of the key), and its text is the same object as the source's, not a copy."""
    extraction, problem = result
    if problem and problem.path != source.path:
        problem = dataclasses.replace(problem, path=source.path)
    return dataclasses.replace(extraction, source=source), problem


def slim(result: tuple[DocumentExtraction, ReadProblem | None], source: SourceText):
    """What the corpus-wide steps keep of a stage-2 result while the rest is made: the record,
    figures and claims without the mentions (half of it; the contradictions and the graph
    writer's indexes read records and claims only). A document graph that must be made reads
    the whole result back from the cache (`Graphs.full`)."""
    extraction, problem = rebased(result, source)
    return dataclasses.replace(extraction, mentions=()), problem


# -- the graph ----------------------------------------------------------------------------


class Graphs:
    """The N-Quads of each document's named graph (from the cache where the key matches) and
    of the corpus-wide graphs (made every time: entities, contradictions, provenance)."""

    def __init__(self, extracted: Extracted, iris: IriMinter, cache: Cache):
        self.extracted = extracted
        self.iris = iris
        self.cache = cache
        self.writer = GraphWriter(extracted.corpus, iris)
        self.made = 0  # document graphs not found in the cache

    def context(self, extraction: DocumentExtraction) -> tuple:
        """What a document's graph takes from other documents: a cited message that is itself a
        document of the corpus is that document's IRI (the writer's index of numbered messages)."""
        cited = sorted({c.identifier for c in extraction.record.citations if c.identifier})
        return tuple((identifier, str(self.writer.numbered.get(identifier))) for identifier in cited)

    def key(self, extraction: DocumentExtraction) -> str:
        source = extraction.source
        return digest("graph", self.extracted.keys[source.key], self.iris.base, source.path, repr(self.context(extraction)))

    def document_bytes(self, extraction: DocumentExtraction, key: str) -> bytes:
        """The N-Quads of a document's graph (`key`: `self.key(extraction)`), from the cache or made."""
        data = self.cache.get("graph", key)
        if data is None:
            data = ox.serialize(list(self.writer.document_quads(self.full(extraction))), format=ox.RdfFormat.N_QUADS)
            self.cache.put("graph", key, data)
            self.made += 1
        return data

    def full(self, extraction: DocumentExtraction) -> DocumentExtraction:
        cached = self.cache.get("extraction", self.extracted.keys[extraction.source.key])
        if cached is None:
            raise CacheLost(f"the cache {self.cache.root} lost what this build had put in it (removed meanwhile?): build again")
        return rebased(cached, extraction.source)[0]

    def corpus_quads(self) -> Iterator[ox.Quad]:
        yield from self.writer.entity_quads()
        for contradiction in self.extracted.corpus.contradictions:
            yield from self.writer.contradiction_quads(contradiction)
