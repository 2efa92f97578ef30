"""HTTP load for the benchmarks: start servers on localhost, send bounded closed-loop load.

Every request loop here is bounded in time and count and targets 127.0.0.1 only.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

MAX_REQUESTS = 400_000  # a hard cap per run, whatever the duration (a 60 s soak at ~5,000 req/s needs 300,000)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up in {seconds} s")


@dataclass
class Server:
    name: str
    base: str
    process: subprocess.Popen
    query_path: str

    def peak_rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_archivekg(store: Path, threads: int = 32, remember: bool = True) -> Server:
    """`archivekg serve` as shipped; `remember=False` turns the front's answer cache off
    (ARCHIVEKG_RESPONSE_CACHE_MB=0), so every request is computed: the cost of a new query."""
    port = free_port()
    env = dict(os.environ, ARCHIVEKG_RESPONSE_CACHE_MB="64" if remember else "0")
    process = subprocess.Popen(
        [sys.executable, "-m", "archivekg", "serve", "--store", str(store), "--port", str(port), "--threads", str(threads)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )
    server = Server("archivekg" if remember else "archivekg-computed", f"http://127.0.0.1:{port}", process, "/sparql")
    wait_until_up(server.base + "/sparql?query=ASK%7B%7D", process)
    return server


def start_oxigraph(location: Path) -> Server:
    port = free_port()
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    process = subprocess.Popen(
        [binary, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    server = Server("oxigraph", f"http://127.0.0.1:{port}", process, "/query")
    wait_until_up(server.base + "/query?query=ASK%7B%7D", process)
    return server


@dataclass
class LoadResult:
    clients: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    def summary(self) -> dict:
        return {
            "clients": self.clients, "requests": len(self.latencies), "errors": len(self.errors), "ran_s": self.seconds,
            "p50_ms": 1000 * self.percentile(50), "p99_ms": 1000 * self.percentile(99),
            "throughput_rps": self.throughput, "first_errors": self.errors[:5],
        }


def run_load(base: str, paths: list[tuple[str, str]], clients: int, seconds: float) -> LoadResult:
    """`clients` threads, each on one keep-alive connection, cycling through (path, accept) for
    `seconds`; a non-2xx answer or a socket error counts as an error."""
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    result = LoadResult(clients, seconds)
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    budget = [MAX_REQUESTS]

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=60)
        i = offset
        mine, errors = [], []
        while time.monotonic() < stop_at:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            path, accept = paths[i % len(paths)]
            i += 1
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Accept": accept})
                response = connection.getresponse()
                response.read()
                if response.status >= 300:
                    errors.append(f"{response.status} {path[:80]}")
                else:
                    mine.append(time.perf_counter() - started)
            except (OSError, http.client.HTTPException) as err:
                errors.append(f"{type(err).__name__} {path[:80]}")
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=60)
        connection.close()
        with lock:
            result.latencies.extend(mine)
            result.errors.extend(errors)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - began
    return result


def sequential_ms(base: str, path: str, accept: str, repeats: int) -> float:
    """Median latency of `repeats` requests one after the other, in ms."""
    result = run_load_count(base, path, accept, repeats)
    return 1000 * statistics.median(result)


def run_load_count(base: str, path: str, accept: str, repeats: int) -> list[float]:
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        connection.request("GET", path, headers={"Accept": accept})
        response = connection.getresponse()
        response.read()
        if response.status >= 300:
            raise RuntimeError(f"{base}{path} answered {response.status}")
        times.append(time.perf_counter() - started)
    connection.close()
    return times


def query_path(server: Server, query: str) -> str:
    return f"{server.query_path}?{urllib.parse.urlencode({'query': query})}"


def run_wrk(base: str, path: str, clients: int, seconds: float, repeat: bool = False) -> dict:
    """Closed-loop load from wrk (C, event-driven: not the limit here), each request a new
    query (bench/new_queries.lua) unless `repeat`; the same summary as `LoadResult.summary`.
    Without wrk on the machine (`apt-get install wrk`), the thread client instead."""
    import json

    binary = shutil.which("wrk")
    if binary is None:
        print("  (wrk is not installed: using the Python load client, which is then the limit)", file=sys.stderr)
        queries = [q for q in NEW_QUERY_FALLBACK]
        return run_load(base, [(f"{path}?{urllib.parse.urlencode({'query': q})}", "application/sparql-results+json") for q in queries], clients, seconds).summary()
    script = Path(__file__).resolve().parent / "new_queries.lua"
    done = subprocess.run([binary, "-t", str(min(clients, 2)), "-c", str(clients), "-d", f"{seconds:g}s", "--timeout", "30s", "-s", str(script), base + path],
                          capture_output=True, text=True, env=dict(os.environ, REPEAT="1" if repeat else "0"), timeout=seconds + 60)
    line = next((line for line in done.stdout.splitlines() if line.startswith("{")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no summary: {done.stdout[-500:]} {done.stderr[-500:]}")
    data = json.loads(line)
    ran = data["duration_us"] / 1e6
    return {"clients": clients, "requests": data["requests"], "errors": data["errors"], "ran_s": ran, "p50_ms": data["p50_us"] / 1000,
            "p99_ms": data["p99_us"] / 1000, "throughput_rps": data["requests"] / ran if ran else 0.0, "client": "wrk",
            "first_errors": [f"{kind}: {data[kind]}" for kind in ("connect", "read", "write", "status", "timeout") if data.get(kind)]}


NEW_QUERY_FALLBACK = [
    "SELECT ?label WHERE { <http://localhost:5000/id/person/mao-zedong> <http://www.w3.org/2000/01/rdf-schema#label> ?label }",
]


def process_tree_rss_mb(pid: int) -> dict[int, float]:
    """Resident memory (MB) of a process and its children, from /proc."""
    out = {}
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    for each in [pid, *map(int, children)]:
        try:
            status = Path(f"/proc/{each}/status").read_text()
        except OSError:
            continue
        rss = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        out[each] = rss / 1024
    return out
