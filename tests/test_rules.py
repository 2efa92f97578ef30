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
