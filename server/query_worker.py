"""Query workers: processes that run user queries where they can really be stopped.

pyoxigraph's Python API cannot interrupt a query, so every query that comes from outside
runs in a worker process holding its own read-only store. The server waits for the answer
up to the time limit; past it, the worker is killed (SIGKILL: a read-only RocksDB needs no
cleanup) and a fresh one takes its place. Other requests keep being answered by the other
workers meanwhile. Workers are started with 'spawn' (RocksDB and threads do not survive
fork), reopen their store when a new build is swapped in, and exit when the server does
(their pipe closes).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import weakref
from multiprocessing.connection import Connection

from archivekg.server.execution import Job, Outcome, apply_update, execute


ENTRY_POINT = (
    "import sys; from multiprocessing.connection import Connection; "
    "from archivekg.server.query_worker import serve; serve(Connection(int(sys.argv[1])))"
)


class QueryTimeout(Exception):
    """The query ran past the time limit and its worker was stopped."""


class WorkersBusy(Exception):
    """Every worker stayed busy for the whole time limit."""


class WorkerFailed(Exception):
    """A worker died while running the query (out of memory, or a crash in the store)."""


def serve(connection) -> None:
    """A worker's life: read jobs from the pipe, answer each, until the pipe closes."""
    import pyoxigraph as ox

    opened: tuple[str, ox.Store] | None = None
    while True:
        try:
            kind, payload = connection.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            if kind == "update":
                outcome = apply_update(*payload)
            else:
                job: Job = payload
                if opened is None or opened[0] != job.store_path:
                    opened = None  # release the old build before opening the new one
                    opened = (job.store_path, ox.Store.read_only(job.store_path))
                outcome = execute(opened[1], job)
        except Exception as err:  # the worker answers every job, whatever happens
            outcome = Outcome("error", message=f"the query could not be run: {type(err).__name__}: {err}")
        try:
            connection.send(outcome)
        except (OSError, ValueError):
            return


class Worker:
    """One worker process and the server's end of its socket.

    Started as a fresh `python -c` rather than with multiprocessing's 'spawn', which would
    re-run the server's main module (the CLI) in the child.
    """

    def __init__(self):
        ours, theirs = socket.socketpair()
        with theirs:
            self.process = subprocess.Popen(
                [sys.executable, "-c", ENTRY_POINT, str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
            )
        self.connection = Connection(ours.detach())

    def run(self, kind: str, payload, deadline: float) -> Outcome | None:
        """The outcome, or None if the deadline passed first (the caller must then kill)."""
        self.connection.send((kind, payload))
        if not self.connection.poll(max(0.0, deadline - time.monotonic())):
            return None
        return self.connection.recv()

    def kill(self) -> None:
        self.connection.close()
        self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL is not refused
            pass


class WorkerPool:
    """`idle` warm workers are kept ready beside the running ones; up to `limit` run at once,
    the rest wait their turn. The most recently used worker goes first (its store is warm)."""

    def __init__(self, idle: int = 2, limit: int = 4):
        self.idle_target = idle
        self.limit = limit
        self._idle: list[Worker] = []
        self._running = 0
        self._condition = threading.Condition()
        # end the idle workers when the pool is dropped (an app thrown away) or at exit
        self._finalizer = weakref.finalize(self, _end_all, self._idle)

    def warm(self) -> None:
        """Start the idle workers now (so the first query does not wait for Python to start)."""
        with self._condition:
            self._top_up()

    def _top_up(self) -> None:
        """Keep `idle` workers ready beside the running ones (within `limit`); call with the lock.
        Starting one only launches the interpreter: it imports while its first job waits."""
        while len(self._idle) < self.idle_target and len(self._idle) + self._running < self.limit:
            self._idle.insert(0, Worker())  # at the back of the line: warm workers go first

    def run(self, job: Job, timeout: float) -> Outcome:
        return self._run("query", job, timeout)

    def update(self, store_path: str, text: str, prefixes: dict[str, str], timeout: float) -> Outcome:
        return self._run("update", (store_path, text, prefixes), timeout)

    def _run(self, kind: str, payload, timeout: float) -> Outcome:
        deadline = time.monotonic() + timeout
        worker = self._acquire(deadline)
        try:
            outcome = worker.run(kind, payload, deadline)
        except (OSError, EOFError, ValueError) as err:
            self._discard(worker)
            raise WorkerFailed(str(err) or type(err).__name__) from None
        except BaseException:
            self._discard(worker)
            raise
        if outcome is None:
            self._discard(worker)
            raise QueryTimeout()
        self._release(worker)
        return outcome

    def _acquire(self, deadline: float) -> Worker:
        with self._condition:
            while not self._idle and self._running >= self.limit:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise WorkersBusy()
                self._condition.wait(remaining)
            self._running += 1
            if self._idle:
                worker = self._idle.pop()
                self._top_up()  # the next request finds a warm worker too
                return worker
        try:
            worker = Worker()
            with self._condition:
                self._top_up()
            return worker
        except Exception:
            with self._condition:
                self._running -= 1
                self._condition.notify()
            raise

    def _release(self, worker: Worker) -> None:
        with self._condition:
            self._running -= 1
            if len(self._idle) <= self.idle_target:
                self._idle.append(worker)  # next in line: it has the store open and warm
                worker = None
            self._condition.notify()
        if worker is not None:
            worker.kill()  # more than needed: end it

    def _discard(self, worker: Worker) -> None:
        """Kill a worker that overran or failed, and put a fresh one in its place."""
        worker.kill()
        with self._condition:
            self._running -= 1
            self._top_up()
            self._condition.notify()

    def close(self) -> None:
        with self._condition:
            _end_all(self._idle)


def _end_all(workers: list[Worker]) -> None:
    while workers:
        workers.pop().kill()
