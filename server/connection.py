"""One HTTP/1.1 connection of `archivekg serve`: httptools parses, this class keeps the limits.

uvicorn runs the server (sockets, signals, graceful shutdown) and creates one of these per
connection (it is uvicorn's `http` protocol class). It reads a request whole, head and body,
on the event loop, before anything else sees it, so a slow client holds no thread and no
worker; then it hands the request to the `Front` (`front.py`) and writes the answer.

Limits (a client past one is answered and the connection closed, the server goes on):

- request head (request line and headers): at most `MAX_HEAD_BYTES` (431), complete within
  `Limits.head_seconds` of its first byte (408);
- body: at most `Front.max_body` bytes (413), complete within `Limits.body_seconds` (408);
  chunked bodies are read like any other (the app sees them with a Content-Length);
- idle: a kept-alive connection with no request for `Limits.idle_seconds` is closed, and so is
  a new one that sends nothing;
- connections: at most `max_client_connections` per client address and `max_connections` in
  all (503 and closed); pipelined requests are answered in order, at most `MAX_PIPELINE` queued.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from dataclasses import dataclass
from http import HTTPStatus

import httptools

MAX_HEAD_BYTES = 1024 * 1024  # a query longer than this goes in a POST body
MAX_PIPELINE = 16


@dataclass(frozen=True)
class Limits:
    """How long a client may take: for a request head, for a body, and between requests."""

    head_seconds: float = 10.0
    body_seconds: float = 30.0
    idle_seconds: float = 15.0

access_log = logging.getLogger("archivekg.access")
REASONS = {status.value: status.phrase.encode() for status in HTTPStatus}


class Request:
    """One request as read from the wire; `path` and `query_string` are still percent-encoded."""

    __slots__ = ("method", "target", "path", "query_string", "headers", "body", "version", "keep_alive", "started")

    def __init__(self, method: str, target: bytes, headers: list[tuple[bytes, bytes]], version: str):
        self.method, self.target, self.headers, self.version = method, target, headers, version
        path, _, self.query_string = target.partition(b"?")  # httptools' parse_url stops at 64 KB
        self.path = path.partition(b"#")[0]
        self.body = b""
        self.keep_alive = True
        self.started = time.perf_counter()

    def header(self, name: bytes) -> str | None:
        """A header's value (repeated headers joined with commas, as HTTP allows)."""
        values = [value for key, value in self.headers if key == name]
        return b",".join(values).decode("latin-1") if values else None


def answer_bytes(status: int, headers: list[tuple[str, str]], body: bytes, head_only: bool, close: bool, date: list) -> bytes:
    lines = [b"HTTP/1.1 %d %s\r\n" % (status, REASONS.get(status, b""))]
    lines += [name + b": " + value + b"\r\n" for name, value in date]
    given = next((value for name, value in headers if name.lower() == "content-length"), None)
    lines += [f"{name}: {value}\r\n".encode("latin-1") for name, value in headers if name.lower() != "content-length"]
    if status not in (204, 304):  # a HEAD answer made without its body keeps the length it gave
        lines.append(b"content-length: %s\r\n" % (given.encode() if head_only and given and not body else b"%d" % len(body)))
    if close:
        lines.append(b"connection: close\r\n")
    lines.append(b"\r\n")
    if not head_only and status not in (204, 304):
        lines.append(body)
    return b"".join(lines)


class Connection(asyncio.Protocol):
    def __init__(self, config, server_state, app_state=None, _loop=None):
        self.front = config.app  # the `Front` (uvicorn loads it too, as an ASGI app, but requests come here)
        self.state = server_state
        self.loop = _loop or asyncio.get_event_loop()
        self.parser = httptools.HttpRequestParser(self)
        self.transport = None
        self.client = ("", 0)
        self.queue: deque[Request] = deque()
        self.current: Request | None = None  # being read
        self.url = b""
        self.head_bytes = 0
        self.headers: list = []
        self.timer: asyncio.TimerHandle | None = None
        self.serving = False
        self.closing = False
        self.writable = asyncio.Event()
        self.writable.set()

    # -- connection ------------------------------------------------------------------------
    def connection_made(self, transport) -> None:
        self.transport = transport
        self.state.connections.add(self)
        peer = transport.get_extra_info("peername") or ("", 0)
        self.client = (str(peer[0]), int(peer[1])) if isinstance(peer, tuple) else ("", 0)
        per_client = self.front.per_client
        count = per_client[self.client[0]] = per_client.get(self.client[0], 0) + 1
        if count > self.front.max_client_connections or len(self.state.connections) > self.front.max_connections:
            self.refuse(503, "too many open connections from this address: close some and try again")
            return
        self.arm(self.front.limits.idle_seconds, self.idle_out)

    def connection_lost(self, exc) -> None:
        self.state.connections.discard(self)
        per_client = self.front.per_client
        left = per_client.get(self.client[0], 1) - 1
        if left > 0:
            per_client[self.client[0]] = left
        else:
            per_client.pop(self.client[0], None)
        self.closing = True
        self.disarm()
        self.writable.set()
        self.front.disconnected(self)

    def pause_writing(self) -> None:
        self.writable.clear()

    def resume_writing(self) -> None:
        self.writable.set()

    def shutdown(self) -> None:
        """uvicorn's graceful shutdown: close when idle, else after the answer being made."""
        if not self.serving and not self.queue:
            self.transport.close()
        self.closing = True

    def arm(self, seconds: float, callback) -> None:
        self.disarm()
        self.timer = self.loop.call_later(seconds, callback)

    def disarm(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def idle_out(self) -> None:
        self.transport.close()

    def too_slow(self) -> None:
        limits = self.front.limits
        self.refuse(408, f"the request did not arrive in time (head within {limits.head_seconds:g} s, body within {limits.body_seconds:g} s)")

    def refuse(self, status: int, message: str) -> None:
        """Answer and close: the rest of what the client sends is read and dropped for 2 s (a
        close with unread data would reset the connection and lose the answer)."""
        if self.transport.is_closing():
            return
        body = (message + "\n").encode()
        self.transport.write(answer_bytes(status, [("content-type", "text/plain; charset=utf-8")], body, False, True, self.state.default_headers))
        self.closing = True
        self.parser = None
        self.disarm()
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(2.0, self.transport.close)

    # -- reading ---------------------------------------------------------------------------
    def data_received(self, data: bytes) -> None:
        if self.parser is None:
            return  # refused: dropped until the close
        if self.current is None and not self.head_bytes:
            self.arm(self.front.limits.head_seconds, self.too_slow)  # a request begins: its head has this long
        if self.current is None:
            self.head_bytes += len(data)
            if self.head_bytes > MAX_HEAD_BYTES:
                return self.refuse(431, f"the request line and headers are over {MAX_HEAD_BYTES} bytes: "
                                        "send a long query in a POST body (application/sparql-query)")
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self.refuse(400, "protocol upgrades are not supported")
        except httptools.HttpParserError as err:
            if self.parser is not None:
                self.refuse(400, f"this is not a valid HTTP/1.1 request ({err})")

    def on_message_begin(self) -> None:
        self.url, self.headers = b"", []

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.lower(), value))

    def on_headers_complete(self) -> None:
        parser = self.parser
        self.current = Request(parser.get_method().decode("ascii", "replace"), self.url, self.headers, parser.get_http_version())
        self.current.keep_alive = parser.should_keep_alive()
        self.head_bytes = 0
        self.arm(self.front.limits.body_seconds, self.too_slow)
        if self.current.header(b"expect") == "100-continue":
            self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    def on_body(self, body: bytes) -> None:
        request = self.current
        if len(request.body) + len(body) > self.front.max_body:
            return self.refuse(413, f"the request body is over {self.front.max_body} bytes: queries are limited to "
                                    f"{self.front.max_query_bytes} bytes")
        request.body += body

    def on_message_complete(self) -> None:
        request, self.current = self.current, None
        if request is None or self.parser is None:
            return
        self.disarm()
        self.queue.append(request)
        if len(self.queue) >= MAX_PIPELINE:
            self.transport.pause_reading()
        if not self.serving:
            self.serving = True
            self.loop.create_task(self.serve())

    # -- answering -------------------------------------------------------------------------
    async def serve(self) -> None:
        try:
            while self.queue and not self.transport.is_closing():
                request = self.queue.popleft()
                await self.front.answer(self, request)
                if not request.keep_alive:
                    self.closing = True
            if self.closing:
                self.transport.close()
            else:
                self.transport.resume_reading()
                if self.current is None and not self.head_bytes:
                    self.arm(self.front.limits.idle_seconds, self.idle_out)
        finally:
            self.serving = False

    def write_answer(self, request: Request, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        """A whole answer at once (the common case: its length is known)."""
        if self.transport.is_closing():
            return  # the client went away while its answer was made
        close = self.closing or not request.keep_alive
        self.transport.write(answer_bytes(status, headers, body, request.method == "HEAD", close, self.state.default_headers))
        self.log(request, status, len(body))

    def log(self, request: Request, status: int, size: int) -> None:
        self.state.total_requests += 1
        if access_log.isEnabledFor(logging.INFO):
            target = request.target[:2000].decode("latin-1")
            ms = (time.perf_counter() - request.started) * 1000
            access_log.info('%s - - [%s] "%s %s HTTP/%s" %d %d %.1fms', self.client[0], time.strftime("%d/%b/%Y:%H:%M:%S %z"),
                            request.method, target, request.version, status, size, ms)
