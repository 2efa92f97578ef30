"""Reliability, quick versions (the long runs are in bench/): fuzzed requests never give a 5xx
or a traceback; hostile documents are named and skipped while the rest is built; a build
killed with SIGKILL leaves the previous store intact; a build does not disturb readers."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from archivekg import store as stores
from archivekg.build import build
from archivekg.commands import export_bytes
from archivekg.server import create_app
from archivekg.server.front import ServerThread, make_front
from archivekg.settings import Settings

from conftest import ROOT, SEEDS

sys.path.insert(0, str(ROOT / "bench"))
from corpus import write_corpus  # noqa: E402

import pyoxigraph as ox  # noqa: E402

FUZZ_EXAMPLES = int(os.environ.get("ARCHIVEKG_FUZZ_EXAMPLES", "300"))
VALID_QUERIES = [
    "SELECT ?s WHERE { ?s a <http://schema.org/Person> } LIMIT 5",
    "ASK { ?s <http://www.w3.org/2000/01/rdf-schema#label> \"Mao Zedong\"@en }",
    "PREFIX schema: <http://schema.org/> SELECT ?d ?t WHERE { ?d schema:text ?t } LIMIT 2",
    "DESCRIBE <http://localhost:5000/id/person/mao-zedong>",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3",
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
]
ACCEPTS = [
    "application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values",
    "text/turtle", "application/n-triples", "application/ld+json", "text/html", "*/*", "image/png", "",
    "text/html;q=0.1, application/json;q=abc", "*/*;q=0", "application/rdf+xml;charset=latin1",
]
PATHS = [
    "/", "/sparql", "/id/person/mao-zedong", "/id/person/mao-zedong.ttl", "/id/document/000-aa660109cd128542", "/ontology",
    "/id/", "/id/person/", "/search", "/disputes", "/.well-known/void", "/sparql/prefixes.json", "/static/../../etc/passwd",
]
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@st.composite
def mutated(draw, texts):
    """A valid text with a few characters inserted, deleted or replaced."""
    text = draw(st.sampled_from(texts))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.text(min_size=1, max_size=3))
        if action == "insert":
            text = text[:at] + piece + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + len(piece) :]
        else:
            text = text[:at] + piece + text[at + len(piece) :]
    return text


header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60)
requests = st.fixed_dictionaries(
    {
        "method": st.sampled_from(["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS"]),
        "path": st.one_of(st.sampled_from(PATHS), mutated(PATHS).map(lambda p: "/" + urllib.parse.quote(p.lstrip("/")))),
        "query": st.one_of(st.none(), st.text(max_size=80), mutated(VALID_QUERIES)),
        "accept": st.one_of(st.sampled_from(ACCEPTS), header_text),
        "as_body": st.booleans(),
    }
)


@hsettings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(request=requests)
def test_fuzzed_requests_never_give_a_5xx_or_a_traceback(live_server, request):
    """Over HTTP through the production front (uvicorn, the answers it remembers), so repeated
    examples are also answered from memory."""
    path, body, headers = request["path"], None, {"Accept": request["accept"]}
    if request["query"] is not None:
        if request["as_body"] and request["method"] == "POST":
            body = request["query"].encode("utf-8", "surrogatepass")
            headers["Content-Type"] = "application/sparql-query"
        else:
            path += "?" + urllib.parse.urlencode({"query": request["query"]}, encoding="utf-8", errors="surrogatepass")
    parts = urllib.parse.urlsplit(live_server)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request(request["method"], path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
    finally:
        connection.close()
    assert response.status < 500, (request, data[:300])
    assert b"Traceback" not in data


def test_the_server_still_answers_after_the_fuzzing(live_server):
    import urllib.request

    with urllib.request.urlopen(f"{live_server}/sparql?{urllib.parse.urlencode({'query': 'ASK {}'})}", timeout=10) as response:
        assert response.status == 200


MEMORY_BOUND_MB = 1024  # the model and two small documents take ~300 MB; a 20 MB text read whole would take far more
# `archivekg build ...` that also prints its own peak RSS on stderr
MEASURED_BUILD = (
    "import resource, sys\n"
    "from archivekg.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print('peak-rss-kb', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def test_hostile_documents_are_named_and_the_rest_is_built(tmp_path):
    corpus = tmp_path / "hostile"
    corpus.mkdir()
    good = (SEEDS / "001_6bf8637f507ce4ab.txt").read_bytes()
    (corpus / "good.txt").write_bytes(good)
    (corpus / "control.txt").write_bytes(good[:300] + b"\x01\x07\x1b[31m\x0c" + good[300:])
    with open(corpus / "big.txt", "wb") as big:  # 20 MB of text
        for _ in range(20 * 1024 * 1024 // len(good) + 1):
            big.write(good)
    (corpus / "one-line.txt").write_bytes(good.replace(b"\n", b" ") * (1024 * 1024 // len(good) + 1))
    (corpus / "nul.txt").write_bytes(good[:200] + b"\x00" + good[200:])
    (corpus / "mixed.txt").write_bytes(good[:200] + "Zhou Enlaï".encode("latin-1") + good[200:])
    (corpus / "folder.txt").mkdir()
    (corpus / "vanished.txt").symlink_to(tmp_path / "gone.txt")  # found, then gone when read
    store = tmp_path / "store"
    result = subprocess.run([sys.executable, "-c", MEASURED_BUILD, "build", str(corpus), "--store", str(store)],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 1, result.stderr  # built, with problems
    assert "Traceback" not in result.stderr
    peak_mb = int(result.stderr.rsplit("peak-rss-kb ", 1)[1].split()[0]) / 1024
    assert peak_mb < MEMORY_BOUND_MB, f"the build of a 20 MB corpus peaked at {peak_mb:.0f} MB"
    for name in ["big.txt", "one-line.txt", "nul.txt", "mixed.txt", "folder.txt", "vanished.txt"]:
        assert any(name in line and "skipped" in line for line in result.stderr.splitlines()), f"{name} not named: {result.stderr}"
    built = stores.open_read_only(store)
    documents = {str(row["d"].value).rsplit("/", 1)[-1] for row in built.query("SELECT ?d WHERE { ?d a <https://w3id.org/archivekg/ontology#Document> }", use_default_graph_as_union=True)}
    assert {"good", "control"} <= documents


def test_kill_9_during_a_build_leaves_the_previous_store_intact(tmp_path, pipeline):
    settings = Settings.from_env({}, store=tmp_path / "store")
    build(settings, [SEEDS], pipeline)
    before = export_bytes(stores.open_read_only(settings.store), ox.RdfFormat.N_QUADS)
    previous_builds = set(stores.builds_dir(settings.store).iterdir())
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 60)
    process = subprocess.Popen(
        [sys.executable, "-m", "archivekg", "build", str(corpus), "--store", str(settings.store)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    # kill it while it writes the new store if we catch that moment, else after ~1 s of work
    deadline = time.monotonic() + 60
    started = time.monotonic()
    while time.monotonic() < deadline and process.poll() is None:
        if set(stores.builds_dir(settings.store).iterdir()) - previous_builds or time.monotonic() - started > 4:
            break
        time.sleep(0.01)
    assert process.poll() is None, "the build ended before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert export_bytes(stores.open_read_only(settings.store), ox.RdfFormat.N_QUADS) == before
    client = create_app(settings).test_client()
    assert client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}).status_code == 200
    # and the next build still works
    assert build(settings, [SEEDS], pipeline).documents == 2


def test_a_build_does_not_disturb_readers_until_the_swap(tmp_path, pipeline):
    """Readers go through the production front, which remembers answers: none may outlive its build."""
    settings = Settings.from_env({}, store=tmp_path / "store")
    build(settings, [SEEDS / "001_6bf8637f507ce4ab.txt"], pipeline)
    server = ServerThread(make_front(create_app(settings), settings))
    url = server.start() + "/sparql?" + urllib.parse.urlencode({"query": COUNT})

    def count() -> int:
        with urllib.request.urlopen(url, timeout=30) as response:
            return int(json.load(response)["results"]["bindings"][0]["n"]["value"])

    old = count()
    seen: list[int] = []
    errors: list[str] = []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            try:
                seen.append(count())
            except OSError as err:
                errors.append(repr(err))
            time.sleep(0.005)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        new = build(settings, [SEEDS], pipeline)
        deadline = time.monotonic() + 15  # let the readers meet the new build (slow on a loaded machine)
        while time.monotonic() < deadline and len(set(seen)) < 2:
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    try:
        assert not errors
        new_count = int(next(iter(stores.open_read_only(settings.store).query(COUNT)))["n"].value)
        assert new.documents == 2 and new_count != old
        assert set(seen) <= {old, new_count}  # the old answer, then the new one: never a half-built store
        assert seen[0] == old and new_count in seen
        # a request made after the swap is answered from the new build, never from memory of the old
        assert count() == new_count
    finally:
        server.stop()


def test_a_fifo_and_a_link_to_dev_zero_are_skipped_not_read(tmp_path):
    """A FIFO named x.txt would block the build forever; /dev/zero would be read until memory
    runs out: both are named and skipped, and the rest is built (in a subprocess with a time
    limit, so a regression fails instead of hanging)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_bytes((SEEDS / "001_6bf8637f507ce4ab.txt").read_bytes())
    os.mkfifo(corpus / "x.txt")
    (corpus / "zero.txt").symlink_to("/dev/zero")
    store = tmp_path / "store"
    result = subprocess.run([sys.executable, "-c", MEASURED_BUILD, "build", str(corpus), "--store", str(store), "--no-validate"],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 1, result.stderr
    skipped = [line for line in result.stderr.splitlines() if "skipped" in line]
    assert any("x.txt" in line and "FIFO" in line for line in skipped), result.stderr
    assert any("zero.txt" in line and "device" in line for line in skipped), result.stderr
    assert int(result.stderr.rsplit("peak-rss-kb ", 1)[1].split()[0]) / 1024 < MEMORY_BOUND_MB
    assert b"/document/good>" in export_bytes(stores.open_read_only(store), ox.RdfFormat.N_QUADS)


def test_kill_9_of_a_build_with_workers_leaves_no_worker_and_a_usable_cache(tmp_path, pipeline):
    """A real `archivekg build --workers 2` killed with SIGKILL while its workers analyse: every
    worker ends within seconds, and the next build, from what the cache kept, gives the same
    graph as a build from scratch."""
    import psutil

    corpus = tmp_path / "corpus"
    write_corpus(corpus, 40)
    store = tmp_path / "store"
    cache = tmp_path / "store.cache"
    process = subprocess.Popen(
        [sys.executable, "-m", "archivekg", "build", str(corpus), "--store", str(store), "--workers", "2"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    parent = psutil.Process(process.pid)
    deadline = time.monotonic() + 120
    workers: list = []
    while time.monotonic() < deadline and process.poll() is None:
        workers = parent.children(recursive=True)
        if len(workers) >= 2 and any(p.is_file() for p in (cache / "analysis").rglob("*")):
            break  # the workers run and have made something
        time.sleep(0.05)
    assert process.poll() is None and len(workers) >= 2, "the build ended (or never started its workers) before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert ended(workers, 10), f"workers outlived the killed build: {[p.pid for p in workers if p.is_running()]}"
    settings = Settings.from_env({}, store=store, validate=False, workers=1)
    report = build(settings, [corpus], pipeline)
    assert 0 < report.analysed < 40  # what the killed build analysed was kept
    fresh = Settings.from_env({}, store=tmp_path / "fresh", validate=False, workers=1, cache=False)
    build(fresh, [corpus], pipeline)
    assert export_bytes(stores.open_read_only(store), ox.RdfFormat.N_QUADS) == export_bytes(stores.open_read_only(fresh.store), ox.RdfFormat.N_QUADS)


def ended(processes, timeout: float) -> bool:
    """Whether every process (psutil.Process, not necessarily our child) ends within `timeout` s."""
    import psutil

    def running(p) -> bool:
        try:
            return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    deadline = time.monotonic() + timeout
    while any(running(p) for p in processes):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


WORKER_THAT_HANGS = """
import os, sys, time
from archivekg.extract.parallel import die_with_parent
reader, writer = os.pipe()
parent = os.getpid()
child = os.fork()
if child == 0:
    os.close(writer)
    kernel = sys.argv[1] == 'kernel'
    die_with_parent(None if kernel else reader, parent, kernel=kernel)
    print(os.getpid(), flush=True)  # watched from now on
    time.sleep(120)  # busy, reading nothing from its parent: only the watch can end it
    os._exit(0)
time.sleep(120)
"""


@pytest.mark.parametrize("how", ["kernel", "pipe"])
def test_a_busy_worker_dies_with_its_parent(how):
    """Both ways a worker learns that its build was killed: PR_SET_PDEATHSIG (Linux) and the
    parent's pipe reaching end of file (everywhere), each alone."""
    import psutil

    if how == "kernel" and not sys.platform.startswith("linux"):
        pytest.skip("PR_SET_PDEATHSIG is Linux's")
    parent = subprocess.Popen([sys.executable, "-c", WORKER_THAT_HANGS, how], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    child = None
    try:
        child = psutil.Process(int(parent.stdout.readline()))
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        assert ended([child], 10), f"the worker outlived its parent ({how})"
    finally:
        parent.kill()
        parent.wait()
        parent.stdout.close()
        if child is not None and not ended([child], 0):
            child.kill()  # the test failed: leave nothing behind


def test_kill_9_while_an_incremental_build_writes_its_store(tmp_path, pipeline):
    """Killed after it made its new build folder (copying the served store, replacing the changed
    graphs, validating): the served store is as it was, and the next build, from the cache,
    gives the graph of a build from scratch."""
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 6)
    settings = Settings.from_env({}, store=tmp_path / "store", workers=1)
    build(settings, [corpus], pipeline)
    before = export_bytes(stores.open_read_only(settings.store), ox.RdfFormat.N_QUADS)
    existing = set(stores.builds_dir(settings.store).iterdir())
    (corpus / "added.txt").write_bytes((SEEDS / "001_6bf8637f507ce4ab.txt").read_bytes())
    process = subprocess.Popen(
        [sys.executable, "-m", "archivekg", "build", str(corpus), "--store", str(settings.store), "--workers", "1"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if [p for p in set(stores.builds_dir(settings.store).iterdir()) - existing if p.is_dir()]:
            break
        time.sleep(0.005)
    assert process.poll() is None, "the build ended before it could be killed while writing"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert export_bytes(stores.open_read_only(settings.store), ox.RdfFormat.N_QUADS) == before
    assert build(settings, [corpus], pipeline).analysed == 0  # the killed build had analysed the new document
    fresh = Settings.from_env({}, store=tmp_path / "fresh", validate=False, workers=1, cache=False)
    build(fresh, [corpus], pipeline)
    assert export_bytes(stores.open_read_only(settings.store), ox.RdfFormat.N_QUADS) == export_bytes(stores.open_read_only(fresh.store), ox.RdfFormat.N_QUADS)
