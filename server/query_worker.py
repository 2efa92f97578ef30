"""Query workers: processes that run user queries where they can really be stopped.

pyoxigraph's Python API cannot interrupt a query, so every query that comes from outside runs
in a worker process holding its own read-only store. Each worker runs one query at a time;
several run at once. Limits, all enforced from outside the query:

- time: past `timeout` the worker is killed (SIGKILL: a read-only RocksDB needs no cleanup)
  and a fresh one takes its place;
- memory: a worker's data segment is capped (RLIMIT_DATA, `memory_bytes`); a query that needs
  more makes the worker abort, and the client is told so;
- network: workers are sealed off the network (`sandbox.py`); only the separate pool for
  federated queries, which the check proved safe, may connect;
- a reserve: at most `size - reserve` queries may run longer than `LONG_SECONDS` at once, so
  small queries always find a worker; a query past that mark with the long lane full is stopped
  and told the server is busy. Waiting for a worker is bounded too (`max_waiting` requests,
  `max_wait` seconds), and a query that never ran is told so, not that it ran too long.

The pool (`worker_pool.py`) decides which worker runs what. The server talks to a worker over a socket pair with `execution.Job`/`Outcome` frames; the
front awaits the answer on its event loop (`run_async`), Flask threads block (`run`). Workers
are fresh `python -c` processes (not forks: RocksDB and threads do not survive fork), reopen
their store when a new build is swapped in, and exit when the server does (their socket closes).
"""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys

from archivekg.server.execution import FRAME, Job, Outcome

ENTRY_POINT = "import sys; from archivekg.server.query_worker import serve; serve(int(sys.argv[1]), sys.argv[2] == 'net', int(sys.argv[3]))"
LONG_SECONDS = 1.0
READY = b"R"  # the first byte a worker sends, once Python has started and imported what it needs
START_SECONDS = 60.0  # a worker not ready by then is given up


class QueryTimeout(Exception):
    """The query ran past the time limit and its worker was stopped."""


class WorkersBusy(Exception):
    """No worker could take the query in time; it never ran."""


class LongLaneFull(Exception):
    """The query ran past LONG_SECONDS while the other workers were busy with long queries."""


class WorkerFailed(Exception):
    """A worker died while running the query; `memory` says whether it ran out of memory."""

    def __init__(self, message: str, memory: bool = False):
        super().__init__(message)
        self.memory = memory


def serve(fd: int, networked: bool, memory_bytes: int) -> None:
    """A worker's life: read jobs from the socket, answer each, until it closes."""
    import resource

    from archivekg.server.sandbox import seal_network

    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_DATA, (memory_bytes, memory_bytes))
    if not networked:
        seal_network()
    connection = socket.socket(fileno=fd)
    import pyoxigraph as ox

    from archivekg.server.execution import answer, apply_update
    from archivekg.server.query_text import preload

    preload()  # the second reader of SERVICE checks, built now: not on some query's time
    connection.sendall(READY)  # imported: the pool may give this worker jobs now
    opened: tuple[str, ox.Store] | None = None
    while True:
        try:
            header, body = _read_frame(connection)
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            job = Job.unframe(header, body)
            if job.kind == "update":
                outcome = apply_update(job)
            else:
                if opened is None or opened[0] != job.store_path:
                    opened = None  # release the old build before opening the new one
                    opened = (job.store_path, ox.Store.read_only(job.store_path))
                outcome = answer(opened[1], job, networked)
        except Exception as err:  # the worker answers every job, whatever happens
            outcome = Outcome("error", message=f"the query could not be run: {type(err).__name__}: {str(err)[:300]}")
        try:
            connection.sendall(outcome.frame())
        except OSError:
            return


def _read_frame(connection: socket.socket) -> tuple[bytes, bytes]:
    data = connection.recv(65536)  # a job usually comes whole in one read
    if len(data) < FRAME.size:
        if not data:
            raise EOFError()
        data += _read_exactly(connection, FRAME.size - len(data))
    header_size, body_size = FRAME.unpack_from(data)
    end = FRAME.size + header_size + body_size
    if len(data) < end:
        data += _read_exactly(connection, end - len(data))
    return data[FRAME.size : FRAME.size + header_size], data[FRAME.size + header_size : end]


def _read_exactly(connection: socket.socket, size: int) -> bytes:
    buffer = bytearray(size)
    view, got = memoryview(buffer), 0
    while got < size:
        n = connection.recv_into(view[got:])
        if not n:
            raise EOFError()
        got += n
    return bytes(buffer)


class Worker:
    """One worker process and the server's end of its socket (non-blocking)."""

    def __init__(self, networked: bool, memory_bytes: int):
        ours, theirs = socket.socketpair()
        with theirs:
            self.process = subprocess.Popen(
                [sys.executable, "-c", ENTRY_POINT, str(theirs.fileno()), "net" if networked else "sealed", str(memory_bytes)],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
            )
        ours.setblocking(False)
        self.socket = ours
        self.link: WorkerLink | None = None  # set once the event loop owns the socket
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stopped_for: str | None = None  # why the server killed it: "timeout" or "long"
        self.used = False  # has answered a job (its store is open and warm)
        self.spare = False  # started ahead, to take a killed worker's place

    def stop(self, reason: str) -> None:
        """Kill the process; whoever waits on the socket then sees it close."""
        if self.stopped_for is None:
            self.stopped_for = reason
        try:
            self.process.kill()
        except OSError:  # pragma: no cover - already gone
            pass

    def close(self) -> None:
        self.stop("closed")
        if self.link is None:
            self.socket.close()
        else:
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is self.loop:
                self.link.transport.close()
            else:
                try:
                    self.loop.call_soon_threadsafe(self.link.transport.close)
                except RuntimeError:  # the loop is closed: the socket goes with it
                    self.socket.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL is not refused
            pass

    def wait_ready(self) -> bool:
        """Block until the worker says it is ready (True), or dies or takes too long (False)."""
        import select

        readable, _, _ = select.select([self.socket], [], [], START_SECONDS)
        try:
            return bool(readable) and self.socket.recv(1) == READY
        except OSError:
            return False

    def died_of_memory(self) -> bool:
        try:
            code = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return False
        return code == -signal.SIGABRT

    async def call(self, frame: bytes) -> Outcome:
        """Send a job and await its outcome on the running loop. The first call hands the socket
        to the loop for good (uvloop then reads it in C, with no per-call registration)."""
        if self.link is None:
            loop = asyncio.get_running_loop()
            _, self.link = await loop.connect_accepted_socket(WorkerLink, self.socket)
            self.loop = loop
        self.used = True
        return await self.link.call(frame)

    def call_blocking(self, frame: bytes, timeout: float) -> Outcome:
        self.used = True
        self.socket.settimeout(timeout)
        try:
            self.socket.sendall(frame)
            header, body = _read_frame(self.socket)
        except TimeoutError:
            self.stop("timeout")
            raise EOFError() from None
        finally:
            self.socket.setblocking(False)
        return Outcome.unframe(header, body)


class WorkerLink(asyncio.Protocol):
    """The event loop's end of a worker's socket: reads outcome frames as they arrive."""

    def __init__(self):
        self.transport = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def call(self, frame: bytes) -> asyncio.Future:
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(frame)
        return self.waiter

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        if len(buffer) < FRAME.size:
            return
        header_size, body_size = FRAME.unpack_from(buffer)
        end = FRAME.size + header_size + body_size
        if len(buffer) < end:
            return
        outcome = Outcome.unframe(bytes(buffer[FRAME.size : FRAME.size + header_size]), bytes(buffer[FRAME.size + header_size : end]))
        self.buffer = bytearray()
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(outcome)

    def connection_lost(self, exc) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(EOFError())
