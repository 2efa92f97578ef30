"""The build step: read the sources, run the pipeline, write a new store, swap it in.

The only place that writes a store. A build that fails at any point (a crash, a kill, a
validation error) never touches the store that is being served. What the per-document stages
make is kept in the cache (`archivekg.incremental`), so a build after a few documents
changed redoes those only, and the store is written from it in a stream, never from a
corpus of quads in memory.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from archivekg import store as stores
from archivekg import writing
from archivekg.cache import Cache, TemporaryCache
from archivekg.cache import default_location as default_cache_location
from archivekg.extract.rules import load_ruleset
from archivekg.extract.iris import IriMinter
from archivekg.extract.model import ReadProblem, SourceText
from archivekg.extract.nlp import build_pipeline
from archivekg.extract.parallel import InProcess, LocalPool
from archivekg.extract.pipeline import Pipeline, auto_workers
from archivekg.extract.read import read_sources
from archivekg.incremental import Extracted, Graphs, run_stages
from archivekg.settings import Settings

PROGRESS_FROM = 10  # documents: fewer than this, no progress bar


@dataclass(frozen=True)
class BuildReport:
    store: Path
    documents: int
    entities: int
    quads: int
    problems: tuple[ReadProblem, ...]
    analysed: int = 0  # documents spaCy ran on (the others' analyses came from the cache)
    extracted: int = 0  # documents whose per-document stages ran (the others' came from the cache)
    graphs_made: int = 0  # document graphs written anew


class BuildError(RuntimeError):
    """The build could not produce a store; the previous store is untouched."""


def ontology_path() -> Path:
    return Path(str(resources.files("archivekg.ontology") / "archivekg.ttl"))


def load_pipeline(settings: Settings) -> Pipeline:
    """The spaCy pipeline and every rule file, read and checked once (a malformed rule file
    stops the build with its name before any document is read)."""
    rules = load_ruleset(settings.profiles)
    rules.warm()  # before any worker is forked: they share the indexes
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


def open_cache(settings: Settings) -> Cache:
    """The cache the settings name, or with `--no-cache` a temporary one beside the builds
    (the build still streams its Docs through it; nothing of it is kept)."""
    if not settings.cache:
        return TemporaryCache(stores.builds_dir(settings.store))
    return Cache(settings.cache_dir or default_cache_location(settings.store))


def open_pool(settings: Settings, pipeline: Pipeline, documents: int):
    """Where the per-document stages run: a Dask cluster, worker processes, or this process."""
    if settings.cluster:
        from archivekg.cluster import DaskPool

        return DaskPool(settings.cluster, settings, pipeline)
    workers = settings.workers or auto_workers(documents)
    return LocalPool(pipeline, min(workers, documents)) if workers > 1 and documents > 1 else InProcess(pipeline)


def extract(settings: Settings, sources: list[SourceText], pipeline: Pipeline, cache: Cache) -> Extracted:
    pool = open_pool(settings, pipeline, len(sources))
    try:
        return run_stages(pipeline, sources, cache, pool, progress_bar(len(sources)))
    finally:
        pool.close()


def build(settings: Settings, paths: list[Path], pipeline: Pipeline | None = None, out: Path | None = None) -> BuildReport:
    sources, problems = read_sources(paths)
    if not sources:
        raise BuildError("no readable .txt document in " + ", ".join(map(str, paths)) + ": nothing was built")
    pipeline = pipeline or load_pipeline(settings)
    cache = open_cache(settings)
    try:
        extracted = extract(settings, sources, pipeline, cache)
        graphs = Graphs(extracted, IriMinter(settings.base_iri), cache)
        previous = writing.previous_build(settings.store) if settings.cache else None
        target = stores.new_build_dir(settings.store)
        try:
            store = writing.write_store(target, graphs, pipeline.nlp.meta, ontology_path(), previous, out)
            if settings.validate:
                from archivekg.validate import check_store

                check_store(store, sample=settings.validate_sample)
            store.flush()
            statements = len(store)
            del store
        except BaseException:
            writing.discard(target)
            raise
    finally:
        if isinstance(cache, TemporaryCache):
            cache.close()
    stores.swap_in(settings.store, target)
    corpus = extracted.corpus
    return BuildReport(
        settings.store, len(corpus.documents), len(corpus.entities), statements, tuple(problems) + corpus.problems,
        extracted.analysed, extracted.extracted, graphs.made,
    )
