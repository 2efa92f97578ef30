"""What a claim is about, when, and the proposition it takes a position on (for contradictions).

The proposition is "agent|action|target": the agent is who decides, refuses, requests or plans
(the holder of the innermost position frame, else the claimant); the action is a normalised action
of `claim_cues.jsonl` ("send troops", "accept"); the target is "to:" where troops go (an action
named by a verb and its object), or "of:" the things the position is about ("of:exchange+prisoner").
"""

from __future__ import annotations

from spacy.tokens import Token

from archivekg.extract.claim_voice import FIRST, SECOND
from archivekg.extract.model import DateValue, DocumentRecord

POSITION_FRAMES = ("decision", "order", "refusal", "request", "plan")
TARGET_NOUNS = 3  # the object's nouns that name what a position is about


def about_keys(finder, found, start: int, end: int) -> tuple[str, ...]:
    keys = [m.entity_key for m in finder.speakers.mentions_in(start, end)]
    return tuple(dict.fromkeys(keys))


def date_in(record: DocumentRecord, start: int, end: int) -> DateValue | None:
    for date in record.dates:
        if date.span and date.value and start <= date.span.start and date.span.end <= end:
            return date
    return None


def proposition(finder, found) -> str | None:
    unit, doc, rules = found.unit, finder.doc, finder.rules
    frames = [f for f in unit.frames if f.kind in POSITION_FRAMES and unit.first <= f.token < unit.last]
    verbs = [doc[f.token] for f in reversed(frames)] + [doc[unit.content]]
    verbs += [doc[i] for i in range(unit.first, unit.last) if doc[i].pos_ in ("VERB", "AUX") and doc[i] not in verbs]
    for verb in verbs:
        for action in rules.actions:
            if verb.lemma_.lower() not in action.verbs or not has_object(verb, action.objects):
                continue
            frame = next((f for f in frames if f.token == verb.i), None)
            agent = found.claimant
            if frame is not None and frame.holder is not None:
                who = finder.speakers.who(doc[frame.holder])
                agent = who if who not in (None, FIRST, SECOND) else found.claimant
            else:
                subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                who = finder.speakers.who(subject) if subject is not None else None
                agent = who if who not in (None, FIRST, SECOND) else found.claimant
            target = f"to:{destination(finder, verb) or ''}" if action.objects else f"of:{object_nouns(verb) or ''}"
            return f"{agent or ''}|{action.id}|{target}"
    return None


def has_object(verb: Token, objects: frozenset[str]) -> bool:
    if not objects:
        return True
    if verb.dep_ in ("acl", "relcl", "amod") and verb.head.lemma_.lower() in objects:
        return True  # "troops sent to Korea", "advancing troops"
    found = {t.lemma_.lower() for c in verb.children if c.dep_ in ("dobj", "nsubjpass", "obj", "attr", "pobj") for t in c.subtree}
    found |= {t.lemma_.lower() for p in verb.children if p.dep_ == "prep" for c in p.children if c.dep_ == "pobj" for t in c.subtree}
    return bool(found & objects)


def object_nouns(verb: Token) -> str | None:
    """"agreed to the exchange of sick and wounded prisoners" -> "exchange+prisoner"."""
    objects = [c for c in verb.children if c.dep_ in ("dobj", "xcomp")]
    objects += [c for p in verb.children if p.dep_ == "prep" and p.lower_ in ("to", "with", "on", "for") for c in p.children if c.dep_ == "pobj"]
    nouns = []
    for obj in objects[:1]:
        for t in obj.subtree:
            if t.pos_ in ("NOUN", "PROPN") and t.lemma_.lower() not in nouns:
                nouns.append(t.lemma_.lower())
    return "+".join(sorted(nouns[:TARGET_NOUNS])) or None


def destination(finder, verb: Token) -> str | None:
    for token in verb.subtree:
        if token.dep_ == "prep" and token.lower_ in ("to", "into") and token.head in (verb, *verb.children):
            for obj in token.children:
                m = finder.speakers.mention_at(obj.idx)
                if m is not None and finder.entities.get(m.entity_key) and finder.entities[m.entity_key].kind in ("country", "place"):
                    return m.entity_key
    return None
