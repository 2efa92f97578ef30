"""Where the per-document stages run: in this process, or in worker processes (`--workers N`).

A pool runs `pipeline.STAGES[stage](pipeline, batch)` for each batch it is given and yields
each result as it is done, tagged as it was given (the order may differ). `archivekg.cluster`
offers the same on a Dask cluster. Workers are forked from the process that loaded the
pipeline, so the model is not loaded again, and each is sent a batch only when it has
answered the one before: memory stays bounded whatever the corpus, and parent and worker
never both wait to write into a full pipe (a batch of Docs, or of results, is larger than a
pipe holds).

A worker never outlives the build: it is killed by the kernel when its parent dies (Linux
PR_SET_PDEATHSIG), and, everywhere, a thread of its own exits it when a pipe whose only
writer is the parent reaches end of file (`kill -9` of the build closes it).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import signal
import sys
import threading
import traceback
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any



class WorkerError(RuntimeError):
    """A worker process failed; the message carries its traceback."""


class InProcess:
    """The stages in this process, one batch after the other."""

    def __init__(self, pipeline):
        self.pipeline = pipeline

    def run(self, stage: str, batches: Iterable[tuple[Any, list]]) -> Iterator[tuple[Any, list]]:
        from archivekg.extract.pipeline import STAGES

        for tag, batch in batches:
            yield tag, STAGES[stage](self.pipeline, batch)

    def close(self) -> None:
        pass


class LocalPool:
    """`workers` forked processes, started when the first batch comes."""

    def __init__(self, pipeline, workers: int):
        self.pipeline = pipeline
        self.workers = workers
        self.connections: list[Connection] = []
        self.processes: list = []
        self.watch_writer: int | None = None

    def start(self) -> None:
        context = multiprocessing.get_context("fork")
        watch_reader, self.watch_writer = os.pipe()
        pipes = [context.Pipe() for _ in range(self.workers)]
        parent = os.getpid()
        # What the parent holds when it forks is the parent's: freezing it keeps a worker's
        # collector from finalising the parent's garbage (a store left in a reference cycle,
        # closed in a child without its threads, aborts the child) and from touching, so
        # copying, the pages the workers share (the model, the place index).
        gc.collect()
        gc.freeze()
        try:
            for i, (_, child_end) in enumerate(pipes):
                # everything the child must not keep open: the parent's ends, the other children's ends
                inherited = [p for p, _ in pipes] + [c for j, (_, c) in enumerate(pipes) if j != i]
                process = context.Process(target=serve, args=(self.pipeline, child_end, inherited, watch_reader, self.watch_writer, parent), daemon=True)
                process.start()
                self.processes.append(process)
        finally:
            gc.unfreeze()
        os.close(watch_reader)
        for parent_end, child_end in pipes:
            child_end.close()
            self.connections.append(parent_end)

    def run(self, stage: str, batches: Iterable[tuple[Any, list]]) -> Iterator[tuple[Any, list]]:
        if not self.processes:
            self.start()
        batches = iter(batches)
        busy: set[Connection] = set()
        exhausted = False
        while True:
            for connection in self.connections:
                if not exhausted and connection not in busy:
                    try:
                        tag, batch = next(batches)
                    except StopIteration:
                        exhausted = True
                        break
                    connection.send((stage, tag, batch))  # the worker is reading: this cannot block for long
                    busy.add(connection)
            if not busy:
                return
            for connection in wait(list(busy)):
                try:
                    message = connection.recv()
                except EOFError:
                    raise WorkerError("a worker process ended without an answer (out of memory? killed?)") from None
                if message[0] == "error":
                    raise WorkerError(message[1])
                busy.discard(connection)
                yield message[1], message[2]

    def close(self) -> None:
        for connection in self.connections:
            try:
                connection.send(None)
            except OSError:
                pass
            connection.close()
        if self.watch_writer is not None:
            os.close(self.watch_writer)
            self.watch_writer = None
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()
        self.connections, self.processes = [], []


def die_with_parent(watch_reader: int | None, parent: int, kernel: bool = True) -> None:
    """Make this process end when `parent` does, whatever kills it: asked of the kernel where it
    can (`kernel`), and by a thread that waits for the end of a pipe only the parent writes."""
    if kernel and sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass  # the pipe below still works

    def watch() -> None:
        while os.read(watch_reader, 1):
            pass
        os._exit(1)  # end of file: every writer, i.e. the parent, is gone

    if watch_reader is not None:
        threading.Thread(target=watch, name="archivekg-parent-watch", daemon=True).start()
    if os.getppid() != parent:  # the parent died before the watch began
        os._exit(1)


def serve(pipeline, connection: Connection, inherited: list[Connection], watch_reader: int, watch_writer: int, parent: int) -> None:
    """A worker: runs the batches it is sent until it is sent None."""
    from archivekg.extract.pipeline import STAGES

    os.close(watch_writer)
    for other in inherited:
        other.close()
    die_with_parent(watch_reader, parent)
    try:
        while (message := connection.recv()) is not None:
            stage, tag, batch = message
            connection.send(("done", tag, STAGES[stage](pipeline, batch)))
    except EOFError:
        pass
    except BaseException:  # noqa: BLE001 - the parent reports it
        connection.send(("error", traceback.format_exc()))
    finally:
        connection.close()
