"""The incremental build: the same `archivekg build` after a document was added, changed or
removed redoes that document only and swaps in a store whose sorted N-Quads are byte for byte
those of a build from scratch; a damaged cache is only slower, never wrong; `--no-cache`
keeps nothing; `archivekg cache clear` empties it."""

from __future__ import annotations

import dataclasses
import shutil
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from archivekg import store as stores
from archivekg.build import build
from archivekg.cache import MAGIC, default_location
from archivekg.cli import main
from archivekg.commands import export_bytes
from archivekg.extract.graph import corpus_quads
from archivekg.extract.iris import IriMinter
from archivekg.extract.pipeline import extract_corpus
from archivekg.extract.read import read_sources
from archivekg.settings import Settings

from conftest import ROOT, SEEDS

sys.path.insert(0, str(ROOT / "bench"))
from corpus import CorpusMaker  # noqa: E402

CITING = SEEDS / "001_6bf8637f507ce4ab.txt"  # cites Stalin's telegram No. 4581


def make_corpus(folder: Path, generated: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, folder / seed.name)
    maker = CorpusMaker()
    for i in range(generated):
        (folder / f"gen-{i}.txt").write_text(maker.document(i), encoding="utf-8")
    return folder


def nquads(store: Path) -> bytes:
    return export_bytes(stores.open_read_only(store), ox.RdfFormat.N_QUADS)


def settings_for(store: Path, **more) -> Settings:
    return Settings.from_env({}, store=store, validate=False, workers=1, **more)


def from_scratch(tmp_path: Path, corpus: Path, pipeline) -> bytes:
    store = tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}"
    build(settings_for(store, cache=False), [corpus], pipeline)
    assert not default_location(store).exists()
    return nquads(store)


def test_adding_changing_and_removing_a_document_redo_only_it_and_equal_a_fresh_build(tmp_path, pipeline):
    corpus = make_corpus(tmp_path / "corpus", 4)
    settings = settings_for(tmp_path / "store")
    first = build(settings, [corpus], pipeline)
    assert (first.analysed, first.extracted, first.graphs_made) == (6, 6, 6)
    again = build(settings, [corpus], pipeline)
    assert (again.analysed, again.extracted, again.graphs_made) == (0, 0, 0)

    (corpus / "added.txt").write_text(CorpusMaker().document(99), encoding="utf-8")
    added = build(settings, [corpus], pipeline)
    assert added.documents == 7 and added.analysed == 1
    assert nquads(settings.store) == from_scratch(tmp_path, corpus, pipeline)

    changed = corpus / "gen-1.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nZhou Enlai will go to Moscow.\n", encoding="utf-8")
    report = build(settings, [corpus], pipeline)
    assert report.analysed == 1
    assert nquads(settings.store) == from_scratch(tmp_path, corpus, pipeline)

    (corpus / "gen-2.txt").unlink()
    removed = build(settings, [corpus], pipeline)
    assert removed.documents == 6 and removed.analysed == 0
    assert b"/document/gen-2>" not in nquads(settings.store)
    assert nquads(settings.store) == from_scratch(tmp_path, corpus, pipeline)


def test_a_document_naming_people_nobody_named_re_extracts_only_what_read_them(tmp_path, pipeline):
    """Stage 2 of a cached document is redone only when the entity table answers one of its
    reads differently: a document bringing new people changes the table, not those reads."""
    corpus = make_corpus(tmp_path / "corpus", 12)
    settings = settings_for(tmp_path / "store")
    build(settings, [corpus], pipeline)
    (corpus / "added.txt").write_text(CorpusMaker(seed=7).document(1, new_names=True), encoding="utf-8")
    added = build(settings, [corpus], pipeline)
    assert added.analysed == 1
    assert 1 <= added.extracted < added.documents // 2
    assert nquads(settings.store) == from_scratch(tmp_path, corpus, pipeline)
    # a known person under a new name of theirs changes that entity's names: what read them is redone
    (corpus / "renamed.txt").write_text("TELEGRAM\n\nFrom Beijing.\n\nMAO TSE-TUNG said that the troops are ready. Mao Zedong agreed.\n", encoding="utf-8")
    build(settings, [corpus], pipeline)
    assert nquads(settings.store) == from_scratch(tmp_path, corpus, pipeline)


def test_the_entity_table_records_what_is_read_and_knows_when_another_table_answers_otherwise():
    from archivekg.extract.entity_table import EntityTable, TableAnswers
    from archivekg.extract.model import Entity

    mao = Entity("mao-zedong", "person", "Mao Zedong", ("Mao",), gazetteer_id="mao-zedong")
    korea = Entity("korea", "place", "Korea")
    table = EntityTable({mao.key: mao, korea.key: korea})
    assert table["mao-zedong"].kind == "person"
    assert "stalin" not in table
    assert table.by_name("MAO") == "mao-zedong"
    reads = table.reads()
    assert dict(reads).keys() == {"k:mao-zedong", "f:mao-zedong kind", "k:stalin", "n:mao"}
    other_names = Entity("mao-zedong", "person", "Mao Zedong", ("Mao", "Mao Tse-tung"), gazetteer_id="mao-zedong")
    assert TableAnswers({mao.key: other_names, korea.key: korea}).hold(reads)  # its names were not read
    assert not TableAnswers({mao.key: mao, korea.key: korea, "stalin": Entity("stalin", "person", "Stalin")}).hold(reads)
    assert not TableAnswers({mao.key: Entity("mao-zedong", "organization", "Mao Zedong", ("Mao",))}).hold(reads)


def test_a_cited_message_added_later_is_linked_from_the_cached_document_that_cites_it(tmp_path, pipeline):
    """A document's graph depends on the corpus where it cites a message that is itself a
    document of the corpus: that graph is made again when the cited document comes."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CITING, corpus / CITING.name)
    settings = settings_for(tmp_path / "store")
    build(settings, [corpus], pipeline)
    # a telegram that names nothing, so what the citing document's mentions name stays the same
    (corpus / "t4581.txt").write_text("CIPHERED TELEGRAM No. 4581\n\n13.12.1950\n\nThe weather is cold.\n", encoding="utf-8")
    report = build(settings, [corpus], pipeline)
    assert (report.analysed, report.extracted, report.graphs_made) == (1, 1, 2)
    data = nquads(settings.store)
    assert b"<http://localhost:5000/id/document/001-6bf8637f507ce4ab> <http://schema.org/citation> <http://localhost:5000/id/document/t4581>" in data
    assert data == from_scratch(tmp_path, corpus, pipeline)


def test_the_build_in_worker_processes_equals_the_whole_pipeline_in_memory(tmp_path, pipeline):
    """Docs through DocBin, stages in two worker processes, graphs streamed from the cache: the
    same quads as every stage run in one process over Docs held in memory. (Enough documents
    that each worker is sent several batches of each stage.)"""
    corpus = make_corpus(tmp_path / "corpus", 40)
    settings = Settings.from_env({}, store=tmp_path / "store", workers=2)
    build(settings, [corpus], pipeline)
    sources, _ = read_sources([corpus])
    expected = set(corpus_quads(extract_corpus(pipeline, sources), IriMinter(settings.base_iri)))
    built = set(stores.open_read_only(settings.store))
    document_and_entity_graphs = {q for q in built if "/graph/document/" in q.graph_name.value or q.graph_name.value.endswith("/graph/entities")}
    assert document_and_entity_graphs == expected


def test_damaged_entries_and_leftover_temporary_files_are_misses_not_errors(tmp_path, pipeline):
    corpus = make_corpus(tmp_path / "corpus", 2)
    settings = settings_for(tmp_path / "store")
    build(settings, [corpus], pipeline)
    entries = [p for p in default_location(settings.store).rglob("*") if p.is_file()]
    assert entries and all(p.read_bytes().startswith(MAGIC) for p in entries)
    for i, entry in enumerate(entries):  # cut short, emptied, garbage: as a disk error or a hand edit would
        data = entry.read_bytes()
        entry.write_bytes([data[: len(data) // 2], b"", b"\x80not a pickle"][i % 3])
        (entry.parent / f".tmp-{i}").write_bytes(data[:10])  # as a killed build leaves them
    report = build(settings, [corpus], pipeline)
    assert report.documents == 4
    assert nquads(settings.store) == from_scratch(tmp_path, corpus, pipeline)


def test_no_cache_keeps_nothing_cache_clear_empties_it_and_the_setting_moves_it(tmp_path, capsys, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CITING, corpus / CITING.name)
    store = tmp_path / "store"
    assert main(["build", str(corpus), "--store", str(store), "--no-validate", "--no-cache"]) == 0
    assert not default_location(store).exists()
    assert not [p for p in stores.builds_dir(store).iterdir() if p.name.startswith(".nocache")]

    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv("ARCHIVEKG_CACHE", str(elsewhere))
    assert main(["build", str(corpus), "--store", str(store), "--no-validate"]) == 0
    assert any(p.is_file() for p in elsewhere.rglob("*")) and not default_location(store).exists()
    capsys.readouterr()
    assert main(["cache", "info", "--store", str(store)]) == 0
    info = capsys.readouterr().out
    assert str(elsewhere) in info and "entries" in info
    assert main(["cache", "clear", "--store", str(store)]) == 0
    assert not elsewhere.exists()
    assert "removed" in capsys.readouterr().err
    # and the store it served is untouched
    assert b"/document/001-6bf8637f507ce4ab>" in nquads(store)


@pytest.mark.parametrize("edit", ["model", "code"])
def test_the_cache_key_holds_the_model_and_the_code(tmp_path, pipeline, monkeypatch, edit):
    """Another model version, or an edit to any extraction module, and nothing cached is reused."""
    from archivekg import incremental

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CITING, corpus / CITING.name)
    settings = settings_for(tmp_path / "store")
    build(settings, [corpus], pipeline)
    if edit == "model":
        monkeypatch.setitem(pipeline.nlp.meta, "version", pipeline.nlp.meta["version"] + "-other")
    else:
        real = incremental.code_version
        monkeypatch.setattr(incremental, "code_version", lambda: real() + "-edited")
    assert build(settings, [corpus], pipeline).analysed == 1


def test_a_store_changed_by_a_sparql_update_is_not_the_base_of_the_next_build(tmp_path, pipeline):
    """The server applies an update as a new build folder, without a manifest: the next build
    cannot know what that store holds, so it writes from scratch (the update is gone, as after
    any build), instead of copying it."""
    from archivekg.server import create_app

    corpus = make_corpus(tmp_path / "corpus", 1)
    settings = settings_for(tmp_path / "store")
    build(settings, [corpus], pipeline)
    app = create_app(dataclasses.replace(settings, update_token="s3cret"))
    try:
        update = {"update": 'INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/a> <http://example.org/b> "c" } }'}
        assert app.test_client().post("/sparql", data=update, headers={"Authorization": "Bearer s3cret"}).status_code == 200
    finally:
        app.extensions["archivekg.storage"].close()
    assert b"<http://example.org/a>" in nquads(settings.store)
    (corpus / "added.txt").write_text(CorpusMaker().document(42), encoding="utf-8")
    assert build(settings, [corpus], pipeline).analysed == 1
    assert nquads(settings.store) == from_scratch(tmp_path, corpus, pipeline)


def test_a_copied_store_keeps_nothing_of_a_graph_that_changed(tmp_path, pipeline):
    """The copy-and-replace path against the from-scratch path, when the base IRI changes
    (every graph's key changes) and back."""
    corpus = make_corpus(tmp_path / "corpus", 1)
    settings = settings_for(tmp_path / "store")
    build(settings, [corpus], pipeline)
    other = dataclasses.replace(settings, base_iri="http://archive.example.org/")
    build(other, [corpus], pipeline)
    data = nquads(settings.store)
    assert b"http://localhost:5000/" not in data and b"http://archive.example.org/id/" in data
    fresh = tmp_path / "fresh-other"
    build(dataclasses.replace(other, store=fresh, cache=False), [corpus], pipeline)
    assert data == nquads(fresh)
    build(settings, [corpus], pipeline)
    assert nquads(settings.store) == from_scratch(tmp_path, corpus, pipeline)
