"""The one object the views call to reach the data (datasette's `database.py`).

Two ways in:

- `Storage.query()`: the pages' own small queries, run in-process and answered as
  pyoxigraph results objects (fast, no time limit: the pages write these queries).
- `Storage.run_user_query()`: queries from outside (/sparql), run in a killable worker
  process (`query_worker.py`) under the time limit and the row cap, answered as bytes.

It holds the store (reopened when a new build is swapped in), the limits, and turns every
store error into a `QueryError` a view can show. Views never touch pyoxigraph stores.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from flask import current_app

from archivekg import store as stores
from archivekg.extract.vocab import PREFIXES
from archivekg.server.execution import Job, Outcome
from archivekg.server.query_worker import WorkerPool
from archivekg.settings import Settings


class QueryError(ValueError):
    """A query the store refused (syntax, or an evaluation error); the message says why."""


@dataclass
class Storage:
    path: Path
    settings: Settings

    def __post_init__(self):
        self._lock = threading.Lock()
        self._store = stores.open_read_only(self.path)
        self._build = stores.current_build_id(self.path)
        self._build_path = str(self.path.resolve())
        self._built_at: tuple[str, float | None] | None = None  # (build, its folder's mtime)
        self._workers: WorkerPool | None = None
        self._update_lock = threading.Lock()
        self._warming = False

    @classmethod
    def from_settings(cls, settings: Settings) -> "Storage":
        return cls(settings.store, settings)

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

    def prefixes(self) -> dict[str, str]:
        return dict(PREFIXES)

    @property
    def workers(self) -> WorkerPool:
        """The query workers, started on first use (tests and pages that never query pay nothing)."""
        if self._workers is None:
            with self._lock:
                if self._workers is None:
                    self._workers = WorkerPool(idle=2, limit=4)
        return self._workers

    def start_workers(self) -> None:
        """Start the query workers in the background, once (a served app does on its first request)."""
        with self._lock:
            if self._warming:
                return
            self._warming = True
        threading.Thread(target=self.workers.warm, name="archivekg-start-workers", daemon=True).start()

    def run_user_query(self, text: str, **options) -> Outcome:
        """Run a query from outside in a worker under `settings.timeout` and `settings.max_rows`.

        `options` are `Job` fields (formats, dataset). Raises `query_worker.QueryTimeout`,
        `WorkersBusy` or `WorkerFailed`; every other failure is in the `Outcome`.
        """
        self.store()  # reopen here too, so pages and workers see the same build
        options.setdefault("max_rows", self.settings.max_rows)
        job = Job(text, self._build_path, prefixes=dict(PREFIXES), **options)
        return self.workers.run(job, self.settings.timeout)

    def apply_update(self, text: str) -> Outcome:
        """Apply a SPARQL Update as a new build: copy the current one, update the copy in a
        worker (under the time limit), swap it in. Readers never see a half-applied update;
        a failed or overlong update leaves the store as it was. One update at a time."""
        with self._update_lock:
            current = self.path.resolve()
            target = stores.builds_dir(self.path) / f"{time.strftime('%Y%m%dT%H%M%S')}-update-{time.monotonic_ns()}-{os.getpid()}"
            shutil.copytree(current, target)
            try:
                outcome = self.workers.update(str(target), text, dict(PREFIXES), self.settings.timeout)
            except BaseException:
                shutil.rmtree(target, ignore_errors=True)
                raise
            if outcome.status != "ok":
                shutil.rmtree(target, ignore_errors=True)
                return outcome
            stores.swap_in(self.path, target)
            self.store()
            return outcome

    def close(self) -> None:
        """Stop the query workers (they also stop by themselves when the server exits)."""
        if self._workers is not None:
            self._workers.close()


def get_storage() -> Storage:
    return current_app.extensions["archivekg.storage"]
