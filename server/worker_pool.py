"""The pool of query workers (`query_worker.Worker`): who runs which query, and the limits
that are kept between queries rather than inside one.

- `size` workers are kept ready (`--query-workers`); each runs one query at a time; a request
  takes an idle worker or waits its turn, first come first served, from the event loop
  (`run_async`) or a thread (`run`) alike. Warm workers go first; a fresh one (after a kill)
  goes to the back of the line while Python starts in it.
- time: a query past `timeout` has its worker killed (`QueryTimeout`);
- a reserve: at most `size - reserve` queries may run longer than `LONG_SECONDS` at once; one
  past that mark with the long lane full is stopped (`LongLaneFull`), so small queries always
  find a worker;
- waiting is bounded: at most `max_waiting` requests wait, each at most `max_wait` seconds
  (`WorkersBusy`: the query never ran, and is told so).
"""

from __future__ import annotations

import asyncio
import os
import threading
import weakref
from collections import deque

from archivekg.server.execution import Job, Outcome
from archivekg.server.query_worker import LONG_SECONDS, START_SECONDS, LongLaneFull, QueryTimeout, Worker, WorkerFailed, WorkersBusy


class WorkerPool:
    """`size` workers kept ready, and `spares` started ahead that take a killed worker's place at
    once; a request takes an idle worker or waits its turn (FIFO, from Flask threads and the
    event loop alike). The most recently used worker goes first."""

    def __init__(self, size: int = 4, networked: bool = False, memory_bytes: int = 0, reserve: int = 1,
                 max_waiting: int = 256, max_wait: float = 10.0, spares: int = 0):
        self.size, self.networked, self.memory_bytes = max(1, size), networked, memory_bytes
        self.spares_target = spares
        self._spares: list[Worker] = []  # ready, not counted in `size` until one replaces a dead worker
        self.long_limit = max(1, self.size - reserve)
        self.max_waiting, self.max_wait = max_waiting, max_wait
        self._idle: list[Worker] = []
        self._count = 0  # workers alive (starting, idle or running)
        self._starting = 0
        self._ready_once = False  # a worker of this pool has started (until then, requests wait for it)
        self._long: set[Worker] = set()
        self._waiters: deque = deque()
        self._lock = threading.Lock()
        self._workers: list[Worker] = []
        self._loop: asyncio.AbstractEventLoop | None = None  # once used from an event loop, always from it
        self._finalizer = weakref.finalize(self, _end_all, self._workers)

    def warm(self) -> None:
        """Start every worker now (so the first queries do not wait for Python to start)."""
        with self._lock:
            while self._count < self.size:
                self._spawn()
            self._top_up_spares()

    def _top_up_spares(self) -> None:  # call with the lock held
        while len(self._spares) + sum(w.spare for w in self._workers if not w.used and w not in self._spares) < self.spares_target:
            self._spawn(spare=True)

    def _spawn(self, spare: bool = False) -> None:  # call with the lock held
        """Start a worker; it joins the pool once it says it is ready (a thread waits for that),
        so no query waits for Python to start while a warm worker could take it."""
        worker = Worker(self.networked, self.memory_bytes)
        worker.spare = spare
        self._workers.append(worker)
        self._count += 0 if spare else 1
        self._starting += 1
        threading.Thread(target=self._started, args=(worker,), name="archivekg-worker-start", daemon=True).start()

    def _started(self, worker: Worker) -> None:
        ready = worker.wait_ready()
        with self._lock:
            self._starting -= 1
            self._ready_once = self._ready_once or ready
            if ready and worker.spare:
                if not self._waiters:
                    self._spares.append(worker)
                    return
                worker.spare, self._count = False, self._count + 1  # wanted now: it works, a later one will be the spare
            elif ready and self._count > self.size:  # a spare took this one's place meanwhile: it is the spare now
                worker.spare, self._count = True, self._count - 1
                self._spares.append(worker)
                return
        if ready:
            self._give_back(worker)
            return
        worker.close()  # it could not start: the next request tries again (no loop of restarts)
        with self._lock:
            self._count -= 0 if worker.spare else 1
            if worker in self._workers:
                self._workers.remove(worker)

    def _wait_limit(self) -> float:
        """How long a request waits for a worker: longer until the first one has started."""
        return self.max_wait if self._ready_once else START_SECONDS

    def _take(self) -> Worker | None:  # call with the lock held
        if self._idle:
            return self._idle.pop()
        if self._count < self.size:
            self._spawn()
        return None

    def _give_back(self, worker: Worker | None) -> None:
        """Hand a worker to the first waiter, or keep it idle; for a dead one (`None`), start
        another in its place."""
        with self._lock:
            if worker is None:
                self._count -= 1
                if not self._spares:
                    if self._count < self.size:
                        self._spawn()
                    return
                worker = self._spares.pop()  # ready: it takes the dead one's place now
                worker.spare = False
                self._count += 1
                self._top_up_spares()
            while self._waiters:
                if self._waiters.popleft()(worker):
                    return
            self._idle.append(worker)

    def _retire(self, worker: Worker) -> None:
        worker.close()
        with self._lock:
            if worker in self._workers:
                self._workers.remove(worker)
        self._give_back(None)

    # -- from the event loop ---------------------------------------------------------------
    async def run_async(self, job: Job, timeout: float) -> Outcome:
        loop = self._loop = asyncio.get_running_loop()
        with self._lock:
            worker = self._take()
            if worker is None:
                if len(self._waiters) >= self.max_waiting:
                    raise WorkersBusy()
                future = loop.create_future()

                def deliver(w: Worker) -> bool:
                    if future.done():
                        return False
                    loop.call_soon_threadsafe(_settle, future, w, self)
                    return True

                self._waiters.append(deliver)
        if worker is None:
            try:
                worker = await asyncio.wait_for(future, self._wait_limit())
            except asyncio.TimeoutError:
                raise WorkersBusy() from None
        kill = loop.call_later(timeout, worker.stop, "timeout")
        long = loop.call_later(min(LONG_SECONDS, timeout), self._gone_long, worker)
        try:
            outcome = await worker.call(job.frame())
        except (OSError, EOFError) as err:
            self._failed(worker, err)
        finally:
            kill.cancel()
            long.cancel()
            self._long.discard(worker)
        self._give_back(worker)
        return outcome

    def _gone_long(self, worker: Worker) -> None:
        if len(self._long) >= self.long_limit:
            worker.stop("long")
        else:
            self._long.add(worker)

    # -- from a thread ---------------------------------------------------------------------
    def run(self, job: Job, timeout: float) -> Outcome:
        if self._loop is not None:  # the workers' sockets belong to the front's event loop now
            return asyncio.run_coroutine_threadsafe(self.run_async(job, timeout), self._loop).result()
        with self._lock:
            worker = self._take()
            if worker is None:
                if len(self._waiters) >= self.max_waiting:
                    raise WorkersBusy()
                handed: list[Worker] = []
                ready = threading.Event()

                def deliver(w: Worker) -> bool:
                    if ready.is_set():
                        return False
                    handed.append(w)
                    ready.set()
                    return True

                self._waiters.append(deliver)
        if worker is None:
            if not ready.wait(self._wait_limit()):
                with self._lock:
                    ready.set()  # a worker handed over from now on goes to the next waiter
                    if not handed:
                        raise WorkersBusy()
            worker = handed[0]
        try:
            outcome = worker.call_blocking(job.frame(), timeout)
        except (OSError, EOFError) as err:
            self._failed(worker, err)
        self._give_back(worker)
        return outcome

    def _failed(self, worker: Worker, err: Exception):
        """A worker that did not answer: retire it (a fresh one takes its place) and say why."""
        reason = worker.stopped_for
        memory = reason is None and worker.died_of_memory()
        self._retire(worker)
        if reason == "timeout":
            raise QueryTimeout()
        if reason == "long":
            raise LongLaneFull()
        raise WorkerFailed("it ran out of memory" if memory else (str(err) or type(err).__name__), memory=memory)

    def close(self) -> None:
        """Stop every worker (a later query starts fresh ones)."""
        with self._lock:
            _end_all(self._workers)
            self._idle.clear()
            self._spares.clear()
            self._long.clear()
            self._count = self._starting = 0
            self._ready_once = False
            self._loop = None


def _settle(future: asyncio.Future, worker: Worker, pool: WorkerPool) -> None:
    if future.done():  # timed out meanwhile: the worker goes to the next in line
        pool._give_back(worker)
    else:
        future.set_result(worker)


def _end_all(workers: list[Worker]) -> None:
    while workers:
        workers.pop().close()


def default_size() -> int:
    """Workers for `size=0`: one more than the cores (one can wait on I/O), 2 to 8."""
    return max(2, min(8, (os.cpu_count() or 1) + 1))
