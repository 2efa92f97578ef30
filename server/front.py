"""The HTTP front of `archivekg serve`: uvicorn in front of the Flask app, with an exact
cache of the answers the app has already given for the build being served.

Why a front at all: a small SPARQL query costs pyoxigraph ~0.05 ms, but ~1 ms through a
threaded WSGI server, Flask and the hop to a query worker (bench/RESULTS.md). uvicorn
(httptools and uvloop) parses HTTP in C and answers from an event loop; Flask still makes
every answer (`a2wsgi` runs it in a thread pool), and the front only remembers them.

What is remembered: the answer (200 or 304) to a GET or HEAD whose ETag names the build being
served. The app gives such an ETag only to answers that depend on nothing but the request
and the build (query results, service description, pages), so the answer stays exact until a
new build is swapped in; a swap changes the build name and the old answers are dropped. The
key is the method, the path and query string, and every request header an answer may depend
on (`VARY`); a request with credentials or cookies, or a body, is never answered from memory.
Answers over `max_entry_bytes` are not kept, and the whole cache stays under `max_bytes`
(least recently used go first). Timeouts, errors and streamed dumps are never kept.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass

from a2wsgi import WSGIMiddleware

from archivekg.server.memory import BuildMemory

VARY = (b"host", b"accept", b"accept-encoding", b"if-none-match", b"if-modified-since")
PRIVATE = (b"authorization", b"cookie", b"content-length", b"transfer-encoding")
CACHEABLE_STATUS = (200, 304)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 64


class AnswerCache(BuildMemory):
    """Answers by request key, for one build at a time, within a byte budget (LRU; see
    `memory.BuildMemory`)."""

    def __init__(self, max_bytes: int, max_entry_bytes: int):
        super().__init__(max_entries=None, max_bytes=max_bytes, max_entry_bytes=max_entry_bytes)
        self.misses = 0

    def get(self, build: str, key: tuple) -> Answer | None:
        answer = super().get(build, key)
        if answer is None:
            self.misses += 1
        return answer

    def put(self, build: str, key: tuple, answer: Answer) -> None:
        super().put(build, key, answer, answer.size)


def request_key(scope: dict) -> tuple | None:
    """What an answer to this request may depend on, or None if it must not come from memory."""
    if scope["method"] not in ("GET", "HEAD"):
        return None
    values = dict.fromkeys(VARY, b"")
    for name, value in scope["headers"]:
        if name in PRIVATE:
            return None
        if name in values:
            if values[name]:  # a repeated header: combine as HTTP does
                value = values[name] + b"," + value
            values[name] = value
    # the scheme too: behind a proxy uvicorn takes it from X-Forwarded-Proto, and absolute URLs follow it
    return (scope["method"], scope.get("scheme"), scope.get("raw_path") or scope["path"].encode(), scope["query_string"], *values.values())


class Front:
    """The ASGI application uvicorn runs: memory first, then the Flask app.

    `current_build` names the build on disk (None: nothing can be remembered, as when the
    pages come from a remote store whose data may change under us)."""

    def __init__(self, wsgi_app, current_build: Callable[[], str] | None, cache: AnswerCache | None, threads: int = 8):
        self.app = WSGIMiddleware(wsgi_app, workers=threads)
        self.current_build = current_build
        self.cache = cache if current_build is not None else None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or self.cache is None:
            return await self.app(scope, receive, send)
        key = request_key(scope)
        if key is None:
            return await self.app(scope, receive, send)
        build = self.current_build()
        answer = self.cache.get(build, key)
        if answer is not None:
            await send({"type": "http.response.start", "status": answer.status, "headers": answer.headers})
            await send({"type": "http.response.body", "body": answer.body})
            return
        await self.app(scope, receive, Recorder(send, self.cache, build, key))


class Recorder:
    """Passes an answer on to the client, keeping a copy if it is one to remember: one the app
    marked as made from `build` alone (its ETag names the build). The copy is stored before the
    last piece goes out, so a client that has read an answer can count on it being remembered."""

    def __init__(self, send, cache: AnswerCache, build: str, key: tuple):
        self.send, self.cache, self.build, self.key = send, cache, build, key
        self.status = 0
        self.headers: list = []
        self.chunks: list[bytes] | None = []
        self.size = 0
        self.length: int | None = None

    async def __call__(self, message):
        if message["type"] == "http.response.start":
            self.status, self.headers = message["status"], list(message.get("headers", []))
            if self.status not in CACHEABLE_STATUS or not self._names_build():
                self.chunks = None
            length = self._header(b"content-length")
            self.length = int(length) if length.isdigit() else None
        elif message["type"] == "http.response.body" and self.chunks is not None:
            body = message.get("body", b"")
            self.size += len(body)
            if self.size > self.cache.max_entry_bytes:
                self.chunks = None  # too large to keep: just pass it on
            else:
                self.chunks.append(body)
                # complete at the declared length (the server may send an empty last piece later)
                if self.size == self.length or not message.get("more_body", False):
                    answer = Answer(self.status, tuple((n, v) for n, v in self.headers), b"".join(self.chunks))
                    self.cache.put(self.build, self.key, answer)
                    self.chunks = None  # kept: nothing more to record
        await self.send(message)

    def _header(self, wanted: bytes) -> bytes:
        return next((value for name, value in self.headers if name.lower() == wanted), b"")

    def _names_build(self) -> bool:
        return self._header(b"etag").removeprefix(b"W/").startswith(b'"' + self.build.encode() + b"-")


def make_front(app, settings, threads: int = 8) -> Front:
    """The front for `app` as `settings` serve it: answers are remembered only for the embedded
    store (a remote store's data may change without a swap we could see)."""
    from archivekg import store as stores

    if settings.endpoint or not settings.response_cache_mb:
        return Front(app, None, None, threads)
    budget = settings.response_cache_mb * 2**20
    cache = AnswerCache(budget, max_entry_bytes=max(2**20, budget // 64))
    return Front(app, lambda: stores.current_build_id(settings.store), cache, threads)


MAX_HEAD_BYTES = 1024 * 1024  # request line and headers; a query longer than this goes in a POST body


def bounded_head_protocol():
    """uvicorn's httptools protocol with a limit on the request head, which httptools does not
    have: without it a client could grow one header without end. Past the limit: 431, closed."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class BoundedHead(HttpToolsProtocol):
        _in_head, _head_bytes, _refused = True, 0, False

        def data_received(self, data: bytes) -> None:
            if self._refused:
                return  # the rest of a refused request: read and dropped until the close
            if self._in_head:
                self._head_bytes += len(data)
                if self._head_bytes > MAX_HEAD_BYTES:
                    self._refuse_head()
                    return
            super().data_received(data)

        def on_message_begin(self) -> None:
            self._in_head, self._head_bytes = True, 0
            super().on_message_begin()

        def on_headers_complete(self) -> None:
            self._in_head = False
            super().on_headers_complete()

        def _refuse_head(self) -> None:
            message = (f"the request line and headers are over {MAX_HEAD_BYTES} bytes: "
                       "send a long query in a POST body (application/sparql-query)\n").encode()
            self.transport.write(b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
                                 b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(message), message))
            # a lingering close: closing now, with the client still sending, would reset the
            # connection and lose the answer; end our side, drop what comes, close in 2 s
            self._refused = True
            if self.transport.can_write_eof():
                self.transport.write_eof()
            asyncio.get_running_loop().call_later(2.0, self.transport.close)

    return BoundedHead


def server_config(front: Front, host: str, port: int):
    """uvicorn's settings for archivekg: no access log (errors are logged), no Server header,
    httptools (with a bounded request head) and uvloop, installed with archivekg."""
    import uvicorn

    return uvicorn.Config(
        front, host=host, port=port, loop="uvloop", http=bounded_head_protocol(), lifespan="off",
        log_level="warning", access_log=False, server_header=False, timeout_keep_alive=30,
    )


def run(front: Front, host: str, port: int) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM end it cleanly)."""
    import uvicorn

    uvicorn.Server(server_config(front, host, port)).run()


class ServerThread:
    """The same server in a thread of this process, for tests: `with ServerThread(front) as url:`."""

    def __init__(self, front: Front, host: str = "127.0.0.1", port: int = 0):
        import uvicorn

        self.server = uvicorn.Server(server_config(front, host, port or _free_port(host)))
        self.thread = threading.Thread(target=self.server.run, name="archivekg-server", daemon=True)

    def start(self) -> str:
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("the server thread stopped before it started listening")
            self.thread.join(0.02)
        config = self.server.config
        return f"http://{config.host}:{config.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _free_port(host: str) -> int:
    import socket

    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]
