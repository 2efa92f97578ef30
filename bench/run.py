"""Run every benchmark side by side and write bench/RESULTS.md, results.json and the plots.

    python bench/run.py --quick        # ~5 minutes: 20/80/320 documents, short load runs
    python bench/run.py                # ~20 minutes: 50/200/800 documents, 60 s soak
    python bench/run.py --only sparql  # one part: build, load, sparql, gil, pages, soak, hostile, fuzz

Ratios are always measured in the same run, one system after the other on the same data,
never against numbers from another machine. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import load  # noqa: E402
from corpus import write_corpus  # noqa: E402
from report import write_report  # noqa: E402

MAO = "http://localhost:5000/id/person/mao-zedong"
SMALL_QUERIES = [
    f"SELECT ?label WHERE {{ <{MAO}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}",
    f"ASK {{ <{MAO}> a <http://schema.org/Person> }}",
    f"SELECT ?d WHERE {{ <{MAO}> <https://w3id.org/archivekg/ontology#mentionedIn> ?d }} LIMIT 10",
]
ANALYTIC_QUERIES = {
    "mentions per entity": (
        "PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?entity ?label (COUNT(?m) AS ?mentions) (COUNT(DISTINCT ?doc) AS ?documents) WHERE { "
        "?m a oa:Annotation ; oa:hasBody ?entity ; oa:hasTarget/oa:hasSource ?doc . ?entity rdfs:label ?label } "
        "GROUP BY ?entity ?label ORDER BY DESC(?mentions) LIMIT 20"
    ),
    "entities mentioned together": (
        "PREFIX kg: <https://w3id.org/archivekg/ontology#> "
        "SELECT ?a ?b (COUNT(DISTINCT ?doc) AS ?shared) WHERE { ?a kg:mentionedIn ?doc . ?b kg:mentionedIn ?doc . "
        "FILTER(STR(?a) < STR(?b)) } GROUP BY ?a ?b ORDER BY DESC(?shared) LIMIT 20"
    ),
}
ANALYTIC_QUERY = ANALYTIC_QUERIES["mentions per entity"]
JSON = "application/sparql-results+json"
PROFILES = {
    "quick": {"sizes": [20, 80, 320], "serve_docs": 80, "level_s": 4, "soak_s": 10, "repeats": 15, "fuzz": 300},
    "full": {"sizes": [50, 200, 800], "serve_docs": 200, "level_s": 15, "soak_s": 60, "repeats": 50, "fuzz": 1000},
}


def timed(fn):
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def bench_build(work: Path, profile: dict) -> dict:
    """Build vs bare spaCy (same model, same texts), linear growth, workers, peak RSS."""
    import spacy

    from archivekg.build import build, load_pipeline
    from archivekg.settings import Settings

    settings = Settings.from_env({})
    pipeline = load_pipeline(settings)
    bare = spacy.load(settings.model)
    rows = []
    for n in profile["sizes"]:
        corpus = work / f"corpus-{n}"
        write_corpus(corpus, n)
        texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))]
        spacy_s, _ = timed(lambda: list(bare.pipe(texts, batch_size=16)))
        spacy_2_s, _ = timed(lambda: list(bare.pipe(texts, batch_size=16, n_process=2)))
        # the default build (one worker per core) and a one-process build, each against bare spaCy
        build_s, report = timed(lambda: build(Settings.from_env({}, store=work / f"store-{n}", cache=False), [corpus], pipeline))
        one_s, _ = timed(lambda: build(Settings.from_env({}, store=work / f"store-1-{n}", workers=1, cache=False), [corpus], pipeline))
        novalidate_s, _ = timed(lambda: build(Settings.from_env({}, store=work / f"store-nv-{n}", validate=False, workers=1, cache=False), [corpus], pipeline))
        rows.append({"documents": n, "chars": sum(map(len, texts)), "spacy_s": spacy_s, "spacy_2_processes_s": spacy_2_s,
                     "build_s": build_s, "build_1_worker_s": one_s, "build_no_validate_s": novalidate_s, "quads": report.quads,
                     "ratio": build_s / spacy_s, "ratio_1_worker": one_s / spacy_s, "ratio_vs_spacy_2_processes": build_s / spacy_2_s,
                     "ratio_no_validate": novalidate_s / spacy_s})
        print(f"  build {n} docs: default {build_s:.1f} s, 1 worker {one_s:.1f} s (no validation {novalidate_s:.1f} s); "
              f"bare spaCy {spacy_s:.1f} s, with 2 processes {spacy_2_s:.1f} s", file=sys.stderr)
    largest = work / f"corpus-{profile['sizes'][-1]}"
    smallest = cli_build(work / f"corpus-{profile['sizes'][0]}", work / "store-small-cli", 1)
    cli = {}
    for workers in ("1", "2"):
        cli[workers] = cli_build(largest, work / f"store-w{workers}", int(workers))
        print(f"  CLI build --workers {workers}: {cli[workers]['wall_s']:.1f} s, peak RSS {cli[workers]['peak_rss_mb']:.0f} MB", file=sys.stderr)
    return {"sizes": rows, "cli": cli, "workers_speedup": cli["1"]["wall_s"] / cli["2"]["wall_s"],
            "cli_smallest": smallest,
            "rss_mb_per_1000_docs": (cli["1"]["peak_rss_mb"] - smallest["peak_rss_mb"]) * 1000 / (profile["sizes"][-1] - profile["sizes"][0])}


def cli_build(corpus: Path, store: Path, workers: int) -> dict:
    command = [sys.executable, "-m", "archivekg", "build", str(corpus), "--store", str(store), "--workers", str(workers), "--no-cache"]
    if Path("/usr/bin/time").exists():
        command = ["/usr/bin/time", "-f", "RSSKB %M"] + command
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise RuntimeError(done.stderr[-2000:])
    rss = [int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("RSSKB")]
    return {"wall_s": wall, "peak_rss_mb": rss[0] / 1024 if rss else float("nan"), "documents": len(list(corpus.glob("*.txt")))}


def bench_loading(work: Path, profile: dict) -> dict:
    """Writing the store as the build does (the document graphs' N-Quads streamed in 8 MB bulk
    loads, the corpus graphs, the ontology) vs one pyoxigraph bulk_load of the same N-Quads.
    The extraction runs once beforehand; both sides time only the writing."""
    import pyoxigraph as ox

    from archivekg import writing
    from archivekg.build import extract, load_pipeline, ontology_path
    from archivekg.cache import Cache
    from archivekg.extract.iris import IriMinter
    from archivekg.extract.read import read_sources
    from archivekg.extract.vocab import ONTOLOGY_GRAPH
    from archivekg.incremental import Graphs
    from archivekg.settings import Settings

    settings = Settings.from_env({})
    pipeline = load_pipeline(settings)
    sources, _ = read_sources([work / f"corpus-{profile['sizes'][-1]}"])
    cache = Cache(work / "loading-cache")
    graphs = Graphs(extract(settings, sources, pipeline, cache), IriMinter(settings.base_iri), cache)
    exported = work / "loading-export"
    writing.write_store(Path(tempfile.mkdtemp(dir=work)), graphs, pipeline.nlp.meta, ontology_path(), None, exported)  # fills the cache
    nq = work / "load.nq"
    nq.write_bytes(b"".join(p.read_bytes() for p in sorted(exported.glob("*.nq"))))

    def ours():
        writing.write_store(Path(tempfile.mkdtemp(dir=work)), graphs, pipeline.nlp.meta, ontology_path(), None, None).flush()

    def native():
        store = ox.Store(str(Path(tempfile.mkdtemp(dir=work))))
        store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
        store.bulk_load(path=str(ontology_path()), format=ox.RdfFormat.TURTLE, to_graph=ONTOLOGY_GRAPH)
        store.flush()

    ours_s = min(timed(ours)[0] for _ in range(3))
    native_s = min(timed(native)[0] for _ in range(3))
    quads = sum(1 for line in nq.read_bytes().splitlines() if line.strip())
    return {"quads": quads, "ours_s": ours_s, "bulk_load_s": native_s, "ratio": ours_s / native_s}


def serving_store(work: Path, profile: dict) -> tuple[Path, Path]:
    """The store the servers read (built from the serve corpus) and a copy for Oxigraph."""
    n = profile["serve_docs"]
    store = work / f"store-{n}"
    if not store.exists():
        write_corpus(work / f"corpus-{n}", n)
        subprocess.run([sys.executable, "-m", "archivekg", "build", str(work / f"corpus-{n}"), "--store", str(store)], check=True, cwd=ROOT, capture_output=True)
    copy = work / "oxigraph-store"
    if not copy.exists():
        shutil.copytree(store.resolve(), copy)
    return store, copy


def bench_sparql(work: Path, profile: dict) -> dict:
    """New small queries (each request one never asked before: nothing can come from memory)
    and repeated ones, at 1, 8 and 32 clients, archivekg as shipped vs `oxigraph
    serve-read-only`, one after the other on copies of the same store; wrk is the load client."""
    store, copy = serving_store(work, profile)
    results: dict = {"levels": {}, "repeated": {}, "analytic_ms": {}}
    for starter in (lambda: load.start_archivekg(store), lambda: load.start_oxigraph(copy)):
        server = starter()
        try:
            load.run_wrk(server.base, server.query_path, 4, 1.0)  # warm up
            for clients in (1, 8, 32):
                for kind, repeat in (("levels", False), ("repeated", True)):
                    summary = load.run_wrk(server.base, server.query_path, clients, profile["level_s"], repeat=repeat)
                    results[kind].setdefault(server.name, {})[str(clients)] = summary
                    print(f"  {server.name} {'repeated' if repeat else 'new'} {clients} clients: p50 {summary['p50_ms']:.2f} ms "
                          f"p99 {summary['p99_ms']:.1f} ms {summary['throughput_rps']:.0f} req/s, {summary['errors']} errors", file=sys.stderr)
            for title, query in ANALYTIC_QUERIES.items():
                runs = [load.sequential_ms(server.base, load.query_path(server, f"{query} # run {i}"), JSON, 1) for i in range(5)]
                results["analytic_ms"].setdefault(title, {})[server.name] = statistics.median(runs)
            results.setdefault("server_rss_mb", {})[server.name] = sum(load.process_tree_rss_mb(server.process.pid).values())
        finally:
            server.stop()
    for title, query in ANALYTIC_QUERIES.items():
        results["analytic_ms"][title]["rdflib-endpoint"] = rdflib_endpoint_ms(copy, query)
    return results


def bench_gil(work: Path, profile: dict) -> dict:
    """Whether pyoxigraph lets other threads run while it evaluates: one long query alone, two
    at once in two threads, and a pure-Python thread's pace during a query."""
    import threading

    import pyoxigraph as ox

    store_path, _ = serving_store(work, profile)
    store = ox.Store.read_only(str(store_path.resolve()))
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d <http://www.w3.org/2000/01/rdf-schema#label> ?f } # %d"

    def run(i):
        list(store.query(query % i, use_default_graph_as_union=True))

    out = {}
    for n in (1, 2):
        threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
        cpu, wall = time.process_time(), time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        out[f"{n}_threads"] = {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}
    stop, steps = [], []

    def ticker():
        n = 0
        while not stop:
            n += 1
        steps.append(n)

    for during_query in (False, True):
        stop.clear()
        thread = threading.Thread(target=ticker)
        started = time.perf_counter()
        thread.start()
        run(99) if during_query else time.sleep(1.0)
        stop.append(1)
        thread.join()
        out["python_steps_per_s_" + ("during_query" if during_query else "alone")] = steps[-1] / (time.perf_counter() - started)
    out["releases_gil"] = out["python_steps_per_s_during_query"] > 0.3 * out["python_steps_per_s_alone"]
    print(f"  GIL: 1 query {out['1_threads']['wall_s']:.2f} s, 2 in threads {out['2_threads']['wall_s']:.2f} s wall / "
          f"{out['2_threads']['cpu_s']:.2f} s CPU; Python thread during a query at "
          f"{out['python_steps_per_s_during_query'] / out['python_steps_per_s_alone']:.0%} of its pace alone", file=sys.stderr)
    return out


def bench_hostile(work: Path, profile: dict) -> dict:
    """Honest new small queries (wrk, 8 clients) while hostile clients run alongside: SERVICE
    tricks, lexer bombs, memory-hungry and runaway queries, trickled bodies, idle half-sent
    heads, a large page; honest p50 and errors, and every server process's peak memory."""
    import threading

    import hostile

    store, _ = serving_store(work, profile)
    server = load.start_archivekg(store)
    peaks: dict[int, float] = {}
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            for pid, mb in load.process_tree_rss_mb(server.process.pid).items():
                peaks[pid] = max(peaks.get(pid, 0.0), mb)
            stop.wait(0.05)

    try:
        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        before = load.run_wrk(server.base, "/sparql", 8, 2.0)
        attack = hostile.Attack(server.base, profile["soak_s"])
        attack.start()
        honest = load.run_wrk(server.base, "/sparql", 8, profile["soak_s"])
        counts = attack.stop()
        after = load.run_load_count(server.base, "/sparql?query=ASK%7B%7D", JSON, 1)
    finally:
        stop.set()
        server.stop()
    front = peaks.pop(server.process.pid, float("nan"))
    summary = {"honest": honest, "honest_before": before, "hostile_requests": counts, "answers_after": bool(after),
               "front_peak_rss_mb": front, "worker_peak_rss_mb": max(peaks.values(), default=float("nan")),
               "workers_seen": len(peaks), "worker_memory_limit_mb": 1024, "seconds": profile["soak_s"]}
    print(f"  hostile soak: honest p50 {honest['p50_ms']:.2f} ms ({before['p50_ms']:.2f} ms before), {honest['errors']} errors; "
          f"front peak {front:.0f} MB, worker peak {summary['worker_peak_rss_mb']:.0f} MB over {len(peaks)} worker processes; {counts}", file=sys.stderr)
    return summary


def rdflib_endpoint_ms(location: Path, query: str) -> float:
    """The analytic query through rdflib-endpoint's app, called in process (no socket: this
    favours rdflib-endpoint, so the ratio is a lower bound)."""
    import warnings

    import pyoxigraph as ox
    import rdflib
    from rdflib_endpoint import SparqlEndpoint

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette's note about httpx
        from starlette.testclient import TestClient

    data = ox.Store.read_only(str(location)).dump(format=ox.RdfFormat.N_QUADS)
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(data=data.decode("utf-8"), format="nquads")
    client = TestClient(SparqlEndpoint(graph=dataset))
    times = []
    for _ in range(3):
        started = time.perf_counter()
        response = client.get("/", params={"query": query}, headers={"Accept": JSON})
        assert response.status_code == 200, response.text[:300]
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def bench_pages(work: Path, profile: dict) -> dict:
    """The entity page as HTML: from the front's memory (as shipped) and made each time (the
    memory off), vs Oxigraph's DESCRIBE of the same IRI."""
    store, copy = serving_store(work, profile)
    out = {}
    path = "/" + MAO.split("/", 3)[3]
    for remember, key in ((True, "page_ms"), (False, "page_made_ms")):
        server = load.start_archivekg(store, remember=remember)
        try:
            load.run_load_count(server.base, path, "text/html", 3)
            out[key] = load.sequential_ms(server.base, path, "text/html", profile["repeats"])
        finally:
            server.stop()
    server = load.start_oxigraph(copy)
    try:
        describe = load.query_path(server, f"DESCRIBE <{MAO}>")
        load.run_load_count(server.base, describe, "application/n-triples", 3)
        out["describe_ms"] = load.sequential_ms(server.base, describe, "application/n-triples", profile["repeats"])
    finally:
        server.stop()
    out["ratio"] = out["page_ms"] / out["describe_ms"]
    return out


def bench_soak(work: Path, profile: dict) -> dict:
    """32 clients mixing SPARQL queries and pages for the soak duration: errors and p99."""
    store, _ = serving_store(work, profile)
    server = load.start_archivekg(store)
    try:
        paths = [(load.query_path(server, q), JSON) for q in SMALL_QUERIES + [ANALYTIC_QUERY]]
        paths += [("/" + MAO.split("/", 3)[3], "text/html"), ("/id/document/doc-00001", "text/html"), ("/", "text/html")]
        summary = load.run_load(server.base, paths, 32, profile["soak_s"]).summary()
        summary["server_rss_mb"] = server.peak_rss_mb()
        summary["seconds"] = profile["soak_s"]
        ok = load.run_load_count(server.base, "/sparql?query=ASK%7B%7D", JSON, 1)
        summary["answers_after"] = bool(ok)
    finally:
        server.stop()
    return summary


def bench_fuzz(work: Path, profile: dict) -> dict:
    env = dict(os.environ, ARCHIVEKG_FUZZ_EXAMPLES=str(profile["fuzz"]))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_reliability.py", "-k", "fuzz or still_answers"],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    return {"examples": profile["fuzz"], "passed": done.returncode == 0, "seconds": time.perf_counter() - started,
            "summary": done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-300:]}


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), platform.processor())
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "0")
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(int(memory) / 1024 / 1024, 1), "python": platform.python_version(),
            "system": platform.platform(), "load_average_at_start": os.getloadavg(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


PARTS = {"build": bench_build, "load": bench_loading, "sparql": bench_sparql, "gil": bench_gil, "pages": bench_pages, "soak": bench_soak,
         "hostile": bench_hostile, "fuzz": bench_fuzz}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small corpus, short runs (~5 min)")
    parser.add_argument("--only", choices=sorted(PARTS), action="append", help="run only these parts")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one, removed after)")
    parser.add_argument("--no-report", action="store_true", help="print the JSON, do not rewrite RESULTS.md")
    args = parser.parse_args()
    profile = PROFILES["quick" if args.quick else "full"]
    work = args.work or Path(tempfile.mkdtemp(prefix="archivekg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results = {"profile": "quick" if args.quick else "full", "settings": profile, "machine": machine()}
    previous = HERE / "results.json"
    if args.only and not args.no_report and previous.exists():  # the parts not run now keep their last figures
        kept = json.loads(previous.read_text())
        results.update({k: v for k, v in kept.items() if k in PARTS and k not in args.only})
    try:
        for name in args.only or list(PARTS):
            print(f"{name}...", file=sys.stderr)
            results[name] = PARTS[name](work, profile)
            results[name]["measured"] = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load_average": os.getloadavg()}
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(results, indent=1, default=str))
    if not args.no_report:
        (HERE / "results.json").write_text(json.dumps(results, indent=1, default=str))
        write_report(results, HERE)


if __name__ == "__main__":
    main()
