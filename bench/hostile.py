"""Hostile traffic for the soak of bench/run.py (`--only hostile`): each kind in its own thread,
in a loop until stopped, all on loopback. Hostile clients connect from 127.0.0.2 and 127.0.0.3
(Linux answers all of 127/8), so the per-address bound falls on them and not on the honest
clients at 127.0.0.1. A listener that no query may reach counts the calls that leave the server."""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.parse

MAO = "http://localhost:5000/id/person/mao-zedong"


class Attack:
    def __init__(self, base: str, seconds: float):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port, self.seconds = parts.hostname, parts.port, seconds
        self.trap = socket.socket()
        self.trap.bind(("127.0.0.1", 0))
        self.trap.listen(64)
        self.trap.settimeout(0.2)
        self.target = f"http://127.0.0.1:{self.trap.getsockname()[1]}/sparql"
        self.counts: dict[str, dict] = {}
        self.leaks = 0
        self.halt = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.loop, args=(name, fn), daemon=True) for name, fn in self.kinds().items()]
        self.threads.append(threading.Thread(target=self.watch_trap, daemon=True))

    def kinds(self) -> dict:
        prefix, local = self.target.rsplit("/", 1)
        trick = f'PREFIX : <{prefix}/> SELECT * WHERE {{ BIND("\\u0022" AS ?d) SERVICE:{local} {{ ?x ?p ?o }} }} # \\u000a""" AS ?d) }}'
        hidden = (f"SELECT * WHERE {{ BIND(<<( <x:a> <x:b> <x:c> )>> AS ?t) VALUES (?a ?b) {{ (1 2) }} "
                  f"FILTER(?a<?b&&'>'!=STR(?a)) SERVICE <{self.target}> {{ ?x ?p ?o }} #'\n}}")
        return {
            "service tricks": lambda: self.get(trick) if time.monotonic() % 2 < 1 else self.get(hidden),
            "lexer bombs": lambda: self.post(("a." * 50_000) if time.monotonic() % 2 < 1 else ("'''" + "\\'" * 33_000)),
            "memory-hungry": lambda: self.get("SELECT ?a ?b ?c ?d WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?f ?c ?i # %d" % time.monotonic_ns()),
            "runaway": lambda: self.get("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } # %d" % time.monotonic_ns()),
            "trickled bodies": self.trickle,
            "half-sent heads": self.half_heads,
            "large pages": lambda: self.request("GET", "/id/document/doc-00001", None, {"Accept": "text/html"}),
        }

    def connection(self, source: str = "127.0.0.2") -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=60, source_address=(source, 0))

    def request(self, method: str, path: str, body: bytes | None, headers: dict) -> int:
        connection = self.connection()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    def get(self, query: str) -> int:
        return self.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}), None, {"Accept": "application/sparql-results+json"})

    def post(self, text: str) -> int:
        return self.request("POST", "/sparql", text.encode(), {"Content-Type": "application/sparql-query"})

    def trickle(self) -> int:
        with socket.create_connection((self.host, self.port), timeout=60, source_address=("127.0.0.2", 0)) as c:
            c.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 1000\r\n\r\n")
            while not self.halt.is_set():
                try:
                    c.sendall(b"A")
                except OSError:
                    break
                if self.halt.wait(0.5):
                    break
            try:
                return int(c.recv(64).split()[1])
            except (OSError, IndexError, ValueError):
                return 0

    def half_heads(self) -> int:
        held = []
        for _ in range(300):
            try:
                c = socket.create_connection((self.host, self.port), timeout=5, source_address=("127.0.0.3", 0))
                c.sendall(b"GET /sparql?query=ASK HTTP/1.1\r\nHost: x\r\n")
                held.append(c)
            except OSError:
                break
        self.halt.wait(2.0)
        answered = 0
        for c in held:
            try:
                c.settimeout(0.01)
                answered += bool(c.recv(16))
            except OSError:
                pass
            c.close()
        return f"{len(held)} held, {answered} answered (503 or 408)"

    def loop(self, name: str, fn) -> None:
        while not self.halt.is_set():
            try:
                status = fn()
            except OSError as err:
                status = type(err).__name__
            with self.lock:
                counted = self.counts.setdefault(name, {})
                counted[str(status)] = counted.get(str(status), 0) + 1

    def watch_trap(self) -> None:
        while not self.halt.is_set():
            try:
                connection, _ = self.trap.accept()
                connection.close()
                self.leaks += 1
            except OSError:
                continue

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> dict:
        self.halt.set()
        for thread in self.threads:
            thread.join(70)
        self.trap.close()
        return {**self.counts, "service calls that left the server": self.leaks}
