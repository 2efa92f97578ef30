"""`RemoteStorage`: the same `query()` as `Storage`, answered by a remote SPARQL 1.1 endpoint.

`archivekg serve --endpoint URL` serves the pages and /sparql from a large store run
elsewhere (Oxigraph server, QLever, Fuseki, Virtuoso) instead of the embedded one. Queries
go out over the SPARQL 1.1 Protocol; results come back as the same pyoxigraph objects the
embedded store returns (`QuerySolutions`, `QueryBoolean`, `QueryTriples`), so the views do
not know the difference.

The remote store must answer queries without GRAPH over the union of its graphs, as the
contract says (Oxigraph: `--union-default-graph`; Fuseki/TDB2: `tdb2:unionDefaultGraph true`;
Virtuoso does so by default).
"""

from __future__ import annotations

import hashlib
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pyoxigraph as ox

from archivekg.server.execution import Job, Outcome, answer
from archivekg.server.negotiate import GRAPH_FORMATS, QUERY_RESULT_FORMATS, by_name
from archivekg.server.storage import Capabilities, QueryError, Storage
from archivekg.settings import Settings

BUILD_ID_SECONDS = 10.0
KG_SHA256 = "https://w3id.org/archivekg/ontology#sha256"
ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"


class RemoteUnavailableError(QueryError):
    """The remote endpoint could not be reached or failed; not the query's fault."""

    unavailable = True


@dataclass
class RemoteStorage(Storage):
    endpoint: str
    settings: Settings
    capabilities = Capabilities(embedded=False, remote=True, writable=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> "RemoteStorage":
        if not settings.endpoint:
            raise ValueError("RemoteStorage needs settings.endpoint")
        return cls(settings.endpoint, settings)

    @property
    def build_id(self) -> str:
        """Stands for the remote content in ETags, so a new push changes every ETag: a digest of
        the build graph's document hashes (three aggregates, cheap on any store), asked at
        most every BUILD_ID_SECONDS. If the remote cannot say, a value that changes each time."""
        now = time.monotonic()
        cached = getattr(self, "_build_id", None)
        if cached and now - cached[0] < BUILD_ID_SECONDS:
            return cached[1]
        query = (
            f"SELECT (COUNT(?h) AS ?n) (MIN(STR(?h)) AS ?low) (MAX(STR(?h)) AS ?high) "
            f"WHERE {{ GRAPH <{self.settings.base_iri}graph/build> {{ ?d <{KG_SHA256}> ?h }} }}"
        )
        try:
            row = next(iter(self.query(query)))
            state = "|".join(str(row[v].value) if row[v] is not None else "" for v in ("n", "low", "high"))
        except (QueryError, StopIteration, TypeError, KeyError):
            state = str(time.time_ns())
        build_id = "remote-" + hashlib.sha256(f"{self.endpoint}|{state}".encode()).hexdigest()[:12]
        self._build_id = (now, build_id)
        return build_id

    def current_build(self) -> str | None:
        """The last build id asked for, if recent; else None, and it is asked again in the background."""
        cached = getattr(self, "_build_id", None)
        if cached and time.monotonic() - cached[0] < BUILD_ID_SECONDS:
            return cached[1]
        if not getattr(self, "_refreshing", False):
            import threading

            self._refreshing = True

            def refresh():
                try:
                    self.build_id
                finally:
                    self._refreshing = False

            threading.Thread(target=refresh, name="archivekg-remote-build", daemon=True).start()
        return None

    def run_query(self, job: Job) -> Outcome:
        """Checked here (SERVICE allow-list, caps), evaluated by the remote store, which does
        its own federation: no worker, the remote store's own time limit applies."""
        return answer(self, job, networked=True)

    async def run_query_async(self, job: Job) -> Outcome:
        import asyncio

        return await asyncio.get_running_loop().run_in_executor(None, self.run_query, job)

    def query(self, text: str, **options):
        """Run `text` remotely; options as for `pyoxigraph.Store.query` (prefixes, default_graph,
        named_graphs, use_default_graph_as_union)."""
        prefixes = options.pop("prefixes", None) or {}
        prologue = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items())
        params = [("query", prologue + text)]
        for graph in _as_list(options.pop("default_graph", None)):
            params.append(("default-graph-uri", graph.value))
        for graph in _as_list(options.pop("named_graphs", None)):
            params.append(("named-graph-uri", graph.value))
        options.pop("use_default_graph_as_union", None)  # the remote store is set up for it
        options.pop("substitutions", None)
        body, content_type = self._post(urllib.parse.urlencode(params).encode())
        return parse_results(body, content_type)

    def _post(self, body: bytes) -> tuple[bytes, str]:
        request = urllib.request.Request(
            self.endpoint,
            data=body,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout) as response:
                return response.read(), response.headers.get_content_type()
        except urllib.error.HTTPError as err:
            if 400 <= err.code < 500:  # the configured store's word on the query (its syntax error): its first lines
                detail = err.read(2000).decode("utf-8", "replace").strip()[:500]
                raise QueryError(detail or f"the remote endpoint refused the query (HTTP {err.code})") from None
            # a failure's body is not passed on (it may hold what a SERVICE call brought back)
            raise RemoteUnavailableError(f"the remote SPARQL endpoint failed (HTTP {err.code})") from None
        except TimeoutError:
            raise RemoteUnavailableError(
                f"the remote SPARQL endpoint did not answer within the {self.settings.timeout:g} s limit; make the query more selective"
            ) from None
        except (urllib.error.URLError, OSError) as err:
            raise RemoteUnavailableError(f"the remote SPARQL endpoint {self.endpoint} cannot be reached: {getattr(err, 'reason', err)}") from None


def parse_results(body: bytes, content_type: str):
    """The remote answer as pyoxigraph results: solutions, a boolean, or triples (its format read
    from its media type by the format table, `negotiate.py`, aliases included)."""
    results = by_name(content_type, QUERY_RESULT_FORMATS)
    graph = by_name(content_type, GRAPH_FORMATS)
    try:
        if results is not None:
            return ox.parse_query_results(body, format=results)
        if graph is not None:
            return _as_query_triples(ox.parse(body, format=graph))
    except SyntaxError as err:
        raise RemoteUnavailableError(f"the remote endpoint sent results that do not parse: {err}") from None
    raise RemoteUnavailableError(f"the remote endpoint answered with {content_type!r}, not SPARQL results")


def _as_query_triples(quads) -> ox.QueryTriples:
    """pyoxigraph has no public constructor for QueryTriples: replay the triples through a
    throw-away in-memory store, which keeps the result type the embedded store gives."""
    scratch = ox.Store()
    scratch.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple, set)) else [value]
