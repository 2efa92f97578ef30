"""The claim rules, loaded into plain values and a Matcher: what the claims stage knows about English.

A historian edits the data files, never this module:
- `claim_frames.jsonl`: the predicates under which a clause is asserted (speech, opinion, decision, order,
  refusal, request, plan), what is narration or correspondence rather than assertion, courtesies, questions;
- `claim_polarity.jsonl`: negators, bounds, litotes, verbs and nouns of stopping and refraining;
- `claim_cues.jsonl`: Matcher cues that widen or narrow what the frames find, normalised actions
  ("send troops", "advance divisions") for propositions, replies that mean "no";
- `claim_lines.jsonl`: lines that are apparatus, for documents whose lines the layout stage has not classed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.matcher import Matcher
from spacy.vocab import Vocab

from archivekg.extract.gazetteer import GazetteerError
from archivekg.extract.model import MODALITIES, POLARITIES

FRAME_KINDS = ("speech", "opinion", "decision", "order", "refusal", "request", "plan")


@dataclass(frozen=True)
class Cue:
    id: str
    pattern: tuple  # a spaCy Matcher pattern (list of token dicts), frozen as a tuple
    modality: str | None
    polarity: str | None
    anchor: int | None  # index into the match of the token that must lie in the clause's own scope
    about_texts: bool = False  # a judgement about texts: the claim is then about the documents it names
    claim: bool | None = None  # True: a clause holding it is a claim; False: it is none; None: no effect


@dataclass(frozen=True)
class CueHit:
    cue: Cue
    start: int  # token indices of the match
    end: int


@dataclass(frozen=True)
class Action:
    id: str
    verbs: frozenset[str]
    objects: frozenset[str]  # empty: the verb names the action by itself


@dataclass(frozen=True)
class Narration:
    verbs: frozenset[str]
    nouns: frozenset[str]  # empty: any arguments
    past: bool = False
    first_person: bool = False


@dataclass(frozen=True)
class LinePattern:
    regex: re.Pattern
    anywhere: bool
    unpunctuated: bool


@dataclass(frozen=True)
class ClaimRules:
    cues: tuple[Cue, ...] = ()
    actions: tuple[Action, ...] = ()
    negative_answers: frozenset[str] = frozenset()
    first_person: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    future: frozenset[str] = frozenset()
    # frames: lemma -> frame kind; phrasal: (lemma, particle) -> kind
    frame_verbs: dict = field(default_factory=dict)
    frame_phrasal: dict = field(default_factory=dict)
    frame_adjectives: dict = field(default_factory=dict)
    frame_nouns: dict = field(default_factory=dict)
    modality_of: dict = field(default_factory=dict)  # frame kind -> modality
    opinion_nouns: frozenset[str] = frozenset()  # "in our view"
    source_preps: frozenset[str] = frozenset()  # "according to X"
    see_verbs: frozenset[str] = frozenset()  # "as we see it"
    narration: tuple[Narration, ...] = ()
    correspondence_verbs: frozenset[str] = frozenset()
    message_nouns: frozenset[str] = frozenset()
    formula_verbs: frozenset[str] = frozenset()
    formula_adjectives: frozenset[str] = frozenset()
    question_verbs: frozenset[str] = frozenset()
    topic_verbs: frozenset[str] = frozenset()
    topic_nouns: frozenset[str] = frozenset()
    pointers: frozenset[str] = frozenset()  # "the following", "as follows"
    person_pronouns: frozenset[str] = frozenset()
    group_pronouns: frozenset[str] = frozenset()
    second_person: frozenset[str] = frozenset()
    negators: frozenset[str] = frozenset()
    bounds: frozenset[str] = frozenset()
    litotes_nouns: frozenset[str] = frozenset()
    litotes_verbs: frozenset[str] = frozenset()
    litotes_phrasal: frozenset[tuple[str, str]] = frozenset()
    halt_verbs: frozenset[str] = frozenset()
    halt_phrasal: frozenset[tuple[str, str]] = frozenset()
    halt_nouns: frozenset[str] = frozenset()
    halt_exceptions: frozenset[str] = frozenset()
    contrast: frozenset[str] = frozenset()
    apparatus_lines: tuple[LinePattern, ...] = ()
    abbreviations: frozenset[str] = frozenset()  # "Cde.", "Gen.": a full stop after them ends no sentence

    @property
    def by_id(self) -> dict[str, Cue]:
        return {c.id: c for c in self.cues}


def _words(row: dict, key: str) -> frozenset[str]:
    return frozenset(w.lower() for w in row.get(key, ()))


def _pairs(row: dict, key: str) -> frozenset[tuple[str, str]]:
    return frozenset(tuple(p.lower().split(None, 1)) for p in row.get(key, ()) if " " in p)


def parse_cue_rows(rows: list[dict], where: str) -> dict:
    cues, actions, words = [], [], {k: set() for k in ("negative-answer", "first-person", "group", "future")}
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
            cues.append(Cue(rid, tuple(row["pattern"]), modality, polarity, row.get("anchor"), row.get("about") == "texts", row.get("claim")))
        elif kind == "action":
            actions.append(Action(rid, _words(row, "verbs"), _words(row, "objects")))
        elif kind in words:
            words[kind].update(w.lower() for w in row.get("words", ()))
        else:
            raise GazetteerError(f"{where}: rule {rid}: unknown kind {kind!r}")
    return {
        "cues": tuple(cues),
        "actions": tuple(actions),
        "negative_answers": frozenset(words["negative-answer"]),
        "first_person": frozenset(words["first-person"]),
        "groups": frozenset(words["group"]),
        "future": frozenset(words["future"]),
    }


def parse_frame_rows(rows: list[dict], where: str) -> dict:
    out: dict = {k: {} for k in ("frame_verbs", "frame_phrasal", "frame_adjectives", "frame_nouns", "modality_of")}
    sets: dict[str, set] = {}
    narration = []

    def add(key: str, values) -> None:
        sets.setdefault(key, set()).update(values)

    for row in rows:
        kind, rid = row.get("kind"), row.get("id", "?")
        if kind == "frame":
            frame, modality = row.get("frame"), row.get("modality")
            if frame not in FRAME_KINDS:
                raise GazetteerError(f"{where}: frame {rid}: 'frame' must be one of {', '.join(FRAME_KINDS)}")
            if modality not in MODALITIES:
                raise GazetteerError(f"{where}: frame {rid}: modality {modality!r} is not one of {', '.join(MODALITIES)}")
            out["modality_of"][frame] = modality
            for key, table in (("verbs", "frame_verbs"), ("adjectives", "frame_adjectives"), ("nouns", "frame_nouns")):
                for word in _words(row, key):
                    out[table].setdefault(word, frame)
            for pair in _pairs(row, "phrasal"):
                out["frame_phrasal"].setdefault(pair, frame)
        elif kind == "opinion-marker":
            add("opinion_nouns", _words(row, "nouns"))
            add("source_preps", _words(row, "preps"))
            add("see_verbs", _words(row, "see-verbs"))
        elif kind == "narration":
            narration.append(Narration(_words(row, "verbs"), _words(row, "nouns"), bool(row.get("past")), bool(row.get("first-person"))))
        elif kind == "correspondence":
            add("correspondence_verbs", _words(row, "verbs"))
            add("message_nouns", _words(row, "nouns"))
        elif kind == "formula":
            add("formula_verbs", _words(row, "verbs"))
            add("formula_adjectives", _words(row, "adjectives"))
        elif kind == "question":
            add("question_verbs", _words(row, "verbs"))
        elif kind == "topic":
            add("topic_verbs", _words(row, "verbs"))
            add("topic_nouns", _words(row, "nouns"))
        elif kind == "standalone":
            add("pointers", _words(row, "words"))
        elif kind == "pronoun":
            add("group_pronouns" if row.get("group") else "person_pronouns", _words(row, "words"))
        elif kind == "second-person":
            add("second_person", _words(row, "words"))
        else:
            raise GazetteerError(f"{where}: rule {rid}: unknown kind {kind!r}")
    out.update({k: frozenset(v) for k, v in sets.items()})
    out["narration"] = tuple(narration)
    return out


def parse_polarity_rows(rows: list[dict], where: str) -> dict:
    sets: dict[str, set] = {}
    fields = {
        "negator": (("words", "negators"),),
        "bound": (("words", "bounds"),),
        "litotes": (("nouns", "litotes_nouns"), ("verbs", "litotes_verbs"), ("phrasal", "litotes_phrasal")),
        "halt": (("verbs", "halt_verbs"), ("phrasal", "halt_phrasal"), ("nouns", "halt_nouns"), ("except", "halt_exceptions")),
        "contrast": (("words", "contrast"),),
    }
    for row in rows:
        kind = row.get("kind")
        if kind not in fields:
            raise GazetteerError(f"{where}: rule {row.get('id', '?')}: unknown kind {kind!r}")
        for key, name in fields[kind]:
            sets.setdefault(name, set()).update(_pairs(row, key) if key == "phrasal" else _words(row, key))
    return {k: frozenset(v) for k, v in sets.items()}


def parse_line_rows(rows: list[dict], where: str) -> dict:
    patterns, abbreviations = [], set()
    for row in rows:
        if row.get("kind") == "abbreviation":
            abbreviations |= _words(row, "words")
            continue
        if row.get("kind") != "apparatus" or not row.get("regex"):
            raise GazetteerError(f"{where}: rule {row.get('id', '?')}: needs kind 'apparatus' (with a 'regex') or 'abbreviation'")
        patterns.append(LinePattern(re.compile(row["regex"]), row.get("at") == "anywhere", bool(row.get("unpunctuated"))))
    return {"apparatus_lines": tuple(patterns), "abbreviations": frozenset(abbreviations)}


def parse_claim_rules(files) -> ClaimRules:
    """Every claim rule file of the base and profiles (`RuleFiles`), checked, as one ClaimRules."""
    values: dict = {}
    values.update(parse_cue_rows(files.jsonl("claim_cues.jsonl"), "claim_cues.jsonl"))
    values.update(parse_frame_rows(files.jsonl("claim_frames.jsonl"), "claim_frames.jsonl"))
    values.update(parse_polarity_rows(files.jsonl("claim_polarity.jsonl"), "claim_polarity.jsonl"))
    values.update(parse_line_rows(files.jsonl("claim_lines.jsonl"), "claim_lines.jsonl"))
    return ClaimRules(**values)


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
