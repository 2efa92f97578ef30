"""The per-document stages on a Dask cluster: `archivekg build --cluster tcp://HOST:8786`.

The build (the Dask client) keeps everything corpus-wide: it reads the files, keeps the cache,
resolves entities, finds contradictions and writes the store. The cluster's workers run the two
per-document stages on batches they are sent (texts; then Docs as bytes with their resolved
mentions) and send the results back. Each worker process loads the pipeline once, on its first
batch (with the build's rule profiles, by name: a profile folder must be at the same path on
every machine), and refuses to work if its code, rules or model differ from the build's (the
results would not be the ones the cache keys promise). Every machine needs the same archivekg and model
installed: `pip install 'archivekg[cluster]'`, then `dask scheduler` on one machine and
`dask worker tcp://SCHEDULER:8786 --nthreads 1` on each (spaCy uses one core per process; give
`--nworkers` one per core).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from archivekg.build import BuildError
from archivekg.extract.parallel import WorkerError
from archivekg.incremental import fingerprint
from archivekg.settings import Settings

IN_FLIGHT = 2  # batches per worker thread submitted at once: one being made, one waiting
CONNECT_TIMEOUT_S = 20
WORKERS_TIMEOUT_S = 60  # how long a build waits for the cluster to have a worker

_loaded: dict[tuple, tuple[Any, str]] = {}  # on a worker: (model, profiles) -> (pipeline, its fingerprint)


def run_stage(stage: str, model: str, profiles: tuple[str, ...], expected: str, batch: list) -> list:
    """What a cluster worker runs: one batch of one stage, with the pipeline it loaded once."""
    from archivekg.build import load_pipeline
    from archivekg.extract.pipeline import STAGES

    if (model, profiles) not in _loaded:
        pipeline = load_pipeline(Settings(model=model, profiles=profiles))
        _loaded[model, profiles] = (pipeline, fingerprint(pipeline))
    pipeline, found = _loaded[model, profiles]
    if found != expected:
        raise RuntimeError(
            "this Dask worker's archivekg (code, rule data or model) differs from the build's: "
            "install the same version on every machine of the cluster"
        )
    return STAGES[stage](pipeline, batch)


class DaskPool:
    """Batches submitted to a Dask scheduler, a few per worker thread in flight at once."""

    def __init__(self, address: str, settings: Settings, pipeline):
        try:
            from distributed import Client
        except ImportError:
            raise BuildError("--cluster needs Dask: run `pip install 'archivekg[cluster]'` (dask and distributed)") from None
        try:
            self.client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as err:
            raise BuildError(
                f"no Dask scheduler answers at {address} ({err}): start one with `dask scheduler` "
                "and workers with `dask worker ADDRESS`, or build without --cluster"
            ) from None
        try:
            self.client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
        except TimeoutError:
            self.client.close()
            raise BuildError(f"the Dask scheduler at {address} has no worker: start some with `dask worker {address}`") from None
        self.model, self.profiles = settings.model, tuple(settings.profiles)
        self.fingerprint = fingerprint(pipeline)

    def threads(self) -> int:
        return max(1, sum(w.get("nthreads", 1) for w in self.client.scheduler_info(n_workers=-1)["workers"].values()))

    def run(self, stage: str, batches: Iterable[tuple[Any, list]]) -> Iterator[tuple[Any, list]]:
        from distributed import as_completed

        batches = iter(batches)
        tags: dict[str, Any] = {}
        pending = as_completed(loop=self.client.loop)

        def submit_next() -> None:
            for tag, batch in batches:
                future = self.client.submit(run_stage, stage, self.model, self.profiles, self.fingerprint, batch, pure=False)
                tags[future.key] = tag
                pending.add(future)
                return

        for _ in range(IN_FLIGHT * self.threads()):
            submit_next()
        for future in pending:
            try:
                result = future.result()
            except Exception as err:  # noqa: BLE001 - what a worker raised, said with its type
                raise WorkerError(f"a Dask worker failed: {type(err).__name__}: {err}") from None
            tag = tags.pop(future.key)
            future.release()
            submit_next()
            yield tag, result

    def close(self) -> None:
        self.client.close()
