"""The one object the views call to reach the data (datasette's `database.py`).

`Storage` is the interface; two kinds implement it, and say what they can do in
`capabilities` (views ask it, never the class):

- `EmbeddedStorage`: the build on this machine. Pages' own small queries run in-process
  (`query()`, answered as pyoxigraph results); queries from outside run in killable, sealed
  worker processes (`run_query`/`run_query_async`, `query_worker.py`) under the time, memory,
  row and byte limits. It can stream the whole dataset (`dump`) and, with an update token,
  apply SPARQL Update as a new build.
- `RemoteStorage` (`remote.py`): a SPARQL endpoint elsewhere (`serve --endpoint`).

Both count the dataset's statistics once per build (`statistics()`: VoID and the service
description read the same numbers). Store errors become `QueryError`s a view can show.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from flask import current_app

from archivekg import store as stores
from archivekg.extract.vocab import PREFIXES
from archivekg.server.execution import Job, Outcome, QueryError
from archivekg.server.worker_pool import WorkerPool, default_size
from archivekg.settings import Settings

__all__ = ["Capabilities", "EmbeddedStorage", "QueryError", "Storage", "get_storage"]

DUMP_BATCH = 20_000  # quads serialized at a time when streaming the dataset


@dataclass(frozen=True)
class Capabilities:
    embedded: bool  # the build is on this machine: dumps, Last-Modified, workers
    remote: bool  # answered by a SPARQL endpoint elsewhere
    writable: bool  # SPARQL Update is accepted (embedded, with an update token)


COUNTS = {
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "entities": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o FILTER(ISIRI(?s)) }",
    "distinctSubjects": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }",
    "distinctObjects": "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }",
    "properties": "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }",
    "classes": "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }",
}
CLASS_PARTITION = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(ISIRI(?c)) } GROUP BY ?c ORDER BY ?c"
GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


class Storage:
    """What every storage offers the views (see the module docstring)."""

    settings: Settings
    capabilities: Capabilities

    @classmethod
    def from_settings(cls, settings: Settings) -> "Storage":
        """The embedded store, or a remote SPARQL endpoint when `settings.endpoint` is set."""
        if settings.endpoint:
            from archivekg.server.remote import RemoteStorage

            return RemoteStorage.from_settings(settings)
        return EmbeddedStorage(settings.store, settings)

    @property
    def build_id(self) -> str:
        raise NotImplementedError

    @property
    def built_at(self) -> float | None:
        """When the served build was made (Last-Modified), if known."""
        return None

    def current_build(self) -> str | None:
        """The build served now, without waiting on anything (the front asks on every request);
        None when it is not known yet."""
        return self.build_id

    def query(self, text: str, **options):
        raise NotImplementedError

    def prefixes(self) -> dict[str, str]:
        return dict(PREFIXES)

    def job(self, text: str, store_path: str = "", **options) -> Job:
        """A query from outside, with this server's limits (`options` are `Job` fields)."""
        settings = self.settings
        return Job("query", store_path, max_rows=settings.max_rows, max_bytes=settings.max_answer_bytes,
                   allowlist=tuple(settings.service_allowlist), text=text, **options)

    def run_query(self, job: Job) -> Outcome:
        """Answer a query from outside (from a thread)."""
        raise NotImplementedError

    async def run_query_async(self, job: Job) -> Outcome:
        """Answer a query from outside (on the event loop)."""
        raise NotImplementedError

    def apply_update(self, text: str) -> Outcome:
        raise QueryError("updates are not accepted here")

    def dump(self, fmt: ox.RdfFormat) -> Iterator[bytes]:
        raise QueryError("this storage cannot give the whole dataset")

    def statistics(self) -> dict:
        """Counts over the whole dataset, once per build (VoID and the service description)."""
        key = self.build_id
        cached = getattr(self, "_statistics", None)
        if cached is not None and cached[0] == key:
            return cached[1]

        def rows(query: str) -> list[tuple[ox.NamedNode, int]]:
            return [(row[0], int(row[1].value)) for row in self.query(query)]

        stats: dict = {name: int(next(iter(self.query(query)))["n"].value) for name, query in COUNTS.items()}
        stats["classPartition"], stats["graphs"] = rows(CLASS_PARTITION), rows(GRAPH_SIZES)
        self._statistics = (key, stats)
        return stats

    def start(self) -> None:
        """Get ready to answer (start worker processes); called on a served app's first request."""

    def close(self) -> None:
        """Stop whatever `start` started."""


class EmbeddedStorage(Storage):
    def __init__(self, path: Path, settings: Settings):
        self.path, self.settings = Path(path), settings
        self.capabilities = Capabilities(embedded=True, remote=False, writable=bool(settings.update_token))
        self._lock = threading.Lock()
        self._store = stores.open_read_only(self.path)
        self._build = stores.current_build_id(self.path)
        self._build_path = str(self.path.resolve())
        self._built_at: tuple[str, float | None] | None = None  # (build, its folder's mtime)
        self._pools: dict[bool, WorkerPool] = {}
        self._update_lock = threading.Lock()
        self._started = False

    @property
    def build_id(self) -> str:
        """The build being served: checked against the disk, so an ETag never names an old build."""
        self.store()
        return self._build

    @property
    def built_at(self) -> float | None:
        """When the served build was made (its folder's mtime), read once per build."""
        self.store()
        build, path = self._build, self._build_path
        if self._built_at is None or self._built_at[0] != build:
            try:
                mtime = os.stat(path).st_mtime
            except OSError:
                mtime = None
            self._built_at = (build, mtime)
        return self._built_at[1]

    def current_build(self) -> str:
        return stores.current_build_id(self.path)  # one readlink

    def store(self) -> ox.Store:
        """The current store, reopened if a new build has been swapped in since."""
        build = stores.current_build_id(self.path)
        if build != self._build:
            with self._lock:
                if build != self._build:
                    self._store = stores.open_read_only(self.path)
                    self._build, self._build_path = build, str(self.path.resolve())
        return self._store

    def query(self, text: str, **options):
        options.setdefault("use_default_graph_as_union", True)
        try:
            return self.store().query(text, **options)
        except SyntaxError as err:
            raise QueryError(str(err)) from None
        except OSError as err:
            raise QueryError(f"the query could not be evaluated: {err}") from None

    def pool(self, networked: bool = False) -> WorkerPool:
        """The sealed workers (or, `networked`, the few for proved federated queries), made on
        first use: tests and pages that never query pay nothing."""
        pool = self._pools.get(networked)
        if pool is None:
            with self._lock:
                pool = self._pools.get(networked)
                if pool is None:
                    size = 2 if networked else (self.settings.query_workers or default_size())
                    pool = self._pools[networked] = WorkerPool(
                        size, networked=networked, memory_bytes=self.settings.worker_memory_mb * 2**20, spares=0 if networked else 1,
                        max_wait=min(self.settings.timeout / 2, 10.0))  # waiting longer helps no one: retry later
        return pool

    def start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self.pool().warm, name="archivekg-start-workers", daemon=True).start()

    def job(self, text: str, **options) -> Job:
        """For the build `build_id` last named (the planning asks it just before: see `planning.plan`)."""
        return super().job(text, self._build_path, **options)

    def run_query(self, job: Job) -> Outcome:
        outcome = self.pool().run(job, self.settings.timeout)
        if outcome.status == "network":
            outcome = self.pool(networked=True).run(job, self.settings.timeout)
        return outcome

    async def run_query_async(self, job: Job) -> Outcome:
        outcome = await self.pool().run_async(job, self.settings.timeout)
        if outcome.status == "network":
            outcome = await self.pool(networked=True).run_async(job, self.settings.timeout)
        return outcome

    def apply_update(self, text: str) -> Outcome:
        """Apply a SPARQL Update as a new build: copy the current one, update the copy in a
        sealed worker (under the time limit), swap it in. Readers never see a half-applied
        update; a failed or overlong update leaves the store as it was. One at a time."""
        with self._update_lock:
            current = self.path.resolve()
            target = stores.builds_dir(self.path) / f"{time.strftime('%Y%m%dT%H%M%S')}-update-{time.monotonic_ns()}-{os.getpid()}"
            shutil.copytree(current, target)
            try:
                outcome = self.pool().run(Job("update", str(target), text=text), self.settings.timeout)
            except BaseException:
                shutil.rmtree(target, ignore_errors=True)
                raise
            if outcome.status != "ok":
                shutil.rmtree(target, ignore_errors=True)
                return outcome
            stores.swap_in(self.path, target)
            self.store()
            return outcome

    def dump(self, fmt: ox.RdfFormat) -> Iterator[bytes]:
        """The whole dataset, a batch of quads at a time (memory stays bounded whatever its size)."""
        store = self.store()
        batch: list[ox.Quad] = []
        for quad in store.quads_for_pattern(None, None, None, None):
            batch.append(quad)
            if len(batch) == DUMP_BATCH:
                yield ox.serialize(batch, format=fmt)
                batch = []
        if batch:
            yield ox.serialize(batch, format=fmt)

    def close(self) -> None:
        """Stop the query workers (they also stop by themselves when the server exits)."""
        for pool in self._pools.values():
            pool.close()


def get_storage() -> Storage:
    return current_app.extensions["archivekg.storage"]
