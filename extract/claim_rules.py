"""The claim rules of `extract/data/claim_cues.jsonl`, loaded into plain values and a Matcher.

A historian edits the data file, never this module: which words make a sentence a decision,
a plan, an order, a refusal, a request, an assessment or a report; which verbs and objects
name the same action ("send troops", "advance divisions"); which replies mean "no".
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.matcher import Matcher
from spacy.vocab import Vocab

from archivekg.extract.gazetteer import GazetteerError
from archivekg.extract.model import MODALITIES, POLARITIES

CUES_FILE = "claim_cues.jsonl"


@dataclass(frozen=True)
class Cue:
    id: str
    pattern: tuple  # a spaCy Matcher pattern (list of token dicts), frozen as a tuple
    modality: str | None
    polarity: str | None
    anchor: int | None  # index into the match of the token that heads the claim
    about_texts: bool = False  # a judgement about texts: the claim is about the documents it names


@dataclass(frozen=True)
class Action:
    id: str
    verbs: frozenset[str]
    objects: frozenset[str]  # empty: the verb names the action by itself


@dataclass(frozen=True)
class ClaimRules:
    cues: tuple[Cue, ...]
    actions: tuple[Action, ...]
    negative_answers: frozenset[str]
    first_person: frozenset[str]
    speech: frozenset[str]
    groups: frozenset[str]
    future: frozenset[str]

    @property
    def by_id(self) -> dict[str, Cue]:
        return {c.id: c for c in self.cues}


def parse_claim_rules(rows: list[dict], where: str) -> ClaimRules:
    cues, actions, words = [], [], {k: set() for k in ("negative-answer", "first-person", "speech", "group", "future")}
    for row in rows:
        kind, rid = row.get("kind"), row.get("id", "?")
        if kind == "cue":
            modality, polarity = row.get("modality"), row.get("polarity")
            if modality is not None and modality not in MODALITIES:
                raise GazetteerError(f"{where}: cue {rid}: modality {modality!r} is not one of {', '.join(MODALITIES)}")
            if polarity is not None and polarity not in POLARITIES:
                raise GazetteerError(f"{where}: cue {rid}: polarity {polarity!r} is not one of {', '.join(POLARITIES)}")
            if not isinstance(row.get("pattern"), list) or not row["pattern"]:
                raise GazetteerError(f"{where}: cue {rid}: needs a non-empty 'pattern' list")
            cues.append(Cue(rid, tuple(row["pattern"]), modality, polarity, row.get("anchor"), row.get("about") == "texts"))
        elif kind == "action":
            actions.append(Action(rid, frozenset(row.get("verbs", ())), frozenset(row.get("objects", ()))))
        elif kind in words:
            words[kind].update(w.lower() for w in row.get("words", ()))
        else:
            raise GazetteerError(f"{where}: rule {rid}: unknown kind {kind!r}")
    return ClaimRules(
        tuple(cues),
        tuple(actions),
        *(frozenset(words[k]) for k in ("negative-answer", "first-person", "speech", "group", "future")),
    )


_MATCHERS: dict[tuple[int, int], Matcher] = {}


def cue_matcher(vocab: Vocab, rules: ClaimRules) -> Matcher:
    """One Matcher per (vocabulary, rules), built on first use; match ids are the cue ids."""
    key = (id(vocab), id(rules))
    if key not in _MATCHERS:
        matcher = Matcher(vocab, validate=True)
        for cue in rules.cues:
            matcher.add(cue.id, [list(cue.pattern)])
        _MATCHERS[key] = matcher
    return _MATCHERS[key]
