"""`archivekg push --endpoint URL`: load a build into a remote store, graph by graph.

Uses the SPARQL 1.1 Graph Store HTTP Protocol: one `PUT URL?graph=G` per named graph of the
store (each document's graph, the entities, the build, the ontology), with the graph's
triples as N-Triples. PUT replaces the graph, so pushing the same build twice gives the same
remote content, and a push that stops half way is finished by pushing again. One graph is in
memory at a time, so a large store is pushed in bounded memory.

URL is the store's Graph Store endpoint: `http://host:7878/store` for Oxigraph server,
`http://host:3030/DATASET/data` for Fuseki, `http://host:8890/sparql-graph-crud` for Virtuoso.
"""

from __future__ import annotations

import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from argparse import Namespace

import pyoxigraph as ox

from archivekg import store as stores
from archivekg.commands import EXIT_ERROR, EXIT_OK
from archivekg.settings import Settings
N_TRIPLES = "application/n-triples"


class PushError(RuntimeError):
    """The remote store refused a graph or could not be reached; the message says which."""


def graph_url(endpoint: str, graph: ox.NamedNode | ox.DefaultGraph) -> str:
    separator = "&" if "?" in endpoint else "?"
    if isinstance(graph, ox.DefaultGraph):
        return f"{endpoint}{separator}default"
    return f"{endpoint}{separator}{urllib.parse.urlencode({'graph': graph.value})}"


def graph_triples(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> bytes:
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, graph))
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def put_graph(endpoint: str, graph: ox.NamedNode | ox.DefaultGraph, body: bytes, timeout: float, token: str | None = None) -> None:
    headers = {"Content-Type": N_TRIPLES}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(graph_url(endpoint, graph), data=body, method="PUT", headers=headers)
    name = getattr(graph, "value", "default graph")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as err:
        detail = err.read(500).decode("utf-8", "replace").strip()
        raise PushError(f"{endpoint} refused graph {name} (HTTP {err.code}): {detail or err.reason}") from None
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise PushError(
            f"cannot reach {endpoint}: {reason}; is the remote store running, and is this its Graph Store URL (e.g. http://localhost:7878/store)?"
        ) from None


def push_store(store: ox.Store, endpoint: str, timeout: float = 300.0, token: str | None = None, log=None) -> tuple[int, int]:
    """PUT every graph of `store` to `endpoint`; returns (graphs, triples) sent."""
    graphs: list[ox.NamedNode | ox.DefaultGraph] = sorted(store.named_graphs(), key=lambda g: g.value)
    if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        graphs.append(ox.DefaultGraph())
    triples = 0
    for i, graph in enumerate(graphs, 1):
        body = graph_triples(store, graph)
        put_graph(endpoint, graph, body, timeout, token)
        triples += body.count(b"\n")
        if log:
            log(f"\rpushed {i}/{len(graphs)} graphs")
    if log and graphs:
        log("\n")
    return len(graphs), triples


def run_push(settings: Settings, args: Namespace) -> int:
    endpoint = args.endpoint
    if not endpoint.startswith(("http://", "https://")):
        print(f"archivekg: --endpoint {endpoint!r} is not an http(s) URL: give the remote Graph Store URL", file=sys.stderr)
        return EXIT_ERROR
    store = stores.open_read_only(settings.store)
    started = time.monotonic()
    log = sys.stderr.write if sys.stderr.isatty() else None
    try:
        graphs, triples = push_store(store, endpoint, timeout=max(settings.timeout, 60.0), token=settings.update_token, log=log)
    except PushError as err:
        print(f"archivekg: {err}", file=sys.stderr)
        return EXIT_ERROR
    print(f"pushed {settings.store} to {endpoint}: {graphs} graphs, {triples} statements in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return EXIT_OK
