"""The build step: read the sources, run the pipeline, write a new store, swap it in.

The only place that writes a store. A build that fails at any point (a crash, a kill, a
validation error) never touches the store that is being served.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

import archivekg
from archivekg import store as stores
from archivekg.extract.rules import load_ruleset
from archivekg.extract.graph import corpus_quads, provenance_quads
from archivekg.extract.iris import IriMinter
from archivekg.extract.model import CorpusExtraction, ReadProblem
from archivekg.extract.nlp import build_pipeline
from archivekg.extract.pipeline import Pipeline, extract_corpus
from archivekg.extract.read import read_sources
from archivekg.extract.vocab import ONTOLOGY_GRAPH
from archivekg.settings import Settings

PROGRESS_FROM = 10  # documents: fewer than this, no progress bar


@dataclass(frozen=True)
class BuildReport:
    store: Path
    documents: int
    entities: int
    quads: int
    problems: tuple[ReadProblem, ...]


class BuildError(RuntimeError):
    """The build could not produce a store; the previous store is untouched."""


def ontology_path() -> Path:
    return Path(str(resources.files("archivekg.ontology") / "archivekg.ttl"))


def load_pipeline(settings: Settings) -> Pipeline:
    """The spaCy pipeline and every rule file, read and checked once (a malformed rule file
    stops the build with its name before any document is read)."""
    rules = load_ruleset(settings.profiles)
    return Pipeline(build_pipeline(settings.model, rules), rules)


def progress_bar(total: int, stream=sys.stderr) -> Callable[[int], None] | None:
    if total < PROGRESS_FROM:
        return None
    done, shown = 0, -1

    def advance(n: int) -> None:
        nonlocal done, shown
        done += n
        percent = 100 * done // total
        if percent == shown and done < total:
            return  # redraw once per percent, not once per document
        shown = percent
        filled = int(30 * done / total)
        stream.write(f"\rextracting [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return advance


def extract(settings: Settings, paths: list[Path], pipeline: Pipeline | None = None) -> tuple[CorpusExtraction, list[ox.Quad]]:
    sources, problems = read_sources(paths)
    pipeline = pipeline or load_pipeline(settings)
    corpus = extract_corpus(pipeline, sources, settings.workers, progress_bar(len(sources)))
    corpus = CorpusExtraction(corpus.documents, corpus.entities, corpus.contradictions, tuple(problems) + corpus.problems)
    iris = IriMinter(settings.base_iri)
    meta = pipeline.nlp.meta
    quads = list(corpus_quads(corpus, iris))
    quads.extend(provenance_quads(iris, corpus, archivekg.__version__, f"{meta['lang']}_{meta['name']}", meta["version"]))
    return corpus, quads


def write_per_document(quads: list[ox.Quad], out: Path) -> None:
    """One N-Quads file per named graph (each document, the corpus, the build) under `out`."""
    out.mkdir(parents=True, exist_ok=True)
    by_graph: dict[str, list[ox.Quad]] = {}
    for quad in quads:
        by_graph.setdefault(quad.graph_name.value, []).append(quad)
    for graph, graph_quads in by_graph.items():
        kind, _, name = graph.split("/graph/", 1)[-1].rpartition("/")
        # a document's graph is KEY.nq; the corpus graphs _entities.nq, _build.nq (a slug never starts with _)
        (out / (f"{name}.nq" if kind == "document" else f"_{name}.nq")).write_bytes(ox.serialize(graph_quads, format=ox.RdfFormat.N_QUADS))


def build(settings: Settings, paths: list[Path], pipeline: Pipeline | None = None, out: Path | None = None) -> BuildReport:
    corpus, quads = extract(settings, paths, pipeline)
    if not corpus.documents:
        raise BuildError("no readable .txt document in " + ", ".join(map(str, paths)) + ": nothing was built")
    if out is not None:
        write_per_document(quads, out)
    target = stores.new_build_dir(settings.store)
    try:
        store = ox.Store(str(target))
        store.bulk_extend(quads)
        store.bulk_load(path=str(ontology_path()), format=ox.RdfFormat.TURTLE, to_graph=ONTOLOGY_GRAPH)
        if settings.validate:
            from archivekg.validate import check_store

            check_store(store, sample=settings.validate_sample)
        store.flush()
        statements = len(store)
        del store
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    stores.swap_in(settings.store, target)
    return BuildReport(settings.store, len(corpus.documents), len(corpus.entities), statements, corpus.problems)
