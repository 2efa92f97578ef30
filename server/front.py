"""The front of `archivekg serve`: what answers each request the connection has read whole.

    1. an answer remembered for this build (GET/HEAD), byte for byte;
    2. /sparql queries: answered here, on the event loop, with the rules of `planning.py` and
       the query workers (`run_query_async`): no thread, no Flask;
    3. everything else (pages, the editor, updates, static files): the Flask app, run by a2wsgi
       in a thread pool, through ASGI.

Why: a small query costs pyoxigraph ~0.05 ms, and a thread hand-off plus Flask cost ~1 ms
(bench/RESULTS.md). HTTP is parsed by httptools and the limits kept by `connection.py`.

What is remembered: the answer (200 or 304) to a GET or HEAD whose ETag names the build being
served. Only answers that depend on nothing but the request and the build get such an ETag
(query results, service description, pages), so they stay exact until a new build is swapped
in; a swap changes the build name and the old answers are dropped. The key is the method, the
request target and every request header an answer may depend on (`VARY`); a request with
credentials or cookies, or a body, is never answered from memory. Answers over
`max_entry_bytes` are not kept, and the whole stays under `max_bytes` (least recently used go
first). This is the only cache of pages and answers.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass

from a2wsgi import WSGIMiddleware

from archivekg.server import http, planning
from archivekg.server.connection import MAX_HEAD_BYTES, REASONS, Connection, Limits, Request, access_log
from archivekg.server.memory import BuildMemory
from archivekg.server.query_worker import LongLaneFull, QueryTimeout, WorkerFailed, WorkersBusy

__all__ = ["MAX_HEAD_BYTES", "Answer", "AnswerCache", "Front", "ServerThread", "make_front", "run"]

VARY = (b"host", b"accept", b"accept-encoding", b"if-none-match", b"if-modified-since", b"x-forwarded-proto", b"x-forwarded-host")
PRIVATE = (b"authorization", b"cookie", b"content-length", b"transfer-encoding")
CACHEABLE_STATUS = (200, 304)
NATIVE_TYPES = ("", "application/sparql-query", "application/x-www-form-urlencoded")
WORKER_ERRORS = (QueryTimeout, WorkersBusy, LongLaneFull, WorkerFailed)
BUFFERED_BYTES = 4 * 2**20  # an answer from Flask is gathered up to this, then streamed (a dump)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 64


class AnswerCache(BuildMemory):
    """Answers by request key, for one build at a time, within a byte budget (LRU; see
    `memory.BuildMemory`)."""

    def __init__(self, max_bytes: int, max_entry_bytes: int, max_entries: int | None = None):
        super().__init__(max_entries=max_entries, max_bytes=max_bytes, max_entry_bytes=max_entry_bytes)
        self.misses = 0

    def get(self, build: str, key: tuple) -> Answer | None:
        answer = super().get(build, key)
        if answer is None:
            self.misses += 1
        return answer

    def put(self, build: str, key: tuple, answer: Answer) -> None:
        super().put(build, key, answer, answer.size)


def request_key(request: Request) -> tuple | None:
    """What an answer to this request may depend on, or None if it must not come from memory."""
    if request.method not in ("GET", "HEAD") or request.body:
        return None
    values = dict.fromkeys(VARY, b"")
    for name, value in request.headers:
        if name in PRIVATE:
            return None
        if name in values:
            values[name] = values[name] + b"," + value if values[name] else value
    return (request.method, request.target, *values.values())


def names_build(headers, build: str) -> bool:
    tag = next((v for k, v in headers if k.lower() == "etag"), "")
    return tag.removeprefix("W/").startswith(f'"{build}-')


class Front:
    """Answers requests (see the module docstring). `current_build()` names the build served
    (None: nothing may be remembered now); `current_build` None: nothing ever is."""

    def __init__(self, wsgi_app, current_build: Callable[[], str] | None, cache: AnswerCache | None, threads: int = 8,
                 limits: Limits = Limits()):
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        self.app = wsgi_app
        self.asgi = ProxyHeadersMiddleware(WSGIMiddleware(wsgi_app, workers=threads), trusted_hosts="127.0.0.1")
        self.current_build = current_build
        self.cache = cache if current_build is not None else None
        self.settings = wsgi_app.config["SETTINGS"]
        self.storage = wsgi_app.extensions["archivekg.storage"]
        self.max_query_bytes = self.settings.max_query_bytes
        self.max_body = 3 * self.max_query_bytes + planning.SLACK_BYTES
        self.max_client_connections = self.settings.max_client_connections
        self.per_client: dict[str, int] = {}  # open connections by client address
        self.max_connections = connection_limit()
        self.limits = limits
        self._waiting: dict[Connection, asyncio.Event] = {}
        self._making: dict[tuple, asyncio.Future] = {}  # answers being made, by key: asked again, awaited
        self.made = 0  # answers made for a key (not from memory): how often the app was asked

    async def __call__(self, scope, receive, send):
        """uvicorn loads the front as an ASGI app: requests come through `answer`; the lifespan
        comes here, so the workers' sockets are closed on the loop they belong to."""
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    self.storage.start()  # the query workers start while the server begins to listen
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    self.storage.close()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        await self.asgi(scope, receive, send)

    async def answer(self, connection: Connection, request: Request) -> None:
        key = request_key(request) if self.cache is not None else None
        build = self.current_build() if key is not None else None
        if build is None:
            return await self.make(connection, request, None, None)
        kept = self.cache.get(build, key)
        if kept is None and key in self._making:  # being made for another client: wait for it
            await asyncio.wait([self._making[key]], timeout=60)
            kept = self.cache.get(build, key)  # None: not an answer to keep; make our own
        if kept is not None:
            return connection.write_answer(request, kept.status, list(kept.headers), kept.body)
        made = asyncio.get_running_loop().create_future()
        self._making.setdefault(key, made)
        self.made += 1
        try:
            await self.make(connection, request, key, build)
        finally:
            if self._making.get(key) is made:
                del self._making[key]
            made.set_result(None)

    async def make(self, connection: Connection, request: Request, key: tuple | None, build: str | None) -> None:
        if request.path == b"/sparql" and request.method in ("GET", "HEAD", "POST"):
            answered = await self.sparql(request)
            if answered is not None:
                status, headers, body = answered
                if key is not None and status in CACHEABLE_STATUS and names_build(headers, build) and len(body) <= self.cache.max_entry_bytes:
                    self.cache.put(build, key, Answer(status, tuple(headers), body))
                return connection.write_answer(request, status, headers, body)
        await self.flask(connection, request, key, build)

    async def sparql(self, request: Request) -> tuple[int, list, bytes] | None:
        """A query answered here; None for what the Flask view answers (editor, service
        description, updates, multipart forms)."""
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in request.headers}
        if request.method == "POST" and headers.get("content-type", "").partition(";")[0].strip().lower() not in NATIVE_TYPES:
            return None
        try:
            wire = planning.Request.from_wire(request.method, request.query_string, headers, request.body, self.max_query_bytes)
            planned = planning.plan(wire, self.storage, self.settings)
            if isinstance(planned, tuple):
                answer = planned
            elif planned.kind != "query":
                return None
            else:
                try:
                    outcome = await self.storage.run_query_async(planned.job)
                except WORKER_ERRORS as err:
                    raise planning.failure(err, self.settings) from None
                answer = planning.reply(planned, outcome, self.storage, self.settings, bool(self.settings.update_token))
        except planning.Refusal as err:
            answer = planning.refusal_answer(err)
        except Exception:  # never a traceback to the client
            log.exception("unexpected error in /sparql")
            answer = planning.refusal_answer(planning.Refusal(500, "the endpoint failed unexpectedly; the error has been logged"))
        status, response_headers, body = answer
        response_headers, body = http.finish(request.method, headers.get("accept-encoding"), status, response_headers, body)
        return status, response_headers, body

    async def flask(self, connection: Connection, request: Request, key: tuple | None, build: str | None) -> None:
        """The Flask app through ASGI (a2wsgi), the body already read; an answer is streamed
        out as the app gives it (a dump never sits whole in memory)."""
        headers = [(k, v) for k, v in request.headers if k not in (b"transfer-encoding", b"content-length")]
        if request.body or request.method == "POST":
            headers.append((b"content-length", str(len(request.body)).encode()))
        path = request.path.decode("latin-1")
        from urllib.parse import unquote

        scope = {
            "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": request.version,
            "method": request.method, "scheme": "http", "path": unquote(path), "raw_path": request.path,
            "query_string": request.query_string, "root_path": "", "headers": headers,
            "client": connection.client, "server": connection.transport.get_extra_info("sockname"), "state": {},
        }
        disconnected = self._waiting.setdefault(connection, asyncio.Event())
        sent_body = [False]

        async def receive():
            if not sent_body[0]:
                sent_body[0] = True
                return {"type": "http.request", "body": request.body, "more_body": False}
            await disconnected.wait()
            return {"type": "http.disconnect"}

        out = Streamer(connection, request, self.cache if key is not None else None, build, key)
        try:
            await self.asgi(scope, receive, out.send)
        except Exception:
            log.exception("unexpected error answering %s", path)
            if not out.started:
                connection.write_answer(request, 500, [("content-type", "text/plain; charset=utf-8")], b"the server failed unexpectedly\n")
            else:
                connection.transport.close()
        finally:
            self._waiting.pop(connection, None)

    def disconnected(self, connection: Connection) -> None:
        event = self._waiting.get(connection)
        if event is not None:
            event.set()


class Streamer:
    """The ASGI `send` of one Flask answer: one write when the length is known, chunked
    otherwise, waiting while the client's socket is full; keeps a copy of an answer to remember."""

    def __init__(self, connection: Connection, request: Request, cache: AnswerCache | None, build: str | None, key: tuple | None):
        self.connection, self.request, self.cache, self.build, self.key = connection, request, cache, build, key
        self.started = False
        self.status, self.headers = 0, []
        self.chunked = False
        self.sent = 0
        self.parts: list[bytes] = []

    async def send(self, message) -> None:
        connection, request = self.connection, self.request
        if message["type"] == "http.response.start":
            self.started = True
            self.status = message["status"]
            self.headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in message.get("headers", [])]
            return
        body, more = message.get("body", b""), message.get("more_body", False)
        if not more and not self.chunked:  # the whole answer in one piece (a remembered one, or any small one)
            body = b"".join(self.parts) + body
            self.parts = []
            if self.cache is not None and self.status in CACHEABLE_STATUS and names_build(self.headers, self.build) and len(body) <= self.cache.max_entry_bytes:
                self.cache.put(self.build, self.key, Answer(self.status, tuple(self.headers), body))
            return connection.write_answer(request, self.status, self.headers, body)
        if not self.chunked and sum(map(len, self.parts)) + len(body) <= BUFFERED_BYTES:
            self.parts.append(body)  # pieces of an answer of known size: one write, and one to remember
            return
        if not self.chunked:
            self.chunked = True
            body = b"".join(self.parts) + body
            self.parts = []
            lines = [b"HTTP/1.1 %d %s\r\n" % (self.status, REASONS.get(self.status, b""))]
            lines += [name + b": " + value + b"\r\n" for name, value in connection.state.default_headers]
            lines += [f"{k}: {v}\r\n".encode("latin-1") for k, v in self.headers if k.lower() != "content-length"]
            lines.append(b"transfer-encoding: chunked\r\n\r\n")
            connection.transport.write(b"".join(lines))
        if connection.transport.is_closing():
            return
        if body and request.method != "HEAD":
            connection.transport.write(b"%x\r\n%s\r\n" % (len(body), body))
            self.sent += len(body)
        if not more:
            connection.transport.write(b"0\r\n\r\n")
            connection.log(request, self.status, self.sent)
        await connection.writable.wait()


def connection_limit() -> int:
    """Connections the server keeps open at most: within the file descriptors it may open (the
    soft limit is raised to the hard one first), leaving room for stores and workers."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
            soft = min(hard, 65536)
        except (ValueError, OSError):
            pass
    return max(64, soft - 256)


def make_front(app, settings, threads: int = 8, limits: Limits = Limits()) -> Front:
    """The front for `app` as `settings` serve it, remembering answers for the build the
    storage names (`Storage.current_build`: a remote store's is its build graph's digest)."""
    if not settings.response_cache_mb or not settings.page_cache_size:
        return Front(app, None, None, threads, limits)
    budget = settings.response_cache_mb * 2**20
    cache = AnswerCache(budget, max_entry_bytes=min(BUFFERED_BYTES, max(2**20, budget // 16)), max_entries=settings.page_cache_size)
    return Front(app, app.extensions["archivekg.storage"].current_build, cache, threads, limits)


def server_config(front: Front, host: str, port: int):
    """uvicorn's settings for archivekg: our connection class (httptools, with the limits of
    `connection.py`) on uvloop, no Server header, errors logged."""
    import uvicorn

    config = uvicorn.Config(front, host=host, port=port, loop="uvloop", http=Connection, lifespan="on", log_level="warning",
                            access_log=False, server_header=False, proxy_headers=False, timeout_graceful_shutdown=5)
    if front.settings.access_log and not access_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
        access_log.propagate = False
    return config


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
