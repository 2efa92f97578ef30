"""Rule data as one RuleSet: every rule file read once, profiles layered over the base."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from archivekg.extract.gazetteer import GazetteerError
from archivekg.extract.rules import load_ruleset


@pytest.fixture()
def profile(tmp_path):
    folder = tmp_path / "my-archive"
    folder.mkdir()
    return folder


def test_a_profile_adds_replaces_and_removes_rules(profile):
    base = load_ruleset()
    stalin = base.by_id["joseph-stalin"]
    (profile / "honorifics.txt").write_text("Tovarishch\n", encoding="utf-8")
    (profile / "layout_words.txt").write_text("-Volunteer\n", encoding="utf-8")
    replaced = {"id": "joseph-stalin", "label": "Joseph Stalin", "type": "person", "aliases": ["Koba"]}
    (profile / "gazetteer.jsonl").write_text(json.dumps(replaced) + "\n" + json.dumps({"id": "syngman-rhee", "disabled": True}) + "\n", encoding="utf-8")
    layered = load_ruleset([profile])
    assert "Tovarishch" in layered.honorifics and "Tovarishch" not in base.honorifics
    assert "volunteer" in base.layout_words and "volunteer" not in layered.layout_words
    assert layered.by_id["joseph-stalin"].aliases == ("Koba",) != stalin.aliases
    assert "syngman-rhee" in base.by_id and "syngman-rhee" not in layered.by_id
    assert layered.fingerprint != base.fingerprint
    assert load_ruleset([profile]).fingerprint == layered.fingerprint  # same bytes, same key


def test_a_malformed_profile_file_is_named(profile):
    (profile / "claim_cues.jsonl").write_text('{"id": "x", "kind": "cue", "pattern": []}\n', encoding="utf-8")
    with pytest.raises(GazetteerError, match="claim_cues.jsonl"):
        load_ruleset([profile])
    (profile / "claim_cues.jsonl").write_text("{not json\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"claim_cues.jsonl:1"):
        load_ruleset([profile])


def test_a_dated_entry_must_name_what_came_before_it(profile):
    row = {"id": "east-germany", "label": "German Democratic Republic", "type": "country", "from": "1949-10-07", "before": "nowhere"}
    (profile / "gazetteer.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="east-germany: 'before' must name another entry's id"):
        load_ruleset([profile])
    row.update({"before": "soviet-occupation-zone", "from": "1949"})
    zone = {"id": "soviet-occupation-zone", "label": "Occupied zone of the test archive", "type": "place"}
    (profile / "gazetteer.jsonl").write_text(json.dumps(row) + "\n" + json.dumps(zone) + "\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="a full date"):
        load_ruleset([profile])
    row["from"] = "1949-10-07"
    (profile / "gazetteer.jsonl").write_text(json.dumps(row) + "\n" + json.dumps(zone) + "\n", encoding="utf-8")
    rules = load_ruleset([profile])
    assert "soviet-occupation-zone" in rules.earlier_entries
    assert "occupied zone of the test archive" not in rules.alias_index  # reached by the date only


def test_an_unknown_profile_says_what_there_is():
    with pytest.raises(GazetteerError, match="no rule profile 'nowhere'"):
        load_ruleset(["nowhere"])


def test_build_refuses_an_unknown_profile_before_reading_documents(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "archivekg", "build", "--store", str(tmp_path / "store"), "--profile", "nowhere"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "no rule profile 'nowhere'" in result.stderr
    assert not (tmp_path / "store").exists()


def test_a_profile_gives_an_archive_its_conventions(tmp_path, settings):
    """'the Department' of a U.S. telegram is the Department of State under the us-diplomatic
    profile, and nothing the base rules can be sure of without it: this telegram's heading is
    lost, so nothing says it went to the Secretary of State (the base rules read that heading:
    tests/test_context_names.py)."""
    import dataclasses

    import pyoxigraph as ox

    from archivekg.build import build, load_pipeline
    from archivekg.extract.vocab import PREFIXES

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "telegram.txt").write_text(
        "795.00/6-1051: Telegram\n\nSECRET\n\n"
        "Pusan, June 10, 1951—5 p.m.\n\n912. President Rhee told me today that he will not accept a cease-fire. "
        "I urged him to await the Department's instructions before speaking in public.\n\nMUCCIO\n",
        encoding="utf-8",
    )
    asked = """ASK { ?d a kg:Document ; schema:text ?t . ?e kg:mentionedIn ?d ; rdfs:label "United States Department of State"@en }"""
    answers = []
    for profiles in ((), ("us-diplomatic",)):
        local = dataclasses.replace(settings, store=tmp_path / f"store-{len(profiles)}", profiles=profiles)
        build(local, [tmp_path / "docs"], load_pipeline(local))
        store = ox.Store.read_only(str(local.store.resolve()))
        answers.append(bool(store.query(asked, use_default_graph_as_union=True, prefixes=PREFIXES)))
    assert answers == [False, True]
