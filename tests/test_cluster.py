"""`archivekg build --cluster`: the per-document stages on a real Dask cluster, a `dask
scheduler` and two `dask worker` processes on localhost ports, give the same N-Quads as the
local build; a cluster that is not there is a one-line error; every process started is stopped."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from archivekg import store as stores
from archivekg.build import BuildError, build
from archivekg.cli import main
from archivekg.commands import export_bytes
from archivekg.settings import Settings

from conftest import ROOT, SEEDS, free_port

sys.path.insert(0, str(ROOT / "bench"))
from corpus import write_corpus  # noqa: E402

psutil = pytest.importorskip("psutil")
pytest.importorskip("distributed")


def dask_command() -> str:
    """The `dask` of this interpreter's environment (another one on PATH may be another Python's)."""
    own = Path(sys.executable).parent / "dask"
    found = str(own) if own.exists() else shutil.which("dask") or str(own)
    if not Path(found).exists():
        pytest.skip("the `dask` command (PyPI package distributed) is not installed")
    return found


def start(args: list[str], log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:  # its own session: stopping it stops the processes it starts
        return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT)


def stop(processes: list[subprocess.Popen]) -> list:
    """SIGTERM to each process group, SIGKILL to what is left after 10 s; returns every
    process of the groups, for the caller to check that none is left."""
    everyone = []
    for process in processes:
        try:
            everyone.append(psutil.Process(process.pid))
            everyone.extend(everyone[-1].children(recursive=True))
        except psutil.NoSuchProcess:
            pass
    for process in processes:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    _, alive = psutil.wait_procs(everyone, timeout=10)
    for process in processes:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()
    psutil.wait_procs(alive, timeout=5)
    return everyone


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A Dask scheduler and two single-thread workers, each a process of its own."""
    from distributed import Client

    logs = tmp_path_factory.mktemp("dask")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = dask_command()
    processes = [start([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], logs / "scheduler.log")]
    try:
        for i in range(2):
            processes.append(start([dask, "worker", address, "--host", "127.0.0.1", "--nthreads", "1", "--no-dashboard",
                                    "--name", f"worker-{i}"], logs / f"worker-{i}.log"))
        deadline = time.monotonic() + 60
        while True:  # the scheduler takes a moment to listen
            try:
                with Client(address, timeout=5, set_as_default=False) as client:
                    client.wait_for_workers(2, timeout=60)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield address
    finally:
        everyone = stop(processes)
        left = [p.pid for p in everyone if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        assert not left, f"cluster processes left running: {left}"


def nquads(store: Path) -> bytes:
    return export_bytes(stores.open_read_only(store), ox.RdfFormat.N_QUADS)


def test_a_build_on_a_dask_cluster_gives_the_local_builds_nquads(tmp_path, cluster, pipeline):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 6)
    shutil.copy(SEEDS / "001_6bf8637f507ce4ab.txt", corpus)
    on_cluster = Settings.from_env({}, store=tmp_path / "cluster-store", cluster=cluster, validate=False)
    report = build(on_cluster, [corpus], pipeline)
    assert report.documents == 7 and report.analysed == 7
    local = Settings.from_env({}, store=tmp_path / "local-store", workers=1, cache=False, validate=False)
    build(local, [corpus], pipeline)
    assert nquads(on_cluster.store) == nquads(local.store)

    # the cluster and the cache together: one document added is the one the cluster analyses
    (corpus / "added.txt").write_bytes((SEEDS / "000_aa660109cd128542.txt").read_bytes())
    assert build(on_cluster, [corpus], pipeline).analysed == 1
    build(local, [corpus], pipeline)
    assert nquads(on_cluster.store) == nquads(local.store)


def test_the_cli_builds_on_the_cluster(tmp_path, cluster):
    store = tmp_path / "store"
    assert main(["build", str(SEEDS), "--store", str(store), "--cluster", cluster, "--no-validate"]) == 0
    assert b"/document/000-aa660109cd128542>" in nquads(store)


def test_no_scheduler_at_the_address_is_an_error_that_says_what_to_do(tmp_path, pipeline, monkeypatch):
    from archivekg import cluster as clusters

    monkeypatch.setattr(clusters, "CONNECT_TIMEOUT_S", 2)  # nothing listens: no need to wait 20 s
    address = f"tcp://127.0.0.1:{free_port()}"
    settings = Settings.from_env({}, store=tmp_path / "store", cluster=address, validate=False)
    with pytest.raises(BuildError, match="no Dask scheduler answers"):
        build(settings, [SEEDS], pipeline)
    assert not stores.exists(settings.store)
