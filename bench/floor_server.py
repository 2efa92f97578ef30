"""The least any Python server can do for a new SPARQL query, to measure what is left for ours.

httptools parses the request, the query is evaluated inline on the event loop by pyoxigraph
and serialized as JSON, one fixed header goes back: no checks (SERVICE, caps, negotiation,
ETag), no isolation (a runaway query would stall the process for good), no logging. `N`
processes share the port (SO_REUSEPORT), each with its own read-only store.

    python bench/floor_server.py STORE PORT N

Not a server to use: `bench/floor.py` runs it beside `oxigraph serve-read-only` and
`archivekg serve` to show how far the issue's targets are from what Python allows at all.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from urllib.parse import unquote_plus

import httptools
import pyoxigraph as ox
import uvloop

HEAD = b"HTTP/1.1 200 OK\r\ncontent-type: application/sparql-results+json\r\ncontent-length: %d\r\n\r\n"


class Floor(asyncio.Protocol):
    store: ox.Store

    def connection_made(self, transport) -> None:
        self.transport = transport
        self.parser = httptools.HttpRequestParser(self)
        self.url = b""

    def data_received(self, data: bytes) -> None:
        self.parser.feed_data(data)

    def on_url(self, url: bytes) -> None:
        self.url = url

    def on_message_complete(self) -> None:
        query = unquote_plus(self.url.partition(b"query=")[2].decode())
        result = self.store.query(query, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryBoolean):
            body = b'{"head":{},"boolean":%s}' % (b"true" if result else b"false")
        else:
            body = result.serialize(format=ox.QueryResultsFormat.JSON)
        self.transport.write(HEAD % len(body) + body)


def serve(store: str, port: int) -> None:
    Floor.store = ox.Store.read_only(store)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(1024)
    loop = uvloop.new_event_loop()
    loop.run_until_complete(loop.create_server(Floor, sock=listener))
    loop.run_forever()


def main() -> None:
    store, port, processes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for _ in range(processes - 1):
        if os.fork() == 0:
            break
    serve(store, port)


if __name__ == "__main__":
    main()
