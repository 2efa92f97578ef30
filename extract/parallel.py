"""The pipeline in worker processes: `archivekg build --workers N`.

Each worker is forked from the process that loaded the pipeline (so the model is not loaded
again) and takes every N-th document. It runs the nlp and mentions stages and keeps its
spaCy Docs; the parent resolves entities over the whole corpus and sends each worker the
resolved mentions and entities; the worker runs the per-document stages on the Docs it
kept and sends back plain dataclasses. The result is the same as with one process.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection, wait

from archivekg.extract.mentions import find_mentions
from archivekg.extract.model import CorpusExtraction, SourceText
from archivekg.extract.nlp import analyse


class WorkerError(RuntimeError):
    """A worker process failed; the message carries its traceback."""


def extract_in_workers(pipeline, sources: list[SourceText], workers: int, progress: Callable[[int], None] | None) -> CorpusExtraction:
    from archivekg.extract.pipeline import finish_corpus, resolve_corpus

    context = multiprocessing.get_context("fork")
    shards = [sources[w::workers] for w in range(workers)]
    connections, processes = [], []
    for shard in shards:
        parent_end, child_end = context.Pipe()
        process = context.Process(target=work, args=(pipeline, shard, child_end), daemon=True)
        process.start()
        child_end.close()
        connections.append(parent_end)
        processes.append(process)
    try:
        mentions: dict = {}
        for connection, message in messages(connections, "mentions"):
            if message[0] == "tick":
                if progress:
                    progress(1)
            else:
                mentions.update(message[1])
        resolved_by_doc, entities = resolve_corpus(sources, mentions, pipeline.rules)
        for connection, shard in zip(connections, shards):
            connection.send(({s.key: resolved_by_doc[s.key] for s in shard}, entities))
        results = {}
        for _, message in messages(connections, "extractions"):
            results.update(message[1])
    finally:
        for connection in connections:
            connection.close()
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
    return finish_corpus([results[s.key] for s in sources], entities)


def messages(connections: list[Connection], final: str):
    """Every message from the workers until each has sent its `final` one."""
    waiting = set(connections)
    while waiting:
        for connection in wait(list(waiting)):
            try:
                message = connection.recv()
            except EOFError:
                raise WorkerError("a worker process ended without an answer (out of memory?)") from None
            if message[0] == "error":
                raise WorkerError(message[1])
            if message[0] == final:
                waiting.discard(connection)
            yield connection, message


def work(pipeline, sources: list[SourceText], connection: Connection) -> None:
    from archivekg.extract.pipeline import extract_document

    try:
        docs, mentions = [], {}
        for source, doc in zip(sources, analyse(pipeline.nlp, (s.text for s in sources), pipeline.rules)):
            docs.append(doc)
            mentions[source.key] = find_mentions(source, doc, pipeline.rules)
            connection.send(("tick",))
        connection.send(("mentions", mentions))
        resolved_by_doc, entities = connection.recv()
        results = {s.key: extract_document(s, d, resolved_by_doc[s.key], entities, pipeline.rules) for s, d in zip(sources, docs)}
        connection.send(("extractions", results))
    except BaseException:  # noqa: BLE001 - the parent reports it
        connection.send(("error", traceback.format_exc()))
    finally:
        connection.close()
