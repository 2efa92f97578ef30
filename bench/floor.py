"""How fast can a Python server answer new SPARQL queries at all? (issue 18's targets)

Measured in one run, one after the other, on copies of the same store, with wrk and the new
queries of `new_queries.lua` (each request a query never asked before):

- `oxigraph serve-read-only`: the reference;
- the floor (`floor_server.py`): httptools + uvloop + pyoxigraph inline, no checks and no
  isolation, in 1 and in 2 processes sharing the port: the least any Python server can cost;
- `archivekg serve` as shipped, its answer cache off (every query computed in a worker).

    python bench/floor.py [--store STORE] [--seconds 5] [--out bench/FLOOR.md]

Without --store it builds the seeds into a temporary store. Writes a Markdown table and
prints it; the ratios are what to read (the cores are shared with wrk).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = (1, 8, 32)


def start_floor(store: Path, processes: int) -> load.Server:
    port = load.free_port()
    process = subprocess.Popen([sys.executable, str(Path(__file__).with_name("floor_server.py")), str(store), str(port), str(processes)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    server = load.Server(f"python floor, {processes} process{'es' if processes > 1 else ''}", f"http://127.0.0.1:{port}", process, "/sparql")
    load.wait_until_up(server.base + "/sparql?query=ASK%7B%7D", process)
    return server


def stop_group(server: load.Server) -> None:
    """The floor forks: its whole process group goes."""
    try:
        os.killpg(server.process.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    server.process.wait(10)


def measure(server: load.Server, seconds: float) -> dict[int, dict]:
    load.run_wrk(server.base, server.query_path, 4, 1.0)  # warm up
    return {clients: load.run_wrk(server.base, server.query_path, clients, seconds) for clients in CLIENTS}


def table(results: dict[str, dict[int, dict]]) -> str:
    reference = results["oxigraph"]
    lines = ["| server | " + " | ".join(f"{c} client{'s' if c > 1 else ''}: p50 ms (ratio) / req/s (ratio)" for c in CLIENTS) + " |",
             "|---|" + "---|" * len(CLIENTS)]
    for name, levels in results.items():
        cells = []
        for c in CLIENTS:
            got, ref = levels[c], reference[c]
            cells.append(f"{got['p50_ms']:.3f} ({got['p50_ms'] / ref['p50_ms']:.2f}x) / {got['throughput_rps']:,.0f} "
                         f"({got['throughput_rps'] / ref['throughput_rps']:.2f}x)")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="a built store (default: the seeds, built now)")
    parser.add_argument("--seconds", type=float, default=5.0, help="per level (default 5)")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("FLOOR.md"))
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("floor.py needs wrk (apt-get install wrk): a Python load client would be the limit")
    with tempfile.TemporaryDirectory(prefix="archivekg-floor-") as work:
        store = args.store
        if store is None:
            store = Path(work) / "store"
            subprocess.run([sys.executable, "-m", "archivekg", "build", str(ROOT / "seeds"), "--store", str(store)], check=True, capture_output=True)
        copy = Path(work) / "copy"
        shutil.copytree(store.resolve(), copy)  # Oxigraph and the floor read a copy; archivekg its own store
        results: dict[str, dict[int, dict]] = {}
        for name, start, stop in (
            ("oxigraph", lambda: load.start_oxigraph(copy), lambda s: s.stop()),
            ("floor-1", lambda: start_floor(copy, 1), stop_group),
            ("floor-2", lambda: start_floor(copy, 2), stop_group),
            ("archivekg", lambda: load.start_archivekg(store, remember=False), lambda s: s.stop()),
        ):
            server = start()
            try:
                results[server.name] = measure(server, args.seconds)
            finally:
                stop(server)
            print(f"  {server.name}: done", file=sys.stderr)
    cores = os.cpu_count()
    text = (f"# New queries: the Python floor (bench/floor.py, {time.strftime('%Y-%m-%d')}, {cores} cores, {args.seconds:g} s a level, wrk)\n\n"
            + table(results) + "\n\nRatios are against `oxigraph serve-read-only` in the same run (p50: lower is better; req/s: higher).\n")
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
